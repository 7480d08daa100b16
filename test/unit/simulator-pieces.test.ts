import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FaultQueue } from "../../src/simulator/faults";
import { redact, RequestLog } from "../../src/simulator/log";
import { contentTypeProblem, negotiate } from "../../src/simulator/media";
import { CreateTicketBody, describeIssues, PatchTicketBody } from "../../src/simulator/schemas";
import { route } from "../../src/simulator/routes";
import { TicketStore } from "../../src/simulator/state";
import { hashToken, TokenStore } from "../../src/simulator/tokens";
import { parseCli } from "../../src/simulator/cli";

describe("simulator redact", () => {
  it("hides API keys and passwords at any depth, keeping the shape", () => {
    const body = { auth: { "RAX-KSKEY:apiKeyCredentials": { username: "demo", apiKey: "k-123456789" }, passwordCredentials: { password: "p" } } };
    expect(redact(body)).toEqual({ auth: { "RAX-KSKEY:apiKeyCredentials": { username: "demo", apiKey: "***" }, passwordCredentials: { password: "***" } } });
  });

  it("hides a token object's id and any string containing a known secret", () => {
    expect(redact({ auth: { token: { id: "abc" } } })).toEqual({ auth: { token: { id: "***" } } });
    expect(redact({ comment: { text: "my token is 0123456789abcdef" } }, ["0123456789abcdef"])).toEqual({ comment: { text: "***" } });
    expect(redact(["short"], ["short"])).toEqual(["short"]); // too short to be a secret
  });

  it("does not touch ordinary bodies", () => {
    const b = { accountId: "hybrid:1", resources: ["https://x"], n: 1, f: false, z: null };
    expect(redact(b)).toEqual(b);
  });
});

