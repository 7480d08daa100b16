/**
 * Fleet-wide pacing through the real Pulumi CLI: two stacks deployed at the same time by
 * two `pulumi up` processes, with their own credentials' tokens, against one simulator that
 * limits per user (as the API limits per account), with a 1 s window. Both stacks set
 * `rackspace:rateLimitRedisUrl` as a secret (a Redis with a password): every ticket is
 * opened, the simulator sees at most one 429, and the URL reaches the state only as
 * ciphertext and the CLI's output not at all (the security scan reads the transcripts).
 */
import * as fs from "node:fs";
import { startSimulator, Simulator } from "../../src/simulator";
import { describeWithPulumiCli, ensureBuilt, makeJsProgram, PulumiProject, uniqueStack } from "../helpers/pulumi-cli";
import { redisAvailability, RedisServer, startRedis } from "../helpers/redis";

jest.setTimeout(240_000);

const WINDOW_MS = 1000;
const PER_STACK = 3;
/** Also listed in scripts/security-scan.js: it must never appear in a transcript. */
const REDIS_PASSWORD = "rt-e2e-redis-secret-7f3a";

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { RackspaceTicket } = require("pulumi-rackspace-ticketing");
const tickets = [];
for (let i = 0; i < ${PER_STACK}; i++) {
  tickets.push(new RackspaceTicket("change-" + i, {
    accountId: "hybrid:100001",
    subject: "Fleet change " + i + " of " + pulumi.getStack(),
    category: "Change",
    subcategory: "General",
    description: "One of many stacks deployed at once.",
  }));
}
exports.ticketIds = tickets.map((t) => t.ticketId);
`;

const redis = redisAvailability();
const describeWithRedis = redis.binary || redis.required ? describeWithPulumiCli : describe.skip;
if (!redis.binary && !redis.required) console.warn(`skipping the fleet CLI test: ${redis.reason}`);

describeWithRedis("e2e: two stacks deployed at once share the account's rate limit through Redis", () => {
  let sim: Simulator;
  let server: RedisServer;
  let dir: string;
  const projects: PulumiProject[] = [];

  beforeAll(async () => {
    if (!redis.binary) throw new Error(`RACKSPACE_REQUIRE_REDIS=1 but ${redis.reason}`);
    ensureBuilt();
    server = await startRedis({ password: REDIS_PASSWORD });
    sim = await startSimulator({ port: 0, windowMs: WINDOW_MS, rateLimitScope: "user" });
    dir = makeJsProgram("rt-e2e-fleet", PROGRAM);
    for (const name of ["fleet-a", "fleet-b"]) {
      const p = await PulumiProject.create({ dir, stack: uniqueStack(name) });
      await p.configureForSimulator(sim, WINDOW_MS);
      await p.configSet("rackspace:rateLimitRedisUrl", server.url, { secret: true });
      projects.push(p);
    }
  });

  afterAll(async () => {
    try {
      for (const p of projects) await p.dispose();
    } finally {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      await sim?.close();
      await server?.stop();
    }
  });

  test("both ups open every ticket; the simulator sees at most one 429", async () => {
    sim.clearRequests();
    const results = await Promise.all(projects.map((p) => p.up(["--parallel", "10"])));
    for (const r of results) expect({ code: r.code, output: r.code === 0 ? "" : r.output }).toEqual({ code: 0, output: "" });
    const creates = sim.requests({ operation: "createTicket" });
    expect(creates.filter((c) => c.status === 200)).toHaveLength(2 * PER_STACK);
    expect(sim.requests({ status: 429 }).length).toBeLessThanOrEqual(1);
    // No runner fell back to in-process pacing.
    for (const r of results) expect(r.output).not.toMatch(/shared rate limiting via Redis .* is unreachable/);
    expect(sim.tickets()).toHaveLength(2 * PER_STACK);
  });

  test("the state holds the Redis URL only encrypted (as Pulumi keeps secret config), and no output shows it", async () => {
    for (const p of projects) {
      const { text, state } = await p.exportState();
      expect(text).not.toContain(REDIS_PASSWORD);
      expect(text).not.toContain(`127.0.0.1:${server.port}`);
      // The engine records rackspace:* config as the default nodejs provider's inputs: a secret stays ciphertext.
      const provider = (state.deployment.resources ?? []).find((r) => r.type === "pulumi:providers:pulumi-nodejs");
      const stored = (provider?.inputs as Record<string, unknown> | undefined)?.["rackspace:rateLimitRedisUrl"];
      expect(stored).toEqual(expect.objectContaining({ ciphertext: expect.any(String) }));
    }
  });

  test("destroy closes every ticket", async () => {
    const results = await Promise.all(projects.map((p) => p.destroy()));
    for (const r of results) expect(r.code).toBe(0);
    expect(sim.tickets().filter((t) => t.status !== "Closed")).toEqual([]);
  });
});
