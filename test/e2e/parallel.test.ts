/**
 * Five tickets in one `pulumi up --parallel 10` through the real CLI, with a 1 s rate
 * window on both the simulator and the provider (stack config rackspace:rateWindowMs)
 * and the default limits (1 create per window): the provider paces itself, so every
 * create succeeds the first time and the simulator never answers 429.
 */
import * as fs from "node:fs";
import { startSimulator, Simulator } from "../../src/simulator";
import { describeWithPulumiCli, ensureBuilt, makeJsProgram, PulumiProject, uniqueStack } from "../helpers/pulumi-cli";

jest.setTimeout(180_000);

const WINDOW_MS = 1000;
const COUNT = 5;

const PROGRAM = `"use strict";
const { RackspaceTicket } = require("pulumi-rackspace-ticketing");
const tickets = [];
for (let i = 0; i < ${COUNT}; i++) {
  tickets.push(new RackspaceTicket("change-" + i, {
    accountId: "hybrid:100001",
    subject: "Parallel change " + i,
    category: "Change",
    subcategory: "General",
    description: "Change number " + i + " of a parallel rollout.",
  }));
}
exports.ticketIds = tickets.map((t) => t.ticketId);
`;

describeWithPulumiCli("e2e: five tickets in parallel under the real rate limits", () => {
  let sim: Simulator;
  let dir: string;
  let project: PulumiProject;

  beforeAll(async () => {
    ensureBuilt();
    sim = await startSimulator({ port: 0, windowMs: WINDOW_MS });
    dir = makeJsProgram("rt-e2e-parallel", PROGRAM);
    project = await PulumiProject.create({ dir, stack: uniqueStack("parallel") });
    await project.configureForSimulator(sim, WINDOW_MS);
  });

  afterAll(async () => {
    try {
      await project?.dispose();
    } finally {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      await sim?.close();
    }
  });

  test("up --parallel 10 opens all five tickets without a failure or a 429", async () => {
    sim.clearRequests();
    const r = await project.up(["--parallel", "10"]);
    expect({ code: r.code, output: r.code === 0 ? "" : r.output }).toEqual({ code: 0, output: "" });
    expect(r.stdout).toMatch(new RegExp(`\\+ ${COUNT + 1} created`));
    expect(r.output).not.toMatch(/error:/i);

    const creates = sim.requests({ operation: "createTicket" });
    expect(creates).toHaveLength(COUNT);
    expect(creates.map((c) => c.status)).toEqual(Array(COUNT).fill(200));
    expect(new Set(creates.map((c) => (c.body as { subject: string }).subject))).toEqual(new Set(Array.from({ length: COUNT }, (_, i) => `Parallel change ${i}`)));
    expect(sim.requests({ status: 429 })).toEqual([]);
    expect(sim.requests().filter((e) => e.status >= 400)).toEqual([]);
    // Paced to the window: creations at least ~one window apart (minus clock slack).
    const at = creates.map((c) => Date.parse(c.at)).sort((a, b) => a - b);
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(WINDOW_MS - 250);

    const outputs = await project.outputs();
    const ids = outputs.ticketIds as string[];
    expect(ids).toHaveLength(COUNT);
    expect(new Set(ids).size).toBe(COUNT);
    expect(new Set(ids)).toEqual(new Set(creates.map((c) => c.ticketId)));
    expect(sim.tickets()).toHaveLength(COUNT);
  });

  test("destroy closes all five, one PATCH each", async () => {
    const ids = sim.tickets().map((t) => t.ticketId);
    sim.clearRequests();
    const r = await project.destroy(["--parallel", "10"]);
    expect({ code: r.code, output: r.code === 0 ? "" : r.output }).toEqual({ code: 0, output: "" });
    const writes = sim.writeCalls();
    expect(writes).toHaveLength(COUNT);
    for (const w of writes) expect(w).toMatchObject({ operation: "patchTicket", status: 204, body: { status: "Closed" } });
    expect(new Set(writes.map((w) => w.ticketId))).toEqual(new Set(ids));
    expect(sim.tickets().map((t) => t.status)).toEqual(Array(COUNT).fill("Closed"));
    expect(sim.requests({ status: 429 })).toEqual([]);
    expect(await project.resources()).toEqual([]);
  });
});
