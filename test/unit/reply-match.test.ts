/**
 * How a gate pattern reads a Racker reply (src/provider/reply-match.ts): example tables of
 * replies that do and do not say a phrase, for `approval` and for `rejection`, and the
 * `/regular expression/` form; and the tables of docs/approval-gate.md, so that they cannot
 * go stale. test/unit/reply-match-property.test.ts checks the rule on generated replies.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { approvalMatcher, rejectionMatcher, ReplyMatcher } from "../../src/core/gate/reply-match";

const approval = (pattern: string): ReplyMatcher => approvalMatcher(pattern) as ReplyMatcher;
const rejection = (pattern: string): ReplyMatcher => rejectionMatcher(pattern) as ReplyMatcher;

describe('approval: "approved"', () => {
  const approved = approval("approved");

  it.each([
    "Approved: change window confirmed.",
    "Change approved.",
    "Approved.",
    "Approved",
    "It has been approved",
    "CAB approved the change tonight",
    "APPROVED for tonight",
    "Not a problem. Approved.",
    "approved!",
    "Looks fine.\nApproved",
    "Checked it twice; approved.",
    "We wait for nothing. Approved.",
    "ApPrOvEd, see you at 22:00.",
    "Change approved for tonight's window. We will monitor the load balancers.",
    'You wrote "approved" and so it is: approved.',
    "> Is it approved?\nApproved.",
    "The change is approved, thanks. Will you post the results?",
    "Approved (it wasn't easy).",
    "(approved)",
    "[approved]",
    "Approved — Jane",
    "*approved*",
    "Approved yet again.", // a blocking word after the phrase does not block it
    "Ops: approved.",
    "Status approved by CAB",
  ])("approves %j", (text) => {
    expect(approved.test(text)).toBe(true);
  });

  it.each([
    // negations
    "Not approved: please reschedule.",
    "not approved",
    "We have not approved this yet.",
    "No, approved it is not.",
    "It isn't approved.",
    "It isn’t approved.",
    "It isnt approved.",
    "We don't have it approved",
    "Never approved.",
    "Cannot be approved.",
    "The change was not-yet approved",
    "Nobody approved it.",
    "Not now, approved later perhaps",
    // conditions and time
    "Once approved, we proceed.",
    "If all goes well, approved",
    "Unless CAB objects, approved",
    "Until approved, nothing moves.",
    "When approved we will call you.",
    "Pending CAB: not yet. Pending approved status",
    "Awaiting approved window",
    "Yet to be approved.",
    "Before approved changes run, we back up.",
    // modality and future
    "This needs to be approved by CAB",
    "Will be approved tomorrow",
    "It should be approved soon.",
    "It may get approved.",
    "We are going to get it approved",
    "Wait for it to be approved",
    // questions
    "Is it approved?",
    "Approved?",
    "approved ?",
    "Approved?!",
    "Approved!?",
    "Approved...?",
    "Has CAB approved the change, or not?",
    // quoted
    'You wrote "approved"',
    "You wrote “approved”.",
    "You wrote „approved“.",
    "You wrote «approved».",
    "You wrote ‘approved’.",
    "You wrote 'approved'.",
    "You wrote `approved`.",
    "Quoting you: \"it is approved\", but it is not.",
    "‘it’s approved’ is what you said",
    "On Monday you wrote:\n> Approved.\nThat was for the other change.",
    "  > approved",
    'Your note says "approved. Done.', // a quote left open hides the rest
    "Back in the '90s approved meant done",
    'Approved "for tonight?"', // a ? after the phrase, quoted or not, makes it a question
    "See https://cab.example.com/changes/approved for the status",
    // not a whole word
    "Disapproved.",
    "Unapproved.",
    "unapproved change",
    "Pre-approved.",
    "approvedness",
    "approved-ish",
    "approved_by_bot",
    "re_approved",
    "approved'",
    "approved2",
    "2approved",
    "éapproved",
    "approvedé",
    "approvedß",
    "Δapproved",
    "approvedд",
    "un\u00ADapproved", // a soft hyphen hides in the word
    "dis\u200Bapproved", // and a zero-width space
    "approve\u0301d", // a combining accent makes it another word
    // not there
    "Looking at it",
    "approval pending",
    "",
  ])("does not approve %j", (text) => {
    expect(approved.test(text)).toBe(false);
  });

  it("is described as the phrase", () => {
    expect(approved.description).toBe('the phrase "approved"');
    expect(approval('say "yes"').description).toBe('the phrase "say \\"yes\\""');
    expect(approval("x".repeat(100)).description).toBe(`the phrase "${"x".repeat(80)}…"`);
  });
});

describe("approval: other phrases", () => {
  it("plain text is literal, never a regular expression", () => {
    expect(approvalMatcher("approved (CAB)")?.test("Approved (CAB) for tonight.")).toBe(true);
    expect(approvalMatcher("approved (CAB)")?.test("approved CAB")).toBe(false);
    expect(approvalMatcher("+1")?.test("+1 from CAB")).toBe(true);
    expect(approvalMatcher("+1")?.test("CAB says +1.")).toBe(true);
    expect(approvalMatcher("+1")?.test("+10")).toBe(false);
    expect(approvalMatcher("+1")?.test("11")).toBe(false);
    expect(approvalMatcher("+1")?.test("Not +1 yet")).toBe(false);
    expect(approvalMatcher("LGTM")?.test("lgtm")).toBe(true);
    expect(approvalMatcher("a.b")?.test("axb")).toBe(false);
    expect(approvalMatcher("a.b")?.test("a.b")).toBe(true);
    expect(approvalMatcher("[ok]")?.test("[OK]")).toBe(true);
    expect(approvalMatcher("^ok$")?.test("ok")).toBe(false);
    expect(approvalMatcher("(")?.test("(")).toBe(true);
    expect(approvalMatcher("approved (CAB)")?.test("approved (CAB)'?")).toBe(false); // a stray quote hides no question mark
  });

  it("whitespace in the phrase matches any whitespace run", () => {
    const goAhead = approval("go   ahead");
    for (const text of ["Go ahead.", "go\tahead", "GO  AHEAD", "go\u00A0ahead", "go\nahead"]) expect(goAhead.test(text)).toBe(true);
    for (const text of ["goahead", "go-ahead", "go, ahead", "Don't go ahead.", "Go ahead?", "Should we go ahead?"]) expect(goAhead.test(text)).toBe(false);
    expect(approval("  approved ").test("Approved.")).toBe(true);
  });

  it("whole words with letters of any script", () => {
    const genehmigt = approval("genehmigt");
    expect(genehmigt.test("Änderung genehmigt.")).toBe(true);
    expect(genehmigt.test("Ungenehmigt.")).toBe(false);
    expect(genehmigt.test("genehmigtés")).toBe(false);
    expect(approval("одобрено").test("Одобрено.")).toBe(true);
    expect(approval("одобрено").test("неодобрено")).toBe(false);
    expect(approval("承認").test("承認")).toBe(true);
    expect(approval("承認").test("未承認")).toBe(false);
    expect(approval("café").test("Cafe\u0301 ok")).toBe(true); // NFC: the same word however it is encoded
  });

  it("a phrase holding a blocking word is matched as written: only words before it block", () => {
    const noObjection = approval("no objection");
    expect(noObjection.test("No objection.")).toBe(true);
    expect(noObjection.test("CAB: no objection from us")).toBe(true);
    expect(noObjection.test("Not no objection")).toBe(false);
    expect(noObjection.test("If no objection comes, fine")).toBe(false);
    expect(noObjection.test("No objection?")).toBe(false);
    expect(approval("not blocked").test("Not blocked.")).toBe(true);
  });

  it("a later occurrence counts when an earlier one does not", () => {
    expect(approval("approved").test('Not approved yesterday. Today: approved.')).toBe(true);
    expect(approval("approved").test('"approved" was the word. approved')).toBe(true);
  });

  it("a blank phrase says nothing", () => {
    expect(approval(" ").test("anything at all")).toBe(false);
    expect(rejection("\t").test("anything at all")).toBe(false);
  });
});

describe('rejection: "rejected"', () => {
  const rejected = rejection("rejected");

  it.each([
    "Rejected: the window overlaps a freeze.",
    "not approved: rejected",
    "Not rejected.", // a rejection counts wherever it stands: failing is the safe side
    "Is it rejected?",
    'You wrote "rejected"',
    "> rejected",
    "If rejected, we call you",
    "REJECTED",
    "re\u00ADjected",
    "Status: 'rejected'.", // an apostrophe at a word's edge is a quote, not glue
    "Status: ‘rejected’.",
    "rejected'",
  ])("rejects %j", (text) => {
    expect(rejected.test(text)).toBe(true);
  });

  it.each(["Unrejected", "rejectedness", "pre-rejected", "o'rejected", "rejected's", "rejected’s", "Approved.", ""])("does not reject %j", (text) => {
    expect(rejected.test(text)).toBe(false);
  });

  it("plain text is literal and whitespace-flexible", () => {
    expect(rejection("no go").test("This is a NO\tGO.")).toBe(true);
    expect(rejection("no go").test("nogo")).toBe(false);
    expect(rejection("-1").test("CAB: -1")).toBe(true);
    expect(rejection("-1").test("-12")).toBe(false);
    expect(rejection("denied (CAB)").test("Denied (CAB)")).toBe(true);
    expect(rejection("rejected").description).toBe('the phrase "rejected"');
  });
});

describe("the /regular expression/ form", () => {
  it("is tested against the whole reply as written, flags included", () => {
    expect(approvalMatcher("/^ok$/i")?.test("OK")).toBe(true);
    expect(approvalMatcher("/^ok$/i")?.test("not ok")).toBe(false);
    expect(approvalMatcher("/^ok$/")?.test("OK")).toBe(false);
    expect(approvalMatcher("/approved/")?.test("Not approved")).toBe(true); // the user takes responsibility for negations
    expect(approvalMatcher("/approved/")?.test("Disapproved")).toBe(true);
    expect(approvalMatcher("/^line two$/m")?.test("line one\nline two")).toBe(true);
    expect(approvalMatcher("/a.b/s")?.test("a\nb")).toBe(true);
    expect(rejectionMatcher("/rejected|denied/i")?.test("DENIED")).toBe(true);
    expect(approvalMatcher("/^ok$/i")?.description).toBe("/^ok$/i");
  });

  it("drops g and y so that test gives the same answer every time", () => {
    const g = approvalMatcher("/approved/gi") as ReplyMatcher;
    expect([g.test("approved"), g.test("approved"), g.test("approved")]).toEqual([true, true, true]);
    expect(g.description).toBe("/approved/i");
    const y = rejectionMatcher("/x/y") as ReplyMatcher;
    expect([y.test("ax"), y.test("ax")]).toEqual([true, true]);
  });

  it("an invalid one has no matcher", () => {
    expect(approvalMatcher("/(/")).toBeUndefined();
    expect(rejectionMatcher("/[/")).toBeUndefined();
    expect(approvalMatcher("/x/q")).toBeUndefined();
    // `//` and a lone `/` are plain text
    expect(approvalMatcher("//")?.test("see // here")).toBe(true);
    expect(approvalMatcher("/")?.description).toBe('the phrase "/"');
  });
});

describe("docs/approval-gate.md", () => {
  const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "approval-gate.md"), "utf8");
  /** The rows (reply, yes or no) of the table that follows `heading`. */
  const table = (heading: string): [string, boolean][] => {
    const after = doc.slice(doc.indexOf(heading) + heading.length);
    const rows = after.trimStart().split("\n");
    const lines = rows.slice(2, rows.findIndex((l) => !l.startsWith("|")));
    return lines.map((l) => l.split("|").map((c) => c.trim())).map(([, reply, says]) => [reply, says === "yes"]);
  };

  it.each([
    ['For `approval: "approved"`:', approval("approved")],
    ['For `rejection: "rejected"`:', rejection("rejected")],
  ] as const)("the table %s says what the matcher does", (heading, matcher) => {
    const rows = table(heading);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.filter(([, says]) => says).length).toBeGreaterThan(1);
    expect(rows.map(([reply]) => [reply, matcher.test(reply)])).toEqual(rows);
  });
});
