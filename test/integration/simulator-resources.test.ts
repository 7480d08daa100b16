/**
 * The resources API of the simulator over real HTTP on loopback (node's global fetch): its own
 * listener, the same tokens as ticketing, filters, paging, sorting, visibility per account, its
 * own rate class, fault injection, and the CLI's resources port.
 */
import * as net from "node:net";
import { DEFAULT_RESOURCES, startSimulator, type SimResource, type Simulator } from "../../src/simulator";
import { main, parseCli } from "../../src/simulator/cli";

const V2 = "application/vnd.ticketing.v2+json";
const HIGH = { create: 100, patch: 100, comment: 100, read: 1000, attachment: 100, resources: 1000 };

const fault = (status: number, faultCode: string, message: string | RegExp) => ({
  status,
  faultCode,
  message: typeof message === "string" ? message : expect.stringMatching(message),
  moreInfo: `docs/ticketing/general-api-info/faults/#${faultCode}`,
});

interface Res {
  status: number;
  headers: Headers;
  json: unknown;
}

interface WireResource {
  accountId: string;
  name: string;
  id: string;
  platform: string;
  type: string;
  location: string;
  status: string;
  network: { ips: string[] };
  _links: { self: string };
}

async function get(base: string, p: string, token: string | null, headers: Record<string, string> = {}, method = "GET"): Promise<Res> {
  const res = await fetch(`${base}${p}`, { method, headers: { Accept: V2, ...(token ? { "X-Auth-Token": token } : {}), ...headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

/** A port that is free right now. */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("simulator resources API over HTTP", () => {
  let sim: Simulator;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, windowMs: 1000, limits: HIGH });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.reset();
    sim.setLimits(HIGH);
    token = sim.issueToken("demo");
  });

  const list = async (query = "", t: string | null = token) => get(sim.resourcesUrl, `/resources${query}`, t);
  const ids = async (query = "") => {
    const r = await list(query);
    expect(r.status).toBe(200);
    return (r.json as { resources: WireResource[] }).resources.map((x) => x.id);
  };

  describe("its own listener", () => {
    it("listens on a port of its own, on the same host; ticketing and resources do not overlap", async () => {
      expect(sim.resourcesUrl).toBe(`http://127.0.0.1:${sim.resourcesPort}`);
      expect(sim.resourcesPort).not.toBe(sim.port);
      expect(sim.resourcesUrl).not.toBe(sim.ticketingUrl);
      expect((await get(sim.ticketingUrl, "/resources", token)).json).toEqual(fault(404, "notFound", /GET \/resources/));
      for (const p of ["/accounts", "/tickets", "/v2.0/tokens", "/_sim", "/attachment", "/"]) {
        expect([p, (await get(sim.resourcesUrl, p, token)).status]).toEqual([p, 404]);
      }
      const post = await get(sim.resourcesUrl, "/resources", token, {}, "POST");
      expect([post.status, post.headers.get("allow")]).toEqual([405, "GET"]);
    });

    it("takes the port given as resourcesPort", async () => {
      const port = await freePort();
      const s = await startSimulator({ resourcesPort: port });
      try {
        expect(s.resourcesPort).toBe(port);
        expect(s.resourcesUrl).toBe(`http://127.0.0.1:${port}`);
        expect((await get(s.resourcesUrl, "/resources", s.issueToken())).status).toBe(200);
      } finally {
        await s.close();
      }
    });

    it("close() stops the resources listener too; a busy resources port fails the start and frees the main port", async () => {
      const s = await startSimulator();
      const t = s.issueToken();
      // Keep-alive connection open on the resources port.
      expect((await get(s.resourcesUrl, "/resources", t)).status).toBe(200);
      const t0 = Date.now();
      await s.close();
      expect(Date.now() - t0).toBeLessThan(1000);
      await expect(fetch(`${s.resourcesUrl}/resources`)).rejects.toThrow(/fetch failed/);

      const busy = await startSimulator();
      try {
        const port = await freePort();
        await expect(startSimulator({ port, resourcesPort: busy.resourcesPort })).rejects.toThrow(/EADDRINUSE/);
        // The main listener of the failed start was closed again: its port can be used.
        const again = await startSimulator({ port });
        await again.close();
      } finally {
        await busy.close();
      }
    });
  });

  describe("GET /resources", () => {
    it("needs a valid ticketing token: missing, unknown, expired → 401 fault", async () => {
      expect((await list("", null)).json).toEqual(fault(401, "unauthorized", /X-Auth-Token/));
      expect((await list("", "nope")).json).toEqual(fault(401, "unauthorized", /invalid or was revoked/));
      const s = await startSimulator({ tokenLifetimeMs: 100 });
      try {
        // A token from POST /v2.0/tokens on the main port works on the resources port.
        const auth = await fetch(`${s.identityUrl}/v2.0/tokens`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ auth: { "RAX-KSKEY:apiKeyCredentials": { username: "demo", apiKey: "demo-api-key" } } }),
        });
        const t = ((await auth.json()) as { access: { token: { id: string } } }).access.token.id;
        expect((await get(s.resourcesUrl, "/resources", t)).status).toBe(200);
        await new Promise((r) => setTimeout(r, 150));
        expect((await get(s.resourcesUrl, "/resources", t)).json).toEqual(fault(401, "unauthorized", /expired/));
      } finally {
        await s.close();
      }
    });

    it("lists online devices of the user's accounts, by id ascending, in the documented shape", async () => {
      const r = await list();
      expect(r.headers.get("content-type")).toBe(V2);
      const got = (r.json as { resources: WireResource[] }).resources;
      expect(got.map((x) => x.id)).toEqual([
        "cloud:100002:0001",
        "dedicated:0001",
        "dedicated:0002",
        "dedicated:0003",
        "dedicated:0004",
        "dedicated:0005",
        "faws:i-0a1b2c3d4e5f60001",
        "gcp:example-project-1:vm-1",
      ]);
      expect(got[1]).toEqual({
        accountId: "hybrid:100001",
        name: "web01.example.com",
        id: "dedicated:0001",
        platform: "dedicated",
        type: "server",
        location: "DFW1",
        status: "online",
        network: { ips: ["10.10.0.11", "203.0.113.11"] },
        _links: { self: `${sim.resourcesUrl}/resources/dedicated:0001` },
      });
      expect(new Set(got.map((x) => x.type))).toEqual(new Set(["server", "firewall", "load balancer"]));
      expect(sim.requests()).toEqual([expect.objectContaining({ operation: "getResources", method: "GET", path: "/resources", status: 200, user: "demo" })]);
    });

    it("answers application/json when asked; 406 for another contract", async () => {
      expect((await get(sim.resourcesUrl, "/resources", token, { Accept: "application/json" })).headers.get("content-type")).toBe("application/json");
      const r = await get(sim.resourcesUrl, "/resources", token, { Accept: "application/vnd.ticketing.v1+json" });
      expect(r.json).toEqual(fault(406, "notAcceptable", /contract version 2/));
    });

    it("status: online (default), offline, all; decommissioned devices never show", async () => {
      expect(await ids("?status=offline")).toEqual(["dedicated:0006"]);
      const all = await ids("?status=all");
      expect(all).toHaveLength(9);
      expect(all).toContain("dedicated:0006");
      expect(all).not.toContain("dedicated:0007");
      expect(await ids("?status=online")).toEqual(await ids());
    });

    it.each<[string, string[]]>([
      ["web0", ["cloud:100002:0001", "dedicated:0001", "dedicated:0002"]],
      ["WEB01.EXAMPLE", ["dedicated:0001"]],
      ["203.0.113.1", ["dedicated:0001", "dedicated:0002", "dedicated:0004", "dedicated:0005"]],
      ["10.20.0.21", ["dedicated:0003"]],
      ["load bal", ["dedicated:0005"]],
      ["FIREWALL", ["dedicated:0004"]],
      ["iad3", ["dedicated:0003"]],
      ["us-central1", ["gcp:example-project-1:vm-1"]],
      ["dedicated:000", ["dedicated:0001", "dedicated:0002", "dedicated:0003", "dedicated:0004", "dedicated:0005"]],
      ["hybrid", []], // not the account id
      ["", ["cloud:100002:0001", "dedicated:0001", "dedicated:0002", "dedicated:0003", "dedicated:0004", "dedicated:0005", "faws:i-0a1b2c3d4e5f60001", "gcp:example-project-1:vm-1"]],
    ])("q=%s searches id, name, IPs, type and location, case-insensitively", async (q, expected) => {
      expect(await ids(`?q=${encodeURIComponent(q)}`)).toEqual(expected);
    });

    it("q combines with status", async () => {
      expect(await ids("?q=web&status=all")).toEqual(["cloud:100002:0001", "dedicated:0001", "dedicated:0002", "dedicated:0006"]);
      expect(await ids("?q=web&status=offline")).toEqual(["dedicated:0006"]);
    });

    it("pages with offset and limit (default 100, at most 500), after filtering and sorting", async () => {
      const all = await ids();
      expect(await ids("?limit=3")).toEqual(all.slice(0, 3));
      expect(await ids("?offset=3&limit=3")).toEqual(all.slice(3, 6));
      expect(await ids("?offset=6&limit=3")).toEqual(all.slice(6));
      expect(await ids("?offset=100")).toEqual([]);
      expect(await ids("?limit=500")).toEqual(all);
      expect(await ids("?sortBy=name&sort=desc&limit=2")).toEqual(["dedicated:0002", "dedicated:0001"]); // web02…, web01…
    });

    it("the default page is 100", async () => {
      const many: SimResource[] = Array.from({ length: 130 }, (_, i) => ({
        id: `dedicated:${String(i).padStart(4, "0")}`,
        accountId: "hybrid:100001",
        name: `host-${i}`,
        platform: "dedicated",
        type: "server",
        location: "DFW1",
        status: "online",
        network: { ips: [] },
      }));
      const s = await startSimulator({ resources: many });
      try {
        const t = s.issueToken();
        const page = async (q: string) => ((await get(s.resourcesUrl, `/resources${q}`, t)).json as { resources: WireResource[] }).resources;
        expect(await page("")).toHaveLength(100);
        expect((await page("?offset=100")).map((x) => x.id)).toEqual(many.slice(100).map((x) => x.id));
        expect(await page("?limit=500")).toHaveLength(130);
      } finally {
        await s.close();
      }
    });

    it("sortBy id|name, sort asc|desc; names compare case-insensitively", async () => {
      const byName = async (extra = "") => ((await list(`?sortBy=name${extra}`)).json as { resources: WireResource[] }).resources.map((x) => x.name);
      const asc = await byName();
      expect(asc).toEqual(["app-server-1", "cloud-web01", "db01.example.com", "edge-fw01", "edge-lb01", "gke-node-1", "web01.example.com", "web02.example.com"]);
      expect(await byName("&sort=desc")).toEqual([...asc].reverse());
      expect(await byName("&sort=asc")).toEqual(asc);
      const idsAsc = await ids("?sortBy=id");
      expect(await ids("?sort=desc")).toEqual([...idsAsc].reverse());
      const s = await startSimulator({
        resources: [
          { id: "d:2", accountId: "hybrid:100001", name: "beta", platform: "p", type: "t", location: "l", status: "online", network: { ips: [] } },
          { id: "d:1", accountId: "hybrid:100001", name: "Alpha", platform: "p", type: "t", location: "l", status: "online", network: { ips: [] } },
          { id: "d:3", accountId: "hybrid:100001", name: "alpha", platform: "p", type: "t", location: "l", status: "online", network: { ips: [] } },
        ],
      });
      try {
        const r = await get(s.resourcesUrl, "/resources?sortBy=name", s.issueToken());
        expect((r.json as { resources: WireResource[] }).resources.map((x) => x.id)).toEqual(["d:1", "d:3", "d:2"]);
      } finally {
        await s.close();
      }
    });

    it.each<[string, RegExp]>([
      ["limit=501", /Invalid limit '501': must be a whole number from 1 to 500/],
      ["limit=0", /Invalid limit '0'/],
      ["limit=-1", /Invalid limit '-1'/],
      ["limit=ten", /Invalid limit 'ten'/],
      ["limit=1.5", /Invalid limit '1\.5'/],
      ["limit=", /Invalid limit ''/],
      ["offset=-1", /Invalid offset '-1': must be a whole number >= 0/],
      ["offset=x", /Invalid offset 'x'/],
      ["status=active", /Invalid status 'active' \(allowed: online, offline, all\)/],
      ["status=Online", /Invalid status 'Online'/],
      ["sortBy=location", /Invalid sortBy 'location' \(allowed: id, name\)/],
      ["sort=up", /Invalid sort 'up' \(allowed: asc, desc\)/],
      ["sortby=name", /Unknown query parameter 'sortby' \(allowed: q, offset, limit, status, sortBy, sort\)/],
      ["accountId=hybrid:100001", /Unknown query parameter 'accountId'/],
      ["limit=1&limit=2", /Query parameter 'limit' is given more than once/],
    ])("400 badRequest for ?%s", async (query, message) => {
      const r = await list(`?${query}`);
      expect(r.status).toBe(400);
      expect(r.json).toEqual(fault(400, "badRequest", message));
    });

    it("shows only devices of accounts the user may see", async () => {
      const s = await startSimulator({
        users: [
          { username: "a", apiKey: "key-a-123456", name: "A", rpn: "RPN-A" },
          { username: "b", apiKey: "key-b-123456", name: "B", rpn: "RPN-B", accountIds: ["100002"] },
        ],
      });
      try {
        const tb = s.issueToken("b");
        const r = await get(s.resourcesUrl, "/resources?status=all", tb);
        expect((r.json as { resources: WireResource[] }).resources.map((x) => [x.id, x.accountId])).toEqual([["cloud:100002:0001", "100002"]]);
        expect((await get(s.resourcesUrl, "/resources/dedicated:0001", tb)).status).toBe(404);
        expect((await get(s.resourcesUrl, "/resources/dedicated:0001", s.issueToken("a"))).status).toBe(200);
      } finally {
        await s.close();
      }
    });
  });

  describe("GET /resources/{id}", () => {
    it("returns the bare device, whatever its status; its self link points back at it", async () => {
      const r = await get(sim.resourcesUrl, "/resources/dedicated:0004", token);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ id: "dedicated:0004", type: "firewall", _links: { self: `${sim.resourcesUrl}/resources/dedicated:0004` } });
      const self = (r.json as WireResource)._links.self;
      expect((await get(self, "", token)).json).toEqual(r.json);
      expect((await get(sim.resourcesUrl, "/resources/dedicated%3A0006", token)).json).toMatchObject({ id: "dedicated:0006", status: "offline" });
      expect(sim.requests().map((e) => [e.operation, e.status])).toEqual([
        ["getResources", 200],
        ["getResources", 200],
        ["getResources", 200],
      ]);
    });

    it("404 for an unknown or decommissioned device", async () => {
      expect((await get(sim.resourcesUrl, "/resources/dedicated:9999", token)).json).toEqual(fault(404, "notFound", "Resource dedicated:9999 could not be found"));
      expect((await get(sim.resourcesUrl, "/resources/dedicated:0007", token)).status).toBe(404);
      expect((await get(sim.resourcesUrl, "/resources/%E0", token)).status).toBe(404);
      expect((await get(sim.resourcesUrl, "/resources/a/b", token)).status).toBe(404);
    });

    it("its self link is what a ticket's resources take", async () => {
      const self = ((await list("?q=edge-lb01")).json as { resources: WireResource[] }).resources[0]._links.self;
      const res = await fetch(`${sim.ticketingUrl}/tickets`, {
        method: "POST",
        headers: { "X-Auth-Token": token, "Content-Type": V2, Accept: V2 },
        body: JSON.stringify({ accountId: "hybrid:100001", subject: "LB", category: "Change", subcategory: "General", resources: [self] }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { resources: string[] }).resources).toEqual([self]);
    });
  });

  describe("rate class 'resources' and faults", () => {
    it("429 with Retry-After past the resources limit; the read class is separate", async () => {
      sim.setLimits({ resources: 2, read: 1 });
      expect((await list()).status).toBe(200);
      expect((await get(sim.resourcesUrl, "/resources/dedicated:0001", token)).status).toBe(200);
      const r = await list();
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("1");
      expect(r.json).toEqual(fault(429, "rateLimitExceeded", /2 resources request\(s\) per 1000 ms/));
      expect((await get(sim.ticketingUrl, "/accounts", token)).status).toBe(200);
      expect((await get(sim.ticketingUrl, "/categories", token)).status).toBe(429);
      expect((await list("", sim.issueToken())).status).toBe(200); // per token
      await new Promise((res) => setTimeout(res, 1050));
      expect((await list()).status).toBe(200);
      expect(sim.getLimits().limits).toMatchObject({ resources: 2, read: 1 });
    });

    it("faults injected for getResources (or '*') apply on the resources port", async () => {
      sim.injectFault({ operation: "getResources", kind: "status", status: 503, count: 2 });
      expect((await list()).json).toEqual(fault(503, "serviceUnavailable", /Injected/));
      expect((await get(sim.resourcesUrl, "/resources/dedicated:0001", null)).status).toBe(503); // before auth, like a gateway
      expect((await list()).status).toBe(200);
      sim.injectFault({ operation: "getResources", kind: "drop-before" });
      await expect(list()).rejects.toThrow();
      sim.injectFault({ operation: "*", kind: "status", status: 502, body: "<html>Bad gateway</html>", contentType: "text/html" });
      const r = await fetch(`${sim.resourcesUrl}/resources`, { headers: { "X-Auth-Token": token } });
      expect([r.status, await r.text()]).toEqual([502, "<html>Bad gateway</html>"]);
      expect(sim.requests().map((e) => [e.operation, e.status, e.fault])).toEqual([
        ["getResources", 503, "status"],
        ["getResources", 503, "status"],
        ["getResources", 200, undefined],
        ["getResources", 0, "drop-before"],
        ["getResources", 502, "status"],
      ]);
    });

    it("admin API: limits and the device list", async () => {
      const put = await fetch(`${sim.url}/_sim/limits`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ limits: { resources: 7, attachment: 3 } }) });
      expect(((await put.json()) as { limits: Record<string, number> }).limits).toMatchObject({ resources: 7, attachment: 3 });
      const bad = await fetch(`${sim.url}/_sim/limits`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ limits: { bogus: 1 } }) });
      expect(bad.status).toBe(400);
      const devices = (await (await fetch(`${sim.url}/_sim/resources`)).json()) as { resources: SimResource[] };
      expect(devices.resources).toEqual(DEFAULT_RESOURCES);
      expect(sim.resources()).toEqual(DEFAULT_RESOURCES);
      expect(() => sim.setLimits({ resources: -1 })).toThrow(/non-negative/);
      expect(() => sim.setLimits({ bogus: 1 } as never)).toThrow(/unknown rate-limit class 'bogus' \(create, patch, comment, read, attachment, resources\)/);
    });
  });

  describe("configuration", () => {
    it("refuses bad device lists and bad attachment settings", async () => {
      const d: SimResource = { id: "x:1", accountId: "hybrid:100001", name: "n", platform: "p", type: "t", location: "l", status: "online", network: { ips: [] } };
      await expect(startSimulator({ resources: [d, d] })).rejects.toThrow(/resources\[1\]: duplicate id 'x:1'/);
      await expect(startSimulator({ resources: [{ ...d, status: "gone" as never }] })).rejects.toThrow(/resources\[0\]: status/);
      await expect(startSimulator({ resources: [{ ...d, id: "" }] })).rejects.toThrow(/resources\[0\]: id/);
      await expect(startSimulator({ attachmentTtlMs: 0 })).rejects.toThrow(/attachmentTtlMs must be a positive number/);
      await expect(startSimulator({ attachmentMaxBytes: 1.5 })).rejects.toThrow(/attachmentMaxBytes must be a whole number/);
    });

    it("an empty device list is fine", async () => {
      const s = await startSimulator({ resources: [] });
      try {
        expect((await get(s.resourcesUrl, "/resources?status=all", s.issueToken())).json).toEqual({ resources: [] });
      } finally {
        await s.close();
      }
    });
  });

  describe("CLI", () => {
    it("--resources-port, --limit-attachment, --limit-resources, --attachment-ttl-ms; a fixed --port puts resources next to it", () => {
      expect(parseCli(["--port", "0", "--resources-port", "9001", "--limit-attachment", "2", "--limit-resources", "9", "--attachment-ttl-ms", "500"]).options).toEqual({
        host: "127.0.0.1",
        port: 0,
        resourcesPort: 9001,
        limits: { attachment: 2, resources: 9 },
        quirks: {},
        attachmentTtlMs: 500,
      });
      expect(parseCli([]).options).toMatchObject({ port: 8383, resourcesPort: 8384 });
      expect(parseCli(["--port", "7000"]).options.resourcesPort).toBe(7001);
      expect(parseCli(["--port", "0"]).options.resourcesPort).toBeUndefined();
      expect(parseCli(["--port", "65535"]).options.resourcesPort).toBeUndefined();
      expect(() => parseCli(["--resources-port", "x"])).toThrow(/--resources-port must be a whole number/);
      expect(() => parseCli(["--attachment-ttl-ms", "0"])).toThrow(/--attachment-ttl-ms must be between 1/);
    });

    it("prints the resources URL; the existing lines keep their form", async () => {
      const out: string[] = [];
      const err: string[] = [];
      const { exitCode, simulator } = await main(["--port", "0", "--quiet"], { out: (l) => out.push(l), err: (l) => err.push(l) });
      expect(exitCode).toBe(0);
      const s = simulator as Simulator;
      try {
        expect(out[0]).toBe(`Rackspace simulator listening on ${s.url}`);
        expect(out).toContain(`  identity:  ${s.identityUrl}  (POST /v2.0/tokens)`);
        expect(out).toContain(`  ticketing: ${s.ticketingUrl}`);
        expect(out).toContain(`  resources: ${s.resourcesUrl}  (GET /resources, its own port)`);
        expect(out).toContain(`  admin:     ${s.url}/_sim/`);
        const text = out.join("\n");
        expect(text).toMatch(/rate limits per \d+ ms: create 1, patch 5, comment 5, read 60, attachment 5, resources 60$/m);
        expect(text).toMatch(new RegExp(`env: RACKSPACE_IDENTITY_URL=\\S+ RACKSPACE_TICKETING_URL=\\S+ RACKSPACE_USERNAME=demo RACKSPACE_API_KEY=demo-api-key RACKSPACE_RESOURCES_URL=${s.resourcesUrl}$`, "m"));
        // What test/e2e/examples.test.ts parses.
        expect(/ticketing: +(http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1]).toBe(s.ticketingUrl);
        expect((await get(s.resourcesUrl, "/resources", s.issueToken())).status).toBe(200);
        expect(err).toEqual([]);
      } finally {
        await s.close();
      }
    });

    it("names the resources port when that one is taken", async () => {
      const busy = await startSimulator();
      try {
        const out: string[] = [];
        const r = await main(["--port", "0", "--resources-port", String(busy.resourcesPort), "--quiet"], { out: (l) => out.push(l), err: (l) => out.push(l) });
        expect(r).toEqual({ exitCode: 1 });
        expect(out.join("\n")).toMatch(new RegExp(`EADDRINUSE.*port ${busy.resourcesPort} for the resources API is in use.*--resources-port 0`));
      } finally {
        await busy.close();
      }
    });
  });
});
