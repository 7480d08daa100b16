/**
 * `npm run bench -- --fleet F`: F independent provider processes (the real dynamic provider
 * host, driven over gRPC as host-driver.js does) deploy at once with one credential against
 * one simulator, each opening T tickets concurrently, the way F CI runners share one
 * account's limit. Run twice in one invocation, side by side:
 *
 *   shared  every process has rackspace:rateLimitRedisUrl (a redis-server this bench starts
 *           on a free loopback port): the fleet draws from one grid of slots
 *   local   no Redis: each process paces only itself
 *
 * The simulator limits per token, so the processes share one token (rackspace:authToken),
 * as runners sharing an account share its limit on the real API.
 *
 * bound = the fastest the API allows for the same tickets: (F·T − 1)·W/N (N creates per
 * window W). ratio = makespan / bound, makespan = wall clock from the Check+Create RPCs
 * being issued (each host has loaded the provider with one Check first) to the last one
 * settling: marker lookups, the Redis connection and the wait for the first slot are in it;
 * spanRatio = first → last accepted create in the simulator log / bound.
 * Writes bench/results/fleet.json.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { startSimulator } = require("../../dist/simulator");
const { LIMITS, makeProgramDir } = require("./common");
const { ratio } = require("./metrics");
const { median } = require("./aggregate");
const { providerHost, redis } = require("./helpers");
const { hostClient } = require("./host-driver");
const { ticketInputs, subjectOf } = require("../program/spec");

const PROJECT = "rackspace-bench";
const STACK = "fleet";
const TARGETS = { ratio: 1.1, http429: 1, failures: 0 };

/** A redis-server of our own on a free loopback port, without persistence (test/helpers/redis.ts). */
async function startRedis() {
  const { findRedisServer, startRedis: start } = redis();
  if (!findRedisServer()) throw new Error("--fleet needs redis-server on PATH (Debian: apt-get install redis-server)");
  const server = await start();
  return { url: server.url, where: `127.0.0.1:${server.port}`, stop: () => server.stop() };
}

