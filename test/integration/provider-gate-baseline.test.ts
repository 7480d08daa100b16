/**
 * The approval gate's baseline against the simulator: only replies and status changes after
 * the waiting operation's first write count. An update with `onUpdate` does not pass on the
 * create's old approval or a status already met; an approval given while the create's comments
 * are still being posted counts; a rejection answered by hand is superseded.
 */
import { RackspaceTicketProvider, TicketPartialFailure } from "../../src/faces/dynamic/provider";
import type { Simulator } from "../../src/simulator";
import { commentByHand, providerConfig, resetClientState, startSim } from "../helpers/sim";

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

describe("the approval gate's baseline", () => {
  let sim: Simulator;
  let provider: RackspaceTicketProvider;
  let n = 0;
  const base = { accountId: "hybrid:100001", category: "Change", subcategory: "General", description: "Rolling out.", __project: "ops", __stack: "gate" };
  const fresh = (extra: Props = {}): Props => ({ ...base, subject: `Gate ${++n}`, __resourceName: `g-${n}`, ...extra });
  const bySubject = (subject: unknown) => () => sim.tickets().find((t) => t.subject === subject);
  const configure = async (extra: Record<string, string> = {}) => {
    provider = new RackspaceTicketProvider();
    provider.log = () => undefined;
    await provider.configure({
      config: providerConfig(sim, { "rackspace:rateLimitCreate": "50", "rackspace:rateLimitPatch": "50", "rackspace:rateLimitComment": "50", "rackspace:rateLimitRead": "500", ...extra }),
    });
  };

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 50, patch: 50, comment: 50, read: 500 } });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    resetClientState();
    sim.clearFaults();
    await configure();
  });

  it("onUpdate: an update that writes does not pass on the create's approval, nor on a status that was already met", async () => {
    const waitFor = { approval: "approved", statuses: ["In Progress"], onUpdate: true, pollInterval: "1s", timeout: "3s" };
    const props = fresh({ waitFor });
    const creating = provider.create(props);
    const t = await until("the ticket", bySubject(props.subject));
    sim.actAsRacker(t.ticketId, { comment: "Approved: window confirmed.", status: "In Progress", name: "Jane D." });
    const { outs } = await creating;
    expect(outs.approval).toMatchObject({ met: true });
    // A note (a write) under onUpdate waits for a NEW approval: the old reply and the status In Progress are before it.
    const updating = provider.update(t.ticketId, outs, { ...props, note: "Deployed build 2." });
    const e = await updating.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TicketPartialFailure);
    expect((e as Error).message).toMatch(/approval gate timed out/);
    const recorded = (e as TicketPartialFailure).properties.approval as { met: boolean; baseline?: { entries: number; status: string } };
    expect(recorded).toMatchObject({ met: false, how: "timeout" });
    expect(recorded.baseline?.entries).toBe(2); // description and the create's approval were there before the note
    expect(recorded.baseline?.status).toBe("In Progress");
  });

  it("onUpdate: a Racker's approval after the update's first write meets it; so does a status reached again after another one", async () => {
    const waitFor = { approval: "approved", statuses: ["In Progress"], onUpdate: true, pollInterval: "1s", timeout: "20s" };
    const props = fresh({ waitFor });
    const creating = provider.create(props);
    const t = await until("the ticket", bySubject(props.subject));
    sim.actAsRacker(t.ticketId, { status: "In Progress", name: "Sam K." });
    const { outs } = await creating;
    expect(outs.approval).toMatchObject({ met: true, how: "status" });
    const updating = provider.update(t.ticketId, outs, { ...props, note: "Deployed build 3." });
    await until("the note", () => sim.getTicket(t.ticketId)?.comments.find((c) => c.text === "Deployed build 3."));
    sim.actAsRacker(t.ticketId, { comment: "Approved for build 3.", name: "Jane D." });
    const reply = await until("the reply", () => sim.getTicket(t.ticketId)?.comments.find((c) => c.text === "Approved for build 3."));
    const updated = await updating;
    expect(updated.outs.approval).toMatchObject({ met: true, how: "comment", commentId: reply.id });

    // Another update: the status leaves In Progress and comes back while the gate waits.
    const again = provider.update(t.ticketId, updated.outs, { ...props, note: "Deployed build 4." });
    await until("the second note", () => sim.getTicket(t.ticketId)?.comments.find((c) => c.text === "Deployed build 4."));
    sim.actAsRacker(t.ticketId, { status: "Pending Rackspace", name: "Sam K." });
    await new Promise((r) => setTimeout(r, 1500)); // at least one read sees the other status
    sim.actAsRacker(t.ticketId, { status: "In Progress", name: "Sam K." });
    expect((await again).outs.approval).toMatchObject({ met: true, how: "status", status: "In Progress" });
  });

  it("an approval given while the create's comments are still being posted counts", async () => {
    // One comment per second: the Racker answers between the first and the last.
    await configure({ "rackspace:rateLimitComment": "1" });
    const props = fresh({ comments: ["Step 1.", "Step 2.", "Step 3."], waitFor: { approval: "approved", pollInterval: "1s", timeout: "8s" } });
    const creating = provider.create(props);
    const t = await until("the first comment", () => {
      const x = bySubject(props.subject)();
      return x?.comments.some((c) => c.text === "Step 1.") ? x : undefined;
    });
    sim.actAsRacker(t.ticketId, { comment: "Approved.", name: "Jane D." });
    const { outs } = await creating;
    const texts = sim.getTicket(t.ticketId)!.comments.map((c) => c.text);
    // The approval is before the last comment, and still met the gate.
    expect(texts.indexOf("Approved.")).toBeLessThan(texts.indexOf("Step 3."));
    expect(outs.approval).toMatchObject({ met: true, how: "comment", by: "Jane D." });
  });

  it("a rejection stands on the next up until someone answers on the ticket; a later approval then meets the gate", async () => {
    const waitFor = { approval: "approved", rejection: "rejected", pollInterval: "1s", timeout: "20s" };
    const props = fresh({ waitFor });
    const creating = provider.create(props).catch((e: unknown) => e);
    const t = await until("the ticket", bySubject(props.subject));
    sim.actAsRacker(t.ticketId, { comment: "Rejected: no rollback plan.", name: "Jane D." });
    const failed = (await creating) as TicketPartialFailure;
    expect(failed).toBeInstanceOf(TicketPartialFailure);
    const record = failed.properties;
    expect(record.approval).toMatchObject({ met: false, how: "rejected", baseline: { entries: 0, status: "" } });
    // The next up, nothing written: the rejection still stands.
    await expect(provider.update(t.ticketId, record as never, props)).rejects.toThrow(/rejected the change/);
    // The customer answers by hand on the ticket, then a Racker approves.
    await commentByHand(sim, t.ticketId, "Rollback plan: fail back to ORD.");
    sim.actAsRacker(t.ticketId, { comment: "Approved now.", name: "Jane D." });
    const { outs } = await provider.update(t.ticketId, record as never, props);
    expect(outs.approval).toMatchObject({ met: true, how: "comment" });
  });
});
