/**
 * The e2e helpers leave no process behind: a small process tree shaped like the Pulumi CLI's
 * (children in process groups of their own, as the CLI starts its language host and provider
 * host; a grandchild orphaned before the kill) is gone, every process of it, when a run times
 * out, when a test kills it mid-way, and when its root exits on its own leaving children.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { commandOf, isRunning, killTree } from "../helpers/process-tree";
import { runProcess } from "../helpers/run-process";

const describeOnLinux = fs.existsSync("/proc/self/stat") ? describe : describe.skip;

/** Each process appends "<role> <pid>" to the file named by argv, then waits (or exits, `exit`). */
const SPAWNER = `
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const [out, role, ...kids] = process.argv.slice(1);
fs.appendFileSync(out, role + " " + process.pid + "\\n");
for (const k of kids) {
  const [kidRole, ...grand] = k.split("+");
  // detached: a process group of its own, as the Pulumi CLI starts its plugins
  spawn(process.execPath, ["-e", process.env.SPAWNER, out, kidRole, ...grand], { detached: true, stdio: "ignore" });
}
if (role.endsWith("-exits")) setTimeout(() => process.exit(0), 1000);
else setInterval(() => {}, 1000);
`;

/** root → host (→ provider), root → orphaner-exits (→ orphan, reparented away once its parent exits). */
const TREE = ["host+provider", "orphaner-exits+orphan"];
const ROLES = ["root", "host", "provider", "orphaner-exits", "orphan"];

describeOnLinux("process trees of e2e runs", () => {
  let dir: string;
  let out: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "proc-tree-"));
    out = path.join(dir, "pids");
    fs.writeFileSync(out, "");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const pids = (): Map<string, number> => new Map(fs.readFileSync(out, "utf8").trim().split("\n").filter(Boolean).map((l) => [l.split(" ")[0], Number(l.split(" ")[1])]));
  const started = async () => {
    const t0 = Date.now();
    while (pids().size < ROLES.length && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
    expect([...pids().keys()].sort()).toEqual([...ROLES].sort());
  };
  const running = () => [...pids()].filter(([, pid]) => isRunning(pid)).map(([role, pid]) => `${role} ${pid} ${commandOf(pid)}`);
  const run = (args: string[], timeoutMs: number, onSpawn?: (pid: number, tag: string) => void) =>
    runProcess(process.execPath, ["-e", SPAWNER, out, ...args], { cwd: dir, env: { ...process.env, SPAWNER }, timeoutMs, onSpawn });

  test("a run that times out is killed with every process it started, orphans included", async () => {
    const timed = run(["root", ...TREE], 8_000);
    await started();
    const result = await timed;
    expect(result.timedOut).toBe(true);
    expect(running()).toEqual([]);
  }, 60_000);

  test("killTree, as a test kills a CLI mid-way: the whole tree is gone when it returns", async () => {
    let root = 0;
    let tag = "";
    const r = run(["root", ...TREE], 60_000, (p, t) => {
      root = p;
      tag = t;
    });
    await started();
    const t0 = Date.now();
    while (isRunning(pids().get("orphaner-exits") as number) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    // The orphan's parent has exited: no ppid link leads to it any more.
    expect(running().map((l) => l.split(" ")[0]).sort()).toEqual(["host", "orphan", "provider", "root"]);
    const killed = await killTree(root, { tag });
    expect(killed).toEqual(expect.arrayContaining([pids().get("root"), pids().get("host"), pids().get("provider"), pids().get("orphan")]));
    expect(running()).toEqual([]);
    expect((await r).code).toBeNull();
  }, 60_000);

  test("a command that exits leaving processes running: the run ends only once they are killed", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const r = await run(["root-exits", "host+provider", "orphaner-exits+orphan"], 60_000);
      expect(r.code).toBe(0);
      expect([...pids().keys()].sort()).toEqual(["host", "orphan", "orphaner-exits", "provider", "root-exits"]);
      expect(running()).toEqual([]);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/ended and left \d+ process\(es\) running 3 s later; killing them/));
    } finally {
      warn.mockRestore();
    }
  }, 60_000);
});
