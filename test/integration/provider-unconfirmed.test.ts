/**
 * A create whose answer was lost while the list cannot confirm it, across runs, against the
 * simulator: the stack records it as unconfirmed, and no later command sends POST /tickets
 * again without proof. The next up takes the ticket once the list finds it; a changed
 * program opens a new ticket and closes the unconfirmed one once found; refresh resolves the
 * record's id; delete fails with the guidance while nothing can be proven.
 */
import { RackspaceTicketProvider, TicketPartialFailure } from "../../src/faces/dynamic/provider";
import type { Simulator } from "../../src/simulator";
import { providerConfig, resetClientState, startSim } from "../helpers/sim";
import { forgetProcessMemory } from "../../src/core/process-memory";

type Props = Record<string, unknown>;

describe("an unconfirmed create", () => {
  let sim: Simulator;
  let n = 0;
  const base = { accountId: "hybrid:100001", category: "Change", subcategory: "General", description: "Unconfirmed.", __project: "ops", __stack: "unc" };
  const fresh = (extra: Props = {}): Props => ({ ...base, subject: `Unconfirmed ${++n}`, __resourceName: `u-${n}`, ...extra });
  const creates = (since: number) => sim.requests({ since }).filter((e) => e.operation === "createTicket");
  const lastSeq = () => sim.requests().at(-1)?.seq ?? 0;
  const open = (subject: unknown) => sim.tickets().filter((t) => t.subject === subject && t.status !== "Closed");
  /** GET /tickets answers an empty list (the endpoint is undocumented: it may ignore the search). */
  const emptyList = () => sim.injectFault({ operation: "listTickets", kind: "status", status: 200, body: { tickets: [] }, count: 1000 });
  /** A fresh provider, as the next `pulumi up` (another process, maybe another machine) starts one. */
  const nextRun = async (): Promise<RackspaceTicketProvider> => {
    resetClientState();
    forgetProcessMemory();
    const p = new RackspaceTicketProvider();
    p.log = () => undefined;
    await p.configure({ config: providerConfig(sim, { "rackspace:rateLimitCreate": "50", "rackspace:rateLimitComment": "50", "rackspace:rateLimitRead": "500", "rackspace:retryMaxAttempts": "2" }) });
    return p;
  };

  /** Run 1: the answer to POST /tickets is lost after the ticket was opened, and the list shows nothing. */
  async function lostCreate(props: Props): Promise<{ id: string; record: Record<string, unknown> }> {
    const p = await nextRun();
    sim.injectFault({ operation: "createTicket", kind: "drop-after", count: 1 });
    emptyList();
    const e = await p.create(props).then(
      () => undefined,
      (x: unknown) => x,
    );
    sim.clearFaults();
    expect(e).toBeInstanceOf(TicketPartialFailure);
    const failure = e as TicketPartialFailure;
    expect(failure.message).toMatch(/outcome is unknown.*records the create as unconfirmed.*pulumi state delete/s);
    // The URN the message names is the dynamic resource's; where a replaced ticket shares it, the record is named by its id.
    expect(failure.message).toContain(`pulumi state delete 'urn:pulumi:unc::ops::pulumi-nodejs:dynamic/rackspace:Ticket::${String(props.__resourceName)}'`);
    expect(failure.message).toContain(`choose id \`${failure.id}\` at its prompt`);
    expect(failure.message).toMatch(/pulumi stack export --file state\.json.*pulumi stack import --file state\.json/s);
    expect(failure.id).toMatch(/^unconfirmed-pulumi-rt-[0-9a-f]{16}$/);
    expect(failure.properties.unconfirmed).toEqual({ marker: failure.id.slice("unconfirmed-".length), at: expect.any(String) });
    expect(open(props.subject)).toHaveLength(1);
    return { id: failure.id, record: failure.properties };
  }

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 50, patch: 50, comment: 50, read: 500 } });
  });
  afterAll(() => sim.close());
  afterEach(() => sim.clearFaults());

  it("the next up never sends POST /tickets again while the list cannot confirm it, and takes the ticket once it does", async () => {
    const props = fresh({ comments: ["first"] });
    const { id, record } = await lostCreate(props);
    // Run 2, on another machine: the list is still empty.
    let p = await nextRun();
    expect(await p.diff(id, record as never, props)).toMatchObject({ changes: true, replaces: ["ticketId"] });
    emptyList();
    let since = lastSeq();
    await expect(p.create(props)).rejects.toThrow(/may have been applied.*Nothing was sent.*adoptTicketId.*pulumi state delete/s);
    expect(creates(since)).toEqual([]);
    // Run 3: the list answers. The replacement takes the ticket; the record's delete sends nothing to it.
    sim.clearFaults();
    p = await nextRun();
    await p.diff(id, record as never, props);
    since = lastSeq();
    const created = await p.create(props);
    const [ticket] = open(props.subject);
    expect(created.id).toBe(ticket.ticketId);
    await p.delete(id, record as never);
    expect(creates(since)).toEqual([]);
    expect(open(props.subject).map((t) => t.ticketId)).toEqual([ticket.ticketId]);
    expect(sim.getTicket(ticket.ticketId)?.comments.slice(1).map((c) => c.text)).toEqual(["first"]);
  });

  it("a changed program opens its new ticket and closes the unconfirmed one once the list finds it; until then the delete fails and keeps it", async () => {
    const props = fresh();
    const { id, record } = await lostCreate(props);
    const changed = { ...props, subject: `${String(props.subject)} (v2)` };
    const p = await nextRun();
    expect(await p.diff(id, record as never, changed)).toMatchObject({ replaces: ["subject"] });
    const created = await p.create(changed);
    expect(open(changed.subject).map((t) => t.ticketId)).toEqual([created.id]);
    // The old record's delete: the list is empty, so nothing is proven and nothing is closed.
    emptyList();
    await expect(p.delete(id, record as never)).rejects.toThrow(/never confirmed.*cannot be removed yet.*pulumi state delete/s);
    expect(open(props.subject)).toHaveLength(1);
    sim.clearFaults();
    await p.delete(id, record as never);
    expect(open(props.subject)).toEqual([]);
    // The closed ticket names the one that followed it.
    const closed = sim.tickets().find((t) => t.subject === props.subject)!;
    expect(closed.comments.at(-1)?.text).toBe(`Replaced by ticket ${created.id}.`);
  });

  it("refresh keeps the record while the list cannot find it, then records the ticket under its own id", async () => {
    const props = fresh();
    const { id, record } = await lostCreate(props);
    let p = await nextRun();
    emptyList();
    const kept = await p.read(id, record as never);
    expect(kept.id).toBe(id);
    expect(kept.props.unconfirmed).toEqual(record.unconfirmed);
    sim.clearFaults();
    p = await nextRun();
    const found = await p.read(id, record as never);
    const [ticket] = open(props.subject);
    expect(found.id).toBe(ticket.ticketId);
    expect(found.props).not.toHaveProperty("unconfirmed");
    expect(found.props.ticketId).toBe(ticket.ticketId);
    // The resolved record plans nothing new for the same program, and destroys normally.
    expect(await p.diff(found.id, found.props, props)).toMatchObject({ replaces: [] });
    p = await nextRun(); // `pulumi destroy`
    await p.delete(found.id, found.props);
    expect(open(props.subject)).toEqual([]);
  });

  it("after `pulumi state delete` of a record whose ticket was really never opened, the next up opens it", async () => {
    const props = fresh();
    let p = await nextRun();
    // The connection drops before the server applies anything; the list is empty (as it would be).
    sim.injectFault({ operation: "createTicket", kind: "drop-before", count: 1 });
    emptyList();
    await expect(p.create(props)).rejects.toBeInstanceOf(TicketPartialFailure);
    sim.clearFaults();
    expect(open(props.subject)).toEqual([]);
    // The user checked and removed the record: a fresh create, no replacement pending.
    p = await nextRun();
    const created = await p.create(props);
    expect(open(props.subject).map((t) => t.ticketId)).toEqual([created.id]);
  });
});
