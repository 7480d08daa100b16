/**
 * The simulator over real HTTP on loopback, driven with node's global fetch (not the
 * project's client), so the wire behaviour itself is what is tested.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSimulator, type Simulator, type SimulatorOptions, type Ticket } from "../../src/simulator";
import { main } from "../../src/simulator/cli";

const V2 = "application/vnd.ticketing.v2+json";
const KEY = "demo-api-key";

const seedTicket = {
  accountId: "hybrid:100001",
  subject: "Help! We need more servers!",
  category: "Incident",
  subcategory: "General",
  severity: "Urgent",
  comment: { text: "We are receiving a ton of traffic, we need more servers!" },
  recipients: ["RPN-3322-23"],
  resources: ["https://resources.api.rackspace.com/resources/dedicated:00001"],
};

interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function http(
  sim: Simulator,
  method: string,
  p: string,
  opts: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Res> {
  const headers: Record<string, string> = { Accept: V2, ...opts.headers };
  if (opts.token) headers["X-Auth-Token"] = opts.token;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["Content-Type"] ??= V2;
  }
  const res = await fetch(`${sim.url}${p}`, { method, headers, body, signal: opts.signal });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

async function authenticate(sim: Simulator, username = "demo", apiKey = KEY): Promise<Res> {
  return http(sim, "POST", "/v2.0/tokens", {
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: { auth: { "RAX-KSKEY:apiKeyCredentials": { username, apiKey } } },
  });
}

async function tokenOf(sim: Simulator): Promise<string> {
  const r = await authenticate(sim);
  return (r.json as { access: { token: { id: string } } }).access.token.id;
}

const fault = (status: number, faultCode: string, message: string | RegExp) => ({
  status,
  faultCode,
  message: typeof message === "string" ? message : expect.stringMatching(message),
  moreInfo: `docs/ticketing/general-api-info/faults/#${faultCode}`,
});

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const HIGH = { create: 100, patch: 100, comment: 100, read: 1000, attachment: 100, resources: 1000 };

describe("Rackspace simulator over HTTP", () => {
  let sim: Simulator;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, windowMs: 1000, limits: HIGH });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    sim.reset();
    sim.setLimits(HIGH);
    sim.setWindowMs(1000);
    token = await tokenOf(sim);
    sim.clearRequests();
  });

  const create = async (body: unknown = seedTicket, t = token) => http(sim, "POST", "/tickets", { token: t, body });
  const created = async (body: unknown = seedTicket): Promise<Ticket> => {
    const r = await create(body);
    expect(r.status).toBe(200);
    return r.json as Ticket;
  };

  describe("identity", () => {
    it("issues a token with the documented access object", async () => {
      const t0 = Date.now();
      const r = await authenticate(sim);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("application/json");
      const access = (r.json as { access: Record<string, never> }).access;
      expect(access).toEqual({
        token: { id: expect.stringMatching(/^\w{20,}$/), expires: expect.stringMatching(ISO_MS), tenant: { id: "100002", name: "100002" }, "RAX-AUTH:authenticatedBy": ["APIKEY"] },
        serviceCatalog: [expect.objectContaining({ endpoints: [expect.objectContaining({ publicURL: sim.url })] })],
        user: expect.objectContaining({ name: "demo", roles: expect.arrayContaining([expect.objectContaining({ name: "identity:user-admin" })]) }),
      });
      const expires = Date.parse((access.token as { expires: string }).expires);
      expect(expires - t0).toBeGreaterThan(24 * 3_600_000 - 5000);
      expect(expires - t0).toBeLessThanOrEqual(24 * 3_600_000 + 5000);
      // A new token every time.
      expect(await tokenOf(sim)).not.toBe(await tokenOf(sim));
    });

    it("401 fault on a bad key or unknown user; 400 on malformed requests", async () => {
      for (const [u, k] of [["demo", "wrong"], ["nobody", KEY]]) {
        const r = await authenticate(sim, u, k);
        expect(r.status).toBe(401);
        expect(r.headers.get("content-type")).toBe("application/json");
        expect(r.json).toEqual(fault(401, "unauthorized", "Username or api key is invalid."));
      }
      const notJson = await http(sim, "POST", "/v2.0/tokens", { raw: "{oops", headers: { "Content-Type": "application/json" } });
      expect(notJson.json).toEqual(fault(400, "badRequest", /not valid JSON/));
      const wrongShape = await http(sim, "POST", "/v2.0/tokens", { body: { auth: { passwordCredentials: { username: "demo", password: "x" } } }, headers: { "Content-Type": "application/json" } });
      expect(wrongShape.json).toEqual(fault(400, "badRequest", /RAX-KSKEY:apiKeyCredentials/));
      const wrongType = await http(sim, "POST", "/v2.0/tokens", { body: { auth: {} }, headers: { "Content-Type": "text/plain" } });
      expect(wrongType.json).toEqual(fault(400, "badRequest", /Content-Type 'text\/plain'/));
      const get = await http(sim, "GET", "/v2.0/tokens");
      expect(get.status).toBe(405);
    });

    it("ticketing routes need a valid token: missing, unknown, expired, revoked → 401 fault", async () => {
      const missing = await http(sim, "GET", "/accounts");
      expect(missing.status).toBe(401);
      expect(missing.json).toEqual(fault(401, "unauthorized", /X-Auth-Token/));
      expect((await http(sim, "GET", "/accounts", { token: "not-a-token" })).json).toEqual(fault(401, "unauthorized", /invalid or was revoked/));

      expect((await http(sim, "GET", "/accounts", { token })).status).toBe(200);
      sim.expireTokens();
      expect((await http(sim, "GET", "/accounts", { token })).json).toEqual(fault(401, "unauthorized", /expired/));

      const ready = sim.issueToken("demo");
      expect((await http(sim, "GET", "/categories", { token: ready })).status).toBe(200);
      expect(sim.revokeToken(ready)).toBe(true);
      expect((await http(sim, "GET", "/categories", { token: ready })).status).toBe(401);
      expect(() => sim.issueToken("nobody")).toThrow(/unknown simulator user/);
    });

    it("tokens expire after tokenLifetimeMs", async () => {
      const short = await startSimulator({ tokenLifetimeMs: 150 });
      try {
        const t = await tokenOf(short);
        expect((await http(short, "GET", "/accounts", { token: t })).status).toBe(200);
        await new Promise((r) => setTimeout(r, 200));
        expect((await http(short, "GET", "/accounts", { token: t })).status).toBe(401);
      } finally {
        await short.close();
      }
    });
  });

  describe("reads", () => {
    it("GET /accounts and /categories per docs §4.1/§4.2, in the media type asked for", async () => {
      const a = await http(sim, "GET", "/accounts", { token });
      expect(a.status).toBe(200);
      expect(a.headers.get("content-type")).toBe(V2);
      const accounts = (a.json as { accounts: { id: string; severities: string[]; type: { id: string } }[] }).accounts;
      expect(accounts.map((x) => x.id)).toEqual(["hybrid:100001", "faws:100000000001", "managed_gcp:example-project-1", "100002"]);
      expect(accounts[2]).toMatchObject({ severities: ["Low"], type: { id: "managed_gcp", name: "GCP" }, permission: "admin", tags: [], npsOptOut: false });

      const c = await http(sim, "GET", "/categories", { token, headers: { Accept: "application/json" } });
      expect(c.headers.get("content-type")).toBe("application/json");
      const cats = (c.json as { categories: { id: number; name: string; classification: string; subcategories: unknown[] }[] }).categories;
      expect(cats.map((x) => [x.id, x.name, x.classification])).toEqual([
        [1, "Account", "Service Request"],
        [2, "Billing and Payments", "Service Request"],
        [3, "Change", "Change"],
        [4, "Request for Information", "Service Request"],
        [5, "Incident", "Incident"],
      ]);
      expect(cats[0].subcategories).toEqual([
        { name: "General", allowedProducts: ["hybrid"] },
        { name: "Other", allowedProducts: ["cloud", "faws", "managed_gcp"] },
      ]);
    });

    it("406 when the client only accepts another contract version", async () => {
      const r = await http(sim, "GET", "/accounts", { token, headers: { Accept: "application/vnd.ticketing.v1+json" } });
      expect(r.status).toBe(406);
      expect(r.json).toEqual(fault(406, "notAcceptable", /contract version 2/));
    });

    it("404 for unknown routes, 405 with Allow for a wrong method", async () => {
      expect((await http(sim, "GET", "/nope", { token })).json).toEqual(fault(404, "notFound", /GET \/nope/));
      const r = await http(sim, "DELETE", "/tickets/123", { token });
      expect(r.status).toBe(405);
      expect(r.headers.get("allow")).toBe("GET, PATCH, PUT");
      expect(r.json).toEqual(fault(405, "methodNotAllowed", /DELETE/));
    });
  });

  describe("POST /tickets", () => {
    it("creates the documented Ticket shape", async () => {
      const r = await create();
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe(V2);
      const t = r.json as Ticket;
      const me = { id: "RPN-000-000-001", name: "Demo User", roles: ["Administrative"], type: "customer" };
      expect(t).toEqual({
        ticketId: expect.stringMatching(/^\d{6}-sim-\d{7}$/),
        accountId: "hybrid:100001",
        subject: "Help! We need more servers!",
        status: "Pending Rackspace",
        severity: "Urgent",
        classification: "Incident",
        category: "Incident",
        subcategory: "General",
        resources: ["https://resources.api.rackspace.com/resources/dedicated:00001"],
        created: expect.stringMatching(ISO_MS),
        modified: t.created,
        createdBy: me,
        modifiedBy: me,
        comments: [{ id: expect.any(String), text: seedTicket.comment.text, created: t.created, author: me, attachments: [] }],
        recipients: [{ type: "contact", value: "RPN-3322-23" }],
      });
      expect(sim.getTicket(t.ticketId)).toEqual(t);
      const log = sim.writeCalls();
      expect(log).toEqual([expect.objectContaining({ operation: "createTicket", ticketId: t.ticketId, status: 200, body: seedTicket, accept: V2, contentType: V2, user: "demo" })]);
    });

    it("defaults severity to Normal, types e-mail recipients, answers attachments per docs §4.3", async () => {
      // An uploaded file (POST /attachment, then PUT to its upload URL; details in simulator-attachments.test.ts).
      const form = new FormData();
      form.append("filename", new Blob([]), "app.log");
      const slot = (await (await fetch(`${sim.url}/attachment`, { method: "POST", headers: { "X-Auth-Token": token, Accept: V2 }, body: form })).json()) as { uuid: string; upload_url: string };
      expect((await fetch(slot.upload_url, { method: "PUT", body: "log lines" })).status).toBe(201);
      const t = await created({
        accountId: "faws:100000000001",
        subject: "s",
        category: "Change",
        subcategory: "Other",
        comment: { text: "see logs", attachments: [{ filename: "app.log", uuid: slot.uuid }, { filename: "new.log" }] },
        recipients: ["ops@example.com", "RPN-1"],
      });
      expect(t).toMatchObject({ severity: "Normal", classification: "Change", resources: [] });
      expect(t.recipients).toEqual([
        { type: "email", value: "ops@example.com" },
        { type: "contact", value: "RPN-1" },
      ]);
      expect(t.comments[0].attachments).toEqual([
        { filename: "app.log", uuid: slot.uuid, url: `${sim.url}/_files/${encodeURIComponent(slot.uuid)}` },
        { filename: "new.log", uuid: expect.stringMatching(/-new\.log$/), upload_url: expect.stringMatching(/temp_url_sig=.*temp_url_expires=/) },
      ]);
      // No comment at all is accepted too.
      const bare = await created({ accountId: "hybrid:100001", subject: "s", category: "Account", subcategory: "General" });
      expect(bare.comments).toEqual([]);
    });

    it("400 'Category provided is invalid'", async () => {
      const r = await create({ ...seedTicket, category: "Nope" });
      expect(r.status).toBe(400);
      expect(r.headers.get("content-type")).toBe("application/json");
      expect(r.json).toEqual({
        status: 400,
        message: "Category provided is invalid",
        faultCode: "badRequest",
        moreInfo: "docs/ticketing/general-api-info/faults/#badRequest",
      });
      expect(sim.tickets()).toEqual([]);
    });

    it.each<[string, unknown, number, string, RegExp]>([
      ["an account the user lacks", { ...seedTicket, accountId: "hybrid:999" }, 403, "forbidden", /hybrid:999/],
      ["a subcategory not allowed for the product", { ...seedTicket, accountId: "faws:100000000001" }, 400, "badRequest", /'General' is not allowed for faws.*allowed: Other/],
      ["an unknown subcategory", { ...seedTicket, subcategory: "Misc" }, 400, "badRequest", /Subcategory provided is invalid/],
      ["a severity the account does not allow", { ...seedTicket, accountId: "managed_gcp:example-project-1", subcategory: "Other", severity: "High" }, 400, "badRequest", /Severity.*allowed: Low/],
      ["an unknown top-level field", { ...seedTicket, priority: 1 }, 400, "badRequest", /Unrecognized key.*priority/],
      ["a missing subject", { ...seedTicket, subject: undefined }, 400, "badRequest", /subject/],
      ["an empty comment text", { ...seedTicket, comment: { text: "" } }, 400, "badRequest", /comment\.text/],
      ["a resource that is not a URL", { ...seedTicket, resources: ["dedicated:1"] }, 400, "badRequest", /resources\[0\]/],
      ["recipients that are not strings", { ...seedTicket, recipients: [{ type: "contact", value: "x" }] }, 400, "badRequest", /recipients\[0\]/],
      ["a body that is not an object", [1, 2], 400, "badRequest", /Invalid request body/],
    ])("rejects %s", async (_name, body, status, faultCode, message) => {
      const r = await create(body);
      expect(r.status).toBe(status);
      expect(r.json).toEqual(fault(status, faultCode, message));
      expect(sim.tickets()).toEqual([]);
    });

    it("400 for bad JSON, a missing body, or a Content-Type other than JSON — and says why", async () => {
      const bad = await http(sim, "POST", "/tickets", { token, raw: '{"accountId":', headers: { "Content-Type": V2 } });
      expect(bad.json).toEqual(fault(400, "badRequest", /not valid JSON/));
      const empty = await http(sim, "POST", "/tickets", { token, headers: { "Content-Type": V2 } });
      expect(empty.json).toEqual(fault(400, "badRequest", /body is required/));
      const form = await http(sim, "POST", "/tickets", { token, raw: JSON.stringify(seedTicket), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      expect(form.json).toEqual(fault(400, "badRequest", /unsupported Content-Type 'application\/x-www-form-urlencoded'/));
      const none = await fetch(`${sim.url}/tickets`, { method: "POST", headers: { "X-Auth-Token": token }, body: new Blob([JSON.stringify(seedTicket)]) });
      expect(await none.json()).toEqual(fault(400, "badRequest", /needs a Content-Type/));
      const plainJson = await create(seedTicket).then(() => http(sim, "POST", "/tickets", { token, body: seedTicket, headers: { "Content-Type": "application/json; charset=utf-8" } }));
      expect(plainJson.status).toBe(200);
      expect(sim.requests({ operation: "createTicket" }).map((e) => e.contentType)).toEqual([V2, V2, "application/x-www-form-urlencoded", undefined, V2, "application/json; charset=utf-8"]);
    });

    it("413 for a body over 1 MiB", async () => {
      const r = await http(sim, "POST", "/tickets", { token, body: { ...seedTicket, subject: "x".repeat(1024 * 1024) } });
      expect(r.json).toEqual(fault(413, "requestTooLarge", /larger than/));
      expect(sim.requests()).toEqual([expect.objectContaining({ status: 413, operation: "createTicket" })]);
    });

    it("an observer account can be read but not written (403)", async () => {
      const s = await startSimulator({
        accounts: [{ name: "RO", id: "hybrid:7", rcn: "RCN-1", severities: ["Normal"], type: { id: "hybrid", name: "Dedicated" }, permission: "observer", tags: [], npsOptOut: false }],
      });
      try {
        const t = await tokenOf(s);
        expect((await http(s, "GET", "/accounts", { token: t })).status).toBe(200);
        const r = await http(s, "POST", "/tickets", { token: t, body: { ...seedTicket, accountId: "hybrid:7", severity: undefined } });
        expect(r.json).toEqual(fault(403, "forbidden", /observer/));
      } finally {
        await s.close();
      }
    });

    it("quirk remapSubcategory: an unallowed subcategory is remapped, as in the docs' walk-through", async () => {
      const s = await startSimulator({ quirks: { remapSubcategory: true, createStatus: 201 } });
      try {
        const t = await tokenOf(s);
        const r = await http(s, "POST", "/tickets", { token: t, body: { ...seedTicket, accountId: "faws:100000000001" } });
        expect(r.status).toBe(201);
        expect(r.headers.get("location")).toBe(`/tickets/${(r.json as Ticket).ticketId}`);
        expect(r.json).toMatchObject({ accountId: "faws:100000000001", subcategory: "Other" });
      } finally {
        await s.close();
      }
    });
  });

  describe("PATCH, comments, GET, list", () => {
    it("404 ticketNotFound exactly as documented, on PATCH, PUT, comment and GET", async () => {
      const nf = {
        status: 404,
        message: "Ticket with this ID could not be found",
        faultCode: "ticketNotFound",
        moreInfo: "docs/ticketing/general-api-info/faults/#ticketNotFound",
      };
      for (const [m, p, body] of [
        ["PATCH", "/tickets/000000-sim-9999999", { status: "Closed" }],
        ["PUT", "/tickets/000000-sim-9999999", { resources: [] }],
        ["POST", "/tickets/000000-sim-9999999/comments", { comment: { text: "hi" } }],
        ["GET", "/tickets/000000-sim-9999999", undefined],
      ] as const) {
        const r = await http(sim, m, p, { token, body });
        expect(r.status).toBe(404);
        expect(r.json).toEqual(nf);
      }
      expect(sim.requests().map((e) => [e.operation, e.ticketId])).toEqual([
        ["patchTicket", "000000-sim-9999999"],
        ["patchTicket", "000000-sim-9999999"],
        ["addComment", "000000-sim-9999999"],
        ["getTicket", "000000-sim-9999999"],
      ]);
    });

    it("replaces resources (204, no body), comments (204), closes (204, idempotent), then refuses changes", async () => {
      const t = await created();
      await new Promise((r) => setTimeout(r, 5));
      const next = ["https://resources.api.rackspace.com/resources/dedicated:0002"];
      const p = await http(sim, "PATCH", `/tickets/${t.ticketId}`, { token, body: { resources: next } });
      expect(p.status).toBe(204);
      expect(p.text).toBe("");
      const afterPatch = sim.getTicket(t.ticketId) as Ticket;
      expect(afterPatch.resources).toEqual(next);
      expect(afterPatch.modified > t.modified).toBe(true);

      const c = await http(sim, "POST", `/tickets/${t.ticketId}/comments`, { token, body: { comment: { text: "Any progress?" } } });
      expect(c.status).toBe(204);
      expect(c.text).toBe("");

      const g = await http(sim, "GET", `/tickets/${t.ticketId}`, { token });
      expect(g.status).toBe(200);
      const got = g.json as Ticket;
      expect(got.comments.map((x) => [x.text, x.author.type])).toEqual([
        [seedTicket.comment.text, "customer"],
        ["Any progress?", "customer"],
      ]);
      expect(new Set(got.comments.map((x) => x.id)).size).toBe(2);
      expect(got.modifiedBy).toEqual(got.comments[1].author);

      // PUT behaves like PATCH.
      expect((await http(sim, "PUT", `/tickets/${t.ticketId}`, { token, body: { resources: [] } })).status).toBe(204);
      expect(sim.getTicket(t.ticketId)?.resources).toEqual([]);

      expect((await http(sim, "PATCH", `/tickets/${t.ticketId}`, { token, body: { status: "Closed" } })).status).toBe(204);
      expect(sim.getTicket(t.ticketId)?.status).toBe("Closed");
      expect((await http(sim, "PATCH", `/tickets/${t.ticketId}`, { token, body: { status: "Closed" } })).status).toBe(204);

      const closedRes = await http(sim, "PATCH", `/tickets/${t.ticketId}`, { token, body: { resources: next } });
      expect(closedRes.json).toEqual(fault(400, "badRequest", "Ticket is closed"));
      const closedCom = await http(sim, "POST", `/tickets/${t.ticketId}/comments`, { token, body: { comment: { text: "x" } } });
      expect(closedCom.json).toEqual(fault(400, "badRequest", "Ticket is closed"));
    });

    it.each<[string, unknown, RegExp]>([
      ["both fields", { status: "Closed", resources: [] }, /exactly one of 'status' or 'resources'/],
      ["neither field", {}, /exactly one/],
      ["a status other than Closed", { status: "Solved" }, /only status that can be set is 'Closed'/],
      ["an unknown field", { severity: "Low" }, /Unrecognized key/],
    ])("PATCH with %s → 400", async (_n, body, message) => {
      const t = await created();
      const r = await http(sim, "PATCH", `/tickets/${t.ticketId}`, { token, body });
      expect(r.json).toEqual(fault(400, "badRequest", message));
    });

    it("comment validation", async () => {
      const t = await created();
      for (const body of [{ text: "x" }, { comment: { text: "" } }, { comment: { text: "x", extra: 1 } }]) {
        const r = await http(sim, "POST", `/tickets/${t.ticketId}/comments`, { token, body });
        expect(r.status).toBe(400);
      }
    });

    it("quirks: 200 with the updated Ticket for PATCH and comments", async () => {
      const s = await startSimulator({ quirks: { patchStatus: 200, commentStatus: 200 } });
      try {
        const tk = await tokenOf(s);
        const t = (await http(s, "POST", "/tickets", { token: tk, body: seedTicket })).json as Ticket;
        const p = await http(s, "PATCH", `/tickets/${t.ticketId}`, { token: tk, body: { resources: [] } });
        expect(p.status).toBe(200);
        expect(p.json).toMatchObject({ ticketId: t.ticketId, resources: [] });
        const c = await http(s, "POST", `/tickets/${t.ticketId}/comments`, { token: tk, body: { comment: { text: "x" } } });
        expect(c.status).toBe(200);
        expect((c.json as Ticket).comments).toHaveLength(2);
      } finally {
        await s.close();
      }
    });

    it("GET /tickets lists newest first with accountId, status, subject and q filters", async () => {
      const a = await created({ ...seedTicket, subject: "Database slow" });
      const b = await created({ ...seedTicket, accountId: "faws:100000000001", subcategory: "Other", subject: "Add a server" });
      const c = await created({ ...seedTicket, subject: "Other thing", comment: { text: "the DATABASE again" } });
      await http(sim, "PATCH", `/tickets/${b.ticketId}`, { token, body: { status: "Closed" } });
      const list = async (q = "") => ((await http(sim, "GET", `/tickets${q}`, { token })).json as { tickets: Ticket[] }).tickets.map((t) => t.ticketId);
      expect(await list()).toEqual([c.ticketId, b.ticketId, a.ticketId]);
      expect(await list("?accountId=faws:100000000001")).toEqual([b.ticketId]);
      expect(await list("?status=closed")).toEqual([b.ticketId]);
      expect(await list("?subject=SERVER")).toEqual([b.ticketId]);
      expect(await list("?q=database")).toEqual([c.ticketId, a.ticketId]);
      expect(await list("?q=database&accountId=hybrid:100001&status=Pending%20Rackspace")).toEqual([c.ticketId, a.ticketId]);
      expect(sim.requests({ operation: "listTickets" })).toHaveLength(6);
    });

    it("tickets are visible only to users with the account", async () => {
      const s = await startSimulator({
        users: [
          { username: "a", apiKey: "key-a-123456", name: "A", rpn: "RPN-A" },
          { username: "b", apiKey: "key-b-123456", name: "B", rpn: "RPN-B", accountIds: ["100002"], roles: ["Technical"] },
        ],
      });
      try {
        const ta = s.issueToken("a");
        const tb = s.issueToken("b");
        const t = (await http(s, "POST", "/tickets", { token: ta, body: seedTicket })).json as Ticket;
        expect(t.createdBy).toEqual({ id: "RPN-A", name: "A", roles: ["Administrative"], type: "customer" });
        expect((await http(s, "GET", `/tickets/${t.ticketId}`, { token: tb })).status).toBe(404);
        expect(((await http(s, "GET", "/tickets", { token: tb })).json as { tickets: Ticket[] }).tickets).toEqual([]);
        expect(((await http(s, "GET", "/accounts", { token: tb })).json as { accounts: { id: string }[] }).accounts.map((x) => x.id)).toEqual(["100002"]);
      } finally {
        await s.close();
      }
    });
  });

  describe("rate limits", () => {
    it("429 rateLimitExceeded with Retry-After; refused requests use no slot; a slot frees after the window", async () => {
      sim.setLimits({ create: 1 });
      expect((await create()).status).toBe(200);
      const r = await create();
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("1");
      expect(r.json).toEqual(fault(429, "rateLimitExceeded", /1 create request\(s\) per 1000 ms/));
      expect((await create()).status).toBe(429);
      expect(sim.tickets()).toHaveLength(1);
      await new Promise((res) => setTimeout(res, 1050));
      expect((await create()).status).toBe(200);
      expect(sim.requests({ operation: "createTicket" }).map((e) => e.status)).toEqual([200, 429, 429, 200]);
    });

    it("limits are per token and per class; GETs share the read class; identity is not limited", async () => {
      sim.setLimits({ create: 1, read: 2 });
      expect((await create()).status).toBe(200);
      const other = await tokenOf(sim);
      expect((await create(seedTicket, other)).status).toBe(200);
      expect((await http(sim, "GET", "/accounts", { token })).status).toBe(200);
      expect((await http(sim, "GET", "/categories", { token })).status).toBe(200);
      expect((await http(sim, "GET", "/tickets", { token })).status).toBe(429);
      for (let i = 0; i < 5; i++) expect((await authenticate(sim)).status).toBe(200);
    });

    it("window and limits change at run time; Retry-After counts whole seconds", async () => {
      sim.setWindowMs(2500);
      sim.setLimits({ comment: 1 });
      const t = await created();
      expect((await http(sim, "POST", `/tickets/${t.ticketId}/comments`, { token, body: { comment: { text: "1" } } })).status).toBe(204);
      const r = await http(sim, "POST", `/tickets/${t.ticketId}/comments`, { token, body: { comment: { text: "2" } } });
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("3");
      expect(sim.getLimits()).toEqual({ windowMs: 2500, limits: { ...HIGH, comment: 1 } });
      expect(() => sim.setLimits({ create: -1 })).toThrow(/non-negative/);
      expect(() => sim.setWindowMs(0)).toThrow(/positive/);
    });

    it("windowMs defaults from RACKSPACE_RATE_WINDOW_MS", async () => {
      const saved = process.env.RACKSPACE_RATE_WINDOW_MS;
      process.env.RACKSPACE_RATE_WINDOW_MS = "1234";
      try {
        const s = await startSimulator();
        expect(s.getLimits()).toEqual({ windowMs: 1234, limits: { create: 1, patch: 5, comment: 5, read: 60, attachment: 5, resources: 60 } });
        await s.close();
        process.env.RACKSPACE_RATE_WINDOW_MS = "soon";
        await expect(startSimulator()).rejects.toThrow(/RACKSPACE_RATE_WINDOW_MS/);
      } finally {
        if (saved === undefined) delete process.env.RACKSPACE_RATE_WINDOW_MS;
        else process.env.RACKSPACE_RATE_WINDOW_MS = saved;
      }
    });
  });

  describe("fault injection", () => {
    it("status faults, with and without Retry-After, for `count` requests, before auth and without using a slot", async () => {
      sim.setLimits({ read: 1 });
      sim.injectFault({ operation: "getAccounts", kind: "status", status: 503, count: 2 });
      sim.injectFault({ operation: "getCategories", kind: "status", status: 429, retryAfter: "7" });
      const a1 = await http(sim, "GET", "/accounts", { token });
      expect(a1.status).toBe(503);
      expect(a1.headers.get("retry-after")).toBeNull();
      expect(a1.json).toEqual(fault(503, "serviceUnavailable", /Injected/));
      expect((await http(sim, "GET", "/accounts")).status).toBe(503); // no token needed to hit a gateway failure
      const c1 = await http(sim, "GET", "/categories", { token });
      expect(c1.status).toBe(429);
      expect(c1.headers.get("retry-after")).toBe("7");
      expect((await http(sim, "GET", "/accounts", { token })).status).toBe(200);
      expect(sim.requests().map((e) => [e.operation, e.status, e.fault])).toEqual([
        ["getAccounts", 503, "status"],
        ["getAccounts", 503, "status"],
        ["getCategories", 429, "status"],
        ["getAccounts", 200, undefined],
      ]);
      expect(sim.faults()).toEqual([]);
    });

    it("a status fault can carry a non-JSON body (a gateway's HTML page)", async () => {
      sim.injectFault({ operation: "*", kind: "status", status: 502, body: "<html>Bad gateway</html>", contentType: "text/html" });
      const r = await http(sim, "GET", "/accounts", { token });
      expect([r.status, r.headers.get("content-type"), r.text]).toEqual([502, "text/html", "<html>Bad gateway</html>"]);
    });

    it("drop-before: the connection dies and nothing is applied", async () => {
      sim.injectFault({ operation: "createTicket", kind: "drop-before" });
      await expect(create()).rejects.toThrow();
      expect(sim.tickets()).toEqual([]);
      expect(sim.requests()).toEqual([expect.objectContaining({ operation: "createTicket", status: 0, fault: "drop-before" })]);
      expect((await create()).status).toBe(200); // next one goes through on a fresh connection
    });

    it("drop-after: the change IS applied, then the connection dies without an answer", async () => {
      sim.injectFault({ operation: "createTicket", kind: "drop-after" });
      await expect(create()).rejects.toThrow();
      expect(sim.tickets()).toHaveLength(1);
      const id = sim.tickets()[0].ticketId;
      expect(sim.requests()).toEqual([expect.objectContaining({ operation: "createTicket", status: 0, droppedStatus: 200, fault: "drop-after", ticketId: id })]);

      sim.injectFault({ operation: "patchTicket", kind: "drop-after" });
      await expect(http(sim, "PATCH", `/tickets/${id}`, { token, body: { status: "Closed" } })).rejects.toThrow();
      expect(sim.getTicket(id)?.status).toBe("Closed");

      const t2 = await created();
      sim.injectFault({ operation: "addComment", kind: "drop-after" });
      await expect(http(sim, "POST", `/tickets/${t2.ticketId}/comments`, { token, body: { comment: { text: "once" } } })).rejects.toThrow();
      expect(sim.getTicket(t2.ticketId)?.comments.map((c) => c.text)).toEqual([seedTicket.comment.text, "once"]);
    });

    it("hang with ms: a slow answer that is then processed normally", async () => {
      sim.injectFault({ operation: "getAccounts", kind: "hang", ms: 300 });
      const t0 = Date.now();
      const r = await http(sim, "GET", "/accounts", { token });
      expect(r.status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
      expect(sim.requests()[0]).toMatchObject({ status: 200, fault: "hang" });
      expect(sim.requests()[0].durationMs).toBeGreaterThanOrEqual(280);
    });

    it("hang without ms: held until the client gives up; nothing applied; logged with status 0", async () => {
      sim.injectFault({ operation: "createTicket", kind: "hang" });
      const t0 = Date.now();
      await expect(http(sim, "POST", "/tickets", { token, body: seedTicket, signal: AbortSignal.timeout(200) })).rejects.toThrow(/abort|timeout/i);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
      for (let i = 0; i < 50 && sim.requests().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(sim.requests()).toEqual([expect.objectContaining({ operation: "createTicket", status: 0, fault: "hang" })]);
      expect(sim.tickets()).toEqual([]);
      expect((await create()).status).toBe(200);
    });

    it("'*' matches any operation, identity included; clearFaults() disarms", async () => {
      sim.injectFault({ operation: "*", kind: "status", status: 500, count: 2 });
      expect((await authenticate(sim)).status).toBe(500);
      expect((await http(sim, "GET", "/tickets", { token })).json).toEqual(fault(500, "internalServerError", /Injected/));
      sim.injectFault({ operation: "*", kind: "status", status: 500 });
      sim.clearFaults();
      expect((await http(sim, "GET", "/tickets", { token })).status).toBe(200);
      expect(() => sim.injectFault({ operation: "getTicket", kind: "status", status: 1000 })).toThrow(/invalid fault/);
    });
  });

  describe("Racker actions", () => {
    it("adds a Racker comment and sets any status; default name Jane D.", async () => {
      const t = await created();
      const after = sim.actAsRacker(t.ticketId, { comment: "Scheduled for tonight.", status: "Pending Customer", name: "Sam R." });
      expect(after.status).toBe("Pending Customer");
      const racker = { id: "", name: "Sam R.", roles: ["Racker"], type: "racker" };
      expect(after.modifiedBy).toEqual(racker);
      const got = (await http(sim, "GET", `/tickets/${t.ticketId}`, { token })).json as Ticket;
      expect(got.comments[1]).toMatchObject({ text: "Scheduled for tonight.", author: racker });
      sim.actAsRacker(t.ticketId, { comment: "Done." });
      expect(sim.getTicket(t.ticketId)?.comments[2].author.name).toBe("Jane D.");
      sim.actAsRacker(t.ticketId, { status: "Solved" });
      expect(sim.getTicket(t.ticketId)?.status).toBe("Solved");
      expect(() => sim.actAsRacker("nope", { comment: "x" })).toThrow(/could not be found/);
      expect(sim.requests({ operation: "getTicket" })).toHaveLength(1); // in-process controls are not logged
    });
  });

  describe("request log", () => {
    it("never records the API key or a token value", async () => {
      await authenticate(sim, "demo", "wrong-key-0123456789");
      await create();
      await http(sim, "GET", "/tickets", { token });
      const tokenEntry = sim.requests({ operation: "token" })[0];
      expect(tokenEntry.body).toEqual({ auth: { "RAX-KSKEY:apiKeyCredentials": { username: "demo", apiKey: "***" } } });
      const dump = JSON.stringify(sim.requests()) + (await http(sim, "GET", "/_sim/requests")).text;
      expect(dump).not.toContain(KEY);
      expect(dump).not.toContain("wrong-key-0123456789");
      expect(dump).not.toContain(token);
      expect(sim.requests().map((e) => e.operation)).toEqual(["token", "createTicket", "listTickets"]);
      expect(sim.requests()[1]).toMatchObject({ seq: expect.any(Number), at: expect.stringMatching(ISO_MS), method: "POST", path: "/tickets", durationMs: expect.any(Number) });
      expect(sim.requests()[2]).toMatchObject({ accept: V2 });
      expect(sim.requests()[2].contentType).toBeUndefined();
    });

    it("logs 401s, 429s, 404s with faultCode and message; logger gets one line per request", async () => {
      const lines: string[] = [];
      const s = await startSimulator({ logger: (l) => lines.push(l), limits: { read: 1 } });
      try {
        const t = await tokenOf(s);
        await http(s, "GET", "/accounts");
        await http(s, "GET", "/accounts", { token: t });
        await http(s, "GET", "/accounts", { token: t });
        await http(s, "GET", "/_sim");
        expect(s.requests().map((e) => [e.operation, e.status, e.faultCode])).toEqual([
          ["token", 200, undefined],
          ["getAccounts", 401, "unauthorized"],
          ["getAccounts", 200, undefined],
          ["getAccounts", 429, "rateLimitExceeded"],
        ]);
        expect(lines).toHaveLength(4);
        expect(lines[3]).toMatch(/^GET \/accounts → 429 \(getAccounts, demo, \d+ ms\)$/);
        expect(lines.join("\n")).not.toContain(t);
      } finally {
        await s.close();
      }
    });
  });

  describe("admin API", () => {
    const admin = (method: string, p: string, body?: unknown) => http(sim, method, `/_sim${p}`, { body, headers: body === undefined ? {} : { "Content-Type": "application/json" } });

    it("drives faults, Racker actions, limits, tokens, the log and reset over HTTP", async () => {
      const status = await admin("GET", "");
      expect(status.json).toMatchObject({ url: sim.url, windowMs: 1000, endpoints: expect.arrayContaining(["POST /_sim/faults"]) });

      const f = await admin("POST", "/faults", { operation: "getAccounts", kind: "status", status: 503 });
      expect(f.status).toBe(201);
      expect((await admin("GET", "/faults")).json).toEqual({ faults: [expect.objectContaining({ operation: "getAccounts", remaining: 1 })] });
      expect((await admin("DELETE", "/faults")).status).toBe(200);
      expect(sim.faults()).toEqual([]);
      expect((await admin("POST", "/faults", { operation: "getAccounts", kind: "explode" })).json).toEqual(fault(400, "badRequest", /kind/));

      const t = await created();
      const rk = await admin("POST", `/tickets/${encodeURIComponent(t.ticketId)}/racker`, { comment: "On it.", status: "In Progress" });
      expect(rk.json).toMatchObject({ status: "In Progress", modifiedBy: { type: "racker", name: "Jane D." } });
      expect((await admin("POST", "/tickets/nope/racker", { comment: "x" })).status).toBe(404);
      expect((await admin("POST", `/tickets/${t.ticketId}/racker`, {})).status).toBe(400);
      expect(((await admin("GET", "/tickets")).json as { tickets: Ticket[] }).tickets.map((x) => x.ticketId)).toEqual([t.ticketId]);
      expect((await admin("GET", `/tickets/${t.ticketId}`)).json).toMatchObject({ status: "In Progress" });

      const seq = sim.requests().at(-1)?.seq as number;
      await http(sim, "GET", "/accounts", { token });
      expect(((await admin("GET", `/requests?since=${seq}`)).json as { requests: { operation: string }[] }).requests.map((e) => e.operation)).toEqual(["getAccounts"]);
      await admin("DELETE", "/requests");
      expect(sim.requests()).toEqual([]);

      expect((await admin("PUT", "/limits", { windowMs: 2000, limits: { create: 3 } })).json).toEqual({ windowMs: 2000, limits: { ...HIGH, create: 3 } });
      expect((await admin("PUT", "/limits", { limits: { create: -1 } })).status).toBe(400);

      await admin("POST", "/expire-tokens");
      expect((await http(sim, "GET", "/accounts", { token })).status).toBe(401);
      const ready = ((await admin("POST", "/tokens", { username: "demo" })).json as { token: string }).token;
      expect((await http(sim, "GET", "/accounts", { token: ready })).status).toBe(200);

      await admin("POST", "/reset");
      expect(sim.tickets()).toEqual([]);
      expect(sim.requests()).toEqual([]);
      expect((await admin("GET", "/nope")).status).toBe(404);
      expect((await admin("PATCH", "/reset")).status).toBe(405);
    });
  });

  describe("persistence", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-data-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("tickets and the id counter survive a restart with the same dataFile; no secrets on disk", async () => {
      const dataFile = path.join(dir, "state.json");
      const opts: SimulatorOptions = { dataFile, limits: HIGH };
      const s1 = await startSimulator(opts);
      const t1 = await tokenOf(s1);
      const a = (await http(s1, "POST", "/tickets", { token: t1, body: seedTicket })).json as Ticket;
      await http(s1, "POST", `/tickets/${a.ticketId}/comments`, { token: t1, body: { comment: { text: "persisted" } } });
      s1.actAsRacker(a.ticketId, { status: "Pending Customer" });
      await s1.close();

      const onDisk = fs.readFileSync(dataFile, "utf8");
      expect(onDisk).not.toContain(KEY);
      expect(onDisk).not.toContain(t1);
      expect(fs.readdirSync(dir)).toEqual(["state.json"]);

      const s2 = await startSimulator(opts);
      try {
        const t2 = await tokenOf(s2);
        expect((await http(s2, "GET", "/accounts", { token: t1 })).status).toBe(401); // tokens are not persisted
        const back = (await http(s2, "GET", `/tickets/${a.ticketId}`, { token: t2 })).json as Ticket;
        expect(back).toMatchObject({ status: "Pending Customer", comments: [{}, { text: "persisted" }] });
        const b = (await http(s2, "POST", "/tickets", { token: t2, body: seedTicket })).json as Ticket;
        expect(Number(b.ticketId.slice(-7))).toBe(Number(a.ticketId.slice(-7)) + 1);
        expect(s2.requests().map((e) => e.operation)).toEqual(["token", "getAccounts", "getTicket", "createTicket"]);
      } finally {
        await s2.close();
      }
    });
  });

  describe("lifecycle", () => {
    it("close() releases hung requests and keep-alive sockets promptly, and is idempotent", async () => {
      const s = await startSimulator();
      const t = await tokenOf(s);
      s.injectFault({ operation: "getAccounts", kind: "hang" });
      const hung = http(s, "GET", "/accounts", { token: t });
      hung.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      await Promise.all([s.close(), s.close()]);
      await expect(hung).rejects.toThrow(/fetch failed/);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(s.requests()).toEqual([expect.objectContaining({ operation: "token" }), expect.objectContaining({ operation: "getAccounts", status: 0, fault: "hang" })]);
    });

    it("binds to loopback by default and reports its URLs", async () => {
      const s = await startSimulator();
      try {
        expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
        expect(s.identityUrl).toBe(s.url);
        expect(s.ticketingUrl).toBe(s.url);
      } finally {
        await s.close();
      }
    });
  });

  describe("CLI main()", () => {
    it("starts on --port 0, prints its URLs and the demo credentials, logs requests unless --quiet", async () => {
      const out: string[] = [];
      const err: string[] = [];
      const { exitCode, simulator } = await main(["--port", "0", "--window-ms", "1000", "--limit-create", "2"], { out: (l) => out.push(l), err: (l) => err.push(l) });
      expect(exitCode).toBe(0);
      const s = simulator as Simulator;
      try {
        expect(out[0]).toBe(`Rackspace simulator listening on ${s.url}`);
        const text = out.join("\n");
        expect(text).toContain(`identity:  ${s.identityUrl}`);
        expect(text).toContain(`ticketing: ${s.ticketingUrl}`);
        expect(text).toContain(`admin:     ${s.url}/_sim/`);
        expect(text).toContain('username "demo", API key "demo-api-key"');
        expect(text).toMatch(/per 1000 ms: create 2, patch 5/);
        const n = out.length;
        await authenticate(s);
        expect(out.slice(n)).toEqual([expect.stringMatching(/POST \/v2\.0\/tokens → 200/)]);
        expect(err).toEqual([]);
      } finally {
        await s.close();
      }
    });

    it("--quiet prints no request lines; --help and bad flags do not start anything", async () => {
      const out: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(`ERR ${l}`) };
      const { simulator } = await main(["--port", "0", "--quiet"], io);
      const n = out.length;
      await authenticate(simulator as Simulator);
      expect(out.length).toBe(n);
      await simulator?.close();

      out.length = 0;
      expect(await main(["--help"], io)).toEqual({ exitCode: 0 });
      expect(out[0]).toMatch(/^Usage: rackspace-ticketing-sim/);
      out.length = 0;
      expect(await main(["--limit-create", "x"], io)).toEqual({ exitCode: 2 });
      expect(out[0]).toMatch(/^ERR rackspace-ticketing-sim: --limit-create must be a whole number/);
    });

    it("reports a port in use", async () => {
      const s = await startSimulator();
      try {
        const out: string[] = [];
        const r = await main(["--port", String(s.port), "--quiet"], { out: (l) => out.push(l), err: (l) => out.push(l) });
        expect(r).toEqual({ exitCode: 1 });
        expect(out.join("\n")).toMatch(/EADDRINUSE.*--port 0/);
      } finally {
        await s.close();
      }
    });
  });
});
