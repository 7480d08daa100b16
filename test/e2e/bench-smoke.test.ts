/**
 * The benchmark script runs (a small workload, both drivers): it is measured by hand with
 * `npm run bench`, never asserted on time here; this only shows that it works and writes
 * the figures it promises.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeWithPulumiCli, ensureBuilt, REPO_ROOT, runProcess } from "../helpers/pulumi-cli";

jest.setTimeout(240_000);

describeWithPulumiCli("bench/run.js smoke run", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-smoke-"));
  beforeAll(() => ensureBuilt());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(["cli", "host"])("driver %s: 3 tickets paced and baseline, JSON with the promised fields", async (driver) => {
    const out = path.join(dir, `${driver}.json`);
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("RACKSPACE_")) env[k] = v;
    const r = await runProcess(process.execPath, ["bench/run.js", "--tickets", "3", "--comments", "1", "--window-ms", "500", "--driver", driver, "--out", out], {
      cwd: REPO_ROOT,
      env,
      timeoutMs: 200_000,
    });
    expect({ code: r.code, tail: r.code === 0 ? "" : r.output.slice(-2000) }).toEqual({ code: 0, tail: "" });
    const json = JSON.parse(fs.readFileSync(out, "utf8")) as Record<string, Record<string, unknown> & { ratio?: number }>;
    for (const k of ["ratio", "http429", "failures", "duplicates"]) expect(typeof json.paced[k]).toBe("number");
    for (const k of ["ratio", "http429"]) expect(typeof json.baseline[k]).toBe("number");
    expect(typeof json.speedup).toBe("number");
    if (driver === "cli") expect(typeof json.stateBytesPerTicket).toBe("number"); // the host driver has no Pulumi state to measure
    expect(json.paced.failures).toBe(0);
    expect(json.paced.duplicates).toBe(0);
    expect(r.output).toMatch(/Targets/);
  });
});
