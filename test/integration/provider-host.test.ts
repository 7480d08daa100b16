/**
 * The provider inside the REAL Pulumi dynamic provider host
 * (@pulumi/pulumi/cmd/dynamic-provider), driven over gRPC with the SDK's generated
 * stubs, against the simulator. The host process loads the serialized stub, which loads
 * the implementation by package name from the "program directory", exactly as under
 * `pulumi up`. Nothing is mocked.
 */
import * as fs from "node:fs";
import { textDigest } from "../../src/core/history/posted";
import { digestsOf, postedDigests, threadOf } from "../helpers/posted";
import { startSimulator, Simulator, RequestLogEntry } from "../../src/simulator";
import {
  ensureBuilt,
  envWithoutRackspace,
  HostClient,
  HostError,
  HostProcess,
  initFailureOf,
  makeProgramDir,
  Props,
  secretValue,
  serializedProvider,
  spawnHost,
} from "../helpers/provider-host";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const API_KEY = "demo-api-key";
const RES_A = "https://example.com/servers/a";
const RES_B = "https://example.com/servers/b";
const WINDOW_MS = 1000;

let sim: Simulator;
let host: HostProcess | undefined;
let client: HostClient | undefined;
let programDir: string | undefined;
let providerText: string;
/** Every token the simulator issued (the raw values exist only in its answer to the host). */
const issuedTokens: string[] = [];

function hostClient(): HostClient {
  if (!client) throw new Error("the provider host is not running");
  return client;
}

function inputs(name: string, extra: Props = {}): Props {
  return {
    __provider: providerText,
    __resourceName: name,
    accountId: "hybrid:100001",
    subject: `Host test ${name}`,
    category: "Change",
    subcategory: "General",
    severity: "Normal",
    description: "Opened through the dynamic provider host",
    ...extra,
  };
}

/** Stack config as the engine sends it: the API key secret-wrapped, the rest plain. */
function configArgs(): Props {
  return { ...configVariables(), "rackspace:apiKey": secretValue(API_KEY) };
}

/** The same config as the legacy `variables` map (plain strings). */
function configVariables(): Record<string, string> {
  return {
    "rackspace:username": "demo",
    "rackspace:apiKey": API_KEY,
    "rackspace:ticketingUrl": sim.url,
    "rackspace:identityUrl": sim.url,
    "rackspace:rateWindowMs": String(WINDOW_MS),
  };
}

/** Log entries recorded after `since` (a seq), ticketing and identity alike. */
function logSince(since: number): RequestLogEntry[] {
  return sim.requests({ since });
}

function lastSeq(): number {
  const all = sim.requests();
  return all.length ? all[all.length - 1].seq : 0;
}

