/**
 * The generated Node.js SDK (sdk/nodejs) in a Node.js program through the CLI, installed the way
 * a user installs it from a checkout: `npm install --install-links <checkout>/sdk/nodejs` in a
 * fresh project (npm packs the directory, installs its dependencies from the registry or npm's
 * cache, and its postinstall compiles it with its own tsc). The program uses only the SDK's
 * classes: a Ticket through the default provider, a TicketComment through an explicit Provider
 * (the API key from stack config, a secret), and the getAccounts function; create, an update (an
 * appended comment and a note, previewed element by element), destroy.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Simulator } from "../../src/simulator";
import { describeWithPulumiCli, ensureBuilt, PulumiProject, REPO_ROOT, runProcess, uniqueStack } from "../helpers/pulumi-cli";
import { mustSucceed, SDK_DIR } from "../helpers/sdk-toolchains";
import { expectOk, FAST_LIMITS, FAST_WINDOW_MS, startFastSimulator } from "../helpers/spec-program";

jest.setTimeout(600_000);

const SDK_PACKAGE = "@pulumi-rackspace-ticketing/rackspace";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION = (require(path.join(REPO_ROOT, "package.json")) as { version: string }).version;

const PROGRAM = `"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const rackspace = require("${SDK_PACKAGE}");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
const config = new pulumi.Config("rackspace");
const ticket = new rackspace.ticketing.Ticket("change", {
  accountId: "hybrid:100001",
  category: "Change",
  subcategory: "General",
  subject: spec.subject,
  description: spec.description,
  comments: spec.comments,
  note: spec.note,
});
const explicit = new rackspace.Provider("explicit", {
  username: config.require("username"),
  apiKey: config.requireSecret("apiKey"),
  ticketingUrl: config.require("ticketingUrl"),
  identityUrl: config.require("identityUrl"),
  rateWindowMs: config.require("rateWindowMs"),
});
const side = new rackspace.ticketing.TicketComment("side", { ticketId: ticket.ticketId, text: "Posted through an explicit provider." }, { provider: explicit });
exports.ticketId = ticket.ticketId;
exports.sideCommentId = side.commentId;
exports.accounts = rackspace.ticketing.getAccountsOutput().accounts.apply((a) => a.map((x) => x.id));
`;

describeWithPulumiCli("e2e: the generated Node.js SDK, installed from the checkout, through the CLI", () => {
  let sim: Simulator;
  let dir: string;
  let project: PulumiProject;
  const write = (spec: Record<string, unknown>) => fs.writeFileSync(path.join(dir, "spec.json"), `${JSON.stringify(spec)}\n`);
  const customerComments = (id: string) => (sim.getTicket(id)?.comments ?? []).slice(1).filter((c) => c.author?.type !== "racker").map((c) => c.text);

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-e2e-sdk-node-"));
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: "sdk-node-e2e", private: true, main: "index.js" }, null, 2)}\n`);
    fs.writeFileSync(path.join(dir, "index.js"), PROGRAM);
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      `name: rt-e2e-sdk-node\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\nplugins:\n  providers:\n    - name: rackspace\n      path: ${REPO_ROOT}\n`,
    );
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("RACKSPACE_")) env[k] = v;
    const install = await runProcess("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--install-links", path.join(SDK_DIR, "nodejs")], { cwd: dir, env, timeoutMs: 300_000 });
    mustSucceed("npm install --install-links sdk/nodejs", install);
    project = await PulumiProject.create({ dir, stack: uniqueStack("sdk-node") });
    await project.configureForSimulator(sim, FAST_WINDOW_MS);
    await project.configSetAll(Object.fromEntries(Object.entries({ Create: FAST_LIMITS.create, Patch: FAST_LIMITS.patch, Comment: FAST_LIMITS.comment, Read: FAST_LIMITS.read }).map(([k, v]) => [`rackspace:rateLimit${k}`, String(v)])));
  }, 600_000);
  afterAll(async () => {
    try {
      await project?.dispose();
    } finally {
      await sim?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("npm installs a compiled copy of the SDK (its postinstall ran tsc) asking for the plugin at the package's version", () => {
    const installed = path.join(dir, "node_modules", ...SDK_PACKAGE.split("/"));
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, "bin", "index.js"))).toBe(true);
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, "bin", "package.json"), "utf8")) as { version: string; pulumi: Record<string, unknown> };
    expect(pkg.version).toBe(VERSION);
    expect(pkg.pulumi).toEqual({ resource: true, name: "rackspace", version: VERSION });
  });

  test("create, update (preview names the new comment and the note), destroy", async () => {
    const base = { subject: `Node SDK change ${process.pid}`, description: "Upgrade the API fleet." };
    write({ ...base, comments: ["Window opened."] });
    expectOk(await project.up());
    const outs = (await project.outputs()) as { ticketId: string; sideCommentId: string; accounts: string[] };
    expect(outs.accounts).toContain("hybrid:100001");
    expect(outs.sideCommentId).toBeTruthy();
    expect(customerComments(outs.ticketId)).toEqual(["Window opened.", expect.stringMatching(/^Posted through an explicit provider\./)]);

    write({ ...base, comments: ["Window opened.", "Half the fleet upgraded."], note: "Deployed build 7." });
    const preview = await project.preview(["--diff"]);
    expectOk(preview);
    expect(preview.output).toMatch(/\+ \[1\]: "Half the fleet upgraded\."/);
    expect(preview.output).toMatch(/\+ note\s*: "Deployed build 7\."/);
    expect(preview.output).not.toMatch(/\[0\]: "Window opened/);
    expectOk(await project.up());
    const texts = customerComments(outs.ticketId);
    expect(texts.filter((t) => t === "Half the fleet upgraded.")).toHaveLength(1);
    expect(texts.filter((t) => t === "Deployed build 7.")).toHaveLength(1);
    expect(texts.indexOf("Half the fleet upgraded.")).toBeLessThan(texts.indexOf("Deployed build 7."));

    expectOk(await project.destroy());
    expect(sim.getTicket(outs.ticketId)?.status).toBe("Closed");
  });
});
