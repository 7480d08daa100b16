/**
 * Where a preview's CPU time goes: the per-process summaries cpu-prof-preload.js wrote
 * (self time per module, grouped by npm package or by the package's own dist/ file), per
 * process role (program, provider host).
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { fileURLToPath } = require("node:url");

/** dist/… for the package's own files, the npm package's name for a dependency, node: for Node's own. */
function groupOfUrl(url) {
  if (!url) return "(native/vm)";
  const p = url.startsWith("file://") ? fileURLToPath(url) : url;
  if (p.startsWith("node:")) return "node: (Node.js built-ins)";
  const nm = p.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = p.slice(nm + 14).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = p.lastIndexOf("/dist/");
  if (dist >= 0) return p.slice(dist + 1);
  return path.basename(p);
}

/** One process's summary (written by cpu-prof-preload.js): role, duration and the top self ms per group. */
function summarizeProfile(file, top = 12) {
  const { role, durationMs, groups } = JSON.parse(fs.readFileSync(file, "utf8"));
  const busy = Object.entries(groups).filter(([g]) => g !== "(idle)" && g !== "(this profiler)");
  return {
    role,
    durationMs: Math.round(durationMs),
    busyMs: Math.round(busy.reduce((a, [, ms]) => a + ms, 0)),
    profilerMs: Math.round(groups["(this profiler)"] || 0),
    selfMsByModule: busy
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, ms]) => ({ module, selfMs: Math.round(ms) })),
  };
}

/** All processes profiled into `dir`, the short-lived launcher processes left out. */
function summarizeProfiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => summarizeProfile(path.join(dir, f)))
    .filter((p) => p.durationMs > 300)
    .sort((a, b) => a.role.localeCompare(b.role));
}

module.exports = { summarizeProfiles, summarizeProfile, groupOfUrl };
