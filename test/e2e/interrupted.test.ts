/**
 * An interrupted deployment through the real CLI: `pulumi up` is killed (with the
 * provider host) in the middle of the ticket's create, after the API opened the ticket and
 * while the create's comment is in flight, so the stack records only a pending create while
 * the ticket is open. The next `up` must adopt that ticket (correlation marker), not open a
 * second one, and post the comment once. The kill leaves no process behind: not the CLI,
 * its language host, the program, nor the dynamic provider host (which the CLI starts in
 * process groups of their own).
 */
import * as fs from "node:fs";
import { startSimulator, Simulator } from "../../src/simulator";
import { commandOf, descendants, isRunning, killTree, taggedWith } from "../helpers/process-tree";
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
    // The API opens the ticket, then holds the create's comment (abandoned once the client is gone).
    // (Holding the POST /tickets itself no longer works: a held request whose client went away is
    // abandoned, and the provider host, which used to survive the kill, held the connection open.)
    sim.injectFault({ operation: "addComment", kind: "hang", ms: 4000, count: 1 });
    let pid = 0;
    let tag = "";
    const first = project.up([], {
      onSpawn: (p, t) => {
        pid = p;
        tag = t;
      },
    });
    // The ticket is open; the comment's POST goes out next and is held.
    await waitFor("the ticket to be opened", () => sim.tickets().length === 1);
    await sleep(1000);
    expect(sim.requests().some((r) => r.operation === "addComment")).toBe(false);
    // What is running now: the CLI's tree, with the provider host in it.
    const tree = descendants(pid);
    const commands = tree.map(commandOf);
    expect(commands.some((c) => c.includes("@pulumi/pulumi/cmd/dynamic-provider"))).toBe(true);
    expect(commands.some((c) => c.includes("pulumi-language-nodejs"))).toBe(true);
    // The CI runner dies: CLI, language host, program and provider host.
    await killTree(pid, { tag });
    const killed = await first;
    expect(killed.code).not.toBe(0);
    expect([pid, ...tree].filter(isRunning).map((p) => `${p} ${commandOf(p)}`)).toEqual([]);
    expect(taggedWith(tag)).toEqual([]);
    // The held comment was abandoned with its client: the ticket has the description only.
    await waitFor("the held comment to be abandoned", () => sim.requests().some((r) => r.operation === "addComment"), 10_000);
    expect(sim.tickets()[0].comments).toHaveLength(1);

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
