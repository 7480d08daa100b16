/**
 * One run of the workload under the real Pulumi CLI, against a fresh in-process
 * simulator and a fresh stack (file backend in a temp dir).
 *
 * Every pulumi command is spawned asynchronously: the simulator answers from this
 * process's event loop, so a synchronous spawn would deadlock.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { startSimulator } = require("../../dist/simulator");
const { makeProgramDir, recorder, summarize } = require("./common");
const { rssSampler } = require("./metrics");
const { cliSession, providerSettings, programSettings, exportedResources, jsonBytes: size } = require("./cli-session");

const STACK = "bench";

async function runCli({ mode, binDir, opts, tag, log }) {
  const { work, prog } = makeProgramDir();
  const { pulumi, logDir } = cliSession({ binDir, work, prog, stack: STACK, log });
  const sim = await startSimulator({ port: 0, windowMs: opts.windowMs });
  const rss = rssSampler({ cwd: prog });
  const rec = recorder(sim, rss, opts.windowMs);
  const spec = (comments, resources) => ({ tickets: opts.tickets, comments, resources, tag });
  const configure = (s) => pulumi(["config", "set-all", ...programSettings({ tickets: s.tickets, comments: s.comments, resources: s.resources, tag })], { label: "config" });
  const apply = async (args, label) => {
    const r = await pulumi([...args, "--yes", "--skip-preview", "--suppress-progress", "--parallel", String(opts.parallel)], { label, allowFail: true });
    return { exitCode: r.code };
  };
  const stateBytes = async () => {
    const tickets = await exportedResources(pulumi);
    if (!tickets.length) return { avg: null };
    const avg = (f) => Math.round(tickets.reduce((a, r) => a + f(r), 0) / tickets.length);
    // Where the bytes go: the serialized provider (stored in inputs and outputs alike),
    // the thread output, and the engine's own fields (urn, parent, stackTrace, ...).
    return {
      avg: avg((r) => size(r)),
      breakdown: {
        inputs: avg((r) => size(r.inputs)),
        outputs: avg((r) => size(r.outputs)),
        providerText: avg((r) => size(r.inputs?.__provider) + size(r.outputs?.__provider)),
        thread: avg((r) => size(r.outputs?.thread)),
        engineFields: avg((r) => size(r) - size(r.inputs) - size(r.outputs)),
      },
    };
  };

  try {
    await pulumi(["stack", "init", STACK], { label: "init" });
    const settings = providerSettings(sim, opts.windowMs, mode === "baseline" ? ["--plaintext", "rackspace:pacing=off"] : []);
    await pulumi(["config", "set-all", ...settings], { label: "config" });

    const created = spec(0, 1);
    await configure(created);
    log(`    create: pulumi up --parallel ${opts.parallel} (${opts.tickets} tickets)`);
    await rec.phase("create", created, () => apply(["up"], "create"));
    const afterCreate = await stateBytes();

    log("    no-op: pulumi up (same inputs)");
    await rec.phase("noop", created, () => apply(["up"], "noop"));
    log("    refresh: pulumi refresh");
    await rec.phase("refresh", created, () => apply(["refresh"], "refresh"));

    const updated = spec(opts.comments, 2);
    await configure(updated);
    log(`    update: pulumi up (+${opts.comments} comments and a new resource list per ticket)`);
    await rec.phase("update", updated, () => apply(["up"], "update"));
    const afterUpdate = await stateBytes();

    log("    destroy: pulumi destroy");
    await rec.phase("destroy", updated, () => apply(["destroy"], "destroy"));

    const report = summarize({ mode, driver: "cli", opts, phases: rec.phases, sim, tag, stateBytes: { afterCreate: afterCreate.avg, afterUpdate: afterUpdate.avg, breakdown: afterUpdate.breakdown }, rss: rss.stop() });
    if (opts.keep) {
      fs.writeFileSync(path.join(logDir, "simulator-requests.json"), `${JSON.stringify(sim.requests(), null, 1)}\n`);
      report.logs = logDir;
    }
    return report;
  } finally {
    rss.stop();
    await sim.close();
    if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { runCli };
