/**
 * The generated Python SDK (sdk/python), installed with pip the way a user installs it, in a
 * Python program run through Pulumi's Automation API with an inline program
 * (test/fixtures/sdk-python/automation.py: it imports only `pulumi` and `pulumi_rackspace`),
 * against the plugin and the simulator: a ticket with comments and a secret description, a note
 * per deployment, an appended comment whose preview names only the new element, a replacement
 * that closes the old ticket naming the new one, destroy; and the approval gate. Each stack is
 * scanned for its secrets (the API key, the description) like every e2e stack.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Simulator } from "../../src/simulator";
import { AutomationStack } from "../helpers/automation-stack";
import { ensureBuilt, REPO_ROOT } from "../helpers/pulumi-cli";
import { ensurePythonVenv, describeWithSdkTool, installPythonSdk, PYTHON_FIXTURE } from "../helpers/sdk-toolchains";
import { expectOk, startFastSimulator } from "../helpers/spec-program";

jest.setTimeout(900_000);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION = (require(path.join(REPO_ROOT, "package.json")) as { version: string }).version;

describeWithSdkTool("e2e: the generated Python SDK through the Automation API", { cmd: "python3", args: ["-m", "venv", "--help"] }, () => {
  let sim: Simulator;
  let work: string;
  let python: string;
  let site: string;
  let stack: AutomationStack;
  let n = 0;

  const customerComments = (id: string) => (sim.getTicket(id)?.comments ?? []).slice(1).filter((c) => c.author?.type !== "racker").map((c) => c.text);
  const commentsPosted = () => sim.requests().filter((r) => r.operation === "addComment").length;

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-e2e-python-"));
    python = await ensurePythonVenv();
    site = await installPythonSdk(python, work);
  }, 900_000);
  afterAll(async () => {
    await sim?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => {
    stack = new AutomationStack((op, spec) => ({ cmd: python, args: [PYTHON_FIXTURE, op, spec], env: { PYTHONPATH: site } }), `rt-e2e-python-${++n}`, "python", sim);
  });
  afterEach(async () => {
    sim.setRackerRules([]);
    await stack?.dispose();
  });

  test("pip installs the SDK as pulumi_rackspace at the package's version, asking for the plugin at that version", () => {
    const plugin = JSON.parse(fs.readFileSync(path.join(site, "pulumi_rackspace", "pulumi-plugin.json"), "utf8")) as Record<string, unknown>;
    expect(plugin).toEqual({ resource: true, name: "rackspace", version: VERSION });
    expect(fs.readdirSync(site)).toContain(`pulumi_rackspace-${VERSION}.dist-info`);
  });

  test("a change record: comments, a note per deployment, an appended comment (its preview names only [2]), a replacement, destroy", async () => {
    const description = `Fail the orders database over (secret ${process.pid}-${n}).`;
    const base = { subject: `Python change ${n}`, description, secretDescription: true, closingComment: "Environment destroyed; closing its change record." };
    stack.declare({ ...base, comments: ["Window opened.", "Replica promoted."] });
    const up = await stack.run("up");
    expectOk(up);
    const first = up.outputs.ticketId as string;
    expect(first).toMatch(/^\d{6}-/);
    expect(sim.getTicket(first)?.comments[0].text).toContain(description);
    expect(customerComments(first)).toEqual(["Window opened.", "Replica promoted."]);

    // A note per deployment: posted once, and not again for the same value.
    stack.declare({ ...base, comments: ["Window opened.", "Replica promoted."], note: "Deployed build 41." });
    expectOk(await stack.run("up"));
    const before = commentsPosted();
    expectOk(await stack.run("up"));
    expect(commentsPosted()).toBe(before);
    expect(customerComments(first)).toEqual(["Window opened.", "Replica promoted.", "Deployed build 41."]);

    // A comment appended: the preview names the new element only.
    const comments = ["Window opened.", "Replica promoted.", "Traffic moved to DFW."];
    stack.declare({ ...base, comments, note: "Deployed build 41." });
    const preview = await stack.run("preview");
    expectOk(preview);
    expect(preview.stdout).toMatch(/\+ \[2\]: "Traffic moved to DFW\."/);
    expect(preview.stdout).not.toMatch(/Window opened/);
    expectOk(await stack.run("up"));
    expect(customerComments(first)).toEqual(["Window opened.", "Replica promoted.", "Deployed build 41.", "Traffic moved to DFW."]);

    // A new subject: a new ticket naming the old one, then the old one closed naming the new one.
    stack.declare({ ...base, subject: `Python change ${n} (renamed)`, comments, note: "Deployed build 41." });
    const replacing = await stack.run("preview");
    expectOk(replacing);
    expect(replacing.stdout).toMatch(/\+-.*rackspace:ticketing:Ticket.*replace/);
    expect(replacing.stdout).toMatch(/subject/);
    const replaced = await stack.run("up");
    expectOk(replaced);
    const second = replaced.outputs.ticketId as string;
    expect(second).not.toBe(first);
    expect(sim.getTicket(second)?.comments[0].text).toContain(`Replaces ticket ${first}.`);
    expect(customerComments(second)).toEqual([...comments, "Deployed build 41."]);
    expect(sim.getTicket(first)?.status).toBe("Closed");
    // The closing comment, then the new ticket's name, in one comment.
    expect(customerComments(first).at(-1)).toBe(`Environment destroyed; closing its change record.\n\nReplaced by ticket ${second}.`);

    expectOk(await stack.run("destroy"));
    expect(sim.getTicket(second)?.status).toBe("Closed");
    expect(customerComments(second).at(-1)).toBe("Environment destroyed; closing its change record.");
    expect(customerComments(second).filter((c) => c === "Traffic moved to DFW.")).toHaveLength(1);
  });

  test("a change ticket with waitFor: up returns once a Racker approves, and the approval is an output", async () => {
    const subject = `Python gated change ${n}`;
    sim.setRackerRules([{ match: { subject: `^${subject}$` }, afterMs: 1500, comment: "Approved: change window confirmed.", name: "Jane D." }]);
    stack.declare({ subject, description: "Fail over tonight.", waitFor: { approval: "approved", rejection: "rejected", poll_interval: "1s", timeout: "60s" } });
    const up = await stack.run("up");
    expectOk(up);
    expect(up.outputs.approvedBy).toBe("Jane D.");
    expectOk(await stack.run("destroy"));
    expect(sim.getTicket(up.outputs.ticketId as string)?.status).toBe("Closed");
  });
});