/** Fails when a credential value appears anywhere in `value`. */
function expectNoCredentials(value: unknown): void {
  const text = JSON.stringify(value);
  expect(text).not.toContain(API_KEY);
  for (const t of issuedTokens) expect(text).not.toContain(t);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until the last accepted createTicket has left the simulator's rate window. */
async function createWindowClear(): Promise<void> {
  const creates = sim.requests({ operation: "createTicket" }).filter((e) => e.status < 300);
  if (creates.length === 0) return;
  const wait = Date.parse(creates[creates.length - 1].at) + WINDOW_MS + 100 - Date.now();
  if (wait > 0) await sleep(wait);
}

async function expectHostError(p: Promise<unknown>): Promise<HostError> {
  try {
    await p;
  } catch (e) {
    return e as HostError;
  }
  throw new Error("expected the host to answer with an error");
}

beforeAll(async () => {
  ensureBuilt();
  sim = await startSimulator({ port: 0, windowMs: WINDOW_MS, limits: { create: 1, patch: 5, comment: 5, read: 60 } });
  // Observe the token values the simulator hands out (it stores only their hashes).
  // The store lives in the simulator's core (it moved there from the server object).
  const store = (sim as unknown as { core?: { tokenStore?: { issue: (u: string) => { id: string } } } }).core?.tokenStore;
  if (store) {
    const issue = store.issue.bind(store);
    store.issue = (u: string) => {
      const t = issue(u);
      issuedTokens.push(t.id);
      return t;
    };
  }
  providerText = await serializedProvider();
  programDir = makeProgramDir();
  host = await spawnHost(programDir, envWithoutRackspace());
  client = new HostClient(host.port);
  await client.ready();
}, 180_000);

afterAll(async () => {
  client?.close();
  await host?.stop();
  await sim?.close();
  if (programDir) fs.rmSync(programDir, { recursive: true, force: true });
});

describe("RackspaceTicket in the real dynamic provider host", () => {
  // Shared through the lifecycle tests below (they run in order).
  let id = "";
  let created: Props = {};
  let updated: Props = {};

  test("the serialized provider is a small stub without credentials", () => {
    expect(providerText).toContain("pulumi-rackspace-ticketing/provider/impl");
    expect(providerText.length).toBeLessThan(4_000);
    expectNoCredentials(providerText);
  });

  test("Configure with a secret-wrapped API key, then Check validates without calling the API", async () => {
    const c = hostClient();
    await c.configure(configArgs(), configVariables());
    const before = lastSeq();

    const ok = await c.check("valid", {}, inputs("valid", { resources: [RES_A] }));
    expect(ok.failures).toEqual([]);
    expect(ok.inputs.subject).toBe("Host test valid");
    expect(ok.inputs.__provider).toBe(providerText);

    const preview = await c.check("preview", {}, inputs("preview", { subject: UNKNOWN }));
    expect(preview.failures).toEqual([]);

    const bad = await c.check("bad", {}, inputs("bad", { severity: "Critical", resources: ["nope"] }));
    // A nested path is named at the start of the reason (the engine prints a top-level property's value beside it).
    const where = bad.failures.map((f) => f.property || f.reason.split(":")[0]);
    expect(where).toEqual(expect.arrayContaining(["severity", "resources[0]"]));
    expect(bad.failures.find((f) => f.property === "severity")?.reason).toMatch(/Low, Normal, High, Urgent$/);

    expect(logSince(before)).toEqual([]);
  });

  test("Create opens one ticket and returns its outputs, without credentials", async () => {
    const before = lastSeq();
    const props = inputs("lifecycle", { resources: [RES_A], recipients: ["ops@example.com"] });
    const res = await hostClient().create("lifecycle", props);
    id = res.id;
    created = res.properties;

    expect(id).toMatch(/^\d{6}-sim-\d{7}$/);
    expect(sim.getTicket(id)).toBeDefined();
    const log = logSince(before);
    expect(log.filter((e) => e.operation === "createTicket")).toHaveLength(1);
    expect(log.filter((e) => e.operation === "createTicket")[0].status).toBeLessThan(300);
    // The token request is the first API call of the host process.
    expect(log.filter((e) => e.operation === "token")).toHaveLength(1);
    // Besides the token and the create: only the correlation-marker lookup that precedes it.
    expect(log.map((e) => e.operation).filter((o) => o !== "token")).toEqual(["listTickets", "createTicket"]);

    expect(created).toMatchObject({
      ticketId: id,
      accountId: "hybrid:100001",
      subject: "Host test lifecycle",
      category: "Change",
      subcategory: "General",
      severity: "Normal",
      descriptionDigest: textDigest("Opened through the dynamic provider host"),
      recipients: ["ops@example.com"],
      resources: [RES_A],
      posted: [],
      __provider: providerText,
    });
    expect(typeof created.status).toBe("string");
    expect(created.status).not.toBe("");
    // The description is on the ticket with the marker; the state names it instead of repeating it.
    expect(sim.getTicket(id)!.comments[0].text).toMatch(/^Opened through the dynamic provider host\n\n-- \n.*Marker: pulumi-rt-/);
    expect(created.thread).toEqual([{ id: expect.any(String), entry: "description" }]);
    expect(issuedTokens.length).toBeGreaterThan(0);
    expectNoCredentials(created);
    expectNoCredentials(host?.stderr());
  });

  test("Diff: identical inputs are no change; replace fields replace; resources and comments update in place", async () => {
    const c = hostClient();
    const before = lastSeq();
    const base = inputs("lifecycle", { resources: [RES_A], recipients: ["ops@example.com"] });

    const same = await c.diff("lifecycle", id, created, base);
    expect(same.changes).toBe("DIFF_NONE");
    expect(same.replaces).toEqual([]);

    const subject = await c.diff("lifecycle", id, created, { ...base, subject: "Another subject" });
    expect(subject.changes).toBe("DIFF_SOME");
    expect(subject.replaces).toContain("subject");

    const res = await c.diff("lifecycle", id, created, { ...base, resources: [RES_A, RES_B] });
    expect(res).toEqual({ changes: "DIFF_SOME", replaces: [], deleteBeforeReplace: false });

    const comment = await c.diff("lifecycle", id, created, { ...base, comments: ["one more"] });
    expect(comment).toEqual({ changes: "DIFF_SOME", replaces: [], deleteBeforeReplace: false });

    // Diff writes nothing; it reads the ticket only when it plans to write to it (a closed ticket is replaced instead).
    expect(logSince(before).map((e) => `${e.operation} ${e.ticketId}`)).toEqual([`getTicket ${id}`, `getTicket ${id}`]);
  });

  test("Update PATCHes the resources once, then posts the new comments in order", async () => {
    const before = lastSeq();
    const news = inputs("lifecycle", { resources: [RES_A, RES_B], recipients: ["ops@example.com"], comments: ["first", "second"] });
    const res = await hostClient().update("lifecycle", id, created, news);
    updated = res.properties;

    const writes = logSince(before).filter((e) => ["createTicket", "patchTicket", "addComment"].includes(e.operation));
    expect(writes.map((e) => e.operation)).toEqual(["patchTicket", "addComment", "addComment"]);
    expect(writes[0].body).toEqual({ resources: [RES_A, RES_B] });
    expect(writes[1].body).toEqual({ comment: { text: "first" } });
    expect(writes[2].body).toEqual({ comment: { text: "second" } });
    expect(writes.every((e) => e.status < 300 && e.ticketId === id)).toBe(true);

    expect(updated).toMatchObject({ ticketId: id, resources: [RES_A, RES_B], __provider: providerText });
    expect(postedDigests(updated)).toEqual(digestsOf(["first", "second"]));
    // Each text is kept once: in the inputs. The outputs name the entries instead.
    expect(threadOf(updated).map((t) => t.entry)).toEqual(["description", "comments[0]", "comments[1]"]);
    expect(JSON.stringify(updated)).not.toContain('"first"');
    expectNoCredentials(updated);
  });

  test("Read (refresh) picks up a Racker's reply and status change", async () => {
    sim.actAsRacker(id, { comment: "Racker reply", status: "Pending Customer" });
    const res = await hostClient().read("lifecycle", id, updated);
    expect(res.id).toBe(id);
    expect(res.properties.status).toBe("Pending Customer");
    const thread = res.properties.thread as { text: string; authorType: string }[];
    expect(thread).toContainEqual(expect.objectContaining({ text: "Racker reply", authorType: "racker" }));
    // The posted comments and inputs survive the refresh.
    expect(res.properties).toMatchObject({ subject: "Host test lifecycle", __provider: providerText });
    expect(postedDigests(res.properties)).toEqual(digestsOf(["first", "second"]));
    expectNoCredentials(res.properties);
    updated = res.properties;
  });

  test("Delete closes the ticket with one PATCH; deleting again succeeds", async () => {
    const c = hostClient();
    const before = lastSeq();
    await c.delete("lifecycle", id, updated);
    const patches = logSince(before).filter((e) => e.operation === "patchTicket");
    expect(patches).toHaveLength(1);
    expect(patches[0].body).toEqual({ status: "Closed" });
    expect(patches[0].status).toBeLessThan(300);
    expect(sim.getTicket(id)?.status).toBe("Closed");

    await expect(c.delete("lifecycle", id, updated)).resolves.toBeUndefined();
    expect(sim.getTicket(id)?.status).toBe("Closed");
  });

  test("concurrent Creates share one process-wide limiter: no 429, spaced by the window", async () => {
    const c = hostClient();
    // Start from a quiet create window, so only these three creates compete
    // (the first create of the process is covered by the known-bug test below).
    await createWindowClear();
    const before = lastSeq();
    const names = ["conc-1", "conc-2", "conc-3"];
    const results = await Promise.all(names.map((n) => c.create(n, inputs(n))));
    expect(new Set(results.map((r) => r.id)).size).toBe(3);

    const log = logSince(before);
    expect(log.filter((e) => e.status === 429)).toEqual([]);
    const creates = log.filter((e) => e.operation === "createTicket");
    expect(creates).toHaveLength(3);
    expect(creates.every((e) => e.status < 300)).toBe(true);
    const times = creates.map((e) => Date.parse(e.at)).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(950);
  });

  test("a comment failing after the ticket exists is reported as ErrorResourceInitFailed with the ticket id", async () => {
    sim.injectFault({ operation: "addComment", kind: "status", status: 400 });
    const before = lastSeq();
    const err = await expectHostError(hostClient().create("partial", inputs("partial", { comments: ["x"] })));

    const log = logSince(before);
    const create = log.find((e) => e.operation === "createTicket");
    expect(create?.status).toBeLessThan(300);
    const comments = log.filter((e) => e.operation === "addComment");
    expect(comments).toHaveLength(1);
    expect(comments[0].status).toBe(400);
    const ticketId = create!.ticketId ?? "";
    expect(ticketId).not.toBe("");

    const failure = initFailureOf(err);
    expect(failure).toBeDefined();
    expect(failure!.typeName).toBe("pulumirpc.ErrorResourceInitFailed");
    expect(failure!.id).toBe(ticketId);
    expect(failure!.properties).toMatchObject({ ticketId, posted: [], subject: "Host test partial" });
    expect(failure!.reasons.length).toBeGreaterThan(0);
    expect(err.details).toContain('RackspaceTicket "partial"');
    expect(err.details).toContain(ticketId);
    expect(err.details).toMatch(/posting comments\[0\] failed/);
    expectNoCredentials(failure);
    expectNoCredentials(err.details);
  });
});

describe("pacing counts from the send, not from the slot", () => {
  // Regression: the client used to time a slot from when it was granted, then fetch the
  // token; the first write of a process reached the server late by the Identity round
  // trip and the next one, paced from the slot, landed inside the server's window (429).
  // Deterministic here with the token request held 400 ms.
  test("the first two creates of a fresh host process get no 429 when Identity is slow", async () => {
    const second = await spawnHost(programDir!, envWithoutRackspace());
    const c2 = new HostClient(second.port);
    try {
      await c2.ready();
      await c2.configure(configArgs(), configVariables());
      sim.injectFault({ operation: "token", kind: "hang", ms: 400 });
      const before = lastSeq();
      await c2.create("slow-token-1", inputs("slow-token-1"));
      await c2.create("slow-token-2", inputs("slow-token-2"));
      const creates = logSince(before).filter((e) => e.operation === "createTicket");
      expect(creates.map((e) => e.status)).toEqual([200, 200]);
    } finally {
      c2.close();
      await second.stop();
    }
  });
});
