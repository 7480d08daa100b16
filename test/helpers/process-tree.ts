/**
 * Guarantee: `killTree` returns only when no process of a tree we started is left running,
 * or throws naming the survivors. The tree is: the root, every descendant (by the ppid links
 * of /proc/<pid>/stat), every member of a process group one of them leads (the Pulumi CLI
 * starts its language host and provider host in groups of their own), and every process
 * whose environment carries the tree's tag (which finds the ones orphaned before the kill,
 * reparented away from the tree). The tree is collected while frozen (SIGSTOP: a stopped
 * process can neither start another nor exit and orphan its children), then all get SIGKILL.
 *
 * Linux only (/proc); elsewhere only the root's process group is killed.
 */
import * as fs from "node:fs";

/** The environment variable every process we start carries (with its run's tag); its descendants inherit it. */
export const TAG_VAR = "RT_TEST_PROCESS_TAG";

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
}

function statOf(pid: number): Proc | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { pid, state: rest[0], ppid: Number(rest[1]), pgid: Number(rest[2]) };
  } catch {
    return undefined; // gone
  }
}

function processes(): Proc[] {
  let names: string[];
  try {
    names = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  return names.map((d) => statOf(Number(d))).filter((p): p is Proc => p !== undefined);
}

/** True while `pid` exists and is not a zombie (a zombie has exited: only its parent's reaping is left). */
export function isRunning(pid: number): boolean {
  const p = statOf(pid);
  return p !== undefined && p.state !== "Z" && p.state !== "X";
}

/** The command line of `pid` (for messages), else its name in brackets (and its state), or "?". */
export function commandOf(pid: number): string {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ").slice(0, 200);
    return cmdline || `[${fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim()}] state ${statOf(pid)?.state ?? "?"}`;
  } catch {
    return "?";
  }
}

function hasTag(pid: number, tag: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`${TAG_VAR}=${tag}`);
  } catch {
    return false;
  }
}

/** The running processes whose environment carries `tag`. */
export function taggedWith(tag: string): number[] {
  return processes()
    .filter((p) => p.state !== "Z" && hasTag(p.pid, tag))
    .map((p) => p.pid);
}

/** Every descendant of `root`, by ppid links (none where there is no /proc). */
export function descendants(root: number): number[] {
  return [...closure([root], processes())].filter((p) => p !== root);
}

/** `seeds`, their descendants and the members of process groups any of them leads, to a fixed point. */
function closure(seeds: number[], procs: Proc[]): Set<number> {
  const children = new Map<number, number[]>();
  const members = new Map<number, number[]>();
  for (const p of procs) {
    children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
    members.set(p.pgid, [...(members.get(p.pgid) ?? []), p.pid]);
  }
  const out = new Set<number>();
  const queue = [...seeds];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (out.has(pid)) continue;
    out.add(pid);
    queue.push(...(children.get(pid) ?? []), ...(members.get(pid) ?? []));
  }
  return out;
}

/** This process and its ancestors: never signalled, whatever a tag or a group says. */
function ourselves(): Set<number> {
  const out = new Set<number>();
  for (let pid: number | undefined = process.pid; pid !== undefined && pid > 0 && !out.has(pid); pid = statOf(pid)?.ppid) out.add(pid);
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Kills `root`'s tree (see the file's guarantee); `tag` adds every process carrying it.
 * Resolves with the pids killed once none of them runs; rejects naming any that still
 * runs after `waitMs`.
 */
export async function killTree(root: number, opts: { tag?: string; waitMs?: number } = {}): Promise<number[]> {
  const spare = ourselves();
  const tree = new Set<number>();
  if (!fs.existsSync("/proc")) {
    signal(-root, "SIGKILL");
    return [root];
  }
  // Freeze what we find, then look again: the stopped ones cannot add to the tree any more. A
  // fork already under way when its parent was stopped still completes, so the tree counts as
  // complete only when a look some milliseconds after the last stop finds nothing new.
  for (let round = 0, quiet = 0; round < 50 && quiet < 2; round++) {
    const procs = processes();
    const seeds = [root, ...(opts.tag ? procs.filter((p) => p.state !== "Z" && hasTag(p.pid, opts.tag as string)).map((p) => p.pid) : [])];
    let grew = false;
    for (const pid of closure(seeds, procs)) {
      if (tree.has(pid) || spare.has(pid)) continue;
      tree.add(pid);
      grew = true;
      signal(pid, "SIGSTOP");
    }
    quiet = grew ? 0 : quiet + 1;
    if (quiet === 1) await sleep(50);
  }
  for (const pid of tree) {
    signal(pid, "SIGKILL");
    if (statOf(pid)?.pgid === pid) signal(-pid, "SIGKILL");
  }
  const deadline = Date.now() + (opts.waitMs ?? 10_000);
  let left = [...tree].filter(isRunning);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(20);
    left = left.filter(isRunning);
  }
  if (left.length > 0) throw new Error(`processes survived SIGKILL: ${left.map((p) => `${p} (${commandOf(p)})`).join(", ")}`);
  return [...tree];
}
