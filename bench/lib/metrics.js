/**
 * What the benchmark measures, from the simulator's request log and state: the lower
 * bounds the rate limits impose, per-phase figures, audit (duplicates, failed
 * resources) and the provider host's peak RSS.
 */
"use strict";
const { execFile } = require("node:child_process");
const fs = require("node:fs");
const { setInterval, clearInterval } = require("node:timers");
const { subjectOf, commentOf } = require("../program/spec");

const WRITE_OPS = new Set(["createTicket", "patchTicket", "addComment"]);
/** Statuses the client retries (0 = no answer: dropped or hung). */
const RETRIED_STATUSES = new Set([429, 502, 503, 504, 0]);

/** Windows between the first and the last of `count` requests allowed `limit` per window. */
function windowsFor(count, limit) {
  return count <= 0 ? 0 : Math.ceil(count / limit) - 1;
}

/**
 * Lower bounds of each phase's rate-limited span (first write → last write), in windows.
 * With a sliding window admitting `L` requests per window `W`, requests k and k+L of one
 * class are at least W apart, so `n` requests span at least (ceil(n/L) − 1)·W.
 * Classes are limited independently, so a phase is bounded by its slowest class:
 *   create  = (ceil(N/create) − 1)
 *   update  = max(ceil(N/patch) − 1, ceil(N·C/comment) − 1)
 *   destroy = (ceil(N/patch) − 1)
 * (The update bound ignores that a ticket's PATCH precedes its comments: it is a true
 * lower bound, not necessarily reachable.)
 */
function bounds({ tickets, comments, windowMs, limits }) {
  const windows = {
    create: windowsFor(tickets, limits.create),
    update: Math.max(windowsFor(tickets, limits.patch), windowsFor(tickets * comments, limits.comment)),
    destroy: windowsFor(tickets, limits.patch),
  };
  windows.total = windows.create + windows.update + windows.destroy;
  const ms = {};
  for (const [k, v] of Object.entries(windows)) ms[k] = v * windowMs;
  return {
    windows,
    ms,
    formula: {
      create: `(ceil(${tickets}/${limits.create})-1)*W`,
      update: `max(ceil(${tickets}/${limits.patch})-1, ceil(${tickets * comments}/${limits.comment})-1)*W`,
      destroy: `(ceil(${tickets}/${limits.patch})-1)*W`,
      W: windowMs,
    },
  };
}

const ratio = (value, bound) => (bound > 0 ? Math.round((value / bound) * 1000) / 1000 : null);

/** Per-phase figures from the log entries recorded during the phase. */
function phaseMetrics(entries) {
  const calls = {};
  for (const e of entries) calls[e.operation] = (calls[e.operation] || 0) + 1;
  const writes = entries.filter((e) => WRITE_OPS.has(e.operation));
  const times = writes.map((e) => Date.parse(e.at));
  const accepted = writes.filter((e) => e.status >= 200 && e.status < 300);
  return {
    calls,
    writes: writes.length,
    writesAccepted: accepted.length,
    gets: entries.filter((e) => e.method === "GET").length,
    http429: entries.filter((e) => e.status === 429).length,
    retries: entries.filter((e) => RETRIED_STATUSES.has(e.status)).length,
    firstWriteAt: times.length ? Math.min(...times) : undefined,
    lastWriteAt: times.length ? Math.max(...times) : undefined,
    spanMs: times.length ? Math.max(...times) - Math.min(...times) : 0,
  };
}

/** Tickets of this run in the simulator, by index (several when duplicated). */
function ticketsByIndex(sim, tag, n) {
  const bySubject = new Map();
  for (let i = 0; i < n; i++) bySubject.set(subjectOf(tag, i), i);
  const found = Array.from({ length: n }, () => []);
  let stray = 0;
  for (const t of sim.tickets()) {
    const i = bySubject.get(t.subject);
    if (i === undefined) stray++;
    else found[i].push(t);
  }
  return { found, stray };
}

/**
 * Resources not in the state the phase should have left them in:
 *   create: one open ticket; update: + C comments in order and R resources; destroy: closed.
 */
