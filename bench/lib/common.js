/**
 * Shared by both drivers: paths, the simulator of a run, the phase bookkeeping and the
 * per-run report.
 */
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { bounds, ratio, phaseMetrics, failedResources, duplicates } = require("./metrics");
const { providerHost } = require("./helpers");

const ROOT = path.resolve(__dirname, "..", "..");
const PACKAGE_NAME = "pulumi-rackspace-ticketing";
const PHASES = ["create", "update", "destroy"];
/** The limits the benchmark runs with: the shipped defaults, on both sides. */
const LIMITS = Object.freeze({ create: 1, patch: 5, comment: 5, read: 60 });

/** A fresh program directory: the bench program (`main`), the package and @pulumi linked from the repo. */
function makeProgramDir({ main = "index.js", name = "rackspace-bench", plugin = false } = {}) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-bench-"));
  const prog = path.join(work, "program");
  fs.mkdirSync(path.join(prog, "node_modules"), { recursive: true });
  for (const f of ["index.js", "trivial.js", "spec.js"]) fs.copyFileSync(path.join(__dirname, "..", "program", f), path.join(prog, f));
  fs.writeFileSync(path.join(prog, "package.json"), `${JSON.stringify({ name: `${name}-program`, private: true, main }, null, 2)}\n`);
  fs.writeFileSync(
    path.join(prog, "Pulumi.yaml"),
    [
      `name: ${name}`,
      "description: npm run bench (generated)",
      "runtime:",
      "  name: nodejs",
      "  options:",
      "    typescript: false",
      `main: ${main}`,
      // The provider plugin runs from the package (bench:face plugin).
      ...(plugin ? ["plugins:", "  providers:", "    - name: rackspace", `      path: ${process.env.BENCH_PACKAGE_ROOT || ROOT}`] : []),
      "",
    ].join("\n"),
  );
  // BENCH_PACKAGE_ROOT: benchmark another build of the package (e.g. a patched copy) with the same harness.
  fs.symlinkSync(process.env.BENCH_PACKAGE_ROOT || ROOT, path.join(prog, "node_modules", PACKAGE_NAME), "dir");
  fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(prog, "node_modules", "@pulumi"), "dir");
  return { work, prog };
}

/** The environment without any RACKSPACE_* variable: the provider reads stack config only (test/helpers/provider-host.ts). */
const envWithoutRackspace = () => providerHost().envWithoutRackspace();

function lastSeq(sim) {
  const all = sim.requests();
  return all.length ? all[all.length - 1].seq : 0;
}

/**
 * Records phases: `await rec.phase(name, spec, fn)` waits until the rate window is clear
 * of earlier writes, times `fn`, then attaches the log entries of the phase and the
 * audit of the simulator's state.
 */
function recorder(sim, rss, windowMs) {
  const phases = {};
  return {
    phases,
    async phase(name, spec, fn) {
      // Phases are measured independently: none starts while the previous one's writes
      // still count in the server's window (a no-op under the CLI, whose start-up is longer).
      const writes = sim.writeCalls();
      const quietAt = writes.length ? Date.parse(writes[writes.length - 1].at) + windowMs + 50 : 0;
      if (quietAt > Date.now()) await new Promise((resolve) => setTimeout(resolve, quietAt - Date.now()));
      rss?.setPhase(name);
      const since = lastSeq(sim);
      const t0 = process.hrtime.bigint();
      const outcome = (await fn()) || {};
      const makespanMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const entries = sim.requests({ since });
      const m = phaseMetrics(entries);
      const audit = PHASES.includes(name) ? failedResources(sim, name, spec) : 0;
      phases[name] = { makespanMs: Math.round(makespanMs), ...m, exitCode: outcome.exitCode ?? 0, failedResources: audit, ...(outcome.extra || {}) };
      rss?.setPhase("between");
      return phases[name];
    },
  };
}

