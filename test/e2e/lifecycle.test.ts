/**
 * End to end through the real Pulumi CLI: the repository's quick-start program
 * (root Pulumi.yaml, examples/quickstart) against an in-process simulator, checking
 * what the simulator saw call by call. The tests of the first block run in order on
 * one stack: create → preview/no-op → update → replace → refresh → state → destroy →
 * a bad input. Import and secrets use small plain-JS programs of their own.
 *
 * Credentials are stack config only: the CLI runs without any RACKSPACE_* variable.
 */
import * as fs from "node:fs";
import { startSimulator, Simulator, RequestLogEntry } from "../../src/simulator";
import {
  describeWithPulumiCli,
  ensureBuilt,
  makeJsProgram,
  PulumiProject,
  REPO_ROOT,
  SECRET_SIG,
  StateResource,
  TICKET_TYPE,
  uniqueStack,
} from "../helpers/pulumi-cli";
import { openTicketByHand } from "../helpers/sim";

jest.setTimeout(180_000);

const API_KEY = "demo-api-key";
const WINDOW_MS = 1000;
const R1 = "https://resources.api.rackspace.com/resources/dedicated:0001";
const R2 = "https://resources.api.rackspace.com/resources/dedicated:0002";
const DEFAULT_DESCRIPTION = "Rolling out web tier v2 to the DFW cluster. Rollback: redeploy v1.";
const MARKER_FOOTER = /\n\n-- \nManaged by Pulumi \(pulumi-rackspace-ticketing\): project rackspace-ticketing-quickstart, stack e2e-[\w-]+, resource web-tier-change\. Marker: pulumi-rt-[0-9a-f]+$/;

/** Operation, ticket and body of each write call, in order. */
const writes = (sim: Simulator, since = 0) =>
  sim.writeCalls().filter((e) => e.seq > since).map((e) => ({ operation: e.operation, ticketId: e.ticketId, status: e.status, body: e.body }));
const lastSeq = (sim: Simulator) => sim.requests().reduce((m, e) => Math.max(m, e.seq), 0);
const READS = new Set<RequestLogEntry["operation"]>(["token", "getTicket", "listTickets", "getAccounts", "getCategories"]);

/** Everything the provider stores per ticket, checked for captured implementation. */
function expectSmallProvider(tickets: StateResource[]): void {
  expect(tickets.length).toBeGreaterThan(0);
  for (const t of tickets) {
    for (const where of [t.inputs, t.outputs]) {
      const provider = where?.__provider;
      expect(typeof provider).toBe("string");
      expect(Buffer.byteLength(provider as string)).toBeLessThan(2048);
      for (const word of ["TicketingClient", "axios", "zod"]) expect(provider as string).not.toContain(word);
    }
  }
}

/** A secret value as the state stores it: the signature plus ciphertext, no plaintext. */
function expectSecretWrapped(v: unknown): void {
  expect(v).toEqual({ [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) });
}

