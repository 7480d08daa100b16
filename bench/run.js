#!/usr/bin/env node
/**
 * npm run bench: how close the provider gets to the API's rate limits.
 *
 * Workload (per run, fresh simulator and fresh stack): N tickets created by one
 * `pulumi up --parallel P`; a no-op `up` and a `refresh` (counted apart); an update that
 * adds C comments to each ticket and changes its resource list (N·C comments, N PATCHes);
 * a destroy (N PATCH close). The simulator and the provider use the same rate window
 * (default 1000 ms, so a run takes about a minute) and the shipped limits.
 *
 * Each invocation runs the workload `paced` (as shipped) and `baseline`
 * (`rackspace:pacing off`: p-retry alone answering the 429s), alternating A/B order
 * when --repeat > 1. Without a Pulumi CLI (scripts/ensure-pulumi.sh fails) the same
 * workload drives the dynamic provider host over gRPC instead, and says so.
 *
 *   node bench/run.js [--tickets 10] [--comments 2] [--window-ms 1000] [--repeat 1]
 *                     [--parallel 10] [--mode both|paced|baseline] [--driver auto|cli|host]
 *                     [--out bench/results/latest.json] [--keep]
 *
 * Prints a table and PASS/MISS per target (a miss does not fail the process) and writes
 * bench/results/latest.json.
 *
 *   node bench/run.js --fleet F [--tickets T] [--window-ms MS] [--repeat R] [--out FILE]
 *
 * instead runs F provider processes sharing one credential, each opening T tickets (default
 * 5) at once, with and without the shared Redis limiter (rackspace:rateLimitRedisUrl; the
 * bench starts its own redis-server), and writes bench/results/fleet.json (lib/fleet-driver.js).
 */
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { parseArgs } = require("node:util");
const { ROOT, PHASES, LIMITS } = require("./lib/common");
const { bounds } = require("./lib/metrics");

const USAGE = `usage: node bench/run.js [--tickets N] [--comments C] [--window-ms MS] [--repeat R] [--parallel P]
                         [--mode both|paced|baseline] [--driver auto|cli|host] [--out FILE] [--keep]
       node bench/run.js --fleet F [--tickets T per process] [--window-ms MS] [--repeat R] [--out FILE]`;

