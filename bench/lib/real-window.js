/**
 * `npm run bench -- --real-window`: the shipped window (W = 60 s) through the CLI, as users
 * run it: one `up --parallel 10` creates N tickets with C comments each, a second `up` gives
 * each a new resource list (one PATCH each). Reports makespan / bound, the longest single
 * resource step (how long one Create stays open inside the engine, from --event-log), 429s,
 * failures, and what the user saw: the CLI's output lines as they arrived, the provider's
 * progress lines among them (lines containing "waiting") and how often they came.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { startSimulator } = require("../../dist/simulator");
const { makeProgramDir, LIMITS, lastSeq } = require("./common");
const { phaseMetrics, failedResources, duplicates, rssSampler, ratio } = require("./metrics");
const { cliSession, providerSettings, programSettings } = require("./cli-session");

const windowsFor = (count, limit) => (count <= 0 ? 0 : Math.ceil(count / limit) - 1);
const PROGRESS = /waiting/i;

/** Per resource step of an event log: ms from its resourcePreEvent to its outputs (or failure). */
function stepDurations(file) {
  if (!fs.existsSync(file)) return [];
  const started = new Map();
  const steps = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    const pre = e.resourcePreEvent?.metadata;
    const done = e.resOutputsEvent?.metadata ?? e.resOpFailedEvent?.metadata;
    // The stack's own step spans the whole update: only resources count.
    if (pre && pre.op !== "same" && pre.op !== "read" && !pre.urn.includes("::pulumi:pulumi:Stack::")) started.set(`${pre.urn} ${pre.op}`, e.timestamp);
    if (done && started.has(`${done.urn} ${done.op}`)) {
      const t = started.get(`${done.urn} ${done.op}`);
      steps.push({ resource: done.urn.split("::").pop(), op: done.op, ms: (e.timestamp - t) * 1000, failed: !!e.resOpFailedEvent });
    }
  }
  return steps;
}

/**
 * What the user saw of one command: its lines as they arrived, the progress lines and their
 * spacing while it ran (the CLI repeats them under "Diagnostics:" at the end: counted apart).
 */
function seen(lines, ms) {
  const end = lines.findIndex((l) => /^Diagnostics:/.test(l.text.trim()));
  const live = end < 0 ? lines : lines.slice(0, end);
  const progress = live.filter((l) => PROGRESS.test(l.text));
  const gaps = (xs) => xs.slice(1).map((x, i) => x - xs[i]);
  const progressAt = progress.map((l) => l.atMs);
  const allAt = [0, ...live.map((l) => l.atMs), ms];
  const round1 = (x) => Math.round(x / 100) / 10;
  return {
    outputLines: lines.length,
    progressLines: lines.filter((l) => PROGRESS.test(l.text)).length,
    progressLinesLive: progress.length,
    progressLinesInSummary: lines.filter((l) => PROGRESS.test(l.text)).length - progress.length,
    progressAtS: progressAt.map(round1),
    firstProgressAtS: progressAt.length ? round1(progressAt[0]) : null,
    longestGapBetweenProgressLinesS: progressAt.length > 1 ? round1(Math.max(...gaps(progressAt))) : null,
    // From the start, between progress lines and after the last one to the end: the longest the user waited with no news.
    longestWithoutProgressS: round1(Math.max(...gaps([0, ...progressAt, ms]))),
    progressLinesPerMinute: ms > 0 ? Math.round((progress.length / (ms / 60000)) * 100) / 100 : null,
    longestSilenceS: round1(Math.max(...gaps(allAt))),
    progressSample: [...progress.slice(0, 6), ...progress.slice(6).slice(-3)].map((l) => `[${round1(l.atMs)} s] ${l.text.trim()}`),
  };
}

