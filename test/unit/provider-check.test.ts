import { appendOnlyProblems } from "../../src/core/history/append-only";
import { pendingRecord } from "../../src/core/history/posted";
import { checkInputs, UNKNOWN } from "../../src/core/ticket/inputs";
import { RackspaceTicketProvider } from "../../src/faces/dynamic/provider";

const valid = {
  accountId: "hybrid:100001",
  subject: "Deploy web tier v2",
  category: "Change",
  subcategory: "General",
  severity: "Normal",
  description: "Rolling out the new web tier.",
  recipients: ["RPN-000-000-001", "ops@example.com"],
  resources: ["https://resources.api.rackspace.com/resources/dedicated:0001"],
  comments: ["first note"],
};

const long = (n: number) => "x".repeat(n);

/** [what, patch to the valid inputs, property expected in the failure, reason pattern] */
const invalid: [string, Record<string, unknown>, string, RegExp][] = [
  ["missing accountId", { accountId: undefined }, "accountId", /required/],
  ["numeric accountId", { accountId: 12345 }, "accountId", /string/],
  ["empty accountId", { accountId: "" }, "accountId", /empty/],
  ["blank accountId", { accountId: "   " }, "accountId", /empty/],
  ["accountId with spaces", { accountId: "hybrid: 1" }, "accountId", /look like/],
  ["accountId with uppercase prefix", { accountId: "HYBRID:1" }, "accountId", /look like/],
  ["accountId too long", { accountId: `hybrid:${long(120)}` }, "accountId", /at most 100/],
  ["accountId as object", { accountId: { id: 1 } }, "accountId", /string/],
  ["missing subject", { subject: undefined }, "subject", /required/],
  ["empty subject", { subject: "" }, "subject", /empty/],
  ["whitespace subject", { subject: "\n\t " }, "subject", /empty/],
  ["subject too long", { subject: long(256) }, "subject", /at most 255/],
  ["subject as number", { subject: 42 }, "subject", /string/],
  ["subject as array", { subject: ["a"] }, "subject", /string/],
  ["missing category", { category: undefined }, "category", /required/],
  ["empty category", { category: "" }, "category", /empty/],
  ["category as boolean", { category: true }, "category", /string/],
  ["category too long", { category: long(101) }, "category", /at most 100/],
  ["missing subcategory", { subcategory: undefined }, "subcategory", /required/],
  ["empty subcategory", { subcategory: " " }, "subcategory", /empty/],
  ["subcategory as null", { subcategory: null }, "subcategory", /string/],
  ["severity not in enum", { severity: "Critical" }, "severity", /one of Low, Normal, High, Urgent$/],
  ["severity as number", { severity: 3 }, "severity", /one of/],
  ["severity empty", { severity: "" }, "severity", /one of/],
  ["description empty", { description: "" }, "description", /empty/],
  ["description too long", { description: long(32_001) }, "description", /at most 32000/],
  ["description as object", { description: { text: "x" } }, "description", /string/],
  ["recipients not a list", { recipients: "RPN-1" }, "recipients", /list/],
  ["recipient not a string", { recipients: [42] }, "recipients[0]", /string/],
  ["recipient malformed", { recipients: ["bob"] }, "recipients[0]", /contact id/],
  ["recipient bad email", { recipients: ["a@b"] }, "recipients[0]", /contact id/],
  ["recipients repeated", { recipients: ["RPN-1", "RPN-1"] }, "recipients", /repeat/],
  ["second recipient bad", { recipients: ["RPN-1", ""] }, "recipients[1]", /contact id/],
  ["resources not a list", { resources: "https://x/y" }, "resources", /list/],
  ["resource not a URL", { resources: ["dedicated:0001"] }, "resources[0]", /absolute http\(s\) resource URL/],
  ["resource relative", { resources: ["/resources/dedicated:1"] }, "resources[0]", /URL/],
  ["resource ftp", { resources: ["ftp://resources.api.rackspace.com/x"] }, "resources[0]", /URL/],
  ["resource as number", { resources: [1] }, "resources[0]", /URL string/],
  ["resource empty", { resources: [""] }, "resources[0]", /URL/],
  ["resources repeated", { resources: ["https://a.example/r/1", "https://a.example/r/1"] }, "resources", /repeat/],
  ["third resource bad", { resources: ["https://a.example/1", "https://a.example/2", "nope"] }, "resources[2]", /URL/],
  ["too many resources", { resources: Array.from({ length: 501 }, (_, i) => `https://a.example/r/${i}`) }, "resources", /at most 500/],
  ["comments not a list", { comments: "hello" }, "comments", /list/],
  ["comment neither text nor entry", { comments: [{ body: "x" }] }, "comments[0]", /unknown property; a comment is a string or \{ text, attachments \}/],
  ["comment entry without text", { comments: [{ attachments: [] }] }, "comments[0].text", /required/],
  ["comment as a list", { comments: [["x"]] }, "comments[0]", /string or \{ text, attachments \}/],
  ["attachment with a forbidden extension", { attachments: [{ filename: "setup.EXE", content: "x" }] }, "attachments[0].filename", /\.exe are refused/],
  ["attachment with a directory in its name", { attachments: [{ filename: "logs/app.log", content: "x" }] }, "attachments[0].filename", /directory/],
  ["attachment with neither path nor content", { attachments: [{ filename: "a.log" }] }, "attachments[0]", /exactly one of `path`/],
  ["attachment with both path and content", { attachments: [{ filename: "a.log", path: "a.log", content: "x" }] }, "attachments[0]", /exactly one of `path`/],
  ["attachment with an unknown property", { attachments: [{ filename: "a.log", content: "x", mode: 1 }] }, "attachments[0].mode", /unknown property/],
  ["attachment names repeated", { attachments: [{ filename: "a.log", content: "x" }, { filename: "a.log", content: "y" }] }, "attachments", /repeat a file name/],
  ["attachment content not base64", { attachments: [{ filename: "a.bin", content: "%%%", encoding: "base64" }] }, "attachments[0].content", /base64/],
  ["comment attachment forbidden", { comments: [{ text: "see", attachments: [{ filename: "run.ps1", content: "x" }] }] }, "comments[0].attachments[0].filename", /\.ps1 are refused/],
  ["comment number", { comments: ["first note", 7] }, "comments[1]", /string/],
  ["comment empty", { comments: ["first note", ""] }, "comments[1]", /empty/],
  ["comment blank", { comments: ["first note", "   "] }, "comments[1]", /empty/],
  ["comment too long", { comments: ["first note", long(32_001)] }, "comments[1]", /at most 32000/],
  ["comment null", { comments: [null] }, "comments[0]", /string/],
  ["unknown key", { color: "red" }, "color", /unknown property/],
  ["misspelt key", { subjcet: "x" }, "subjcet", /unknown property/],
  ["status is not an input", { status: "Closed" }, "status", /unknown property/],
  ["ticketId is not an input", { ticketId: "123" }, "ticketId", /unknown property/],
  ["classification is not an input", { classification: "Change" }, "classification", /unknown property/],
];