describeWithPulumiCli("e2e: the quick-start program through the Pulumi CLI", () => {
  let sim: Simulator;

  beforeAll(async () => {
    ensureBuilt();
    sim = await startSimulator({ port: 0, windowMs: WINDOW_MS });
  });

  afterAll(async () => {
    await sim?.close();
  });

  /** Stack config pointing a project at the simulator, credentials as config only. */
  async function configure(p: PulumiProject): Promise<void> {
    await p.configureForSimulator(sim, WINDOW_MS);
  }

  describe("lifecycle of one ticket", () => {
    let project: PulumiProject;
    let ticketId = "";
    let firstTicketId = "";

    beforeAll(async () => {
      project = await PulumiProject.create({ dir: REPO_ROOT, stack: uniqueStack("lifecycle") });
      await configure(project);
    });

    afterAll(async () => {
      await project?.dispose();
      if (project) expect(fs.existsSync(project.stackConfigFile)).toBe(false);
    });

    test("up opens exactly one ticket with the declared body; outputs carry its id and status", async () => {
      sim.clearRequests();
      const r = await project.up();
      expect(r.code).toBe(0);
      const w = writes(sim);
      expect(w).toEqual([
        {
          operation: "createTicket",
          ticketId: expect.stringMatching(/\S/),
          status: 200,
          body: {
            accountId: "hybrid:100001",
            subject: "Deploy web tier v2",
            category: "Change",
            subcategory: "General",
            severity: "Normal",
            comment: { text: expect.stringMatching(MARKER_FOOTER) },
            resources: [R1],
          },
        },
      ]);
      expect(((w[0].body as { comment: { text: string } }).comment.text).startsWith(DEFAULT_DESCRIPTION)).toBe(true);
      const created = sim.tickets();
      expect(created.map((t) => t.ticketId)).toEqual([w[0].ticketId]);
      ticketId = created[0].ticketId;
      firstTicketId = ticketId;
      const outputs = await project.outputs();
      expect(outputs.ticketId).toBe(ticketId);
      expect(outputs.status).toBe("Pending Rackspace");
      expect(outputs.resources).toEqual([R1]);
    });

    test("credentials come from `pulumi config set --secret rackspace:apiKey` alone, with no RACKSPACE_* variable", async () => {
      expect(Object.keys(project.env).filter((k) => k.startsWith("RACKSPACE_"))).toEqual([]);
      const stackFile = fs.readFileSync(project.stackConfigFile, "utf8");
      expect(stackFile).toMatch(/rackspace:apiKey:\s*\n\s*secure: v1:/);
      expect(stackFile).not.toContain(API_KEY);
      // The create above authenticated with exactly these credentials.
      const tokens = sim.requests({ operation: "token" });
      expect(tokens.length).toBeGreaterThan(0);
      expect(tokens.every((t) => t.status === 200)).toBe(true);
      expect(sim.requests({ operation: "createTicket" })[0].user).toBe("demo");
    });

    test("preview and a no-op up make no write calls", async () => {
      sim.clearRequests();
      const preview = await project.preview();
      expect(preview.code).toBe(0);
      expect(preview.stdout).toMatch(/2 unchanged/);
      expect(sim.requests()).toEqual([]);
      const up = await project.up();
      expect(up.code).toBe(0);
      expect(up.stdout).toMatch(/2 unchanged/);
      expect(writes(sim)).toEqual([]);
      expect(sim.requests().filter((e) => !READS.has(e.operation))).toEqual([]);
    });

    test("update in place: a new resource list is one PATCH with the full list; new comments are posted in order", async () => {
      await project.configSet("quickstart:resources[0]", R1, { path: true });
      await project.configSet("quickstart:resources[1]", R2, { path: true });
      sim.clearRequests();
      const r1 = await project.up();
      expect(r1.code).toBe(0);
      expect(writes(sim)).toEqual([{ operation: "patchTicket", ticketId, status: 204, body: { resources: [R1, R2] } }]);
      expect(sim.getTicket(ticketId)?.resources).toEqual([R1, R2]);

      await project.configSet("quickstart:comments[0]", "Deployed build 42 to web01.", { path: true });
      await project.configSet("quickstart:comments[1]", "Deployed build 42 to web02.", { path: true });
      sim.clearRequests();
      const r2 = await project.up();
      expect(r2.code).toBe(0);
      expect(writes(sim)).toEqual([
        { operation: "addComment", ticketId, status: 204, body: { comment: { text: "Deployed build 42 to web01." } } },
        { operation: "addComment", ticketId, status: 204, body: { comment: { text: "Deployed build 42 to web02." } } },
      ]);
      const outputs = await project.outputs();
      expect(outputs.ticketId).toBe(ticketId);
      expect(outputs.thread).toEqual([
        expect.stringContaining(DEFAULT_DESCRIPTION),
        "Demo User (customer): Deployed build 42 to web01.",
        "Demo User (customer): Deployed build 42 to web02.",
      ]);
    });

    test("replace: a new subject opens the new ticket before the old one is closed, and the old one names the new one", async () => {
      await project.configSet("quickstart:subject", "Deploy web tier v3");
      sim.clearRequests();
      const r = await project.up();
      expect(r.code).toBe(0);
      const w = writes(sim);
      const creates = w.filter((e) => e.operation === "createTicket");
      const closes = w.filter((e) => e.operation === "patchTicket");
      expect(creates).toHaveLength(1);
      expect(creates[0]).toMatchObject({ status: 200, body: { subject: "Deploy web tier v3", resources: [R1, R2] } });
      expect(closes).toEqual([{ operation: "patchTicket", ticketId: firstTicketId, status: 204, body: { status: "Closed" } }]);
      expect(w.indexOf(creates[0])).toBeLessThan(w.indexOf(closes[0]));

      const outputs = await project.outputs();
      const newId = outputs.ticketId as string;
      expect(newId).not.toBe(firstTicketId);
      expect(sim.getTicket(newId)?.subject).toBe("Deploy web tier v3");
      // The new ticket gets the whole comment list, between its creation and the old one's close;
      // the old one is told which ticket replaces it, right before it is closed.
      expect(w).toEqual([
        creates[0],
        { operation: "addComment", ticketId: newId, status: 204, body: { comment: { text: "Deployed build 42 to web01." } } },
        { operation: "addComment", ticketId: newId, status: 204, body: { comment: { text: "Deployed build 42 to web02." } } },
        { operation: "addComment", ticketId: firstTicketId, status: 204, body: { comment: { text: `Replaced by ticket ${newId}.` } } },
        closes[0],
      ]);
      expect(sim.getTicket(firstTicketId)?.status).toBe("Closed");
      ticketId = newId;
    });

    test("refresh reads a Racker's reply and status change into the state, and shows the drift", async () => {
      sim.actAsRacker(ticketId, { comment: "Approved for tonight's window.", status: "Pending Customer", name: "Sam R." });
      sim.clearRequests();
      // Pulumi >= 3.1xx computes a refresh's display with the provider's Diff, which looks at
      // inputs only, so drift in outputs (status, thread) is shown only with the legacy refresh diff.
      const r = await project.refresh(["--diff"], { env: { PULUMI_ENABLE_LEGACY_REFRESH_DIFF: "true" } });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/~ pulumi-nodejs:dynamic\/rackspace:Ticket: \(update\)/);
      expect(r.stdout).toMatch(/~ status\s*: "Pending Rackspace" => "Pending Customer"/);
      expect(r.stdout).toMatch(/\+ authorType\s*: "racker"/);
      expect(r.stdout).toContain("Approved for tonight's window.");
      expect(r.stdout).toMatch(/~ 1 updated/);
      expect(writes(sim)).toEqual([]);
      expect(sim.requests({ operation: "getTicket", ticketId }).length).toBeGreaterThan(0);

      const [ticket] = await project.resources();
      expect(ticket.id).toBe(ticketId);
      expect(ticket.outputs?.status).toBe("Pending Customer");
      expect(ticket.outputs?.thread).toEqual(
        expect.arrayContaining([expect.objectContaining({ authorType: "racker", authorName: "Sam R.", text: "Approved for tonight's window." })]),
      );
    });

    test("the state holds no credential, no token and no captured implementation", async () => {
      const { text, state } = await project.exportState();
      expect(text).not.toContain(API_KEY);
      // Tokens the simulator issues are 48 hex digits; none may be stored.
      expect(sim.issueToken("demo")).toMatch(/^[0-9a-f]{48}$/);
      expect(text).not.toMatch(/\b[0-9a-f]{48}\b/);
      expect(text.toLowerCase()).not.toContain("x-auth-token");
      const provider = (state.deployment.resources ?? []).find((r) => r.type === "pulumi:providers:pulumi-nodejs");
      expectSecretWrapped(provider?.inputs?.["rackspace:apiKey"]);
      const tickets = (state.deployment.resources ?? []).filter((r) => r.type === TICKET_TYPE);
      expect(tickets).toHaveLength(1);
      expectSmallProvider(tickets);
    });

    test("destroy closes the live ticket with exactly one PATCH", async () => {
      sim.clearRequests();
      const r = await project.destroy();
      expect(r.code).toBe(0);
      expect(writes(sim)).toEqual([{ operation: "patchTicket", ticketId, status: 204, body: { status: "Closed" } }]);
      expect(sim.getTicket(ticketId)?.status).toBe("Closed");
      expect(await project.resources()).toEqual([]);
    });

    test("a bad input fails preview with the property and the reason, before any API call", async () => {
      await project.configSet("quickstart:resources[0]", "not-a-url", { path: true });
      sim.clearRequests();
      const r = await project.preview();
      expect(r.code).not.toBe(0);
      expect(r.output).toContain("resources[0]");
      expect(r.output).toContain("must be an absolute http(s) resource URL");
      expect(sim.requests()).toEqual([]);
    });
  });

  /**
   * The engine's own import cannot reach a dynamic provider's read (pulumi/pulumi#3550: the
   * engine's Read for an import carries no state, so the SDK's host has no `__provider` to
   * load). RackspaceTicket honours the `import` option itself, as a strict adoption at create:
   * every declared value must match the ticket and nothing is sent to change it.
   */
  test("import: the `import` resource option takes over an existing ticket with zero writes; a mismatch fails, naming it", async () => {
    const id = await openTicketByHand(sim, {
      accountId: "hybrid:100001",
      subject: "Patch the load balancers",
      category: "Change",
      subcategory: "General",
      severity: "Normal",
      comment: { text: "Opened by hand in the portal." },
      resources: [R1],
    });
    const program = (resources: string[]) => `"use strict";
const { RackspaceTicket } = require("pulumi-rackspace-ticketing");
const t = new RackspaceTicket("imported", {
  accountId: "hybrid:100001",
  subject: "Patch the load balancers",
  category: "Change",
  subcategory: "General",
  severity: "Normal",
  description: "Opened by hand in the portal.",
  resources: ${JSON.stringify(resources)},
}, { import: ${JSON.stringify(id)} });
exports.ticketId = t.ticketId;
exports.status = t.status;
`;
    const dir = makeJsProgram("rt-e2e-import", program([R1, R2]));
    const project = await PulumiProject.create({ dir, stack: uniqueStack("import") });
    try {
      await configure(project);
      let since = lastSeq(sim);
      const bad = await project.up();
      expect(bad.code).not.toBe(0);
      expect(bad.output).toMatch(/cannot import the ticket: resources is \[.*\], the program says .*an import never changes the ticket/);
      expect(sim.requests({ since }).filter((e) => ["createTicket", "patchTicket", "addComment"].includes(e.operation))).toEqual([]);
      expect(await project.resources()).toEqual([]);

      fs.writeFileSync(`${dir}/index.js`, program([R1]));
      since = lastSeq(sim);
      const ok = await project.up();
      expect({ code: ok.code, output: ok.code === 0 ? "" : ok.output }).toEqual({ code: 0, output: "" });
      const calls = sim.requests({ since }).filter((e) => e.operation !== "token").map((e) => e.operation);
      expect(calls).toContain("getTicket");
      expect(calls.filter((o) => ["createTicket", "patchTicket", "addComment"].includes(o))).toEqual([]);
      expect((await project.resources()).map((r) => r.id)).toEqual([id]);
      expect(await project.outputs()).toMatchObject({ ticketId: id, status: "Pending Rackspace" });

      since = lastSeq(sim);
      expect((await project.up()).code).toBe(0);
      expect(sim.requests({ since }).filter((e) => ["createTicket", "patchTicket", "addComment"].includes(e.operation))).toEqual([]);
    } finally {
      await project.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("adoptTicketId: an existing ticket is taken over without opening another; later ups send nothing; destroy closes it", async () => {
    const id = await openTicketByHand(sim, {
      accountId: "hybrid:100001",
      subject: "Rotate the TLS certificates",
      category: "Change",
      subcategory: "General",
      comment: { text: "Opened by hand in the portal." },
      resources: [R1],
    });
    const dir = makeJsProgram(
      "rt-e2e-adopt",
      `"use strict";
const { RackspaceTicket } = require("pulumi-rackspace-ticketing");
const t = new RackspaceTicket("adopted", {
  accountId: "hybrid:100001",
  subject: "Rotate the TLS certificates",
  category: "Change",
  subcategory: "General",
  description: "Opened by hand in the portal.",
  resources: [${JSON.stringify(R1)}],
  comments: ["Now managed by Pulumi."],
  adoptTicketId: ${JSON.stringify(id)},
});
exports.ticketId = t.ticketId;
`,
    );
    const project = await PulumiProject.create({ dir, stack: uniqueStack("adopt") });
    try {
      await configure(project);
      let since = lastSeq(sim);
      const up = await project.up();
      expect(up.code).toBe(0);
      const writes = sim.requests({ since }).filter((e) => ["createTicket", "patchTicket", "addComment"].includes(e.operation));
      expect(writes.map((e) => [e.operation, e.ticketId])).toEqual([["addComment", id]]);
      expect((await project.outputs()).ticketId).toBe(id);

      since = lastSeq(sim);
      expect((await project.up()).code).toBe(0);
      expect(sim.requests({ since }).filter((e) => ["createTicket", "patchTicket", "addComment"].includes(e.operation))).toEqual([]);

      since = lastSeq(sim);
      expect((await project.destroy()).code).toBe(0);
      expect(sim.requests({ since }).filter((e) => e.operation === "patchTicket").map((e) => [e.ticketId, e.body])).toEqual([[id, { status: "Closed" }]]);
    } finally {
      await project.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a secret description stays secret: description and thread are encrypted in the state, the plaintext appears nowhere", async () => {
    const secret = "Maintenance password is hunter2-XYZZY";
    // A program reading its description the way a user should: as a secret.
    const dir = makeJsProgram(
      "rt-e2e-secret",
      `"use strict";
const pulumi = require("@pulumi/pulumi");
const { RackspaceTicket } = require("pulumi-rackspace-ticketing");
const config = new pulumi.Config("e2e");
const t = new RackspaceTicket("secretive", {
  accountId: "hybrid:100001",
  subject: "Rotate credentials",
  category: "Change",
  subcategory: "General",
  description: config.requireSecret("description"),
});
exports.ticketId = t.ticketId;
exports.description = t.description;
exports.thread = t.thread;
`,
    );
    const project = await PulumiProject.create({ dir, stack: uniqueStack("secret") });
    try {
      await configure(project);
      await project.configSet("e2e:description", secret, { secret: true });
      sim.clearRequests();
      const r = await project.up();
      expect(r.code).toBe(0);
      expect(r.output).not.toContain(secret);
      // The simulator did get the text (it is the API).
      expect((writes(sim)[0].body as { comment: { text: string } }).comment.text.startsWith(secret)).toBe(true);

      const { text, state } = await project.exportState();
      expect(text).not.toContain("XYZZY");
      const [ticket] = (state.deployment.resources ?? []).filter((x) => x.type === TICKET_TYPE);
      expectSecretWrapped(ticket.outputs?.descriptionDigest);
      expect(ticket.outputs).not.toHaveProperty("description");
      expectSecretWrapped(ticket.outputs?.thread);
      // The records digest the texts: secret as well.
      expectSecretWrapped(ticket.outputs?.posted);
      expectSecretWrapped(ticket.outputs?.notes);
      expectSecretWrapped(ticket.inputs?.description);
      const stack = (state.deployment.resources ?? []).find((x) => x.type === "pulumi:pulumi:Stack");
      expectSecretWrapped(stack?.outputs?.description);
      expectSecretWrapped(stack?.outputs?.thread);

      // With --show-secrets the values are there, so the encryption above held the real text.
      const outputs = await project.outputs();
      expect(outputs.description).toBe(secret);
      expect((outputs.thread as { text: string }[])[0].text.startsWith(secret)).toBe(true);
    } finally {
      await project.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