async function runRealWindow({ binDir, opts, log }) {
  const W = opts.windowMs;
  const N = opts.tickets;
  const C = opts.comments;
  const tag = `real-${Date.now().toString(36)}`;
  const { work, prog } = makeProgramDir();
  const { pulumi, logDir, env } = cliSession({ binDir, work, prog, stack: "real", log });
  env.PULUMI_DEBUG_COMMANDS = "true"; // makes `up --event-log` available (step timings); the display is unchanged
  const sim = await startSimulator({ port: 0, windowMs: W });
  const rss = rssSampler({ cwd: prog, everyMs: 1000 });
  const boundWindows = { create: Math.max(windowsFor(N, LIMITS.create), windowsFor(N * C, LIMITS.comment)), update: windowsFor(N, LIMITS.patch) };
  log(`Real window: W = ${W} ms, ${N} tickets with ${C} comments each (up --parallel ${opts.parallel}), then a PATCH each (second up); limits ${JSON.stringify(LIMITS)}`);
  log(`Bound: create max(ceil(${N}/${LIMITS.create})-1, ceil(${N * C}/${LIMITS.comment})-1)·W = ${boundWindows.create * W / 1000} s; update (ceil(${N}/${LIMITS.patch})-1)·W = ${boundWindows.update * W / 1000} s`);
  const phases = {};
  try {
    await pulumi(["stack", "init", "real"], { label: "init" });
    await pulumi(["config", "set-all", ...providerSettings(sim, W)], { label: "config" });
    for (const [phase, resources] of [
      ["create", 1],
      ["update", 2],
    ]) {
      await pulumi(["config", "set-all", ...programSettings({ tickets: N, comments: C, resources, tag })], { label: "config" });
      const since = lastSeq(sim);
      const lines = [];
      const eventLog = path.join(logDir, `${phase}-events.jsonl`);
      rss.setPhase(phase);
      log(`    ${phase}: pulumi up --parallel ${opts.parallel} (the CLI's output lines containing "waiting" are echoed)`);
      const r = await pulumi(["up", "--yes", "--skip-preview", "--parallel", String(opts.parallel), "--event-log", eventLog], {
        label: phase,
        allowFail: true,
        onLine: (text, atMs) => {
          lines.push({ text, atMs });
          if (PROGRESS.test(text)) log(`      [${(atMs / 1000).toFixed(1)} s] ${text.trim()}`);
        },
      });
      rss.setPhase("between");
      const m = phaseMetrics(sim.requests({ since }));
      const steps = stepDurations(eventLog);
      const longest = steps.reduce((a, b) => (b.ms > (a?.ms ?? -1) ? b : a), undefined);
      const boundMs = boundWindows[phase] * W;
      phases[phase] = {
        makespanMs: r.ms,
        spanMs: m.spanMs,
        boundMs,
        ratioRaw: ratio(r.ms, boundMs),
        ratioSpan: ratio(m.spanMs, boundMs),
        exitCode: r.code,
        http429: m.http429,
        retries: m.retries,
        failedResources: failedResources(sim, phase, { tickets: N, comments: C, resources, tag }),
        longestStepMs: longest?.ms ?? null,
        longestStep: longest ?? null,
        calls: m.calls,
        userSaw: seen(lines, r.ms),
      };
      log(`    ${phase} done in ${(r.ms / 1000).toFixed(1)} s (bound ${boundMs / 1000} s), ${m.http429} 429s, longest step ${longest ? `${longest.ms / 1000} s (${longest.resource} ${longest.op})` : "-"}`);
    }
    const total = (k) => Object.values(phases).reduce((a, p) => a + (p[k] || 0), 0);
    const dup = duplicates(sim, tag, N);
    const boundMs = total("boundMs");
    const result = {
      workload: { tickets: N, comments: C, windowMs: W, parallel: opts.parallel, limits: LIMITS, phases: ["create (tickets + comments)", "update (a PATCH each)"] },
      makespanMs: total("makespanMs"),
      spanMs: total("spanMs"),
      boundMs,
      ratio: ratio(total("makespanMs"), boundMs),
      spanRatio: ratio(total("spanMs"), boundMs),
      longestStepMs: Math.max(...Object.values(phases).map((p) => p.longestStepMs ?? 0)),
      http429: total("http429"),
      failedResources: total("failedResources"),
      failedDeployments: Object.values(phases).filter((p) => p.exitCode !== 0).length,
      duplicates: dup.total,
      progressLines: Object.values(phases).reduce((a, p) => a + p.userSaw.progressLines, 0),
      progressLinesLive: Object.values(phases).reduce((a, p) => a + p.userSaw.progressLinesLive, 0),
      providerHostPeakRssMB: rss.stop().peakRssMB,
      phases,
      definition:
        "ratio = makespan (wall clock of both `up`s, CLI included) / bound; spanRatio = first → last write per phase (simulator log) / bound; longestStepMs = longest resource step in the event log (resourcePre → outputs, 1 s resolution); progressLines = CLI output lines containing \"waiting\" (progressLinesLive: those printed while the command ran, before the closing Diagnostics: section that repeats them); longestWithoutProgressS = longest stretch of the command (start, progress lines, end) without a progress line; longestSilenceS = longest time the CLI printed nothing while running",
    };
    log(
      `\nReal window: makespan ${(result.makespanMs / 1000).toFixed(1)} s / bound ${boundMs / 1000} s = ${result.ratio} (span ${result.spanRatio}); longest step ${result.longestStepMs / 1000} s; ` +
        `429s ${result.http429}; failed resources ${result.failedResources}; progress lines ${result.progressLines}, ${result.progressLinesLive} while running (create: ${phases.create.userSaw.progressLinesPerMinute}/min, longest without one ${phases.create.userSaw.longestWithoutProgressS} s, longest silence ${phases.create.userSaw.longestSilenceS} s)`,
    );
    if (opts.keep) result.logs = logDir;
    return result;
  } finally {
    rss.stop();
    await sim.close();
    if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { runRealWindow, stepDurations };
