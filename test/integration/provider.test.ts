/**
 * RackspaceTicketProvider's methods against the simulator over real HTTP on loopback:
 * every row of the behaviour table, no-op diffs, delete idempotency, refresh after a
 * Racker acts, partial failure, progress lines, and where configuration comes from.
 */
import { RackspaceTicketProvider, TicketOperationError, TicketPartialFailure } from "../../src/faces/dynamic/provider";
import { textDigest } from "../../src/core/history/posted";
import { digestsOf, postedDigests, postedOf, threadOf, threadTexts } from "../helpers/posted";
import { STATE_VERSION } from "../../src/core/ticket/state";
import type { Simulator } from "../../src/simulator";
import { DEMO_KEY, providerConfig, resetClientState, startSim } from "../helpers/sim";

type Props = Record<string, unknown>;

const inputs = {
  accountId: "hybrid:100001",
  subject: "Deploy web tier v2",
  category: "Change",
  subcategory: "General",
  severity: "Normal" as const,
  description: "Rolling out web tier v2 to the DFW cluster.",
  recipients: ["RPN-000-000-001"],
  resources: ["https://resources.api.rackspace.com/resources/dedicated:0001"],
  comments: [] as string[],
};

describe("RackspaceTicketProvider against the simulator", () => {
  let sim: Simulator;
  let provider: RackspaceTicketProvider;
  let lines: string[];

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 5, patch: 10, comment: 10, read: 100 } });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    resetClientState();
    sim.clearFaults();
    sim.clearRequests();
    lines = [];
    provider = new RackspaceTicketProvider();
    provider.log = (l) => lines.push(l);
    await provider.configure({ config: providerConfig(sim, { "rackspace:rateLimitCreate": "5", "rackspace:rateLimitPatch": "10", "rackspace:rateLimitComment": "10", "rackspace:rateLimitRead": "100" }) });
  });

  const writes = () => sim.requests().filter((r) => ["createTicket", "patchTicket", "addComment"].includes(r.operation));
  const apiCalls = () => sim.requests().filter((r) => r.operation !== "token");

  // Each call is a different resource (its own correlation marker), as in a real stack.
  let serial = 0;
  async function create(extra: Props = {}) {
    const props = { ...inputs, ...extra, __resourceName: `change-ticket-${++serial}`, __project: "ops", __stack: "dev" };
    const res = await provider.create(props);
    return { id: res.id, outs: res.outs as Props, props };
  }

  it("create: POST /tickets with the description as comment.text; outputs carry the inputs and the API's fields", async () => {
    const { id, outs } = await create();
    const w = writes();
    expect(w.map((r) => r.operation)).toEqual(["createTicket"]);
    expect(w[0].body).toEqual({
      accountId: "hybrid:100001",
      subject: "Deploy web tier v2",
      category: "Change",
      subcategory: "General",
      severity: "Normal",
      comment: {
        text: expect.stringMatching(
          /^Rolling out web tier v2 to the DFW cluster\.\n\n-- \nManaged by Pulumi \(pulumi-rackspace-ticketing\): project ops, stack dev, resource change-ticket-\d+\. Marker: pulumi-rt-[0-9a-f]{16}$/,
        ),
      },
      resources: inputs.resources,
      recipients: inputs.recipients,
    });
    expect(id).toBe(outs.ticketId);
    const { comments: _declared, description: _text, ...declared } = inputs;
    expect(outs).toMatchObject({
      ...declared,
      descriptionDigest: textDigest(inputs.description),
      posted: [],
      status: "Pending Rackspace",
      classification: "Change",
      createdBy: { type: "customer" },
    });
    // The texts of the description and the comments live in the inputs only.
    expect(outs).not.toHaveProperty("comments");
    expect(outs).not.toHaveProperty("description");
    // The description is the stack's own entry: recorded by reference (posted with the ticket: its time is the ticket's).
    expect(outs.thread).toEqual([{ id: expect.any(String), entry: "description" }]);
    // modifiedBy is recorded only when it is not the creator.
    expect(outs).not.toHaveProperty("modifiedBy");
    expect(JSON.stringify(outs)).not.toContain(DEMO_KEY);
    // The name stays with the outputs, so refresh and destroy can name the resource in their messages.
    expect(outs.__resourceName).toMatch(/^change-ticket-\d+$/);
    expect(outs.__stateVersion).toBe(STATE_VERSION);
  });

  it("create with comments: the ticket, then one POST per comment in order, then one read", async () => {
    const { outs } = await create({ comments: ["first", "second"] });
    // The marker lookup first (a ticket this creation already opened would be adopted).
    expect(apiCalls().map((r) => r.operation)).toEqual(["listTickets", "createTicket", "addComment", "addComment", "getTicket"]);
    expect(writes().slice(1).map((r) => (r.body as { comment: { text: string } }).comment.text)).toEqual(["first", "second"]);
    expect(postedDigests(outs)).toEqual(digestsOf(["first", "second"]));
    // Each record names its thread entry, and the thread names the input instead of repeating the text.
    const ids = sim.getTicket(outs.ticketId as string)!.comments.map((c) => c.id);
    expect(postedOf(outs).map((r) => r.commentId)).toEqual(ids.slice(1));
    // (A comment's id is in its record only.)
    expect(threadOf(outs).map((t) => [t.id, t.entry, t.text])).toEqual([
      [ids[0], "description", undefined],
      [undefined, "comments[0]", undefined],
      [undefined, "comments[1]", undefined],
    ]);
    expect(threadTexts(outs, { description: inputs.description, comments: ["first", "second"] })).toEqual([inputs.description, "first", "second"]);
  });

  it("diff: nothing changed → changes:false and zero API calls", async () => {
    const { id, outs } = await create();
    sim.clearRequests();
    const d = await provider.diff(id, { ...outs, __provider: "x" }, { ...inputs, __provider: "x", __resourceName: "change-ticket", thread: [] });
    expect(d.changes).toBe(false);
    expect(d.replaces).toEqual([]);
    expect(sim.requests()).toEqual([]);
  });

  it.each([
    ["accountId", "hybrid:100002"],
    ["subject", "Another subject"],
    ["category", "Incident"],
    ["subcategory", "Other"],
    ["severity", "High"],
    ["description", "Changed description"],
    ["recipients", ["RPN-000-000-002"]],
  ])("diff: a change to %s replaces the ticket", async (field, value) => {
    const { id, outs } = await create();
    const d = await provider.diff(id, outs, { ...inputs, [field]: value });
    expect(d).toMatchObject({ changes: true, replaces: [field], deleteBeforeReplace: false });
  });

  it("diff: resources and appended comments update in place", async () => {
    const { id, outs } = await create();
    expect(await provider.diff(id, outs, { ...inputs, resources: [] })).toMatchObject({ changes: true, replaces: [] });
    expect(await provider.diff(id, outs, { ...inputs, comments: ["note"] })).toMatchObject({ changes: true, replaces: [] });
  });

  it("update: a new resource list is one PATCH with the full list", async () => {
    const { id, outs } = await create();
    sim.clearRequests();
    const next = ["https://resources.api.rackspace.com/resources/dedicated:0002", "https://resources.api.rackspace.com/resources/dedicated:0003"];
    const res = await provider.update(id, outs, { ...inputs, resources: next });
    expect(writes().map((r) => [r.operation, r.method, r.body])).toEqual([["patchTicket", "PATCH", { resources: next }]]);
    expect((res.outs as Props).resources).toEqual(next);
    expect(sim.getTicket(id)?.resources).toEqual(next);
  });

  it("update: comments added at the end are POSTed one each, in order", async () => {
    const { id, outs } = await create({ comments: ["one"] });
    sim.clearRequests();
    const res = await provider.update(id, outs, { ...inputs, comments: ["one", "two", "three"] });
    expect(writes().map((r) => [r.operation, (r.body as { comment: { text: string } }).comment.text])).toEqual([
      ["addComment", "two"],
      ["addComment", "three"],
    ]);
    expect(postedDigests(res.outs as Props)).toEqual(digestsOf(["one", "two", "three"]));
  });

  it("update: resources and comments together → PATCH, then the comments", async () => {
    const { id, outs } = await create();
    sim.clearRequests();
    await provider.update(id, outs, { ...inputs, resources: [], comments: ["deployed"] });
    expect(writes().map((r) => r.operation)).toEqual(["patchTicket", "addComment"]);
  });

  it("delete: PATCH {status: Closed}; closing again and closing a ticket that is gone both succeed", async () => {
    const { id, outs } = await create();
    sim.clearRequests();
    await provider.delete(id, outs);
    expect(writes().map((r) => [r.operation, r.body])).toEqual([["patchTicket", { status: "Closed" }]]);
    expect(sim.getTicket(id)?.status).toBe("Closed");
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
    await expect(provider.delete("000000-sim-9999999", outs)).resolves.toBeUndefined();
  });

  it("read (refresh): status, resources and thread as the API reports them after a Racker acts", async () => {
    const { id, outs } = await create();
    sim.actAsRacker(id, { comment: "Scheduled for tonight.", status: "Pending Customer", name: "Sam R." });
    const r = await provider.read(id, outs);
    expect(r.id).toBe(id);
    const props = r.props as Props;
    expect(props.status).toBe("Pending Customer");
    expect(props.thread).toEqual([
      expect.objectContaining({ entry: "description" }),
      expect.objectContaining({ text: "Scheduled for tonight.", authorName: "Sam R.", authorType: "racker" }),
    ]);
    expect(props.subject).toBe(inputs.subject);
    expect(r.inputs).toBeUndefined();
  });

  it("read: a ticket that no longer exists reads back with an empty id", async () => {
    const r = await provider.read("000000-sim-9999999", { ...inputs });
    expect(r.id).toBe("");
  });

  it("read (import): the inputs come from the ticket", async () => {
    const { id } = await create({ comments: ["note"] });
    const r = await provider.read(id);
    expect(r.inputs).toEqual({ ...inputs, comments: ["note"] });
    expect((r.props as Props).ticketId).toBe(id);
  });

  it("partial failure: the ticket is opened, a comment fails → an error carrying the id and what was posted; the next update resumes", async () => {
    sim.injectFault({ operation: "addComment", kind: "status", status: 400, count: 1 });
    const before = sim.tickets().length;
    let err: unknown;
    try {
      await create({ comments: ["first", "second"], __provider: "serialized-stub" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TicketPartialFailure);
    const pf = err as TicketPartialFailure;
    expect(pf.id).toMatch(/\S/);
    expect(pf.message).toMatch(/RackspaceTicket "change-ticket-\d+" \(ticket .+\): the ticket was opened, but posting comments\[0\] failed: addComment .*HTTP 400.*comments\[0\] was not posted: fix or remove it/);
    expect(pf.properties.posted).toEqual([]);
    // What the CLI prints is `reasons`: the guidance must be there, and the host needs the serialized provider.
    expect(pf.reasons).toEqual([pf.message]);
    expect(pf.properties.__provider).toBe("serialized-stub");
    expect(sim.tickets()).toHaveLength(before + 1);

    sim.clearRequests();
    await provider.update(pf.id, pf.properties as unknown as Props, { ...inputs, comments: ["first", "second"] });
    expect(writes().map((r) => r.operation)).toEqual(["addComment", "addComment"]);
    expect(sim.tickets()).toHaveLength(before + 1);
    expect(sim.getTicket(pf.id)?.comments.map((c) => c.text)).toEqual([expect.stringContaining(inputs.description), "first", "second"]);
  });

  it("an API rejection names the resource, the operation, the status, faultCode and message, and what to do", async () => {
    await expect(create({ category: "No Such Category" })).rejects.toThrow(
      /RackspaceTicket "change-ticket-\d+": opening the ticket failed: createTicket failed: HTTP 400: badRequest: .*categor.*GET \/categories/i,
    );
    await expect(create({ category: "No Such Category" })).rejects.toBeInstanceOf(TicketOperationError);
  });

  it("a wait on the rate limit longer than ~2 s prints one line naming the resource, the operation and the wait", async () => {
    await provider.configure({ config: providerConfig(sim, { "rackspace:rateWindowMs": "2500", "rackspace:rateLimitCreate": "1" }) });
    await Promise.all([create(), create({ subject: "Second" })]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^RackspaceTicket "change-ticket-\d+": createTicket waiting \d\.\ds for a rate-limit slot$/);
  });

  it("configuration falls back to the RACKSPACE_* environment when stack config is absent", async () => {
    const saved = { ...process.env };
    try {
      process.env.RACKSPACE_USERNAME = "demo";
      process.env.RACKSPACE_API_KEY = DEMO_KEY;
      process.env.RACKSPACE_TICKETING_URL = sim.ticketingUrl;
      process.env.RACKSPACE_IDENTITY_URL = sim.identityUrl;
      process.env.RACKSPACE_RATE_WINDOW_MS = "1000";
      const p = new RackspaceTicketProvider();
      await p.configure({ config: { get: () => undefined } });
      const res = await p.create({ ...inputs });
      expect(res.id).toMatch(/\S/);
    } finally {
      process.env = saved;
    }
  });

  it("missing credentials give an error that says where to put them, and send nothing", async () => {
    const saved = { ...process.env };
    try {
      for (const k of Object.keys(process.env)) if (k.startsWith("RACKSPACE_")) delete process.env[k];
      const p = new RackspaceTicketProvider();
      await p.configure({ config: { get: (k: string) => (k === "rackspace:ticketingUrl" ? sim.ticketingUrl : undefined) } });
      sim.clearRequests();
      await expect(p.create({ ...inputs, __resourceName: "t" })).rejects.toThrow(/rackspace:username and rackspace:apiKey/);
      expect(sim.requests()).toEqual([]);
    } finally {
      process.env = saved;
    }
  });
});
