/**
 * Figures over repeated runs of one mode: medians of times and ratios, the worst or the
 * total of the counts; and the paced-vs-baseline comparison the README shows.
 */
"use strict";
const { PHASES } = require("./common");

const nums = (xs) => xs.filter((x) => typeof x === "number");
function median(xs) {
  const s = nums(xs).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const max = (xs) => (nums(xs).length ? Math.max(...nums(xs)) : null);
const sum = (xs) => xs.reduce((a, b) => a + (b || 0), 0);

/** One mode's figures over its runs (of one window). */
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
    spanMs: median(pick((r) => r.spanMs)),
    boundMs: runs[0].boundMs,
    http429: max(pick((r) => r.http429)),
    retries: max(pick((r) => r.retries)),
    failures: sum(pick((r) => r.failures)),
    failedResources: sum(pick((r) => r.failedResources)),
    deploymentsNeedingSecondUp: sum(pick((r) => r.deploymentsNeedingSecondUp)),
    callsSent: sum(pick((r) => r.callsSent)),
    writesSent: sum(pick((r) => r.writesSent)),
    writesAccepted: sum(pick((r) => r.writesAccepted)),
    callsPerSuccessfulWrite: median(pick((r) => r.callsPerSuccessfulWrite)),
    duplicates: sum(pick((r) => r.duplicates)),
    noopWrites: max(pick((r) => r.noop?.writes)),
    refreshGetsPerTicket: max(pick((r) => r.refresh?.getsPerTicket)),
    stateBytesPerTicket: max(pick((r) => r.stateBytesPerTicket)),
    stateBytesBreakdown: runs[runs.length - 1].stateBytesBreakdown,
    peakRssMB: max(pick((r) => r.peakRssMB)),
    phases,
  };
}

/** Paced and baseline side by side: what pacing saves in calls, 429s, failures and second `up`s. */
function comparison(paced, baseline) {
  const row = (a) =>
    a && {
      callsPerSuccessfulWrite: a.callsPerSuccessfulWrite,
      callsSent: a.callsSent,
      writesAccepted: a.writesAccepted,
      http429: a.http429,
      failedResources: a.failedResources,
      deploymentsNeedingSecondUp: a.deploymentsNeedingSecondUp,
      ratio: a.ratio,
    };
  return {
    definition:
      "callsPerSuccessfulWrite = API requests sent in the create, update and destroy deployments (429s, retries and reads included) / writes the API accepted; " +
      "deploymentsNeedingSecondUp = those deployments that exited non-zero or left a resource unfinished (failedResources: tickets not in the state the deployment declared)",
    paced: row(paced) ?? null,
    baseline: row(baseline) ?? null,
  };
}

module.exports = { aggregate, comparison, median, max, sum };