function failedResources(sim, phase, spec) {
  const { found } = ticketsByIndex(sim, spec.tag, spec.tickets);
  let failed = 0;
  for (let i = 0; i < spec.tickets; i++) {
    const open = found[i].filter((t) => !/^closed$/i.test(t.status));
    const t = phase === "destroy" ? found[i][0] : open[0];
    if (!t) {
      failed++;
      continue;
    }
    if (phase === "destroy") {
      if (found[i].some((x) => !/^closed$/i.test(x.status))) failed++;
      continue;
    }
    const customer = t.comments.slice(1).filter((c) => c.author?.type !== "racker").map((c) => c.text);
    const want = Array.from({ length: spec.comments }, (_, k) => commentOf(spec.tag, i, k));
    if (JSON.stringify(customer) !== JSON.stringify(want)) failed++;
    else if (t.resources.length !== spec.resources) failed++;
  }
  return failed;
}

/** Duplicate tickets (more than one per declared ticket, or strays) and comments posted twice. */
function duplicates(sim, tag, n) {
  const { found, stray } = ticketsByIndex(sim, tag, n);
  let tickets = stray;
  let comments = 0;
  for (const list of found) {
    tickets += Math.max(0, list.length - 1);
    for (const t of list) {
      const seen = new Map();
      for (const c of t.comments.slice(1)) seen.set(c.text, (seen.get(c.text) || 0) + 1);
      for (const count of seen.values()) comments += Math.max(0, count - 1);
    }
  }
  return { tickets, comments, total: tickets + comments };
}

function run(cmd, args) {
  return new Promise((resolve) => execFile(cmd, args, { encoding: "utf8" }, (err, stdout) => resolve(err && !stdout ? "" : stdout)));
}

/**
 * Samples the RSS of the dynamic provider host(s) every `everyMs`: `pgrep -f
 * cmd/dynamic-provider`, keeping only processes whose working directory is `cwd`
 * (other runs and other users of the machine are ignored), then `ps -o rss=`.
 * Asynchronous, so the in-process simulator keeps answering.
 */
/** The provider host's command line: the dynamic provider host, or the plugin (`pattern` "faces/plugin/main.js"). */
function rssSampler({ cwd, pids: fixedPids, everyMs = 200, pattern = "cmd/dynamic-provider" }) {
  let peakKb = 0;
  let samples = 0;
  let phase = "setup";
  const byPhase = {};
  let busy = false;
  const realCwd = cwd ? fs.realpathSync(cwd) : undefined;
  const ours = (pid) => {
    if (!realCwd) return true;
    try {
      return fs.readlinkSync(`/proc/${pid}/cwd`) === realCwd;
    } catch {
      return false;
    }
  };
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      let pids = fixedPids ? fixedPids() : (await run("pgrep", ["-f", pattern])).split(/\s+/).filter(Boolean);
      pids = pids.filter((p) => ours(p));
      if (pids.length === 0) return;
      const out = await run("ps", ["-o", "rss=,args=", "-p", pids.join(",")]);
      for (const line of out.split("\n")) {
        const m = /^\s*(\d+)\s+(.*)$/.exec(line);
        // `node -e "require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"` (the plugin's launcher) is not the host.
        if (!m || /require\.resolve/.test(m[2])) continue;
        const kb = Number(m[1]);
        samples++;
        peakKb = Math.max(peakKb, kb);
        byPhase[phase] = Math.max(byPhase[phase] || 0, kb);
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  return {
    setPhase: (p) => (phase = p),
    stop: () => {
      clearInterval(timer);
      const mb = (kb) => Math.round((kb / 1024) * 10) / 10;
      const phases = {};
      for (const [k, v] of Object.entries(byPhase)) phases[k] = mb(v);
      return { peakRssMB: samples ? mb(peakKb) : null, samples, byPhase: phases };
    },
  };
}

module.exports = { bounds, ratio, phaseMetrics, failedResources, duplicates, rssSampler, WRITE_OPS };
