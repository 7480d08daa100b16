/**
 * No duplicates on ambiguous writes: a create or a comment whose answer was lost is
 * looked for (correlation marker, thread) before anything is sent again.
 */
import { forgetProcessMemory } from "../../src/core/process-memory";
import { RackspaceTicketProvider, TicketPartialFailure } from "../../src/faces/dynamic/provider";
import { digestsOf, postedDigests } from "../helpers/posted";
import type { Simulator } from "../../src/simulator";
import { providerConfig, resetClientState, startSim } from "../helpers/sim";

type Props = Record<string, unknown>;
const base = { accountId: "hybrid:100001", category: "Change", subcategory: "General", description: "Ship it.", __project: "ops", __stack: "dev" };

describe("de-duplication of ambiguous writes", () => {
  let sim: Simulator;
  let provider: RackspaceTicketProvider;
  let lines: string[];
  let n = 0;

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 10, patch: 10, comment: 10, read: 100 } });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    resetClientState();
    sim.clearFaults();
    sim.clearRequests();
    lines = [];
    provider = new RackspaceTicketProvider();
    provider.log = (l) => lines.push(l);
    await provider.configure({ config: providerConfig(sim, { "rackspace:rateLimitCreate": "10", "rackspace:rateLimitComment": "10", "rackspace:rateLimitRead": "100" }) });
  });

  const fresh = (extra: Props = {}) => ({ ...base, subject: `Change ${++n}`, __resourceName: `ticket-${n}`, ...extra });
  const ops = () => sim.requests().filter((r) => r.operation !== "token").map((r) => `${r.operation}:${r.status}`);
  const ticketsWith = (subject: string) => sim.tickets().filter((t) => t.subject === subject);

  it("create answered by a dropped connection after the ticket was opened: adopts it, one ticket", async () => {
    const props = fresh();
    sim.injectFault({ operation: "createTicket", kind: "drop-after", count: 1 });
    const res = await provider.create(props);
    expect(ticketsWith(props.subject as string)).toHaveLength(1);
    expect(res.id).toBe(ticketsWith(props.subject as string)[0].ticketId);
    expect(ops()).toEqual(["listTickets:200", "createTicket:0", "listTickets:200"]);
    expect(lines.join("\n")).toMatch(/answer to the create was lost, but the ticket exists .*adopting it/);
  });

  it("create dropped before the ticket was opened: looks, finds nothing, and does NOT send again (an empty list is no proof); recorded as unconfirmed; once the user removes the record, the next up opens it once", async () => {
    const props = fresh();
    sim.injectFault({ operation: "createTicket", kind: "drop-before", count: 1 });
    const err = (await provider.create(props).catch((e: unknown) => e)) as TicketPartialFailure;
    expect(err).toBeInstanceOf(TicketPartialFailure);
    expect(err.id).toMatch(/^unconfirmed-pulumi-rt-[0-9a-f]{16}$/);
    expect(err.message).toMatch(/outcome is unknown.*may exist: GET \/tickets did not list it, which is no proof.*Nothing was sent again.*marker pulumi-rt-[0-9a-f]{16}.*adoptTicketId.*pulumi state delete/);
    expect(ops()).toEqual(["listTickets:200", "createTicket:0", "listTickets:200"]);
    expect(ticketsWith(props.subject as string)).toHaveLength(0);
    // The next up replaces the unconfirmed record: no proof, so nothing is sent.
    await provider.diff(err.id, err.properties as Props, props);
    await expect(provider.create(props)).rejects.toThrow(/Nothing was sent: a second ticket is never opened without proof/);
    expect(ticketsWith(props.subject as string)).toHaveLength(0);
    // The user checked and ran `pulumi state delete` on the record: the next up opens it, once.
    forgetProcessMemory();
    await provider.create(props);
    expect(ticketsWith(props.subject as string)).toHaveLength(1);
  });

  it("an interrupted deployment (ticket opened, state never written): the next create adopts it", async () => {
    const props = fresh({ comments: ["deployed"] });
    const first = await provider.create(props);
    // The engine never recorded `first`; the next `up` creates the same resource again.
    sim.clearRequests();
    const again = await provider.create(props);
    expect(again.id).toBe(first.id);
    expect(ticketsWith(props.subject as string)).toHaveLength(1);
    // Its comment is already on the ticket: not posted twice.
    expect(sim.getTicket(first.id)?.comments.map((c) => c.text)).toEqual([expect.stringContaining("Ship it."), "deployed"]);
    expect(ops().filter((o) => o.startsWith("createTicket") || o.startsWith("addComment"))).toEqual([]);
  });

  it("a replacement (a replacing input changed) or a closed ticket is never adopted", async () => {
    const props = fresh();
    const first = await provider.create(props);
    const replaced = await provider.create({ ...props, severity: "High" });
    expect(replaced.id).not.toBe(first.id);
    await provider.delete(first.id, {});
    const recreated = await provider.create(props);
    expect(recreated.id).not.toBe(first.id);
  });

  it("create outcome unknown and the lookup fails too: the error says the ticket may exist, its marker, and how to adopt it", async () => {
    const props = fresh();
    sim.injectFault({ operation: "createTicket", kind: "drop-after", count: 1 });
    sim.injectFault({ operation: "listTickets", kind: "status", status: 400, count: 2 });
    const err = await provider.create(props).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketPartialFailure);
    expect((err as Error).message).toMatch(/outcome is unknown.*The ticket may exist: looking for it failed too.*Nothing was sent again.*marker pulumi-rt-[0-9a-f]{16}.*`adoptTicketId`/);
    expect(ticketsWith(props.subject as string)).toHaveLength(1);
  });

  it("a comment whose answer was lost after it was posted is not posted again", async () => {
    const props = fresh();
    const created = await provider.create(props);
    sim.injectFault({ operation: "addComment", kind: "drop-after", count: 1 });
    sim.clearRequests();
    const res = await provider.update(created.id, created.outs as Props, { ...props, comments: ["once", "twice"] });
    expect(sim.getTicket(created.id)?.comments.map((c) => c.text).slice(1)).toEqual(["once", "twice"]);
    expect(postedDigests(res.outs as Props)).toEqual(digestsOf(["once", "twice"]));
    expect(ops()).toEqual(["getTicket:200", "addComment:0", "getTicket:200", "addComment:204", "getTicket:200"]);
  });

  it("a comment dropped before it was posted is not sent twice in one run (a thread without it is no proof); the next up posts it once", async () => {
    const props = fresh();
    const created = await provider.create(props);
    sim.injectFault({ operation: "addComment", kind: "drop-before", count: 1 });
    const err = (await provider.update(created.id, created.outs as Props, { ...props, comments: ["note"] }).catch((e: unknown) => e)) as TicketPartialFailure;
    expect(err).toBeInstanceOf(TicketPartialFailure);
    expect(err.message).toMatch(/posting comments\[0\] failed: .*may have been posted: the next `pulumi up` reads the thread/);
    expect(err.properties.posted).toEqual([]);
    expect(sim.requests({ operation: "addComment" })).toHaveLength(1);
    await provider.update(created.id, err.properties, { ...props, comments: ["note"] });
    expect(sim.getTicket(created.id)?.comments.map((c) => c.text).slice(1)).toEqual(["note"]);
  });

  it("a repeated comment text is posted again when the user asks for it twice", async () => {
    const props = fresh({ comments: ["Deployed."] });
    const created = await provider.create(props);
    await provider.update(created.id, created.outs as Props, { ...props, comments: ["Deployed.", "Deployed."] });
    expect(sim.getTicket(created.id)?.comments.map((c) => c.text).slice(1)).toEqual(["Deployed.", "Deployed."]);
  });

  it("with the footer turned off, only the marker is appended", async () => {
    await provider.configure({ config: providerConfig(sim, { "rackspace:markerFooter": "false", "rackspace:rateLimitCreate": "10" }) });
    const res = await provider.create(fresh());
    expect(sim.getTicket(res.id)?.comments[0].text).toMatch(/^Ship it\.\n\npulumi-rt-[0-9a-f]{16}$/);
  });

  it("import reads the description back without the marker", async () => {
    const props = fresh();
    const created = await provider.create(props);
    const r = await provider.read(created.id);
    expect((r.inputs as Props).description).toBe("Ship it.");
  });
});
