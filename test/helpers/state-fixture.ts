/**
 * Frozen stacks written by earlier versions (test/fixtures/state-*), brought back through the real Pulumi CLI with the code under test, and what their replays read: ids, writes, plans, revealed secrets.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSimulator, Simulator, RequestLogEntry } from "../../src/simulator";
import { makeJsProgram, PulumiProject, StackExport, StateResource, TICKET_TYPE } from "./pulumi-cli";

/** The rate window and limits every replay runs with (loose: the replays check what is written, not pacing). */
export const WINDOW_MS = 1000;
export const LIMITS = { create: 10, patch: 20, comment: 20, read: 200, attachment: 20 };
const WRITE_OPS = new Set<RequestLogEntry["operation"]>(["createTicket", "patchTicket", "addComment", "createAttachment"]);

export const nameOf = (r: StateResource) => r.urn.split("::").pop() as string;
export const lastSeq = (sim: Simulator) => sim.requests().reduce((m, e) => Math.max(m, e.seq), 0);
/** The write calls the simulator logged after `since`. */
export const writesSince = (sim: Simulator, since: number) => sim.requests({ since }).filter((e) => WRITE_OPS.has(e.operation));
/** The customer entries after the description, as the simulator has them. */
export const customerComments = (sim: Simulator, id: string) => (sim.getTicket(id)?.comments ?? []).slice(1).filter((c) => c.author?.type !== "racker").map((c) => c.text);

/** `expect` that a CLI command succeeded, showing its whole output when it did not. */
export function expectOk(r: { code: number | null; output: string }): void {
  expect({ code: r.code, output: r.code === 0 ? "" : r.output }).toEqual({ code: 0, output: "" });
}

/** The ticket ids of a fixture's export, by resource name. */
export function fixtureIds(fixture: string): Record<string, string> {
  const state = JSON.parse(fs.readFileSync(path.join(fixture, "stack.json"), "utf8")) as StackExport;
  const ids: Record<string, string> = {};
  for (const r of state.deployment.resources ?? []) if (r.type === TICKET_TYPE) ids[nameOf(r)] = r.id as string;
  return ids;
}

/** The steps and change summary of `pulumi preview --json` (steps that change nothing are mostly left out). */
export function previewPlan(stdout: string): { ops: string[]; summary: Record<string, number> } {
  const doc = JSON.parse(stdout) as { steps?: { op: string }[]; changeSummary?: Record<string, number> };
  return { ops: (doc.steps ?? []).map((s) => s.op), summary: doc.changeSummary ?? {} };
}

/** A value of `stack export --show-secrets`: secrets come as `{<sig>, plaintext: <JSON>}`. */
export function revealed(v: unknown): unknown {
  const p = (v as { plaintext?: unknown } | undefined)?.plaintext;
  return typeof p === "string" ? JSON.parse(p) : v;
}

export interface Replay {
  sim: Simulator;
  project: PulumiProject;
  dispose(): Promise<void>;
}

/**
 * A fixture brought back: its simulator (from a copy of simulator.json), a fresh project named
 * `projectName` with its program on the package under test, its stack config file, the stack
 * created and the export imported, and the stack pointed at the new simulator.
 */
export async function replay(fixture: string, projectName: string, stack: string): Promise<Replay> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `${projectName}-sim-`));
  const dataFile = path.join(work, "simulator.json");
  fs.copyFileSync(path.join(fixture, "simulator.json"), dataFile);
  const sim = await startSimulator({ port: 0, windowMs: WINDOW_MS, limits: LIMITS, dataFile });
  const dir = makeJsProgram(projectName, fs.readFileSync(path.join(fixture, "index.js"), "utf8"));
  for (const f of fs.readdirSync(fixture)) {
    if (["stack.json", "simulator.json", "README.md", "make-fixtures.js"].includes(f) || !fs.statSync(path.join(fixture, f)).isFile()) continue;
    fs.copyFileSync(path.join(fixture, f), path.join(dir, f));
  }
  expect(fs.existsSync(path.join(dir, `Pulumi.${stack}.yaml`))).toBe(true);
  let project: PulumiProject | undefined;
  const dispose = async () => {
    try {
      await project?.dispose();
    } finally {
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  };
  try {
    project = await PulumiProject.create({ dir, stack });
    await project.ok(["stack", "import", "--file", path.join(fixture, "stack.json")]);
    await project.configureForSimulator(sim, WINDOW_MS);
    await project.configSetAll({
      "rackspace:rateLimitCreate": String(LIMITS.create),
      "rackspace:rateLimitPatch": String(LIMITS.patch),
      "rackspace:rateLimitComment": String(LIMITS.comment),
      "rackspace:rateLimitRead": String(LIMITS.read),
    });
  } catch (e) {
    await dispose();
    throw e;
  }
  return { sim, project, dispose };
}
