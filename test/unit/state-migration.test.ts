/**
 * Records written by earlier versions read in the current shape: a 0.4 record's posted texts become records tied to their thread entries, and the texts are not kept twice.
 */
import { migrateState, STATE_VERSION } from "../../src/core/ticket/state";
import { pendingRecord, textDigest } from "../../src/core/history/posted";
import { outputsFrom } from "../../src/core/ticket/outputs";
import type { Ticket } from "../../src/api/schemas";
import { planChanges } from "../../src/core/ticket/plan";
import { plannedFrom } from "../../src/core/ticket/records";
import { userInputs } from "../../src/core/ticket/inputs";
import * as fs from "node:fs";
import * as path from "node:path";

const customer = (id: string, text: string) => ({ id, text, created: `2026-12-01T00:00:0${id.slice(-1)}.000Z`, authorName: "Dana", authorType: "customer" });
const racker = (id: string, text: string) => ({ id, text, created: "2026-12-01T00:00:09.000Z", authorName: "Sam", authorType: "racker" });

/** A record as 0.4.0 wrote it: texts in `comments`, every thread entry with its text. */
const v2 = {
  __stateVersion: 2,
  ticketId: "T1",
  accountId: "hybrid:1",
  subject: "s",
  category: "Change",
  subcategory: "General",
  description: "d",
  status: "Pending Rackspace",
  resources: [],
  comments: ["deployed", { text: "log", attachments: [{ filename: "a.txt", content: "x" }] }, "deployed"],
  notes: [{ digest: textDigest("run 7"), commentId: "T1-c4" }],
  thread: [
    customer("T1-c1", "d\n\n-- \nManaged by Pulumi (pulumi-rackspace-ticketing): project p, stack s, resource r. Marker: pulumi-rt-0123456789abcdef"),
    customer("T1-c2", "deployed"),
    customer("T1-c3", "log"),
    customer("T1-c4", "run 7"),
    racker("T1-c5", "Looks good."),
    customer("T1-c6", "deployed"),
  ],
};

describe("state migration", () => {
  it("turns 0.4's posted texts into records tied to their thread entries, in order, even for repeated texts", () => {
    const m = migrateState(v2 as never);
    expect(m.__stateVersion).toBe(STATE_VERSION);
    expect(m).not.toHaveProperty("comments");
    // The description's text is in the inputs: the record keeps its digest.
    expect(m).not.toHaveProperty("description");
    expect(m.descriptionDigest).toBe(textDigest("d"));
    expect(m.posted).toEqual([
      { ...pendingRecord("deployed"), commentId: "T1-c2" },
      { ...pendingRecord({ text: "log", attachments: [{ filename: "a.txt", content: "x" }] }), commentId: "T1-c3" },
      { ...pendingRecord("deployed"), commentId: "T1-c6" },
    ]);
    expect(m.posted[1].files).toEqual(["a.txt"]);
    // The note's entry is not taken by a comment, and the input record is not changed.
    expect(m.notes).toEqual(v2.notes);
    expect(v2.comments).toHaveLength(3);
  });

  it("keeps 0.3's note records ({sha256, textSha256}): the last note is not posted again, a new one is", () => {
    // test/fixtures/notes-0.3: a record as 0.3 wrote it (full SHA-256 digests). Before this
    // migration such records were dropped, so the note in the program was posted a second time.
    const v03 = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "notes-0.3", "record.json"), "utf8"));
    const m = migrateState(v03);
    expect(m.notes).toEqual([
      { digest: pendingRecord({ text: "Deployed build 41 (log attached)", attachments: [{ filename: "n.txt", content: "x" }] }).digest, textDigest: textDigest("Deployed build 41 (log attached)"), commentId: "T9-c3" },
      { digest: textDigest("Deployed build 42"), commentId: "T9-c4" },
    ]);
    // The notes' entries are not taken for the comment; the one comment is tied to its own entry.
    expect(m.posted).toEqual([{ ...pendingRecord("Window opened."), commentId: "T9-c2" }]);
    const declared = { ...userInputs(v03), comments: ["Window opened."] };
    expect(planChanges(plannedFrom(m), declared).note).toBeUndefined();
    expect(planChanges(plannedFrom(m), { ...declared, note: "Deployed build 43" }).note).toBe("Deployed build 43");
  });

  it("reads 0.2's unversioned record (no thread, no comments) as an empty history", () => {
    const m = migrateState({ ticketId: "T2", accountId: "hybrid:1" } as never);
    expect(m).toMatchObject({ posted: [], thread: [], resources: [], status: "", __stateVersion: STATE_VERSION });
  });

  it("refuses a record from a newer version", () => {
    expect(() => migrateState({ __stateVersion: STATE_VERSION + 1 } as never, "r", "T3")).toThrow(/newer pulumi-rackspace-ticketing/);
  });

  it("the next outputs keep each text once: the stack's own entries by reference, the Racker's and the note's with their texts", () => {
    const m = migrateState(v2 as never);
    const ticket: Ticket = {
      ticketId: "T1",
      status: "Pending Rackspace",
      resources: [],
      recipients: [],
      comments: v2.thread.map((t) => ({ id: t.id, text: t.text, created: t.created, author: { name: t.authorName, type: t.authorType } })),
    };
    // A refresh builds the outputs without the description and comments: the record's digest and records stand for them.
    const outs = outputsFrom({ accountId: "hybrid:1", subject: "s", category: "Change", subcategory: "General" }, ticket, m.posted, { notes: m.notes, descriptionDigest: m.descriptionDigest });
    expect(outs.thread.map((t) => t.entry ?? t.text)).toEqual(["description", "comments[0]", "comments[1]", "run 7", "Looks good.", "comments[2]"]);
    expect(JSON.stringify(outs)).not.toContain('"deployed"');
    expect(outs).not.toHaveProperty("comments");
    expect(outs).not.toHaveProperty("description");
    expect(outs.descriptionDigest).toBe(textDigest("d"));
  });
});
