/**
 * The generated Go SDK (sdk/go) in a Go program run through Pulumi's Automation API with an
 * inline program (test/fixtures/sdk-go: its go.mod points at sdk/go with a `replace` directive,
 * as a user's would; built with -mod=readonly against its committed go.sum), against the plugin
 * and the simulator: a ticket with comments and a secret description, an appended comment
 * whose preview names only the new element, destroy. The stack is scanned for its secrets (the
 * API key, the description) like every e2e stack.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Simulator } from "../../src/simulator";
import { AutomationStack } from "../helpers/automation-stack";
import { ensureBuilt } from "../helpers/pulumi-cli";
import { buildGoProgram, describeWithSdkTool } from "../helpers/sdk-toolchains";
import { expectOk, startFastSimulator } from "../helpers/spec-program";

jest.setTimeout(1_500_000);

describeWithSdkTool("e2e: the generated Go SDK through the Automation API", { cmd: "go", args: ["version"] }, () => {
  let sim: Simulator;
  let work: string;
  let program: string;
  let stack: AutomationStack;

  const customerComments = (id: string) => (sim.getTicket(id)?.comments ?? []).slice(1).filter((c) => c.author?.type !== "racker").map((c) => c.text);

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-e2e-go-"));
    program = await buildGoProgram(work);
  }, 1_500_000);
  afterAll(async () => {
    await sim?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => {
    stack = new AutomationStack((op, spec) => ({ cmd: program, args: [op, spec] }), "rt-e2e-go", "go", sim);
  });
  afterEach(async () => {
    await stack?.dispose();
  });

  test("a ticket with comments and a secret description, an appended comment (its preview names only [2]), destroy", async () => {
    const description = `Rotate the load balancer certificates (secret ${process.pid}).`;
    const base = { subject: `Go change ${process.pid}`, description, secretDescription: true };
    stack.declare({ ...base, comments: ["Window opened.", "Old certificate saved."] });
    const up = await stack.run("up");
    expectOk(up);
    const id = up.outputs.ticketId as string;
    expect(id).toMatch(/^\d{6}-/);
    expect(up.outputs.status).toBe(sim.getTicket(id)?.status);
    expect(sim.getTicket(id)?.comments[0].text).toContain(description);
    expect(customerComments(id)).toEqual(["Window opened.", "Old certificate saved."]);

    const comments = ["Window opened.", "Old certificate saved.", "New certificate live."];
    stack.declare({ ...base, comments });
    const preview = await stack.run("preview");
    expectOk(preview);
    expect(preview.stdout).toMatch(/\+ \[2\]: "New certificate live\."/);
    expect(preview.stdout).not.toMatch(/Window opened/);
    expectOk(await stack.run("up"));
    expectOk(await stack.run("up")); // nothing new: nothing posted
    expect(customerComments(id)).toEqual(comments);

    expectOk(await stack.run("destroy"));
    expect(sim.getTicket(id)?.status).toBe("Closed");
    expect(customerComments(id).slice(0, 3)).toEqual(comments);
  });
});
