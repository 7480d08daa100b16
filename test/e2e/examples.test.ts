/**
 * The programs under examples/ (other than the quick start), run the way their READMEs
 * say, through the real Pulumi CLI against an in-process simulator:
 *
 *   - each example is copied to a temp dir and `npm install`ed there, with its
 *     `file:../..` dependency pointed at this repository (a user's install, not a symlink
 *     farm: the example gets its own @pulumi/pulumi, typescript and @types/node);
 *   - credentials and endpoints are stack config only (no RACKSPACE_* variable reaches the CLI);
 *   - every write the simulator sees is checked, call by call.
 *
 * The three installs run concurrently while the first example's tests start.
 */
import { spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSimulator, Simulator } from "../../src/simulator";
import { killTree } from "../helpers/process-tree";
import { CliResult, describeWithPulumiCli, ensureBuilt, PulumiProject, REPO_ROOT, runProcess as run, TICKET_TYPE, uniqueStack } from "../helpers/pulumi-cli";
import { openTicketByHand } from "../helpers/sim";

jest.setTimeout(300_000);

const WINDOW_MS = 1000;
const R1 = "https://resources.api.rackspace.com/resources/dedicated:0001";
const EXAMPLES = ["change-ticket", "ci-change-record", "import-existing"] as const;
type Example = (typeof EXAMPLES)[number];

/** Operation, ticket and body of each write call after `since`, in order. */
const writes = (sim: Simulator, since = 0) =>
  sim.writeCalls().filter((e) => e.seq > since).map((e) => ({ operation: e.operation, ticketId: e.ticketId, status: e.status, body: e.body }));
const lastSeq = (sim: Simulator) => sim.requests().reduce((m, e) => Math.max(m, e.seq), 0);
const CLOSE = (ticketId: string) => ({ operation: "patchTicket", ticketId, status: 204, body: { status: "Closed" } });

/** The process environment without RACKSPACE_* (npm and node children). */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("RACKSPACE_")) env[k] = v;
  return env;
}

/**
 * Copies examples/<name> to a temp dir (without node_modules, lock file, stack files or
 * local output), points its package dependency at this repository and installs it.
 * `--ignore-scripts`: no dependency's install script runs (this package has none; its
 * build runs at `prepack`, and ensureBuilt() has built dist/ already).
 */
