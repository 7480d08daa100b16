/**
 * An interrupted deployment through the real CLI: `pulumi up` is killed (with the
 * provider host) after its POST /tickets was sent and before the answer came back, so
 * the stack records only a pending create while the API opens the ticket anyway. The
 * next `up` must adopt that ticket (correlation marker), not open a second one.
 */
import * as fs from "node:fs";
import { startSimulator, Simulator } from "../../src/simulator";
import { describeWithPulumiCli, ensureBuilt, makeJsProgram, PulumiProject, uniqueStack } from "../helpers/pulumi-cli";

jest.setTimeout(180_000);

const SUBJECT = "Interrupted rollout";
const PROGRAM = `"use strict";
const { RackspaceTicket } = require("pulumi-rackspace-ticketing");
const t = new RackspaceTicket("rollout", {
  accountId: "hybrid:100001",
  subject: ${JSON.stringify(SUBJECT)},
  category: "Change",
  subcategory: "General",
  description: "Rolling out; the CI runner will be killed mid-create.",
  comments: ["Deploy step 1 done."],
});
exports.ticketId = t.ticketId;
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describeWithPulumiCli("e2e: the CLI killed between the POST and the state write", () => {
  let sim: Simulator;
  let dir: string;
  let project: PulumiProject;

  beforeAll(async () => {
    ensureBuilt();
    sim = await startSimulator({ port: 0, windowMs: 1000 });
    dir = makeJsProgram("rt-e2e-interrupted", PROGRAM);
    project = await PulumiProject.create({ dir, stack: uniqueStack("interrupted") });
    await project.configureForSimulator(sim, 1000);
  });
  afterAll(async () => {
    try {
      await project?.dispose();
    } finally {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      await sim?.close();
    }
  });

  test("kill mid-create, up again: one ticket, adopted, its comment posted once", async () => {
    // The API holds the create for 4 s, then opens the ticket whether or not anyone still listens.
    sim.injectFault({ operation: "createTicket", kind: "hang", ms: 4000, count: 1 });
    let pid: number | undefined;
    const first = project.up([], { onSpawn: (p) => (pid = p) });
    // The marker lookup answers right before the POST goes out; the POST is then in flight.
    await waitFor("the pre-create lookup", () => sim.requests().some((r) => r.operation === "listTickets"));
    await sleep(1000);
    expect(sim.tickets()).toHaveLength(0);
    process.kill(-(pid as number), "SIGKILL"); // the CI runner dies: CLI, language host and provider host
    const killed = await first;
    expect(killed.code).not.toBe(0);
    await waitFor("the API to open the ticket anyway", () => sim.tickets().length === 1, 10_000);

    // The stack knows nothing of the ticket but a pending create.
    const { state } = await project.exportState();
    const pending = (state.deployment as { pending_operations?: { type: string }[] }).pending_operations ?? [];
    expect(pending.map((o) => o.type)).toEqual(["creating"]);

    // The killed run left its lock; the next CI run releases it first, as the CLI says.
    expect((await project.run(["cancel", "--yes"])).code).toBe(0);
    sim.clearRequests();
    const second = await project.up();
    expect({ code: second.code, output: second.code === 0 ? "" : second.output }).toEqual({ code: 0, output: "" });
    expect(second.output).toMatch(/adopting the open ticket this resource already created/);
    const calls = sim.requests().filter((r) => r.operation !== "token").map((r) => r.operation);
    expect(calls.filter((o) => o === "createTicket")).toEqual([]);
    expect(sim.tickets()).toHaveLength(1);
    const ticket = sim.tickets()[0];
    expect(ticket.subject).toBe(SUBJECT);
    expect(ticket.comments.map((c) => c.text).slice(1)).toEqual(["Deploy step 1 done."]);
    expect((await project.outputs()).ticketId).toBe(ticket.ticketId);
    const resources = await project.resources();
    expect(resources.map((r) => r.id)).toEqual([ticket.ticketId]);

    expect((await project.destroy()).code).toBe(0);
    expect(sim.getTicket(ticket.ticketId)?.status).toBe("Closed");
  });
});
