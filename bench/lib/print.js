/** How the bench prints its tables: one row per phase of a run, then the comparison. */
"use strict";
const { PHASES } = require("./common");

const s = (ms) => (typeof ms === "number" ? `${(ms / 1000).toFixed(2)}s` : "-");
const f = (x, d = 3) => (typeof x === "number" ? x.toFixed(d) : "-");
const callsText = (calls) =>
  Object.entries(calls || {})
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");

const HEADER = `${"run".padEnd(3)} ${"W".padStart(6)} ${"mode".padEnd(8)} ${"phase".padEnd(8)} ${"makespan".padStart(8)} ${"span".padStart(8)} ${"bound".padStart(7)} ${"raw×".padStart(6)} ${"span×".padStart(7)} ${"429".padStart(4)} ${"retries".padStart(7)} ${"failed".padStart(6)}   API calls`;

function printRun(i, r) {
  const row = (label, p) =>
    [
      String(i).padEnd(3),
      s(r.windowMs).padStart(6),
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
    `    ${r.callsSent} calls for ${r.writesAccepted} accepted writes (${f(r.callsPerSuccessfulWrite, 2)} per write); deployments needing a second \`up\`: ${r.deploymentsNeedingSecondUp}; ` +
      `no-op up: ${r.noop?.writes ?? "-"} writes (${callsText(r.noop?.calls) || "no calls"}); refresh: ${r.refresh?.getsPerTicket ?? "-"} GET/ticket; ` +
      `state ${r.stateBytesPerTicket ?? "-"} B/ticket (${r.stateBytesPerTicketAfterCreate ?? "-"} after create${r.stateBytesBreakdown ? `; ${callsText(r.stateBytesBreakdown)}` : ""}); duplicates ${r.duplicateTickets} tickets + ${r.duplicateComments} comments; ` +
      `provider host peak RSS ${r.peakRssMB ?? "-"} MB (${r.rssSamples} samples)`,
  );
}

/** The paced/baseline comparison of one window, side by side. */
function printComparison(windowMs, cmp) {
  const cols = [
    ["calls sent per successful write", (a) => f(a.callsPerSuccessfulWrite, 2)],
    ["429s", (a) => String(a.http429)],
    ["failed resources", (a) => String(a.failedResources)],
    ["deployments needing a second `up`", (a) => String(a.deploymentsNeedingSecondUp)],
    ["span / bound", (a) => f(a.ratio)],
  ];
  console.log(`  W = ${s(windowMs)}:${"".padEnd(30)}${"paced".padStart(10)}${"baseline".padStart(10)}`);
  for (const [name, get] of cols) console.log(`    ${name.padEnd(40)}${(cmp.paced ? get(cmp.paced) : "-").padStart(10)}${(cmp.baseline ? get(cmp.baseline) : "-").padStart(10)}`);
}

function printTargets(targets) {
  console.log("\nTargets (a MISS does not fail the run)");
  for (const t of targets) console.log(`  ${t.pass === null ? "N/A " : t.pass ? "PASS" : "MISS"}  ${t.name}: ${t.value ?? "-"}`);
}

/** [name, value, predicate] → { name, value, pass } (pass null when there is no value). */
const targetsOf = (list) => list.map(([name, value, ok]) => ({ name, value: value ?? null, pass: value === undefined || value === null ? null : ok(value) }));

module.exports = { s, f, callsText, HEADER, printRun, printComparison, printTargets, targetsOf };