async function installExample(name: Example): Promise<string> {
  const src = path.join(REPO_ROOT, "examples", name);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rackspace-example-${name}-`));
  fs.cpSync(src, dir, {
    recursive: true,
    filter: (from) => !/^(node_modules|package-lock\.json|Pulumi\.[^/]+\.yaml|sites-enabled)(\/|$)/.test(path.relative(src, from)),
  });
  const pkgFile = path.join(dir, "package.json");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { dependencies: Record<string, string> };
  expect(pkg.dependencies["pulumi-rackspace-ticketing"]).toBe("file:../..");
  expect(pkg.dependencies["@pulumi/pulumi"]).toBe("3.248.0");
  pkg.dependencies["pulumi-rackspace-ticketing"] = `file:${REPO_ROOT}`;
  fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  const r = await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"], { cwd: dir, env: baseEnv(), timeoutMs: 280_000 });
  if (r.code !== 0) throw new Error(`npm install in the copy of examples/${name} failed (${r.timedOut ? "timed out" : `exit ${r.code}`}):\n${r.output}`);
  return dir;
}

describeWithPulumiCli("e2e: the examples, installed and run as their READMEs say", () => {
  let sim: Simulator;
  const installs = new Map<Example, Promise<string>>();

  beforeAll(async () => {
    ensureBuilt();
    for (const name of EXAMPLES) {
      const p = installExample(name);
      p.catch(() => undefined); // reported by the example's own beforeAll
      installs.set(name, p);
    }
    sim = await startSimulator({ port: 0, windowMs: WINDOW_MS });
  });

  afterAll(async () => {
    const dirs = await Promise.all([...installs.values()].map((p) => p.catch(() => undefined)));
    for (const d of dirs) if (d) fs.rmSync(d, { recursive: true, force: true });
    await sim?.close();
  });

  /** The installed copy of `name` with a fresh stack pointed at the simulator (credentials as stack config). */
  async function project(name: Example, purpose: string): Promise<PulumiProject> {
    const dir = await installs.get(name);
    if (!dir) throw new Error(`examples/${name} was not installed`);
    const p = await PulumiProject.create({ dir, stack: uniqueStack(purpose), timeoutMs: 240_000 });
    await p.configureForSimulator(sim, WINDOW_MS);
    expect(Object.keys(p.env).filter((k) => k.startsWith("RACKSPACE_"))).toEqual([]);
    return p;
  }

  /** Fails with the CLI's output unless it exited 0. */
  function expectOk(r: CliResult): void {
    expect({ code: r.code, output: r.code === 0 ? "" : r.output }).toEqual({ code: 0, output: "" });
  }

  test("in a project that installed the package, `npx rackspace-ticketing-sim --port 0` prints its URLs and serves the seed's POST /tickets", async () => {
    const dir = await installs.get("change-ticket");
    const child = spawn("npx", ["--no-install", "rackspace-ticketing-sim", "--port", "0", "--quiet"], { cwd: dir, env: baseEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
    try {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
      const t0 = Date.now();
      while (!/ticketing: +http:\/\/127\.0\.0\.1:\d+/.test(out) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/Rackspace simulator listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toMatch(/identity: +http:\/\/127\.0\.0\.1:\d+/);
      const base = /ticketing: +(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
      // The seed's example request, its JSON errors fixed.
      const auth = await fetch(`${base}/v2.0/tokens`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ auth: { "RAX-KSKEY:apiKeyCredentials": { username: "demo", apiKey: "demo-api-key" } } }),
      });
      const token = ((await auth.json()) as { access: { token: { id: string } } }).access.token.id;
      const res = await fetch(`${base}/tickets`, {
        method: "POST",
        headers: { "X-Auth-Token": token, "Content-Type": "application/vnd.ticketing.v2+json", Accept: "application/vnd.ticketing.v2+json" },
        body: JSON.stringify({
          accountId: "hybrid:100001",
          subject: "Help! We need more servers!",
          category: "Incident",
          subcategory: "General",
          severity: "Urgent",
          comment: { text: "We are receiving a ton of traffic, we need more servers!" },
          recipients: ["RPN-3322-23"],
          resources: ["https://resources.api.rackspace.com/resources/dedicated:00001", "https://resources.api.rackspace.com/resources/dedicated:0002"],
        }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        ticketId: expect.any(String),
        subject: "Help! We need more servers!",
        status: "Pending Rackspace",
        classification: "Incident",
        recipients: [{ type: "contact", value: "RPN-3322-23" }],
        comments: [{ text: "We are receiving a ton of traffic, we need more servers!", author: { type: "customer" } }],
      });
    } finally {
      if (child.pid !== undefined) await killTree(child.pid);
    }
  });

  describe("change-ticket: a change ticket beside the nginx site it describes", () => {
    let p: PulumiProject;
    let siteFile = "";
    let ticketId = "";
    /** The server's URL as the program looked it up in the simulator's resources API. */
    let WEB01 = "";

    beforeAll(async () => {
      p = await project("change-ticket", "change");
      siteFile = path.join(p.dir, "sites-enabled", "shop.example.com.conf");
      WEB01 = `${sim.resourcesUrl}/resources/dedicated:0001`;
    }, 300_000);
    afterAll(async () => {
      await p?.dispose();
    });

    test("up looks the server up in the resources API, writes the site config, then opens one ticket listing the server, describing that file and carrying it as an attachment", async () => {
      const since = lastSeq(sim);
      expectOk(await p.up());

      expect(fs.existsSync(siteFile)).toBe(true);
      const text = fs.readFileSync(siteFile, "utf8");
      expect(text).toContain("server_name shop.example.com;");
      expect(text).toContain("proxy_pass http://10.0.0.11:8080;");
      const sha = crypto.createHash("sha256").update(text).digest("hex");

      const w = writes(sim, since);
      expect(w).toEqual([
        {
          operation: "createTicket",
          ticketId: w[0]?.ticketId, // the simulator may log the id it assigned
          status: 200,
          body: {
            accountId: "hybrid:100001",
            subject: "nginx site shop.example.com: proxy to http://10.0.0.11:8080",
            category: "Change",
            subcategory: "General",
            severity: "Normal",
            comment: { text: expect.any(String), attachments: [{ filename: "shop.example.com.conf", uuid: expect.any(String) }] },
            resources: [WEB01],
          },
        },
      ]);
      const description = (w[0].body as { comment: { text: string } }).comment.text;
      expect(description.startsWith(`Deploy the nginx site shop.example.com on ${WEB01}: listen on 80, proxy to http://10.0.0.11:8080.\n`)).toBe(true);
      expect(description).toContain(`Config file: ${siteFile} (sha256 ${sha}), attached.`);
      // The lookup went to the resources host; the file went through the attachment flow.
      expect(sim.requests({ operation: "getResources", since })).not.toHaveLength(0);
      expect(sim.requests({ operation: "createAttachment", since }).map((r) => r.status)).toEqual([201]);

      const outputs = await p.outputs();
      ticketId = outputs.ticketId as string;
      expect(sim.getTicket(ticketId)?.subject).toBe("nginx site shop.example.com: proxy to http://10.0.0.11:8080");
      expect([undefined, ticketId]).toContain(w[0].ticketId);
      expect(outputs).toMatchObject({ ticketId, status: "Pending Rackspace", resources: [WEB01], siteConfigPath: siteFile, siteConfigSha256: sha });
      expect(outputs.thread).toEqual([`Demo User (customer): Deploy the nginx site shop.example.com on ${WEB01}: listen on 80, proxy to http://10.0.0.11:8080.`]);
      const attached = sim.getTicket(ticketId)!.comments[0].attachments ?? [];
      expect(attached.map((a) => a.filename)).toEqual(["shop.example.com.conf"]);
      expect(await (await fetch(attached[0].url!)).text()).toBe(text);

      // The ticket waits for the site: it depends on it in the state.
      const { state } = await p.exportState();
      const site = (state.deployment.resources ?? []).find((r) => r.type === "pulumi-nodejs:dynamic/change-ticket:NginxSite");
      const t = (state.deployment.resources ?? []).find((r) => r.type === TICKET_TYPE);
      expect(site?.id).toBe(siteFile);
      expect(t?.dependencies).toContain(site?.urn);
    });

    test("a change of the site rewrites the file, opens a ticket for the new change, names it on the previous one and closes that", async () => {
      await p.configSet("change-ticket:upstream", "http://10.0.0.12:8080");
      const since = lastSeq(sim);
      expectOk(await p.up());
      expect(fs.readFileSync(siteFile, "utf8")).toContain("proxy_pass http://10.0.0.12:8080;");
      const w = writes(sim, since);
      expect(w.map((c) => c.operation)).toEqual(["createTicket", "addComment", "patchTicket"]);
      expect(w[0].body).toMatchObject({ subject: "nginx site shop.example.com: proxy to http://10.0.0.12:8080", resources: [WEB01] });
      const outputs = await p.outputs();
      expect(outputs.ticketId).not.toBe(ticketId);
      expect(w[1]).toEqual({ operation: "addComment", ticketId, status: 204, body: { comment: { text: `Replaced by ticket ${outputs.ticketId as string}.` } } });
      expect(w[2]).toEqual(CLOSE(ticketId));
      ticketId = outputs.ticketId as string;
      expect(sim.getTicket(ticketId)?.status).toBe("Pending Rackspace");
    });

    test("destroy closes the ticket with one PATCH and removes the site config", async () => {
      const since = lastSeq(sim);
      expectOk(await p.destroy());
      expect(writes(sim, since)).toEqual([CLOSE(ticketId)]);
      expect(fs.existsSync(siteFile)).toBe(false);
      expect(await p.resources()).toEqual([]);
    });
  });

  describe("ci-change-record: one ticket per environment, a note per deployment", () => {
    let p: PulumiProject;
    let ticketId = "";

    beforeAll(async () => {
      p = await project("ci-change-record", "ci");
      // As on a developer's machine, whatever CI this test itself runs in.
      for (const k of Object.keys(p.env)) if (/^(GITHUB_|PR_NUMBER$|DEPLOY_SUMMARY$)/.test(k)) delete p.env[k];
    }, 300_000);
    afterAll(async () => {
      await p?.dispose();
    });

    /** The workflow's deploy step: `pulumi up`, nothing else. */
    function deploy(env: Record<string, string> = {}): Promise<CliResult> {
      return p.up([], { env });
    }

    test("the first deployment opens the environment's ticket (commit and PR from stack config) and posts its summary", async () => {
      await p.configSetAll({
        "ci-change-record:commit": "a".repeat(40),
        "ci-change-record:ref": "refs/heads/feature-x",
        "ci-change-record:pullRequest": "41",
      });
      const since = lastSeq(sim);
      expectOk(await deploy());
      const w = writes(sim, since);
      expect(w.map((c) => c.operation)).toEqual(["createTicket", "addComment"]);
      expect(w[0].body).toMatchObject({ accountId: "hybrid:100001", subject: `Change record: ci-change-record / ${p.stack}`, category: "Change", subcategory: "General" });
      const description = (w[0].body as { comment: { text: string } }).comment.text;
      expect(description).toContain(`Opened by the deployment of commit ${"a".repeat(40)}, ref refs/heads/feature-x, pull request #41.`);
      const summary = `Deployed ${"a".repeat(12)} (pull request #41) to ${p.stack}.`;
      ticketId = (await p.outputs()).ticketId as string;
      expect(w[1]).toEqual({ operation: "addComment", ticketId, status: 204, body: { comment: { text: summary } } });
      expect(await p.outputs()).toMatchObject({ ticketId, status: "Pending Rackspace", environmentName: p.stack });
      expect(((await p.outputs()).deployments as { commentId: string }[]).map((d) => d.commentId)).toEqual([sim.getTicket(ticketId)?.comments[1].id]);
    });

    test("the next deployment (commit and PR from GitHub's variables) is exactly one comment on the same ticket", async () => {
      const since = lastSeq(sim);
      expectOk(
        await deploy({
          GITHUB_SHA: "b".repeat(40),
          GITHUB_REF: "refs/pull/42/merge",
          GITHUB_REPOSITORY: "acme/shop",
          GITHUB_SERVER_URL: "https://github.com",
          GITHUB_RUN_ID: "123",
        }),
      );
      const summary = `Deployed ${"b".repeat(12)} (pull request #42) to ${p.stack}: https://github.com/acme/shop/actions/runs/123`;
      expect(writes(sim, since)).toEqual([{ operation: "addComment", ticketId, status: 204, body: { comment: { text: summary } } }]);
      const outputs = await p.outputs();
      expect(outputs.ticketId).toBe(ticketId);
      expect((outputs.deployments as unknown[]).length).toBe(2);
      expect(sim.getTicket(ticketId)?.comments.map((c) => c.text).slice(1)).toEqual([`Deployed ${"a".repeat(12)} (pull request #41) to ${p.stack}.`, summary]);
    });

    test("a re-run of the same deployment posts nothing; its preview shows no change", async () => {
      const env = { GITHUB_SHA: "b".repeat(40), GITHUB_REF: "refs/pull/42/merge", GITHUB_REPOSITORY: "acme/shop", GITHUB_SERVER_URL: "https://github.com", GITHUB_RUN_ID: "123" };
      const since = lastSeq(sim);
      const r = await p.preview(["--diff"], { env });
      expectOk(r);
      expect(r.output).not.toMatch(/~ +note/);
      expectOk(await deploy(env));
      expect(writes(sim, since)).toEqual([]);
    });

    test("destroying the environment posts the closing comment (as the last deployment recorded it) and closes its ticket", async () => {
      const since = lastSeq(sim);
      expectOk(await p.destroy());
      const w = writes(sim, since);
      expect(w.map((c) => c.operation)).toEqual(["addComment", "patchTicket"]);
      expect((w[0].body as { comment: { text: string } }).comment.text).toBe(`The ${p.stack} environment was destroyed by https://github.com/acme/shop/actions/runs/123; closing its change record.`);
      expect(w[1]).toEqual(CLOSE(ticketId));
      expect(await p.resources()).toEqual([]);
    });
  });

  describe("import-existing: importing a ticket opened outside Pulumi with the import option", () => {
    let p: PulumiProject;
    let ticketId = "";

    beforeAll(async () => {
      p = await project("import-existing", "import");
      // A ticket opened directly against the API, as in the portal.
      ticketId = await openTicketByHand(sim, {
        accountId: "hybrid:100001",
        subject: "Patch the load balancers",
        category: "Change",
        subcategory: "General",
        severity: "Normal",
        comment: { text: "Opened by hand in the portal." },
        resources: [R1],
      });
    }, 300_000);
    afterAll(async () => {
      await p?.dispose();
    });

    test("inputs that do not match the ticket stop the adoption, naming the difference; nothing is sent or recorded", async () => {
      await p.configSetAll({
        "import-existing:ticketId": ticketId,
        "import-existing:subject": "Patch the load balancer",
        "import-existing:description": "Opened by hand in the portal.",
      });
      await p.configSet("import-existing:resources[0]", R1, { path: true });
      const since = lastSeq(sim);
      const r = await p.up();
      expect(r.code).not.toBe(0);
      expect(r.output).toContain(`cannot import the ticket: subject is "Patch the load balancers", the program says "Patch the load balancer"`);
      expect(writes(sim, since)).toEqual([]);
      expect(await p.resources()).toEqual([]);
    });

    test("matching inputs: the first up imports the ticket without a single write call; the next up sends nothing", async () => {
      await p.configSet("import-existing:subject", "Patch the load balancers");
      const since = lastSeq(sim);
      expectOk(await p.up());
      expect(writes(sim, since)).toEqual([]);
      expect(sim.requests({ since, ticketId, operation: "getTicket" }).length).toBeGreaterThanOrEqual(1);
      const tickets = await p.resources();
      expect(tickets).toHaveLength(1);
      expect(tickets[0].id).toBe(ticketId);
      expect(tickets[0].inputs).toMatchObject({ subject: "Patch the load balancers", description: "Opened by hand in the portal.", resources: [R1] });
      expect(await p.outputs()).toMatchObject({ adoptedTicketId: ticketId, status: "Pending Rackspace", createdBy: "Demo User" });

      const again = lastSeq(sim);
      expectOk(await p.up());
      expect(writes(sim, again)).toEqual([]);
    });

    test("the adopted ticket is managed: a comment appended in config is one POST", async () => {
      await p.configSet("import-existing:comments[0]", "Patched lb01 and lb02.", { path: true });
      const since = lastSeq(sim);
      expectOk(await p.up());
      expect(writes(sim, since)).toEqual([{ operation: "addComment", ticketId, status: 204, body: { comment: { text: "Patched lb01 and lb02." } } }]);
      expect((await p.outputs()).comments).toEqual(["Patched lb01 and lb02."]);
    });

    test("destroy closes the adopted ticket with one PATCH", async () => {
      const since = lastSeq(sim);
      expectOk(await p.destroy());
      expect(writes(sim, since)).toEqual([CLOSE(ticketId)]);
      expect(sim.getTicket(ticketId)?.status).toBe("Closed");
      expect(await p.resources()).toEqual([]);
    });
  });
});
