/**
 * A Pulumi program whose tickets (and RackspaceTicketComments) come from a spec.json beside
 * it, rewritten by the test between CLI commands: one program, many declarations, no code
 * generation. Each ticket names its args and resource options; `secretDescription` wraps the
 * description in pulumi.secret, `secrets` any args by path (`note`, `comments[1]`); `parent`
 * puts the ticket under a component of that name. Every value the program passes as a secret
 * is registered with the secret scan of the stacks made by `specStack`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startSimulator, Simulator, SimulatorOptions } from "../../src/simulator";
import { makeJsProgram, PulumiProject, uniqueStack } from "./pulumi-cli";
import { SecretRegistry } from "./secret-scan";

/** A 1 s window with limits high enough that pacing never slows a sequence down (pacing is tested elsewhere). */
export const FAST_WINDOW_MS = 1000;
export const FAST_LIMITS = { create: 10, patch: 20, comment: 20, read: 200 };

/** A simulator with the fast window and limits (`options` may add users, faults, …). */
export function startFastSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ port: 0, windowMs: FAST_WINDOW_MS, limits: FAST_LIMITS, ...options });
}

/**
 * A stack of `program` configured for `sim` with the same window and limits; the program's
 * secrets are the stack's. `apiKey`: the demo user's key when `sim` has one of its own.
 */
export async function specStack(program: Pick<SpecProgram, "dir"> & { secrets?: SecretRegistry }, sim: Simulator, purpose: string, opts: { apiKey?: string } = {}): Promise<PulumiProject> {
  const project = await PulumiProject.create({ dir: program.dir, stack: uniqueStack(purpose) });
  if (program.secrets) project.secrets.include(program.secrets);
  await project.configureForSimulator(sim, FAST_WINDOW_MS, opts);
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
  /** Args passed as pulumi.secret, by path: a key (`note`) or a list entry (`comments[1]`). */
  secrets?: string[];
  parent?: string;
}

/** A RackspaceTicketComment; a `ticketId` of `$name` is the ticketId of this program's ticket `name`. */
export interface CommentSpec {
  name: string;
  args: Record<string, unknown>;
  secrets?: string[];
}

/** The value at `p` (`key` or `key[i]`) of `args`. */
function valueAt(args: Record<string, unknown>, p: string): unknown {
  const m = /^(\w+)\[(\d+)\]$/.exec(p);
  return m ? (args[m[1]] as unknown[] | undefined)?.[Number(m[2])] : args[p];
}

const PROGRAM = `"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const { RackspaceTicket, RackspaceTicketComment } = require("pulumi-rackspace-ticketing");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
const parents = {};
const tickets = {};
const out = {};
function secretAt(args, p) {
  const m = /^(\\w+)\\[(\\d+)\\]$/.exec(p);
  if (!m) args[p] = pulumi.secret(args[p]);
  else args[m[1]] = args[m[1]].map((v, i) => (i === Number(m[2]) ? pulumi.secret(v) : v));
}
for (const t of spec.tickets) {
  const args = { accountId: "hybrid:100001", category: "Change", subcategory: "General", ...t.args };
  if (t.secretDescription) args.description = pulumi.secret(args.description);
  for (const p of t.secrets || []) secretAt(args, p);
  const options = { ...(t.options || {}) };
  if (t.parent) {
    parents[t.parent] = parents[t.parent] || new pulumi.ComponentResource("test:index:Group", t.parent, {});
    options.parent = parents[t.parent];
  }
  tickets[t.name] = new RackspaceTicket(t.name, args, options);
  out[t.name] = tickets[t.name].ticketId;
}
for (const c of spec.comments || []) {
  const args = { ...c.args };
  if (typeof args.ticketId === "string" && args.ticketId.startsWith("$")) args.ticketId = tickets[args.ticketId.slice(1)].ticketId;
  for (const p of c.secrets || []) secretAt(args, p);
  out[c.name] = new RackspaceTicketComment(c.name, args).commentId;
}
module.exports = out;
`;

export class SpecProgram {
  readonly dir: string;
  /** Every value the program has been told to pass as a secret (text of a `{ text }` entry), labelled `<resource>.<path>`. */
  readonly secrets = new SecretRegistry();
  constructor(name: string) {
    this.dir = makeJsProgram(name, PROGRAM);
    this.write([]);
  }

  write(tickets: TicketSpec[], comments: CommentSpec[] = []): void {
    const register = (name: string, args: Record<string, unknown>, paths: string[]) => {
      for (const p of paths) {
        const v = valueAt(args, p);
        const text = typeof v === "string" ? v : (v as { text?: unknown } | undefined)?.text;
        if (typeof text === "string") this.secrets.add(`${name}.${p}`, text);
      }
    };
    for (const t of tickets) register(t.name, t.args, [...(t.secretDescription ? ["description"] : []), ...(t.secrets ?? [])]);
    for (const c of comments) register(c.name, c.args, c.secrets ?? []);
    fs.writeFileSync(path.join(this.dir, "spec.json"), `${JSON.stringify({ tickets, comments }, null, 2)}\n`);
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