function options() {
  const { values } = parseArgs({
    options: {
      tickets: { type: "string" },
      fleet: { type: "string" },
      comments: { type: "string", default: "2" },
      "window-ms": { type: "string", default: process.env.RACKSPACE_RATE_WINDOW_MS || "1000" },
      repeat: { type: "string", default: "1" },
      parallel: { type: "string", default: "10" },
      mode: { type: "string", default: "both" },
      driver: { type: "string", default: "auto" },
      out: { type: "string" },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (k, min) => {
    const n = Number(values[k]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${k} must be an integer ≥ ${min} (got ${values[k]})\n${USAGE}`);
    return n;
  };
  const fleet = values.fleet === undefined ? undefined : int("fleet", 1);
  values.tickets ??= fleet ? "5" : "10";
  const opts = {
    fleet,
    tickets: int("tickets", 1),
    comments: int("comments", 0),
    windowMs: int("window-ms", 50),
    repeat: int("repeat", 1),
    parallel: int("parallel", 1),
    mode: values.mode,
    driver: values.driver,
    out: path.resolve(values.out ?? path.join(__dirname, "results", fleet ? "fleet.json" : "latest.json")),
    keep: values.keep,
  };
  if (!["both", "paced", "baseline"].includes(opts.mode)) throw new Error(`--mode must be both, paced or baseline\n${USAGE}`);
  if (!["auto", "cli", "host"].includes(opts.driver)) throw new Error(`--driver must be auto, cli or host\n${USAGE}`);
  return opts;
}

/** The directory of a Pulumi CLI (scripts/ensure-pulumi.sh), or the reason there is none. Asynchronous. */
function ensurePulumi() {
  return new Promise((resolve) => {
    const child = spawn("bash", [path.join(ROOT, "scripts", "ensure-pulumi.sh")], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", (e) => resolve({ error: e.message }));
    child.on("close", (code) => {
      const dir = out.trim().split("\n").pop();
      if (code === 0 && dir) resolve({ dir });
      else resolve({ error: err.trim().split("\n").pop() || `exit code ${code}` });
    });
  });
}

function pulumiVersion(dir) {
  return new Promise((resolve) => {
    const child = spawn(path.join(dir, "pulumi"), ["version"], { env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" }, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", () => resolve("unknown"));
    child.on("close", () => resolve(out.trim() || "unknown"));
  });
}

const median = (xs) => {
  const s = xs.filter((x) => typeof x === "number").sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const max = (xs) => (xs.some((x) => typeof x === "number") ? Math.max(...xs.filter((x) => typeof x === "number")) : null);
const sum = (xs) => xs.reduce((a, b) => a + (b || 0), 0);

/** One mode's figures over its runs: medians of times and ratios, worst or total of the counts. */
function aggregate(runs) {
  if (!runs.length) return undefined;
  const pick = (f) => runs.map(f);
  const phases = {};
  for (const p of PHASES) {
    phases[p] = {
      makespanMs: median(pick((r) => r.phases[p]?.makespanMs)),
      spanMs: median(pick((r) => r.phases[p]?.spanMs)),
      boundMs: runs[0].phases[p]?.boundMs,
      ratioRaw: median(pick((r) => r.phases[p]?.ratioRaw)),
      ratioSpan: median(pick((r) => r.phases[p]?.ratioSpan)),
      http429: max(pick((r) => r.phases[p]?.http429)),
    };
  }
  return {
    runs: runs.length,
    ratio: median(pick((r) => r.ratio)),
    ratioRaw: median(pick((r) => r.ratioRaw)),
    makespanMs: median(pick((r) => r.makespanMs)),
    makespanWithRecoveryMs: median(pick((r) => r.makespanMs + (r.recoveryMs || 0))),
    spanMs: median(pick((r) => r.spanMs)),
    boundMs: runs[0].boundMs,
    http429: max(pick((r) => r.http429)),
    retries: max(pick((r) => r.retries)),
    failures: sum(pick((r) => r.failures)),
    duplicates: sum(pick((r) => r.duplicates)),
    noopWrites: max(pick((r) => r.noop?.writes)),
    refreshGetsPerTicket: max(pick((r) => r.refresh?.getsPerTicket)),
    stateBytesPerTicket: max(pick((r) => r.stateBytesPerTicket)),
    stateBytesBreakdown: runs[runs.length - 1].stateBytesBreakdown,
    peakRssMB: max(pick((r) => r.peakRssMB)),
    phases,
  };
}

const s = (ms) => (typeof ms === "number" ? `${(ms / 1000).toFixed(2)}s` : "-");
const f = (x, d = 3) => (typeof x === "number" ? x.toFixed(d) : "-");
const callsText = (calls) =>
  Object.entries(calls || {})
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");

function printRun(i, r) {
  const row = (label, p) =>
    [
      String(i).padEnd(3),
      r.mode.padEnd(8),
      label.padEnd(8),
      s(p.makespanMs).padStart(8),
      s(p.spanMs).padStart(8),
      s(p.boundMs).padStart(7),
      f(p.ratioRaw, 2).padStart(6),
      f(p.ratioSpan ?? p.ratio).padStart(7),
      String(p.http429).padStart(4),
      String(p.retries).padStart(7),
      String(p.failedResources ?? p.failures).padStart(6),
      `  ${callsText(p.calls)}`,
    ].join(" ");
  for (const p of PHASES) if (r.phases[p]) console.log(row(p, r.phases[p]));
  console.log(row("total", { ...r, ratioSpan: r.ratio }));
  console.log(
    `    no-op up: ${r.noop?.writes ?? "-"} writes (${callsText(r.noop?.calls) || "no calls"}); refresh: ${r.refresh?.getsPerTicket ?? "-"} GET/ticket (${callsText(r.refresh?.calls)}); ` +
      `state ${r.stateBytesPerTicket ?? "-"} B/ticket (${r.stateBytesPerTicketAfterCreate ?? "-"} after create${r.stateBytesBreakdown ? `; ${callsText(r.stateBytesBreakdown)}` : ""}); duplicates ${r.duplicateTickets} tickets + ${r.duplicateComments} comments; ` +
      `provider host peak RSS ${r.peakRssMB ?? "-"} MB (${r.rssSamples} samples)`,
  );
}

async function main() {
  const opts = options();
  const log = (line) => console.log(line);
  if (opts.fleet) {
    const { runFleetBench } = require("./lib/fleet-driver");
    await runFleetBench({ hosts: opts.fleet, perHost: opts.tickets, windowMs: opts.windowMs, repeat: opts.repeat, out: opts.out, log });
    return;
  }
  let driver = opts.driver;
  let binDir;
  let driverNote;
  if (driver !== "host") {
    log("Preparing the Pulumi CLI (scripts/ensure-pulumi.sh)...");
    const got = await ensurePulumi();
    if (got.dir) {
      binDir = got.dir;
      driver = "cli";
      driverNote = `Pulumi CLI ${await pulumiVersion(binDir)} (${binDir})`;
    } else if (driver === "cli") {
      throw new Error(`no Pulumi CLI: ${got.error}`);
    } else {
      driver = "host";
      driverNote = `FALLBACK: no Pulumi CLI (${got.error}); driving the dynamic provider host over gRPC instead`;
    }
  }
  if (driver === "host") driverNote ??= "dynamic provider host over gRPC (--driver host); no CLI overhead in the makespans";
  const runOne = driver === "cli" ? require("./lib/cli-driver").runCli : require("./lib/host-driver").runHost;

  const b = bounds({ tickets: opts.tickets, comments: opts.comments, windowMs: opts.windowMs, limits: LIMITS });
  log(`Workload: ${opts.tickets} tickets, +${opts.comments} comments and a new resource list each, window ${opts.windowMs} ms, --parallel ${opts.parallel}, limits ${JSON.stringify(LIMITS)}`);
  log(`Driver: ${driverNote}`);
  log(
    `Lower bounds (W = ${opts.windowMs} ms; n requests at L per window span ≥ (ceil(n/L)−1)·W): create ${b.formula.create} = ${s(b.ms.create)}; ` +
      `update ${b.formula.update} = ${s(b.ms.update)}; destroy ${b.formula.destroy} = ${s(b.ms.destroy)}; total ${s(b.ms.total)}`,
  );

  const modes = opts.mode === "both" ? ["paced", "baseline"] : [opts.mode];
  const runs = [];
  for (let rep = 0; rep < opts.repeat; rep++) {
    const order = rep % 2 === 0 ? modes : [...modes].reverse();
    for (const mode of order) {
      const tag = `r${rep + 1}-${mode}-${Date.now().toString(36)}`;
      log(`\n[${runs.length + 1}] ${mode} (repeat ${rep + 1}/${opts.repeat})`);
      const t0 = Date.now();
      const r = await runOne({ mode, binDir, opts, tag, log });
      log(`    done in ${s(Date.now() - t0)} wall clock`);
      runs.push(r);
    }
  }

  console.log(`\n${"run".padEnd(3)} ${"mode".padEnd(8)} ${"phase".padEnd(8)} ${"makespan".padStart(8)} ${"span".padStart(8)} ${"bound".padStart(7)} ${"raw×".padStart(6)} ${"span×".padStart(7)} ${"429".padStart(4)} ${"retries".padStart(7)} ${"failed".padStart(6)}   API calls`);
  runs.forEach((r, i) => printRun(i + 1, r));
  console.log(
    `makespan = wall clock of the phase (${driver === "cli" ? "the pulumi command, CLI start-up included" : "its gRPC calls to the provider host"}); span = first → last write of the phase in the simulator log;\n` +
      "raw× = makespan / bound, span× = span / bound. The ratio target applies to span× (the rate-limited part); the CLI's fixed overhead is in raw× only.",
  );

  const paced = aggregate(runs.filter((r) => r.mode === "paced"));
  const baseline = aggregate(runs.filter((r) => r.mode === "baseline"));
  const speedup = paced && baseline && paced.makespanMs ? Math.round((baseline.makespanMs / paced.makespanMs) * 1000) / 1000 : null;
  // When the baseline failed resources, the `up` that finishes them is part of its cost.
  const speedupWithRecovery = paced && baseline && paced.makespanMs ? Math.round((baseline.makespanWithRecoveryMs / paced.makespanMs) * 1000) / 1000 : null;
  const speedupSpan = paced && baseline && paced.spanMs ? Math.round((baseline.spanMs / paced.spanMs) * 1000) / 1000 : null;
  const primary = paced || baseline;
  const result = {
    generatedAt: new Date().toISOString(),
    driver,
    driverNote,
    node: process.version,
    workload: { tickets: opts.tickets, comments: opts.comments, windowMs: opts.windowMs, parallel: opts.parallel, repeat: opts.repeat, limits: LIMITS },
    bounds: b,
    ratioDefinition: "ratio = sum over phases of (last write - first write in the simulator log) / sum of the phase lower bounds; ratioRaw = sum of phase makespans (wall clock, CLI overhead included) / same bound",
    paced,
    baseline,
    speedup,
    speedupSpan,
    speedupWithRecovery,
    stateBytesPerTicket: primary?.stateBytesPerTicket ?? null,
    noop: { writes: primary?.noopWrites ?? null },
    refresh: { getsPerTicket: primary?.refreshGetsPerTicket ?? null },
    runs,
  };

  const targets = [
    ["paced.ratio (span) ≤ 1.05", paced?.ratio, (v) => v <= 1.05],
    ["paced.http429 ≤ 1", paced?.http429, (v) => v <= 1],
    ["paced.failures = 0", paced?.failures, (v) => v === 0],
    ["paced.duplicates = 0", paced?.duplicates, (v) => v === 0],
    ["speedup (baseline/paced makespan) ≥ 1.5", speedup, (v) => v >= 1.5],
    ["stateBytesPerTicket ≤ 4096", result.stateBytesPerTicket, (v) => v <= 4096],
    ["no-op up: 0 write calls", result.noop.writes, (v) => v === 0],
    ["refresh: 1 GET per ticket", result.refresh.getsPerTicket, (v) => v === 1],
  ];
  result.targets = targets.map(([name, value, ok]) => ({ name, value: value ?? null, pass: value === undefined || value === null ? null : ok(value) }));

  console.log("\nSummary");
  for (const [mode, a] of [
    ["paced", paced],
    ["baseline", baseline],
  ]) {
    if (!a) continue;
    console.log(
      `  ${mode.padEnd(8)} makespan ${s(a.makespanMs)} (span ${s(a.spanMs)} vs bound ${s(a.boundMs)}): ratio ${f(a.ratio)} span / ${f(a.ratioRaw, 2)} raw; ` +
        `429s ${a.http429}, retries ${a.retries}, failures ${a.failures}, duplicates ${a.duplicates}, peak RSS ${a.peakRssMB ?? "-"} MB`,
    );
  }
  if (speedup !== null) {
    console.log(`  speedup ${f(speedup)} (makespans) / ${f(speedupSpan)} (rate-limited spans) / ${f(speedupWithRecovery)} (baseline + the \`up\` that finishes what it failed)`);
    if (baseline.failures > 0) console.log(`  note: the baseline failed ${baseline.failures} resource(s); its makespan covers less work than the paced one`);
  }
  console.log("\nTargets (a MISS does not fail the run)");
  for (const t of result.targets) console.log(`  ${t.pass === null ? "N/A " : t.pass ? "PASS" : "MISS"}  ${t.name}: ${t.value ?? "-"}`);

  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(process.cwd(), opts.out) || opts.out}`);
}

main().catch((e) => {
  console.error(`bench failed: ${e instanceof Error ? e.stack || e.message : e}`);
  process.exit(1);
});