/** One mode: fresh simulator, F fresh provider processes, F·T creates at once. */
async function runMode({ mode, hosts: fleet, perHost, windowMs, redisUrl, tag, log }) {
  const { work, prog } = makeProgramDir();
  const sim = await startSimulator({ port: 0, windowMs, limits: LIMITS });
  const { spawnHost, serializedProvider, secretValue, envWithoutRackspace } = providerHost();
  const started = await Promise.allSettled(Array.from({ length: fleet }, () => spawnHost(prog, envWithoutRackspace())));
  const procs = started.filter((r) => r.status === "fulfilled").map((r) => r.value);
  const clients = [];
  try {
    const failed = started.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    for (const p of procs) clients.push(hostClient(p.port));
    await Promise.all(clients.map((c) => c.ready()));
    const providerText = await serializedProvider();
    const token = sim.issueToken("demo");
    const variables = {
      "rackspace:ticketingUrl": sim.ticketingUrl,
      "rackspace:identityUrl": sim.identityUrl,
      "rackspace:rateWindowMs": String(windowMs),
      "rackspace:authToken": token,
    };
    if (redisUrl) variables["rackspace:rateLimitRedisUrl"] = redisUrl;
    const args = { ...variables, "rackspace:authToken": secretValue(token) };
    if (redisUrl) args["rackspace:rateLimitRedisUrl"] = secretValue(redisUrl);
    await Promise.all(clients.map((c) => c.configure(args, variables)));

    const spec = { tag, comments: 0, resources: 1 };
    const total = fleet * perHost;
    const nameOf = (i) => `ticket-${i}`;
    const props = (i) => ({ ...ticketInputs(spec, i), __provider: providerText, __resourceName: nameOf(i), __project: PROJECT, __stack: STACK });
    // Process start-up is not part of the rate-limited work: each host loads the provider
    // (one Check, no API call) before the clock starts, as preview does under `pulumi up`.
    await Promise.all(clients.map((c, h) => c.check(nameOf(h * perHost), {}, props(h * perHost))));
    log(`    ${mode}: ${fleet} provider processes × ${perHost} Check+Create at once${redisUrl ? " (rateLimitRedisUrl set)" : " (no Redis)"}`);
    const t0 = process.hrtime.bigint();
    const startedAt = Date.now();
    const settled = await Promise.allSettled(
      clients.flatMap((c, h) =>
        Array.from({ length: perHost }, async (_, j) => {
          const i = h * perHost + j;
          const inputs = await c.check(nameOf(i), {}, props(i));
          await c.create(nameOf(i), inputs);
        }),
      ),
    );
    const makespanMs = Math.round(Number(process.hrtime.bigint() - t0) / 1e6);

    const entries = sim.requests();
    const accepted = entries.filter((e) => e.operation === "createTicket" && e.status >= 200 && e.status < 300).map((e) => Date.parse(e.at));
    const spanMs = accepted.length ? Math.max(...accepted) - Math.min(...accepted) : 0;
    const firstCreateAfterMs = accepted.length ? Math.min(...accepted) - startedAt : null;
    const bySubject = new Map();
    for (const t of sim.tickets()) bySubject.set(t.subject, (bySubject.get(t.subject) || 0) + 1);
    let missing = 0;
    let duplicates = 0;
    for (let i = 0; i < total; i++) {
      const n = bySubject.get(subjectOf(tag, i)) || 0;
      if (n === 0) missing++;
      duplicates += Math.max(0, n - 1);
    }
    const rejected = settled.filter((r) => r.status === "rejected");
    for (const r of rejected.slice(0, 2)) log(`      Create failed: ${String(r.reason.details || r.reason.message).split("\n")[0]}`);
    const boundMs = ((total - 1) * windowMs) / LIMITS.create;
    const warnings = procs.reduce((n, p) => n + (p.stderr().match(/shared rate limiting via Redis at \S+ is unreachable/g) || []).length, 0);
    const calls = {};
    for (const e of entries) calls[e.operation] = (calls[e.operation] || 0) + 1;
    return {
      mode,
      hosts: fleet,
      ticketsPerHost: perHost,
      tickets: total,
      makespanMs,
      spanMs,
      boundMs,
      ratio: ratio(makespanMs, boundMs),
      spanRatio: ratio(spanMs, boundMs),
      firstCreateAfterMs,
      http429: entries.filter((e) => e.status === 429).length,
      failures: Math.max(rejected.length, missing),
      duplicates,
      redisWarnings: warnings,
      calls,
    };
  } finally {
    for (const c of clients) c.close();
    await Promise.all(procs.map((p) => p.stop()));
    await sim.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function aggregate(runs) {
  if (!runs.length) return undefined;
  return {
    runs: runs.length,
    ratio: median(runs.map((r) => r.ratio)),
    spanRatio: median(runs.map((r) => r.spanRatio)),
    makespanMs: median(runs.map((r) => r.makespanMs)),
    spanMs: median(runs.map((r) => r.spanMs)),
    boundMs: runs[0].boundMs,
    http429: Math.max(...runs.map((r) => r.http429)),
    failures: runs.reduce((a, r) => a + r.failures, 0),
    duplicates: runs.reduce((a, r) => a + r.duplicates, 0),
    redisWarnings: runs.reduce((a, r) => a + r.redisWarnings, 0),
  };
}

const s = (ms) => (typeof ms === "number" ? `${(ms / 1000).toFixed(2)}s` : "-");
const f = (x, d = 3) => (typeof x === "number" ? x.toFixed(d) : "-");

/** The whole --fleet benchmark: prints the figures and writes `out`. */
async function runFleetBench({ hosts, perHost, windowMs, repeat, out, log }) {
  const total = hosts * perHost;
  const boundMs = ((total - 1) * windowMs) / LIMITS.create;
  log(`Fleet: ${hosts} provider processes × ${perHost} tickets, one credential, window ${windowMs} ms, ${LIMITS.create} create per window`);
  log(`Bound: (${total} − 1) × ${windowMs} / ${LIMITS.create} = ${s(boundMs)} (the fastest the API allows these creates)`);
  const redis = await startRedis();
  log(`Redis: redis-server on ${redis.where} (started for this run)`);
  const runs = [];
  try {
    for (let rep = 0; rep < repeat; rep++) {
      const order = rep % 2 === 0 ? ["shared", "local"] : ["local", "shared"];
      for (const mode of order) {
        const tag = `fleet-${mode}-r${rep + 1}-${Date.now().toString(36)}`;
        log(`\n[${runs.length + 1}] ${mode} (repeat ${rep + 1}/${repeat})`);
        runs.push(await runMode({ mode, hosts, perHost, windowMs, redisUrl: mode === "shared" ? redis.url : undefined, tag, log }));
      }
    }
  } finally {
    await redis.stop();
  }

  console.log(`\n${"run".padEnd(3)} ${"mode".padEnd(7)} ${"makespan".padStart(8)} ${"span".padStart(8)} ${"bound".padStart(7)} ${"ratio".padStart(6)} ${"span×".padStart(6)} ${"429".padStart(4)} ${"failed".padStart(6)} ${"dup".padStart(4)} ${"warn".padStart(4)}`);
  runs.forEach((r, i) =>
    console.log(
      [
        String(i + 1).padEnd(3),
        r.mode.padEnd(7),
        s(r.makespanMs).padStart(8),
        s(r.spanMs).padStart(8),
        s(r.boundMs).padStart(7),
        f(r.ratio).padStart(6),
        f(r.spanRatio).padStart(6),
        String(r.http429).padStart(4),
        String(r.failures).padStart(6),
        String(r.duplicates).padStart(4),
        String(r.redisWarnings).padStart(4),
      ].join(" "),
    ),
  );
  console.log("ratio = makespan / bound (wall clock of the Create RPCs, first-slot wait included); span× = first → last accepted create / bound; warn = Redis fall-back warnings on the hosts' stderr");

  const shared = aggregate(runs.filter((r) => r.mode === "shared"));
  const local = aggregate(runs.filter((r) => r.mode === "local"));
  const targets = [
    ["shared.ratio ≤ 1.10", shared?.ratio, (v) => v <= TARGETS.ratio],
    ["shared.http429 ≤ 1", shared?.http429, (v) => v <= TARGETS.http429],
    ["shared.failures = 0", shared?.failures, (v) => v === TARGETS.failures],
  ].map(([name, value, ok]) => ({ name, value: value ?? null, pass: value === undefined || value === null ? null : ok(value) }));

  console.log("\nSummary");
  for (const [mode, a] of [
    ["shared", shared],
    ["local", local],
  ]) {
    if (!a) continue;
    console.log(`  ${mode.padEnd(7)} makespan ${s(a.makespanMs)} vs bound ${s(a.boundMs)}: ratio ${f(a.ratio)} (span ${f(a.spanRatio)}); 429s ${a.http429}, failures ${a.failures}, duplicates ${a.duplicates}`);
  }
  console.log("\nTargets (a MISS does not fail the run)");
  for (const t of targets) console.log(`  ${t.pass === null ? "N/A " : t.pass ? "PASS" : "MISS"}  ${t.name}: ${t.value ?? "-"}`);

  const result = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    driver: "provider-host",
    workload: { hosts, ticketsPerHost: perHost, tickets: total, windowMs, limits: LIMITS, repeat },
    bound: { ms: boundMs, formula: `(${total}-1)*${windowMs}/${LIMITS.create}` },
    ratioDefinition:
      "ratio = makespan / bound, makespan = wall clock from issuing every Check+Create RPC to the last one settling; spanRatio = (last - first accepted create in the simulator log) / bound; bound = (creates - 1) * W / N",
    shared,
    local,
    targets,
    runs,
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(process.cwd(), out) || out}`);
  return result;
}

module.exports = { runFleetBench };
