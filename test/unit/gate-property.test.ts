/**
 * Property of the approval gate over whole threads: generated threads of Racker replies and
 * customer entries (the stack's own and a person's), adversarial replies (negations, questions,
 * quotes, the approval word inside a rejection or another word, customers writing the phrase),
 * a baseline anywhere, a status before and after, and each pattern form. The gate is met only
 * by a Racker reply after the baseline (and after the last customer entry the stack did not
 * post) that the documented rule (docs/approval-gate.md) accepts, or by a status reached after
 * the baseline; the oracle below is written from the documentation, not from the code.
 */
import fc from "fast-check";
import type { Ticket } from "../../src/api/schemas";
import { GateBaseline, normalStatus, standing } from "../../src/core/gate/approval";
import { gateOf } from "../../src/core/gate/wait-for";

/** Replies with what the documented plain-text rule says of `approval: "approved"` and `rejection: "rejected"`. */
const REPLIES: { text: string; approves: boolean; rejects: boolean }[] = [
  { text: "Approved.", approves: true, rejects: false },
  { text: "Approved: change window confirmed.", approves: true, rejects: false },
  { text: "Change approved for tonight.", approves: true, rejects: false },
  { text: "It has been approved by CAB.", approves: true, rejects: false },
  { text: "Not a problem. Approved.", approves: true, rejects: false },
  { text: "Not approved: please reschedule.", approves: false, rejects: false },
  { text: "Disapproved.", approves: false, rejects: false },
  { text: "We have not approved this yet.", approves: false, rejects: false },
  { text: "Is it approved?", approves: false, rejects: false },
  { text: 'You wrote "approved" in the plan.', approves: false, rejects: false },
  { text: "This needs to be approved by CAB.", approves: false, rejects: false },
  { text: "Once approved, we proceed.", approves: false, rejects: false },
  { text: "> approved\nChecking with the team.", approves: false, rejects: false },
  { text: "Pre-approved windows are Tuesdays only.", approves: false, rejects: false },
  { text: "Rejected: no rollback plan.", approves: false, rejects: true },
  { text: "Not approved: rejected until the rollback plan is attached.", approves: false, rejects: true },
  { text: "Approved, unless it is rejected?", approves: true, rejects: true },
  { text: "Looking at it.", approves: false, rejects: false },
];

type Entry = { who: "racker" | "own" | "person"; reply: number };
const STATUSES = ["Pending Rackspace", "In Progress", "In Progess", "Pending Customer", "Solved"];

const entryArb: fc.Arbitrary<Entry> = fc.record({ who: fc.constantFrom("racker", "racker", "own", "person"), reply: fc.nat({ max: REPLIES.length - 1 }) });

/** The thread: the description first (the stack's own), then the generated entries. */
function threadOf(entries: Entry[], status: string): Ticket {
  const comments = [
    { id: "c0", text: "The plan.", created: "2026-12-01T00:00:00Z", author: { type: "customer", name: "ops" } },
    ...entries.map((e, i) => ({ id: `c${i + 1}`, text: REPLIES[e.reply].text, created: `2026-12-01T00:${String(i + 1).padStart(2, "0")}:00Z`, author: { type: e.who === "racker" ? "racker" : "customer", name: e.who } })),
  ];
  return { ticketId: "T", status, comments, resources: [], recipients: [], modifiedBy: { name: "Sam" } };
}

/** The documented rule, written out: what meets (or ends) the wait. */
function oracle(entries: Entry[], baseline: GateBaseline, status: string, statuses: string[], regex?: { approve: RegExp; reject: RegExp }): "met" | "rejected" | "pending" | "closed" {
  const thread = [{ who: "own", reply: -1 } as Entry, ...entries];
  let start = baseline.entries;
  thread.forEach((e, i) => {
    if (i > 0 && e.who === "person") start = Math.max(start, i + 1);
  });
  for (let i = thread.length - 1; i >= Math.max(1, start); i--) {
    const e = thread[i];
    if (e.who !== "racker") continue;
    const r = REPLIES[e.reply];
    const rejects = regex ? regex.reject.test(r.text) : r.rejects;
    const approves = regex ? regex.approve.test(r.text) : r.approves;
    if (rejects) return "rejected";
    if (approves) return "met";
  }
  const wanted = statuses.map(normalStatus).includes(normalStatus(status));
  if (wanted && (baseline.status === "" || normalStatus(status) !== normalStatus(baseline.status))) return "met";
  if (status === "Closed" && !wanted) return "closed";
  return "pending";
}

const OWN = (entries: Entry[]) => ({ ids: new Set(["c0", ...entries.map((e, i) => (e.who === "own" ? `c${i + 1}` : "")).filter((x) => x)]), digests: new Set<string>() });

describe("approval gate over whole threads (property)", () => {
  const threadArb = fc.array(entryArb, { maxLength: 12 });

  it("plain text: met only by a reply after the baseline that the documented rule accepts, or a status reached after it", () => {
    const gate = gateOf({ approval: "approved", rejection: "rejected", statuses: ["In Progress"] });
    fc.assert(
      fc.property(threadArb, fc.nat({ max: 14 }), fc.constantFrom(...STATUSES, "Closed"), fc.constantFrom("", "In Progress"), (entries, b, status, atBaseline) => {
        const baseline = { entries: Math.min(b, entries.length + 1), status: atBaseline };
        const s = standing(threadOf(entries, status), gate, baseline, OWN(entries));
        expect(s.kind).toBe(oracle(entries, baseline, status, gate.statuses));
        // Whatever met it comes after the baseline.
        if (s.kind === "met" && s.output.how === "comment") expect(Number(s.output.commentId.slice(1))).toBeGreaterThanOrEqual(baseline.entries);
      }),
      { numRuns: 1000 },
    );
  });

  it("the regular-expression form: the same, with the expressions tested as written", () => {
    const forms = [
      { approval: "/^approved/i", rejection: "/reject/i" },
      { approval: "/\\bapproved\\b/", rejection: "/^Rejected/" },
    ];
    for (const f of forms) {
      const gate = gateOf({ ...f, statuses: ["Solved"] });
      const regex = { approve: new RegExp(f.approval.slice(1, f.approval.lastIndexOf("/")), f.approval.slice(f.approval.lastIndexOf("/") + 1)), reject: new RegExp(f.rejection.slice(1, f.rejection.lastIndexOf("/")), f.rejection.slice(f.rejection.lastIndexOf("/") + 1)) };
      fc.assert(
        fc.property(threadArb, fc.nat({ max: 14 }), fc.constantFrom(...STATUSES), (entries, b, status) => {
          const baseline = { entries: Math.min(b, entries.length + 1), status: "" };
          expect(standing(threadOf(entries, status), gate, baseline, OWN(entries)).kind).toBe(oracle(entries, baseline, status, gate.statuses, regex));
        }),
        { numRuns: 300 },
      );
    }
  });

  it("a customer writing the phrase, or an approval before the baseline, never meets it", () => {
    const gate = gateOf({ approval: "approved" });
    fc.assert(
      fc.property(threadArb, fc.nat({ max: 14 }), (entries, b) => {
        const baseline = { entries: Math.min(b, entries.length + 1), status: "" };
        const s = standing(threadOf(entries, "Pending Rackspace"), gate, baseline, OWN(entries));
        const counted = entries.some((e, i) => e.who === "racker" && REPLIES[e.reply].approves && i + 1 >= baseline.entries);
        if (!counted) expect(s.kind).not.toBe("met");
      }),
      { numRuns: 500 },
    );
  });
});