/** The report of one run, from its phases. */
function summarize({ mode, driver, opts, phases, sim, tag, stateBytes, rss }) {
  const b = bounds({ tickets: opts.tickets, comments: opts.comments, windowMs: opts.windowMs, limits: LIMITS });
  const out = { mode, driver, windowMs: opts.windowMs, phases: {} };
  let makespan = 0;
  let span = 0;
  let http429 = 0;
  let retries = 0;
  let failures = 0;
  let failed = 0;
  let secondUp = 0;
  let callsSent = 0;
  let writesAccepted = 0;
  let writesSent = 0;
  const calls = {};
  for (const p of PHASES) {
    const ph = phases[p];
    if (!ph) continue;
    makespan += ph.makespanMs;
    span += ph.spanMs;
    http429 += ph.http429;
    retries += ph.retries;
    // A command that failed counts once, or once per resource it left in the wrong state.
    failures += Math.max(ph.exitCode !== 0 ? 1 : 0, ph.failedResources);
    failed += ph.failedResources;
    // A deployment that failed or left a resource unfinished needs the user to run `up` again.
    if (ph.exitCode !== 0 || ph.failedResources > 0) secondUp++;
    const sent = Object.values(ph.calls).reduce((a, b) => a + b, 0);
    callsSent += sent;
    writesSent += ph.writes;
    writesAccepted += ph.writesAccepted;
    for (const [op, n] of Object.entries(ph.calls)) calls[op] = (calls[op] || 0) + n;
    out.phases[p] = {
      makespanMs: ph.makespanMs,
      spanMs: ph.spanMs,
      boundMs: b.ms[p],
      ratioRaw: ratio(ph.makespanMs, b.ms[p]),
      ratioSpan: ratio(ph.spanMs, b.ms[p]),
      http429: ph.http429,
      retries: ph.retries,
      exitCode: ph.exitCode,
      failedResources: ph.failedResources,
      callsSent: sent,
      writesSent: ph.writes,
      writesAccepted: ph.writesAccepted,
      calls: ph.calls,
    };
  }
  const dup = duplicates(sim, tag, opts.tickets);
  Object.assign(out, {
    makespanMs: makespan,
    spanMs: span,
    boundMs: b.ms.total,
    ratio: ratio(span, b.ms.total),
    ratioRaw: ratio(makespan, b.ms.total),
    http429,
    retries,
    failures,
    failedResources: failed,
    deploymentsNeedingSecondUp: secondUp,
    callsSent,
    writesSent,
    writesAccepted,
    callsPerSuccessfulWrite: writesAccepted ? Math.round((callsSent / writesAccepted) * 1000) / 1000 : null,
    duplicates: dup.total,
    duplicateTickets: dup.tickets,
    duplicateComments: dup.comments,
    calls,
    noop: phases.noop ? { writes: phases.noop.writes, makespanMs: phases.noop.makespanMs, calls: phases.noop.calls, exitCode: phases.noop.exitCode } : undefined,
    // A failed create phase is finished by the next `up` (the "no-op" one): its time counts as recovery.
    recoveryMs: phases.noop && phases.noop.writes > 0 ? phases.noop.makespanMs : 0,
    refresh: phases.refresh
      ? { gets: phases.refresh.gets, getsPerTicket: Math.round((phases.refresh.gets / opts.tickets) * 100) / 100, calls: phases.refresh.calls, exitCode: phases.refresh.exitCode }
      : undefined,
    stateBytesPerTicket: stateBytes.afterUpdate,
    stateBytesPerTicketAfterCreate: stateBytes.afterCreate,
    stateBytesBreakdown: stateBytes.breakdown,
    peakRssMB: rss.peakRssMB,
    peakRssByPhaseMB: rss.byPhase,
    rssSamples: rss.samples,
  });
  return out;
}

module.exports = { ROOT, PACKAGE_NAME, PHASES, LIMITS, makeProgramDir, envWithoutRackspace, recorder, summarize, lastSeq };
