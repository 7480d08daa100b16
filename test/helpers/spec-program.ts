/**
 * A Pulumi program whose tickets come from a spec.json beside it, rewritten by the test
 * between CLI commands: one program, many declarations, no code generation. Each ticket
 * names its args and resource options; `secretDescription` wraps the description in
 * pulumi.secret; `parent` puts the ticket under a component of that name.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startSimulator, Simulator } from "../../src/simulator";
import { makeJsProgram, PulumiProject, uniqueStack } from "./pulumi-cli";

/** A 1 s window with limits high enough that pacing never slows a sequence down (pacing is tested elsewhere). */
export const FAST_WINDOW_MS = 1000;
const FAST_LIMITS = { create: 10, patch: 20, comment: 20, read: 200 };

/** A simulator with the fast window and limits. */
export function startFastSimulator(): Promise<Simulator> {
  return startSimulator({ port: 0, windowMs: FAST_WINDOW_MS, limits: FAST_LIMITS });
}

/** A stack of `program` configured for `sim` with the same window and limits. */
export async function specStack(program: Pick<SpecProgram, "dir">, sim: Simulator, purpose: string): Promise<PulumiProject> {
  const project = await PulumiProject.create({ dir: program.dir, stack: uniqueStack(purpose) });
  await project.configureForSimulator(sim, FAST_WINDOW_MS);
  await project.configSetAll({
    "rackspace:rateLimitCreate": String(FAST_LIMITS.create),
    "rackspace:rateLimitPatch": String(FAST_LIMITS.patch),
    "rackspace:rateLimitComment": String(FAST_LIMITS.comment),
    "rackspace:rateLimitRead": String(FAST_LIMITS.read),
  });
  return project;
}

/** `expect` that a CLI command succeeded, showing its whole output when it did not. */
export function expectOk(r: { code: number | null; output: string }): void {
  expect({ code: r.code, output: r.code === 0 ? "" : r.output }).toEqual({ code: 0, output: "" });
}

export interface TicketSpec {
  name: string;
  args: Record<string, unknown>;
  options?: Record<string, unknown>;
  secretDescription?: boolean;
  parent?: string;
}

const PROGRAM = `"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const { RackspaceTicket } = require("pulumi-rackspace-ticketing");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
const parents = {};
const out = {};
for (const t of spec.tickets) {
  const args = { accountId: "hybrid:100001", category: "Change", subcategory: "General", ...t.args };
  if (t.secretDescription) args.description = pulumi.secret(args.description);
  const options = { ...(t.options || {}) };
  if (t.parent) {
    parents[t.parent] = parents[t.parent] || new pulumi.ComponentResource("test:index:Group", t.parent, {});
    options.parent = parents[t.parent];
  }
  out[t.name] = new RackspaceTicket(t.name, args, options).ticketId;
}
module.exports = out;
`;

export class SpecProgram {
  readonly dir: string;
  constructor(name: string) {
    this.dir = makeJsProgram(name, PROGRAM);
    this.write([]);
  }

  write(tickets: TicketSpec[]): void {
    fs.writeFileSync(path.join(this.dir, "spec.json"), `${JSON.stringify({ tickets }, null, 2)}\n`);
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
