/**
 * Guarantee: a command run by `runProcess` leaves no process behind. Each run carries a tag
 * of its own in its environment (inherited by everything it starts); a timeout kills the
 * whole tree (process-tree.ts), and when the command ends, whatever still carries its tag a
 * few seconds later is killed too (and named in a warning). After each test file, runs still in flight (their
 * test gave up on them) are killed the same way.
 *
 * Runs are asynchronous: an in-process simulator must keep answering while the CLI (and the
 * provider host it starts) talks to it.
 */
import { spawn } from "node:child_process";
import * as crypto from "node:crypto";
import { commandOf, isRunning, killTree, TAG_VAR, taggedWith } from "./process-tree";

export interface CliResult {
  /** Exit code; null when the process was killed (timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr, for searching messages wherever the CLI put them. */
  output: string;
  timedOut: boolean;
}

/** Tags of this test process's runs: `<prefix>-<n>`. */
const TAG_PREFIX = `${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
let runs = 0;
const inFlight = new Map<string, number>();

/**
 * How long what a command started may take to exit after the command did (the Pulumi CLI
 * interrupts its plugins and need not wait for the last of them to finish shutting down).
 */
const GRACE_MS = 3000;

/** Kills what still carries `tag` after its command ended and a grace period; names it in a warning. */
async function sweep(tag: string, what: string): Promise<void> {
  let left = taggedWith(tag);
  for (const t0 = Date.now(); left.length > 0 && Date.now() - t0 < GRACE_MS; left = left.filter(isRunning)) await new Promise((r) => setTimeout(r, 50));
  if (left.length === 0) return;
  console.warn(`${what} ended and left ${left.length} process(es) running ${GRACE_MS / 1000} s later; killing them: ${left.map((p) => `${p} (${commandOf(p)})`).join(", ")}`);
  for (const pid of left) await killTree(pid, { tag });
}

/**
 * Runs a command to completion in its own process group, tagged. Never throws for a non-zero
 * exit; resolves only once no process of the run is left. `onSpawn` is told the process id and
 * the run's tag (to kill it mid-way with `killTree(pid, { tag })`).
 */
export function runProcess(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; onSpawn?: (pid: number, tag: string) => void },
): Promise<CliResult> {
  const tag = `${TAG_PREFIX}-${++runs}`;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...opts.env, [TAG_VAR]: tag }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    if (child.pid !== undefined) {
      inFlight.set(tag, child.pid);
      opts.onSpawn?.(child.pid, tag);
    }
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let killing: Promise<unknown> = Promise.resolve();
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      killing = child.pid !== undefined ? killTree(child.pid, { tag }) : Promise.resolve(child.kill("SIGKILL"));
    }, opts.timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      inFlight.delete(tag);
      reject(e);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      const what = `\`${[cmd, ...args].join(" ").slice(0, 120)}\` (${timedOut ? "timed out" : code === null ? "killed" : `exit ${code}`})`;
      void killing
        .then(() => sweep(tag, what))
        .then(
          () => {
            inFlight.delete(tag);
            resolve({ code: timedOut ? null : code, stdout, stderr, output: `${stdout}\n${stderr}`, timedOut });
          },
          (e: unknown) => {
            inFlight.delete(tag);
            reject(e instanceof Error ? e : new Error(String(e)));
          },
        );
    });
  });
}

if (typeof afterAll === "function") {
  // Teardown: a run its test stopped waiting for (a jest timeout) is killed with everything it started.
  afterAll(async () => {
    for (const [tag, pid] of [...inFlight]) {
      console.warn(`a command was still running after the test file (pid ${pid}): killing it and everything it started`);
      await killTree(pid, { tag });
    }
  });
}
