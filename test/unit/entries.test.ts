/**
 * Attachments as inputs: digests recorded at check, identity by name and content, the
 * append-only rule for posted entries' files, and the bytes read again at apply time.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { attachmentNameProblem, FORBIDDEN_EXTENSIONS } from "../../src/api/attachments";
import { attachmentKey, digestInputs, loadAttachment, sameEntry, sha256 } from "../../src/core/history/entries";
import { appendOnlyProblems } from "../../src/core/history/append-only";
import { pendingRecord } from "../../src/core/history/posted";
import { planChanges } from "../../src/core/ticket/plan";

const base = { accountId: "hybrid:100001", subject: "Deploy", category: "Change", subcategory: "General" };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "rt-entries-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

describe("file names", () => {
  it("refuses every documented extension, in any case, and names the extension", () => {
    expect(FORBIDDEN_EXTENSIONS.size).toBeGreaterThan(90);
    for (const ext of ["exe", "JS", "Bat", "ps1", "msi", "vbs", "jar"]) expect(attachmentNameProblem(`x.${ext}`)).toMatch(new RegExp(`\\.${ext.toLowerCase()} are refused`));
    expect(attachmentNameProblem("deploy.log")).toBeUndefined();
    expect(attachmentNameProblem("archive.tar.gz")).toBeUndefined();
    expect(attachmentNameProblem("README")).toBeUndefined();
    expect(attachmentNameProblem("run.exe.")).toMatch(/\.exe are refused/);
    expect(attachmentNameProblem("run.EXE  ")).toMatch(/\.exe are refused/);
    expect(attachmentNameProblem("../etc/passwd")).toMatch(/directory/);
    expect(attachmentNameProblem("  ")).toMatch(/empty/);
  });
});

describe("digests at check", () => {
  it("records the SHA-256 of each path attachment, on the description and on comments", () => {
    write("plan.txt", "plan v1");
    write("log.txt", "log");
    const { inputs, problems } = digestInputs(
      { ...base, attachments: [{ filename: "plan.txt", path: "plan.txt" }], comments: ["plain", { text: "with file", attachments: [{ filename: "log.txt", path: "log.txt" }] }] },
      undefined,
      dir,
    );
    expect(problems).toEqual([]);
    expect(inputs.attachments).toEqual([{ filename: "plan.txt", path: "plan.txt", sha256: sha256(Buffer.from("plan v1")) }]);
    expect((inputs.comments as unknown[])[0]).toBe("plain");
    expect((inputs.comments as { attachments: unknown[] }[])[1].attachments).toEqual([{ filename: "log.txt", path: "log.txt", sha256: sha256(Buffer.from("log")) }]);
  });

  it("a missing file is a check failure naming the property and the directory", () => {
    const { problems } = digestInputs({ ...base, comments: [{ text: "x", attachments: [{ filename: "gone.txt", path: "gone.txt" }] }] }, undefined, dir);
    expect(problems).toEqual([{ property: "comments[0].attachments[0].path", reason: expect.stringMatching(/no file at "gone\.txt".*program's directory/) }]);
  });

  it("a file that was attached earlier and is gone from this machine keeps its recorded digest", () => {
    const recorded = { filename: "log.txt", path: "log.txt", sha256: "a".repeat(64) };
    const { inputs, problems } = digestInputs(
      { ...base, comments: [{ text: "x", attachments: [{ filename: "log.txt", path: "log.txt" }] }] },
      { ...base, comments: [{ text: "x", attachments: [recorded] }] },
      dir,
    );
    expect(problems).toEqual([]);
    expect((inputs.comments as { attachments: unknown[] }[])[0].attachments).toEqual([recorded]);
  });
});

describe("identity and the append-only rule", () => {
  it("an attachment is its name and content: the same bytes from a path or inline are the same file; a moved file is unchanged", () => {
    const digest = sha256(Buffer.from("hello"));
    expect(attachmentKey({ filename: "a.txt", content: "hello" })).toBe(attachmentKey({ filename: "a.txt", path: "x/a.txt", sha256: digest }));
    expect(attachmentKey({ filename: "a.txt", content: "aGVsbG8=", encoding: "base64" })).toBe(attachmentKey({ filename: "a.txt", content: "hello" }));
    expect(sameEntry({ text: "t", attachments: [{ filename: "a.txt", path: "old/a.txt", sha256: digest }] }, { text: "t", attachments: [{ filename: "a.txt", path: "new/a.txt", sha256: digest }] })).toBe(true);
    expect(sameEntry("t", { text: "t" })).toBe(true);
    expect(sameEntry("t", { text: "t", attachments: [{ filename: "a.txt", content: "hello" }] })).toBe(false);
  });

  it("a posted comment whose file content changed is refused like an edited comment", () => {
    const olds = { ...base, comments: [{ text: "deployed", attachments: [{ filename: "log.txt", path: "log.txt", sha256: "a".repeat(64) }] }] };
    const news = { ...base, comments: [{ text: "deployed", attachments: [{ filename: "log.txt", path: "log.txt", sha256: "b".repeat(64) }] }] };
    expect(appendOnlyProblems(olds.comments.map((c) => pendingRecord(c)), news.comments)).toEqual([expect.stringMatching(/^comments\[0\]\.attachments: the entry was posted with "log\.txt" and .*cannot change.*append-only/)]);
  });

  it("a posted comment that gains or loses a file is refused; one added at the end is fine", () => {
    const olds = { ...base, comments: [pendingRecord("deployed")] };
    expect(appendOnlyProblems(olds.comments, [{ text: "deployed", attachments: [{ filename: "a.txt", content: "x" }] }])).toEqual([
      expect.stringMatching(/^comments\[0\]\.attachments: the entry was posted without files/),
    ]);
    expect(appendOnlyProblems(olds.comments, ["deployed", { text: "logs", attachments: [{ filename: "a.txt", content: "x" }] }])).toEqual([]);
    // Written as an object without files, the posted entry is the same entry.
    expect(appendOnlyProblems(olds.comments, [{ text: "deployed" }])).toEqual([]);
  });

  it("the description's files force a new ticket when their content changes, not when the file moves", () => {
    const d = sha256(Buffer.from("v1"));
    const olds = { ...base, attachments: [{ filename: "plan.txt", path: "a/plan.txt", sha256: d }] };
    expect(planChanges(olds, { ...base, attachments: [{ filename: "plan.txt", path: "b/plan.txt", sha256: d }] }).replaces).toEqual([]);
    expect(planChanges(olds, { ...base, attachments: [{ filename: "plan.txt", path: "a/plan.txt", sha256: sha256(Buffer.from("v2")) }] }).replaces).toEqual(["attachments"]);
    expect(planChanges(olds, base).replaces).toEqual(["attachments"]);
  });

  it("plans appended entries with their files, in order", () => {
    const entry = { text: "logs", attachments: [{ filename: "a.txt", content: "x" }] };
    expect(planChanges({ ...base, posted: [pendingRecord("one")] }, { ...base, comments: ["one", entry, "three"] }).newComments).toEqual([entry, "three"]);
  });
});

describe("bytes at apply time", () => {
  it("reads inline content in either encoding and files from the program's directory", () => {
    write("f.bin", "bytes");
    expect(loadAttachment({ filename: "a", content: "hi" }, "w").toString()).toBe("hi");
    expect(loadAttachment({ filename: "a", content: "aGk=", encoding: "base64" }, "w").toString()).toBe("hi");
    expect(loadAttachment({ filename: "f.bin", path: "f.bin", sha256: sha256(Buffer.from("bytes")) }, "w", dir).toString()).toBe("bytes");
  });

  it("refuses a file rewritten after the preview checked it", () => {
    write("f.txt", "reviewed");
    const checked = { filename: "f.txt", path: "f.txt", sha256: sha256(Buffer.from("reviewed")) };
    write("f.txt", "something else");
    expect(() => loadAttachment(checked, "comments[0].attachments[0]", dir)).toThrow(/comments\[0\]\.attachments\[0\]: "f\.txt" changed after the preview checked it/);
  });
});
