/**
 * Replacements across runs, against the simulator, each run in a fresh provider process (no
 * memory of the last): a failed replacement then a revert never leaves the stack declaring a
 * closed ticket; an `adoptTicketId` Rackspace closed is followed by a new ticket naming it; the
 * old ticket closed in a later run still names its successor; and two endpoints in one process
 * never mix their tickets up.
 */
import { RackspaceTicketProvider, TicketPartialFailure } from "../../src/faces/dynamic/provider";
import { forgetProcessMemory } from "../../src/core/process-memory";
import type { Simulator } from "../../src/simulator";
import { openTicketByHand, providerConfig, resetClientState, startSim } from "../helpers/sim";

type Props = Record<string, unknown>;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("replacements across runs", () => {
  let sim: Simulator;
  let n = 0;
  const base = { accountId: "hybrid:100001", category: "Change", subcategory: "General", description: "Runs.", __project: "ops", __stack: "runs" };
  const status = (id: string) => sim.getTicket(id)?.status;
  const lastText = (id: string) => sim.getTicket(id)?.comments.at(-1)?.text;
  /** A fresh provider process, as each `pulumi up` starts one. */
  const run = async (s: Simulator = sim): Promise<RackspaceTicketProvider> => {
    resetClientState();
    forgetProcessMemory();
    const p = new RackspaceTicketProvider();
    p.log = () => undefined;
    await p.configure({ config: providerConfig(s, { "rackspace:rateLimitCreate": "50", "rackspace:rateLimitComment": "50", "rackspace:rateLimitRead": "500", "rackspace:rateLimitPatch": "50" }) });
    return p;
  };
  const rejectGate = { approval: "approved", rejection: "rejected", pollInterval: "1s", timeout: "30s" };

  /** Run B: a replacing change whose new ticket's gate is rejected (the old ticket stays, pending delete). */
  async function failedReplacement(oldId: string, oldOuts: Props, changed: Props): Promise<{ id: string; record: Props }> {
    const p = await run();
    expect((await p.diff(oldId, oldOuts as never, changed)).replaces?.length).toBeGreaterThan(0);
    const creating = p.create(changed).then(
      () => undefined,
      (x: unknown) => x,
    );
    const t = await until("the replacement ticket", () => sim.tickets().find((x) => x.subject === changed.subject && x.ticketId !== oldId && x.status !== "Closed"));
    sim.actAsRacker(t.ticketId, { comment: "Rejected: not tonight.", name: "Jane D." });
    const e = (await creating) as TicketPartialFailure;
    expect(e).toBeInstanceOf(TicketPartialFailure);
    return { id: e.id, record: e.properties };
  }

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 50, patch: 50, comment: 50, read: 500 } });
  });
  afterAll(() => sim.close());

  it("a failed replacement, then a revert: the stack declares an open ticket; the tickets it closes name their successor", async () => {
    const a = { ...base, subject: `Revert ${++n}`, __resourceName: `rv-${n}`, waitFor: rejectGate };
    // Run A: T1, approved.
    let p = await run();
    const creating = p.create(a);
    const t1 = await until("T1", () => sim.tickets().find((x) => x.subject === a.subject));
    sim.actAsRacker(t1.ticketId, { comment: "Approved.", name: "Jane D." });
    const { outs: t1Outs } = await creating;
    // Run B: a new subject; T2's gate is rejected. T1 stays in the stack, pending delete.
    const b = { ...a, subject: `${a.subject} (B)` };
    const t2 = await failedReplacement(t1.ticketId, t1Outs, b);
    // Run C: the change is reverted. The engine replaces T2's record, then deletes the replaced T2 and the pending T1.
    p = await run();
    expect((await p.diff(t2.id, t2.record as never, a)).replaces).toEqual(["subject"]);
    const creatingC = p.create(a);
    const t3 = await until("T3", () => sim.tickets().find((x) => x.subject === a.subject && x.ticketId !== t1.ticketId));
    sim.actAsRacker(t3.ticketId, { comment: "Approved again.", name: "Jane D." });
    const c = await creatingC;
    await p.delete(t2.id, t2.record as never);
    await p.delete(t1.ticketId, t1Outs);
    // The ticket the stack declares is open; T1 was not taken back by the create and then closed by the pending delete.
    expect(c.id).toBe(t3.ticketId);
    expect(status(c.id)).not.toBe("Closed");
    expect([status(t1.ticketId), status(t2.id)]).toEqual(["Closed", "Closed"]);
    expect(sim.getTicket(c.id)?.comments[0].text).toMatch(new RegExp(`Replaces ticket ${t2.id}\\.`));
    // Both closed tickets name the ticket that now carries the change (T1's close came a run after its replacement).
    expect(lastText(t2.id)).toBe(`Replaced by ticket ${c.id}.`);
    expect(lastText(t1.ticketId)).toBe(`Replaced by ticket ${c.id}.`);
    // What let the later run know: T2's record names the ticket it replaced.
    expect(t2.record.replaces).toEqual([t1.ticketId]);
  });

  it("the same with adoptTicketId: a revert never re-adopts the adopted ticket that the pending delete closes", async () => {
    const subject = `Adopted ${++n}`;
    const hand = await openTicketByHand(sim, { accountId: base.accountId, subject, category: "Change", subcategory: "General", comment: { text: "Opened by hand." } });
    const a = { ...base, subject, adoptTicketId: hand, comments: ["Taken over by the stack."], __resourceName: `ad-${n}`, waitFor: rejectGate };
    let p = await run();
    const creating = p.create(a);
    // The gate counts what comes after the adoption: approve once the adoption has written.
    await until("the adoption", () => sim.getTicket(hand)?.comments.find((c) => c.text === "Taken over by the stack."));
    sim.actAsRacker(hand, { comment: "Approved.", name: "Jane D." });
    const { outs: adopted } = await creating;
    const b = { ...a, subject: `${subject} (B)` };
    const t2 = await failedReplacement(hand, adopted, b);
    p = await run();
    await p.diff(t2.id, t2.record as never, a);
    const creatingC = p.create(a);
    const t3 = await until("T3", () => sim.tickets().find((x) => x.subject === subject && x.ticketId !== hand));
    sim.actAsRacker(t3.ticketId, { comment: "Approved again.", name: "Jane D." });
    const c = await creatingC;
    await p.delete(t2.id, t2.record as never);
    await p.delete(hand, adopted);
    expect(c.id).toBe(t3.ticketId);
    expect(status(c.id)).not.toBe("Closed");
    expect(status(hand)).toBe("Closed");
  });

  it("an adoptTicketId that Rackspace closed is followed by a new ticket naming it, as any closed ticket of the stack is", async () => {
    const subject = `Closed adoption ${++n}`;
    const hand = await openTicketByHand(sim, { accountId: base.accountId, subject, category: "Change", subcategory: "General", comment: { text: "Opened by hand." } });
    sim.actAsRacker(hand, { status: "Closed" });
    const before = sim.getTicket(hand)!.comments.length;
    const p = await run();
    const r = await p.create({ ...base, subject, adoptTicketId: hand, __resourceName: `cl-${n}` });
    expect(r.id).not.toBe(hand);
    expect(sim.getTicket(r.id)?.comments[0].text).toMatch(new RegExp(`Replaces ticket ${hand}\\.`));
    expect(r.outs.replaces).toEqual([hand]);
    // Nothing was sent to the closed ticket.
    expect(sim.getTicket(hand)!.comments.length).toBe(before);
    // An import (strict) of a closed ticket still fails: an import changes nothing.
    await expect(p.create({ ...base, subject, adoptTicketId: hand, __import: true, __resourceName: `im-${n}` })).rejects.toThrow(/cannot import the ticket: the ticket is closed/);
  });

  it("two endpoints in one process never mix up tickets with the same id", async () => {
    const other = await startSim({ limits: { create: 50, patch: 50, comment: 50, read: 500 } });
    try {
      // Both simulators number tickets the same way: the first ticket of each has the same id.
      const p1 = await run(sim);
      const one = { ...base, subject: `Endpoint one ${++n}`, __resourceName: `e1-${n}` };
      const r1 = await p1.create(one);
      const p2 = new RackspaceTicketProvider();
      p2.log = () => undefined;
      await p2.configure({ config: providerConfig(other, { "rackspace:rateLimitCreate": "50", "rackspace:rateLimitRead": "500", "rackspace:rateLimitPatch": "50" }) });
      let r2 = await p2.create({ ...base, subject: "Endpoint two", __resourceName: "e2" });
      while (r2.id !== r1.id && (other.tickets().length < 50)) r2 = await p2.create({ ...base, subject: `Endpoint two ${other.tickets().length}`, __resourceName: `e2-${other.tickets().length}` });
      expect(r2.id).toBe(r1.id);
      // A new deployment: p2's create is over; p1's diff comes next in the same process.
      forgetProcessMemory();
      // Rackspace closes the first endpoint's ticket; its diff (a change that writes) learns it in this process.
      sim.actAsRacker(r1.id, { status: "Closed" });
      expect((await p1.diff(r1.id, r1.outs, { ...one, comments: ["more"] })).replaces).toEqual(["status"]);
      // The second endpoint's ticket of the same id is still open, and its delete closes it.
      await p2.delete(r2.id, r2.outs);
      expect(other.getTicket(r2.id)?.status).toBe("Closed");
    } finally {
      await other.close();
    }
  });
});
