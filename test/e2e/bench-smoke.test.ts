/**
 * The benchmark script runs (a small workload, both drivers, and a short --real-window):
 * it is measured by hand with `npm run bench`, never asserted on time here; this only
 * shows that it works and writes the figures it promises, as numbers consistent with
 * each other (not their values).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeWithPulumiCli, ensureBuilt, REPO_ROOT, runProcess } from "../helpers/pulumi-cli";

jest.setTimeout(300_000);

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => {
  expect(v).toEqual(expect.any(Object));
  return v as Json;
};
const num = (v: unknown): number => {
  expect(typeof v).toBe("number");
  return v as number;
};

describeWithPulumiCli("bench/run.js smoke run", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-smoke-"));
  beforeAll(() => ensureBuilt());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const bench = async (name: string, args: string[]): Promise<Json> => {
    const out = path.join(dir, `${name}.json`);
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("RACKSPACE_")) env[k] = v;
    const r = await runProcess(process.execPath, ["bench/run.js", ...args, "--out", out], { cwd: REPO_ROOT, env, timeoutMs: 280_000 });
    expect({ code: r.code, tail: r.code === 0 ? "" : r.output.slice(-2000) }).toEqual({ code: 0, tail: "" });
    expect(r.output).toMatch(/Targets|Real window: makespan/);
    return JSON.parse(fs.readFileSync(out, "utf8")) as Json;
  };

  /** The paced/baseline comparison of one window: counts that add up. */
  const checkComparisonRow = (row: Json) => {
    const calls = num(row.callsSent);
    const accepted = num(row.writesAccepted);
    expect(accepted).toBeGreaterThan(0);
    expect(calls).toBeGreaterThanOrEqual(accepted);
    expect(num(row.callsPerSuccessfulWrite)).toBeCloseTo(calls / accepted, 2);
    expect(num(row.http429)).toBeGreaterThanOrEqual(0);
    const failed = num(row.failedResources);
    const secondUp = num(row.deploymentsNeedingSecondUp);
    expect(secondUp).toBeLessThanOrEqual(3); // create, update, destroy
    if (failed > 0) expect(secondUp).toBeGreaterThan(0);
  };

  it.each(["cli", "host"])("driver %s: 3 tickets paced and baseline, JSON with the promised fields", async (driver) => {
    const json = await bench(driver, ["--tickets", "3", "--comments", "1", "--windows", "500", "--driver", driver, "--skip-preview"]);
    const w = obj((json.windows as unknown[])[0]);
    expect(w.windowMs).toBe(500);
    for (const mode of ["paced", "baseline"]) {
      const a = obj(w[mode]);
      for (const k of ["ratio", "http429", "failures", "failedResources", "duplicates", "callsPerSuccessfulWrite"]) num(a[k]);
      checkComparisonRow(obj(obj(obj(json.comparison)["500"])[mode]));
      expect(obj(obj(json.comparison)["500"])[mode]).toMatchObject({ callsPerSuccessfulWrite: a.callsPerSuccessfulWrite, failedResources: a.failedResources });
    }
    expect(obj(json.ratioByWindow)["500"]).toBe(obj(w.paced).ratio);
    expect(obj(w.paced)).toMatchObject({ failures: 0, duplicates: 0 });
    expect(json).not.toHaveProperty("speedup");
    expect(json.preview).toBeNull(); // --skip-preview (and the host driver has no CLI to preview with)
    if (driver === "cli") num(json.stateBytesPerTicket); // the host driver has no Pulumi state to measure
  });

  it("--preview: both faces' preview ratios, provider host RSS, require time and state bytes that add up", async () => {
    const json = await bench("preview", ["--preview", "--preview-resources", "2", "--preview-repeat", "1"]);
    const dynamicState = obj(json.state);
    for (const state of [dynamicState, obj(dynamicState.plugin)]) {
      const two = obj(state.ticketWith2Comments);
      expect(state.ticketWith2CommentsBytes).toBe(two.total);
      expect(num(two.inputs) + num(two.outputs) + num(two.engineFields)).toBe(two.total);
      expect(num(two.inputsPlusOutputs)).toBe(num(two.inputs) + num(two.outputs));
      expect(num(state.perFurtherCommentOverTextBytes)).toBeCloseTo(num(state.perFurtherCommentBytes) - num(state.perFurtherCommentTextBytes), 0);
    }
    // The plugin keeps no serialized provider in the state.
    expect(obj(obj(dynamicState.plugin).ticketWith2Comments).providerText).toBe(0);
    const preview = obj(json.preview);
    for (const faces of [preview, obj(preview.plugin)]) {
      for (const k of ["fresh", "deployed"]) {
        const side = obj(faces[k]);
        expect(num(side.ratio)).toBeCloseTo(num(side.ticketsMs) / num(side.trivialMs), 2);
      }
    }
    const rss = obj(preview.providerHostPeakRssMB);
    num(obj(rss.tickets).deployed);
    num(obj(rss.plugin).deployed);
    const req = obj(obj(json.requireTime).package);
    expect(num(req.packageMs)).toBeGreaterThan(0);
    expect(num(req.modulesLoaded)).toBeGreaterThan(0);
    expect((req.selfMsByModule as unknown[]).length).toBeGreaterThan(0);
  });

  it("--real-window (shortened): makespan, bound, longest step, 429s and progress-line counts that add up", async () => {
    const json = await bench("real-window", ["--real-window", "--window-ms", "1000", "--tickets", "2", "--comments", "1"]);
    const phases = obj(json.phases);
    expect(Object.keys(phases)).toEqual(["create", "update"]);
    let makespan = 0;
    let bound = 0;
    let lines = 0;
    for (const p of Object.values(phases).map(obj)) {
      makespan += num(p.makespanMs);
      bound += num(p.boundMs);
      const saw = obj(p.userSaw);
      expect(num(saw.progressLinesLive) + num(saw.progressLinesInSummary)).toBe(saw.progressLines);
      lines += num(saw.progressLines);
      expect(num(saw.longestWithoutProgressS) * 1000).toBeLessThanOrEqual(num(p.makespanMs) + 100);
      expect(num(p.longestStepMs)).toBeLessThanOrEqual(num(json.longestStepMs));
    }
    expect(json.makespanMs).toBe(makespan);
    expect(json.boundMs).toBe(bound);
    expect(num(json.ratio)).toBeCloseTo(makespan / bound, 2);
    expect(json.progressLines).toBe(lines);
    expect(json).toMatchObject({ failedResources: 0, duplicates: 0, failedDeployments: 0 });
    num(json.http429);
  });
});