describe("check: invalid inputs (one CheckFailure each, property and reason)", () => {
  it("has at least 50 cases", () => expect(invalid.length).toBeGreaterThanOrEqual(50));

  it.each(invalid)("%s", (_what, patch, property, reason) => {
    const news: Record<string, unknown> = { ...valid, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete news[k];
    const failures = checkInputs(news);
    // A top-level field is the failure's property; a nested path leads the reason (the engine would print `{<nil>}` for it).
    const hit = failures.find((f) => f.property === property || (f.property === "" && f.reason.startsWith(`${property}: `)));
    expect(hit).toBeDefined();
    expect(hit!.reason).toMatch(reason);
  });
});

describe("check: valid inputs", () => {
  it("accepts the full set and the minimal set", () => {
    expect(checkInputs(valid)).toEqual([]);
    expect(checkInputs({ accountId: "12345", subject: "s", category: "Incident", subcategory: "Other" })).toEqual([]);
  });

  it("ignores the engine's bookkeeping keys", () => {
    expect(checkInputs({ ...valid, __provider: "exports.handler=…", __resourceName: "t", thread: [] })).toEqual([]);
  });

  it("accepts unknown values during a preview, whole fields or list entries", () => {
    expect(checkInputs({ ...valid, subject: UNKNOWN, resources: UNKNOWN, comments: ["first note", UNKNOWN] })).toEqual([]);
  });

  it("reports an invalid entry at its original index when unknowns precede it", () => {
    const f = checkInputs({ ...valid, resources: [UNKNOWN, "bad"] });
    expect(f).toEqual([{ property: "", reason: expect.stringMatching(/^resources\[1\]: /) }]);
  });

  it("lists every problem, not just the first", () => {
    const f = checkInputs({ accountId: "", subject: "", category: "Change", subcategory: "General", severity: "x" });
    expect(f.map((x) => x.property).sort()).toEqual(["accountId", "severity", "subject"]);
  });
});

describe("diff: the ticket's history is append-only, against what is on the ticket", () => {
  // The outputs keep a record (digest and id) per posted entry, never its text.
  const posted = ["one", "two"].map((t) => pendingRecord(t));

  it("allows adding comments at the end", () => {
    expect(appendOnlyProblems(posted, ["one", "two", "three"])).toEqual([]);
  });

  it("rejects editing a posted comment, naming it by its path", () => {
    expect(appendOnlyProblems(posted, ["one", "TWO"])).toEqual([expect.stringMatching(/^comments\[1\] is already on the ticket and cannot be edited.*append-only/)]);
  });

  it("rejects removing a posted comment", () => {
    expect(appendOnlyProblems(posted, ["one"])).toEqual([expect.stringMatching(/^comments\[1\] .*cannot be removed/)]);
    expect(appendOnlyProblems(posted, undefined)[0]).toMatch(/^comments\[0\] /);
  });

  it("rejects reordering posted comments", () => {
    expect(appendOnlyProblems(posted, ["two", "one"])[0]).toMatch(/^comments\[0\] .*cannot be moved \(it now appears at comments\[1\]\)/);
  });

  it("lets an entry that never reached the ticket change (a comment the API refused)", () => {
    // The last inputs said ["one", "two", "bad"], but only two are on the ticket.
    expect(appendOnlyProblems(posted, ["one", "two", "fixed"])).toEqual([]);
    expect(appendOnlyProblems(posted, ["one", "two"])).toEqual([]);
  });

  it("does not judge unknown comments in a preview", () => {
    expect(appendOnlyProblems(posted, UNKNOWN)).toEqual([]);
    expect(appendOnlyProblems(posted, [UNKNOWN, "two"])).toEqual([]);
  });

  it("never prints a comment's text", () => {
    const secret = "s3cr3t-comment-text";
    for (const p of appendOnlyProblems([secret, "b"].map((t) => pendingRecord(t)), ["x", "y"])) expect(p).not.toContain(secret);
  });
});

describe("check: severities and categories the docs allow in a request", () => {
  it("refuses Emergency (it appears only in responses) and says what to use", () => {
    expect(checkInputs({ ...valid, severity: "Emergency" })).toEqual([{ property: "severity", reason: expect.stringMatching(/only in the API's responses.*Low, Normal, High, Urgent/) }]);
  });

  it("takes a severity without regard to case, like a category: check records it as the API spells it", async () => {
    // Before, `severity: "normal"` was refused while `category: "change"` was accepted.
    const provider = new RackspaceTicketProvider();
    for (const [given, recorded] of [["normal", "Normal"], [" URGENT ", "Urgent"], ["Low", "Low"]]) {
      const r = await provider.check({}, { ...valid, severity: given });
      expect(r.failures).toEqual([]);
      expect(r.inputs.severity).toBe(recorded);
    }
    expect((await provider.check({}, { ...valid, severity: "Critical" })).failures).toEqual([{ property: "severity", reason: expect.stringMatching(/one of/) }]);
  });

  it("accepts the documented categories the forgiving way (case, &, plurals)", () => {
    for (const category of ["change", "Billing & Payment", "billing and payments", "REQUEST FOR INFORMATION", "Incidents", "Account"]) {
      expect(checkInputs({ ...valid, category })).toEqual([]);
    }
  });

  it("refuses another category at check unless rackspace:allowAnyCategory is on", () => {
    expect(checkInputs({ ...valid, category: "Chnage" })).toEqual([{ property: "category", reason: expect.stringMatching(/not one of the documented categories.*rackspace:allowAnyCategory/) }]);
    expect(checkInputs({ ...valid, category: "Chnage" }, { allowAnyCategory: true })).toEqual([]);
  });
});

describe("check: failures never echo a long value", () => {
  it("names a too-long description in the reason, not as a property the engine would print whole", () => {
    const f = checkInputs({ ...valid, description: "d".repeat(200_000) });
    expect(f).toEqual([{ property: "", reason: expect.stringMatching(/^description: description must be at most/) }]);
    expect(JSON.stringify(f).length).toBeLessThan(500);
  });
});