describe("simulator RequestLog", () => {
  const entry = (op: "getAccounts" | "createTicket", status = 200) => ({ at: "", method: "GET", path: "/", operation: op, status, durationMs: 0 });

  it("numbers entries, filters and returns copies", () => {
    const log = new RequestLog();
    log.append(entry("getAccounts"));
    log.append(entry("createTicket", 429));
    log.append(entry("createTicket"));
    expect(log.list().map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(log.list({ operation: "createTicket", status: 200 }).map((e) => e.seq)).toEqual([3]);
    expect(log.list({ since: 1 }).map((e) => e.seq)).toEqual([2, 3]);
    expect(log.list((e) => e.status === 429)).toHaveLength(1);
    log.list()[0].status = 999;
    expect(log.list()[0].status).toBe(200);
  });

  it("keeps at most `max` entries and keeps counting after clear()", () => {
    const log = new RequestLog(2);
    for (let i = 0; i < 3; i++) log.append(entry("getAccounts"));
    expect(log.list().map((e) => e.seq)).toEqual([2, 3]);
    log.clear();
    expect(log.append(entry("getAccounts")).seq).toBe(4);
  });
});

describe("simulator media types", () => {
  it("answers with the v2 vendor type unless the client asked for application/json", () => {
    expect(negotiate(undefined)).toBe("application/vnd.ticketing.v2+json");
    expect(negotiate("application/vnd.ticketing.v2+json")).toBe("application/vnd.ticketing.v2+json");
    expect(negotiate("application/json")).toBe("application/json");
    expect(negotiate("application/json, application/vnd.ticketing.v2+json")).toBe("application/vnd.ticketing.v2+json");
    expect(negotiate("*/*")).toBe("application/vnd.ticketing.v2+json");
    expect(negotiate("application/vnd.ticketing.v1+json")).toBeUndefined();
    expect(negotiate("text/html")).toBeUndefined();
    expect(negotiate("application/json;q=0, text/html")).toBeUndefined();
  });

  it("explains an unacceptable request Content-Type", () => {
    const allowed = ["application/json", "application/vnd.ticketing.v2+json"];
    expect(contentTypeProblem("application/json; charset=utf-8", allowed)).toBeUndefined();
    expect(contentTypeProblem("Application/Vnd.Ticketing.V2+JSON", allowed)).toBeUndefined();
    expect(contentTypeProblem(undefined, allowed)).toMatch(/needs a Content-Type/);
    expect(contentTypeProblem("text/plain", allowed)).toMatch(/unsupported Content-Type 'text\/plain'/);
    expect(contentTypeProblem("application/vnd.ticketing.v1+json", allowed)).toMatch(/version 1/);
  });
});

describe("simulator routing", () => {
  it("maps method + path to operations, 404 and 405", () => {
    expect(route("POST", "/v2.0/tokens")).toEqual({ kind: "ok", route: { operation: "token" } });
    expect(route("GET", "/tickets/a%2Fb")).toEqual({ kind: "ok", route: { operation: "getTicket", ticketId: "a/b", rateClass: "read" } });
    expect(route("PUT", "/tickets/1")).toMatchObject({ route: { operation: "patchTicket", rateClass: "patch" } });
    expect(route("POST", "/tickets/1/comments")).toMatchObject({ route: { operation: "addComment", ticketId: "1" } });
    expect(route("DELETE", "/tickets/1")).toEqual({ kind: "methodNotAllowed", allow: ["GET", "PATCH", "PUT"], ticketId: "1" });
    expect(route("GET", "/tickets/")).toEqual({ kind: "notFound" });
    expect(route("GET", "/tickets/%E0")).toEqual({ kind: "notFound" });
    expect(route("GET", "/nope")).toEqual({ kind: "notFound" });
  });
});

describe("simulator schemas", () => {
  const base = { accountId: "hybrid:1", subject: "s", category: "Incident", subcategory: "General" };

  it("rejects unknown fields, empty strings and non-URL resources, naming the field", () => {
    const r1 = CreateTicketBody.safeParse({ ...base, priority: "high" });
    expect(r1.success || describeIssues(r1.error)).toMatch(/priority/);
    const r2 = CreateTicketBody.safeParse({ ...base, resources: ["ok?", "https://x.example/r"] });
    expect(r2.success || describeIssues(r2.error)).toMatch(/^resources\[0\]: must be an http\(s\) URL/);
    const r3 = CreateTicketBody.safeParse({ ...base, comment: { text: "  " } });
    expect(r3.success || describeIssues(r3.error)).toMatch(/comment\.text: must not be empty/);
  });

  it("PATCH takes exactly one of status (Closed) or resources", () => {
    expect(PatchTicketBody.safeParse({ status: "Closed" }).success).toBe(true);
    expect(PatchTicketBody.safeParse({ resources: [] }).success).toBe(true);
    expect(PatchTicketBody.safeParse({}).success).toBe(false);
    expect(PatchTicketBody.safeParse({ status: "Closed", resources: [] }).success).toBe(false);
    const r = PatchTicketBody.safeParse({ status: "Open" });
    expect(r.success || describeIssues(r.error)).toMatch(/status: the only status that can be set is 'Closed'/);
  });
});

describe("simulator FaultQueue", () => {
  it("consumes the first matching fault `count` times; '*' matches any operation", () => {
    const q = new FaultQueue();
    q.inject({ operation: "createTicket", kind: "status", status: 503, count: 2 });
    q.inject({ operation: "*", kind: "drop-before" });
    expect(q.take("getAccounts")?.kind).toBe("drop-before");
    expect(q.take("getAccounts")).toBeUndefined();
    expect(q.take("createTicket")).toMatchObject({ status: 503, remaining: 1 });
    expect(q.take("createTicket")).toMatchObject({ status: 503, remaining: 0 });
    expect(q.take("createTicket")).toBeUndefined();
    expect(q.list()).toEqual([]);
  });

  it("validates faults", () => {
    const q = new FaultQueue();
    expect(() => q.inject({ operation: "nope" as "token", kind: "hang" })).toThrow(/invalid fault: operation/);
    expect(() => q.inject({ operation: "token", kind: "status", status: 42 })).toThrow(/invalid fault: status/);
    expect(() => q.inject({ operation: "token", kind: "hang", count: 0 })).toThrow(/invalid fault: count/);
    q.inject({ operation: "token", kind: "hang", ms: 5 });
    q.clear();
    expect(q.list()).toEqual([]);
  });
});

describe("simulator TokenStore", () => {
  it("checks missing, unknown, expired and revoked tokens; stores only hashes", () => {
    let t = 0;
    const s = new TokenStore(1000, () => t);
    const { id, record } = s.issue("demo");
    expect(record.hash).toBe(hashToken(id));
    expect(JSON.stringify(record)).not.toContain(id);
    expect(s.check(id)).toMatchObject({ ok: true });
    expect(s.check(undefined)).toEqual({ ok: false, reason: "missing" });
    expect(s.check("other")).toEqual({ ok: false, reason: "unknown" });
    t = 1000;
    expect(s.check(id)).toEqual({ ok: false, reason: "expired" });
    const b = s.issue("demo").id;
    s.expireAll();
    expect(s.check(b)).toEqual({ ok: false, reason: "expired" });
    const c = s.issue("demo").id;
    expect(s.revoke(c)).toBe(true);
    expect(s.check(c)).toEqual({ ok: false, reason: "unknown" });
  });
});

describe("simulator TicketStore persistence", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-store-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("refuses a corrupt data file with a clear message and tolerates a missing one", () => {
    const file = path.join(dir, "state.json");
    expect(new TicketStore(file).all()).toEqual([]);
    fs.writeFileSync(file, "{not json");
    expect(() => new TicketStore(file)).toThrow(/not valid JSON.*fix or remove it/);
    fs.writeFileSync(file, JSON.stringify({ hello: 1 }));
    expect(() => new TicketStore(file)).toThrow(/does not look like simulator state/);
  });

  it("writes atomically (no temp files left) and keeps the id counter", () => {
    const file = path.join(dir, "sub", "state.json");
    const s = new TicketStore(file);
    const id1 = s.nextTicketId(new Date("2030-01-02T00:00:00Z"));
    expect(id1).toBe("300102-sim-0000001");
    s.clear();
    expect(fs.readdirSync(path.dirname(file))).toEqual(["state.json"]);
    const again = new TicketStore(file);
    expect(again.nextTicketId(new Date("2030-01-02T00:00:00Z"))).toBe("300102-sim-0000002");
  });
});

