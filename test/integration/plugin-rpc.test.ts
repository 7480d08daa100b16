/**
 * The provider plugin over gRPC, every RPC called directly as the engine calls it, against the
 * simulator: GetPluginInfo, GetSchema, CheckConfig, DiffConfig, Configure, Check, Diff (element
 * by element), Create (preview and real), Read (refresh, import, gone), Update (preview and
 * real), Delete, Invoke, Cancel; a partial failure's ErrorResourceInitFailed; secrets kept
 * secret; lines on the resource's row in the engine's log.
 */
import type { Simulator } from "../../src/simulator";
import { ensureBuilt } from "../helpers/provider-host";
import { initFailedOf, newEmpty, pb, plain, PluginHost, SECRET, SIG, struct } from "../helpers/plugin-host";
import { openTicketByHand, startSim } from "../helpers/sim";

jest.setTimeout(120_000);

const URN = (name: string, type = "rackspace:ticketing:Ticket") => `urn:pulumi:dev::rt-plugin::${type}::${name}`;
const base = { accountId: "hybrid:100001", category: "Change", subcategory: "General" };

describe("the provider plugin over gRPC", () => {
  let sim: Simulator;
  let host: PluginHost;

  const check = async (name: string, news: Record<string, unknown>, olds: Record<string, unknown> = {}) => {
    const r = await host.call<InstanceType<typeof pb.CheckResponse>>("check", new pb.CheckRequest().setUrn(URN(name)).setOlds(struct(olds)).setNews(struct(news)));
    return { inputs: plain(r.getInputs()), failures: r.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
  };
  const create = async (name: string, inputs: Record<string, unknown>, preview = false) => {
    const r = await host.call<InstanceType<typeof pb.CreateResponse>>("create", new pb.CreateRequest().setUrn(URN(name)).setProperties(struct(inputs)).setPreview(preview));
    return { id: r.getId(), props: plain(r.getProperties()) };
  };

  beforeAll(async () => {
    ensureBuilt();
    sim = await startSim({ limits: { create: 50, patch: 50, comment: 50, read: 500 } });
    host = new PluginHost();
    await host.start();
  });
  afterEach(() => sim.clearFaults());
  afterAll(async () => {
    await host?.stop();
    await sim?.close();
  });

  it("tells its version and serves its schema", async () => {
    const info = await host.call<{ getVersion(): string }>("getPluginInfo", newEmpty());
    expect(info.getVersion()).toMatch(/^\d+\.\d+\.\d+/);
    const schema = JSON.parse((await host.call<InstanceType<typeof pb.GetSchemaResponse>>("getSchema", new pb.GetSchemaRequest())).getSchema()) as { name: string; resources: Record<string, unknown> };
    expect(schema.name).toBe("rackspace");
    expect(Object.keys(schema.resources)).toEqual(["rackspace:ticketing:Ticket", "rackspace:ticketing:TicketComment"]);
  });

  it("checks and diffs its configuration, and is configured by stack config (the API key a secret)", async () => {
    const cfg = { username: "demo", apiKey: SECRET("demo-api-key"), ticketingUrl: sim.ticketingUrl };
    const checked = await host.call<InstanceType<typeof pb.CheckResponse>>("checkConfig", new pb.CheckRequest().setUrn("urn:pulumi:dev::p::pulumi:providers:rackspace::default").setNews(struct(cfg)));
    expect(plain(checked.getInputs())).toEqual(cfg);
    const same = await host.call<InstanceType<typeof pb.DiffResponse>>("diffConfig", new pb.DiffRequest().setOlds(struct(cfg)).setNews(struct(cfg)));
    expect(same.getChanges()).toBe(pb.DiffResponse.DiffChanges.DIFF_NONE);
    const other = await host.call<InstanceType<typeof pb.DiffResponse>>("diffConfig", new pb.DiffRequest().setOlds(struct(cfg)).setNews(struct({ ...cfg, apiKey: SECRET("other") })));
    expect([other.getChanges(), other.getDiffsList(), other.getReplacesList()]).toEqual([pb.DiffResponse.DiffChanges.DIFF_SOME, ["apiKey"], []]);
    const req = new pb.ConfigureRequest().setAcceptsecrets(true).setAcceptresources(true);
    const vars = req.getVariablesMap();
    for (const [k, v] of Object.entries({ username: "demo", apiKey: "demo-api-key", ticketingUrl: sim.ticketingUrl, identityUrl: sim.identityUrl, resourcesUrl: sim.resourcesUrl, rateWindowMs: "1000", rateLimitCreate: "50", rateLimitComment: "50", rateLimitPatch: "50", rateLimitRead: "500", retryMaxAttempts: "2" })) vars.set(`rackspace:${k}`, v);
    const r = await host.call<InstanceType<typeof pb.ConfigureResponse>>("configure", req);
    expect([r.getAcceptsecrets(), r.getSupportspreview()]).toEqual([true, true]);
  });

  it("check: validates, names the property, canonicalises a severity, keeps secrets secret", async () => {
    const bad = await check("bad", { ...base, subject: "" });
    expect(bad.failures).toEqual([{ property: "subject", reason: "subject must not be empty" }]);
    const good = await check("good", { ...base, subject: "Good", severity: "normal", description: SECRET("a secret plan") });
    expect(good.failures).toEqual([]);
    expect(good.inputs.severity).toBe("Normal");
    expect(good.inputs.description).toEqual(SECRET("a secret plan"));
    expect(Object.keys(good.inputs).filter((k) => k.startsWith("__"))).toEqual([]);
  });

  it("create (preview then real), diff element by element, update (preview then real), read, delete", async () => {
    const inputs = { ...base, subject: "Plugin RPC", description: SECRET("secret description for the RPC test"), comments: ["one", "two"], note: "run 1" };
    const planned = await create("rpc", inputs, true);
    expect(planned.id).toBe("");
    expect(planned.props.ticketId).toBe("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    // A preview promises only what the real answer gives: the texts stay in the inputs.
    expect(Object.keys(planned.props).filter((k) => ["description", "comments"].includes(k))).toEqual([]);
    expect(sim.tickets().filter((t) => t.subject === "Plugin RPC")).toEqual([]);
    const { id, props } = await create("rpc", inputs);
    expect(sim.getTicket(id)?.comments.slice(1).map((c) => c.text)).toEqual(["one", "two", "run 1"]);
    // What repeats or digests the secret description is secret; no bookkeeping comes back.
    expect(props).not.toHaveProperty("description"); // its text is in the inputs only
    for (const k of ["thread", "descriptionDigest", "posted", "notes"]) expect([k, (props[k] as Record<string, unknown>)?.[SIG]]).toEqual([k, "1b47061264138c4ac30d75fd1eb44270"]);
    expect(Object.keys(props).filter((k) => k.startsWith("__") && k !== "__stateVersion")).toEqual([]);

    const next = { ...inputs, comments: ["one", "two", "three"], note: "run 2", resources: ["https://resources.api.rackspace.com/resources/dedicated:0001"] };
    const diff = await host.call<InstanceType<typeof pb.DiffResponse>>("diff", new pb.DiffRequest().setId(id).setUrn(URN("rpc")).setOlds(struct(props)).setNews(struct(next)).setOldInputs(struct(inputs)));
    const detailed: Record<string, number> = {};
    diff.getDetaileddiffMap().forEach((v, k) => (detailed[k] = v.getKind()));
    expect(diff.getChanges()).toBe(pb.DiffResponse.DiffChanges.DIFF_SOME);
    expect(diff.getReplacesList()).toEqual([]);
    expect(detailed).toEqual({ "comments[2]": pb.PropertyDiff.Kind.ADD, "resources[0]": pb.PropertyDiff.Kind.ADD, note: pb.PropertyDiff.Kind.UPDATE });
    expect(diff.getDiffsList().sort()).toEqual(["comments", "note", "resources"]);
    const replacing = await host.call<InstanceType<typeof pb.DiffResponse>>("diff", new pb.DiffRequest().setId(id).setUrn(URN("rpc")).setOlds(struct(props)).setNews(struct({ ...inputs, subject: "Plugin RPC 2" })).setOldInputs(struct(inputs)));
    expect(replacing.getReplacesList()).toEqual(["subject"]);
    expect(replacing.getDetaileddiffMap().get("subject")?.getKind()).toBe(pb.PropertyDiff.Kind.UPDATE_REPLACE);

    const preview = plain((await host.call<InstanceType<typeof pb.UpdateResponse>>("update", new pb.UpdateRequest().setId(id).setUrn(URN("rpc")).setOlds(struct(props)).setNews(struct(next)).setOldInputs(struct(inputs)).setPreview(true))).getProperties());
    // The preview of an update knows the ticket's id (a comment resource on it plans no replacement).
    expect(preview.ticketId).toBe(id);
    expect(Object.keys(preview).filter((k) => ["description", "comments"].includes(k))).toEqual([]);
    expect(sim.getTicket(id)?.comments).toHaveLength(4);
    const updated = plain((await host.call<InstanceType<typeof pb.UpdateResponse>>("update", new pb.UpdateRequest().setId(id).setUrn(URN("rpc")).setOlds(struct(props)).setNews(struct(next)).setOldInputs(struct(inputs)))).getProperties());
    expect(sim.getTicket(id)?.comments.slice(1).map((c) => c.text)).toEqual(["one", "two", "run 1", "three", "run 2"]);
    expect(sim.getTicket(id)?.resources).toEqual(next.resources);

    const read = await host.call<InstanceType<typeof pb.ReadResponse>>("read", new pb.ReadRequest().setId(id).setUrn(URN("rpc")).setProperties(struct(updated)).setInputs(struct(next)));
    expect(read.getId()).toBe(id);
    expect(plain(read.getInputs())).toEqual(JSON.parse(JSON.stringify(next)));
    expect((plain(read.getProperties()).thread as Record<string, unknown>)[SIG]).toBeDefined();

    await host.call("delete", new pb.DeleteRequest().setId(id).setUrn(URN("rpc")).setProperties(struct(updated)));
    expect(sim.getTicket(id)?.status).toBe("Closed");
    // A preview against a failing API: the diff's short read fails, and the warning goes to the engine's log, on the resource's row.
    const { id: wid, props: wprops } = await create("rpc-warn2", { ...base, subject: "Plugin RPC warn 2" });
    sim.injectFault({ operation: "getTicket", kind: "status", status: 503, count: 1000 });
    await host.call("diff", new pb.DiffRequest().setId(wid).setUrn(URN("rpc-warn2")).setOlds(struct(wprops)).setNews(struct({ ...base, subject: "Plugin RPC warn 2", comments: ["new"] })));
    sim.clearFaults();
    await new Promise((r) => setTimeout(r, 300)); // a line to the engine is sent without waiting
    expect(host.lines.filter((l) => l.urn === URN("rpc-warn2")).map((l) => [l.severity, l.message.replace(/\(getTicket.*\)/, "(…)")])).toEqual([[2, `RackspaceTicket "rpc-warn2" (ticket ${wid}): could not read the ticket (…); the plan comes from the state: whether Rackspace closed it is checked again when the update runs`]]);
  });

  it("read: `pulumi import` takes the inputs from the ticket; a ticket that is gone comes back without an id", async () => {
    const hand = await openTicketByHand(sim, { ...base, subject: "Opened by hand for import", severity: "Low", comment: { text: "Imported description." } });
    const imported = await host.call<InstanceType<typeof pb.ReadResponse>>("read", new pb.ReadRequest().setId(hand).setUrn(URN("imported")));
    expect(imported.getId()).toBe(hand);
    expect(plain(imported.getInputs())).toMatchObject({ ...base, subject: "Opened by hand for import", severity: "Low", description: "Imported description." });
    const gone = await host.call<InstanceType<typeof pb.ReadResponse>>("read", new pb.ReadRequest().setId("000000-sim-9999999").setUrn(URN("gone")).setProperties(struct({ ...base, subject: "x", ticketId: "000000-sim-9999999" })));
    expect(gone.getId()).toBe("");
  });

  it("a partial failure carries ErrorResourceInitFailed: the id, the properties and the reasons", async () => {
    sim.injectFault({ operation: "addComment", kind: "status", status: 400, count: 1 });
    const e = await create("partial", { ...base, subject: "Plugin partial", comments: ["refused"] }).catch((x: unknown) => x);
    sim.clearFaults();
    const f = initFailedOf(e);
    expect(f?.id).toMatch(/^\d{6}-sim-\d{7}$/);
    expect(f?.properties).toMatchObject({ subject: "Plugin partial", posted: [] });
    expect(f?.reasons[0]).toMatch(/comments\[0\] was not posted/);
  });

  it("a lost create answer the list cannot confirm is an unconfirmed record whose guidance names the plugin resource's URN", async () => {
    sim.injectFault({ operation: "createTicket", kind: "drop-after", count: 1 });
    sim.injectFault({ operation: "listTickets", kind: "status", status: 200, body: { tickets: [] }, count: 1000 });
    const e = await create("lost", { ...base, subject: "Plugin lost answer" }).catch((x: unknown) => x);
    sim.clearFaults();
    const f = initFailedOf(e);
    expect(f?.id).toMatch(/^unconfirmed-pulumi-rt-[0-9a-f]{16}$/);
    expect(f?.properties).toMatchObject({ unconfirmed: { marker: f?.id.slice("unconfirmed-".length) } });
    expect(f?.reasons.join("\n")).toContain(`pulumi state delete '${URN("lost")}'`);
    expect(f?.reasons.join("\n")).toContain(`choose id \`${String(f?.id)}\``);
    expect(sim.tickets().filter((t) => t.subject === "Plugin lost answer" && t.status !== "Closed")).toHaveLength(1);
  });

  it("a replacement the engine forces on a diff that planned an update (replaceOnChanges, up --replace) opens a new ticket and closes the old one: the create never takes the old ticket back by its marker", async () => {
    const inputs = { ...base, subject: "Plugin forced replacement", comments: ["first"] };
    const { id: oldId, props } = await create("forced", inputs);
    const next = { ...inputs, resources: ["https://resources.api.rackspace.com/resources/dedicated:0002"] };
    // The engine applies replaceOnChanges itself: the plugin's diff plans an update…
    const diff = await host.call<InstanceType<typeof pb.DiffResponse>>("diff", new pb.DiffRequest().setId(oldId).setUrn(URN("forced")).setOlds(struct(props)).setNews(struct(next)).setOldInputs(struct(inputs)));
    expect(diff.getReplacesList()).toEqual([]);
    // …and the engine replaces it: a create of the same resource, then the delete of the old record.
    const { id: newId } = await create("forced", next);
    await host.call("delete", new pb.DeleteRequest().setId(oldId).setUrn(URN("forced")).setProperties(struct(props)));
    expect(newId).not.toBe(oldId);
    expect(sim.getTicket(newId)?.status).not.toBe("Closed");
    expect(sim.getTicket(newId)?.resources).toEqual(next.resources);
    expect(sim.getTicket(newId)?.comments.slice(1).map((c) => c.text)).toEqual(["first"]);
    expect(sim.getTicket(oldId)?.status).toBe("Closed");
    expect(sim.getTicket(oldId)?.comments.map((c) => c.text)).toContain(`Replaced by ticket ${newId}.`);
  });

  it("invoke: accounts, categories and resources from the configured provider", async () => {
    const call = async (tok: string, args: Record<string, unknown> = {}) => plain((await host.call<InstanceType<typeof pb.InvokeResponse>>("invoke", new pb.InvokeRequest().setTok(tok).setArgs(struct(args)))).getReturn());
    expect(((await call("rackspace:ticketing:getAccounts")).accounts as { id: string }[]).map((a) => a.id)).toContain("hybrid:100001");
    expect(((await call("rackspace:ticketing:getCategories")).categories as { name: string }[]).map((c) => c.name)).toContain("Change");
    expect(Array.isArray((await call("rackspace:ticketing:getResources", { status: "all" })).resources)).toBe(true);
    await expect(call("rackspace:ticketing:nothing")).rejects.toThrow(/not implemented/);
  });

  it("cancel ends a gate's wait: the create fails as a partial failure and the ticket is kept", async () => {
    const creating = create("gated", { ...base, subject: "Plugin gated", waitFor: { approval: "approved", pollInterval: "1s", timeout: "60s" } }).catch((x: unknown) => x);
    const t0 = Date.now();
    while (!sim.tickets().some((t) => t.subject === "Plugin gated") && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    await host.call("cancel", newEmpty());
    const f = initFailedOf(await creating);
    expect(f?.reasons[0]).toMatch(/cancelled while waiting/);
    expect(sim.getTicket(f?.id ?? "")?.status).not.toBe("Closed");
  });
});
