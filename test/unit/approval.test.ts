import type { Ticket } from "../../src/api/schemas";
import { normalStatus, standing } from "../../src/core/gate/approval";
import { gateWords } from "../../src/core/gate/gate";
import { durationMs, gateOf, WaitForSchema } from "../../src/core/gate/wait-for";

/** A wait from the ticket's creation (every reply and status counts) with no entries of the stack's own. */
const FROM_START = { entries: 0, status: "" };
const NONE = { ids: new Set<string>(), digests: new Set<string>() };

const customer = (text: string, id = text) => ({ id, text, created: `2026-12-01T10:00:0${id.length % 10}Z`, author: { name: "Ops", type: "customer" } });
const racker = (text: string, id: string, name = "Jane D.") => ({ id, text, created: "2026-12-01T11:00:00Z", author: { name, type: "racker" } });
const ticket = (comments: Ticket["comments"], status = "Pending Rackspace"): Ticket => ({ ticketId: "T1", status, comments, resources: [], recipients: [], modifiedBy: { name: "Sam K." } });
const gate = gateOf({ approval: "approved", rejection: "/rejected|denied/i", statuses: ["Solved"] });
const now = new Date("2026-12-01T12:00:00Z");

describe("approval standing", () => {
  it("is pending until a Racker reply after the last customer entry matches", () => {
    expect(standing(ticket([customer("plan")]), gate, FROM_START, NONE, now)).toEqual({ kind: "pending", status: "Pending Rackspace" });
    // An approval before the customer's latest entry approved an earlier change.
    expect(standing(ticket([customer("plan"), racker("Approved", "r1"), customer("plan B")]), gate, FROM_START, NONE, now).kind).toBe("pending");
    expect(standing(ticket([customer("plan"), racker("Looking at it", "r1")]), gate, FROM_START, NONE, now).kind).toBe("pending");
    expect(standing(ticket([customer("plan"), racker("APPROVED for tonight", "r1")]), gate, FROM_START, NONE, now)).toEqual({
      kind: "met",
      output: { met: true, how: "comment", at: "2026-12-01T11:00:00Z", by: "Jane D.", commentId: "r1", status: "Pending Rackspace" },
    });
  });

  it("the latest matching reply decides; within one reply a rejection wins", () => {
    expect(standing(ticket([customer("plan"), racker("rejected", "r1"), racker("approved after all", "r2")]), gate, FROM_START, NONE, now).kind).toBe("met");
    expect(standing(ticket([customer("plan"), racker("approved", "r1"), racker("denied: freeze", "r2")]), gate, FROM_START, NONE, now)).toMatchObject({ kind: "rejected", words: "denied: freeze" });
    expect(standing(ticket([customer("plan"), racker("not approved: rejected", "r1")]), gate, FROM_START, NONE, now).kind).toBe("rejected");
    // A reply that says the phrase only negated, asked or as part of another word approves nothing.
    for (const text of ["Not approved: please reschedule.", "Disapproved.", "We have not approved this yet.", "Is it approved?"]) {
      expect(standing(ticket([customer("plan"), racker(text, "r1")]), gate, FROM_START, NONE, now).kind).toBe("pending");
    }
    // A plain-text rejection is a phrase too, and counts wherever it stands.
    const plain = gateOf({ approval: "approved", rejection: "rejected" });
    expect(standing(ticket([customer("plan"), racker("not approved: rejected", "r1")]), plain, FROM_START, NONE, now).kind).toBe("rejected");
    expect(standing(ticket([customer("plan"), racker("Approved, unless it is rejected?", "r1")]), plain, FROM_START, NONE, now).kind).toBe("rejected");
  });

  it("statuses meet it without case or spacing, with the In Progess typo; Closed ends it unless waited for", () => {
    expect(standing(ticket([customer("plan")], " solved "), gate, FROM_START, NONE, now)).toMatchObject({ kind: "met", output: { how: "status", by: "Sam K.", at: now.toISOString() } });
    expect(standing(ticket([customer("plan")], "In Progess"), gateOf({ statuses: ["in progress"] }), FROM_START, NONE, now).kind).toBe("met");
    expect(normalStatus("In  Progess")).toBe("in progress");
    expect(standing(ticket([customer("plan")], "Closed"), gate, FROM_START, NONE, now).kind).toBe("closed");
    expect(standing(ticket([customer("plan")], "Closed"), gateOf({ statuses: ["Closed"] }), FROM_START, NONE, now).kind).toBe("met");
  });
});

describe("waitFor values", () => {
  it("durations and patterns", () => {
    expect([durationMs("90s"), durationMs("45m"), durationMs("2h"), durationMs("1.5s"), durationMs("soon"), durationMs("5")]).toEqual([90_000, 2_700_000, 7_200_000, 1_500, undefined, undefined]);
    expect(gateOf({ approval: "approved" }).approval?.description).toBe('the phrase "approved"');
    expect(gateOf({ approval: "/^Approved$/" }).approval?.test("approved")).toBe(false);
    expect(gateOf({ approval: "(" }).approval?.test("approved (CAB)")).toBe(true);
    const failures = (w: unknown) => (WaitForSchema.safeParse(w).error?.issues ?? []).map((i) => i.message);
    expect(failures({ approval: "/(/" })).toEqual(["approval is not a valid regular expression"]);
    expect(failures({ approval: "approved", rejection: "/x/q" })).toEqual(["rejection is not a valid regular expression"]);
    expect(failures({ approval: "(" })).toEqual([]);
    expect(failures({ approval: "+1" })).toEqual([]);
    expect(failures({ approval: " " })).toEqual(["approval must not be empty"]);
    expect(gateWords(gateOf({ approval: "approved", statuses: ["Solved"] }))).toBe('a Racker reply saying the phrase "approved" or status "Solved"');
    expect(gateWords(gateOf({ approval: "/^ok$/gi" }))).toBe("a Racker reply saying /^ok$/i");
    expect(gateOf({ approval: "ok" })).toMatchObject({ timeoutMs: 3_600_000, pollMs: 30_000, onTimeout: "fail", onUpdate: false, statuses: [] });
  });
});