describe("simulator CLI arguments", () => {
  it("parses flags into options", () => {
    const { options, quiet, help } = parseCli([
      "--port", "0", "--host", "0.0.0.0", "--data", "x.json", "--window-ms", "1000",
      "--limit-create", "2", "--limit-patch", "3", "--limit-comment", "4", "--limit-read", "5",
      "--token-lifetime-ms", "500", "--patch-status", "200", "--comment-status", "200", "--create-status", "201",
      "--remap-subcategory", "--quiet",
    ]);
    expect(quiet).toBe(true);
    expect(help).toBe(false);
    expect(options).toEqual({
      host: "0.0.0.0",
      port: 0,
      dataFile: "x.json",
      windowMs: 1000,
      limits: { create: 2, patch: 3, comment: 4, read: 5 },
      tokenLifetimeMs: 500,
      quirks: { patchStatus: 200, commentStatus: 200, createStatus: 201, remapSubcategory: true },
    });
    expect(parseCli([]).options).toMatchObject({ host: "127.0.0.1", port: 8383 });
  });

  it("rejects bad values", () => {
    expect(() => parseCli(["--port", "abc"])).toThrow(/--port must be a whole number/);
    expect(() => parseCli(["--port", "70000"])).toThrow(/between 0 and 65535/);
    expect(() => parseCli(["--patch-status", "201"])).toThrow(/--patch-status must be 200 or 204/);
    expect(() => parseCli(["--bogus"])).toThrow(/bogus/);
  });
});
