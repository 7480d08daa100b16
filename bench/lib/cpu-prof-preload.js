/**
 * Preloaded (NODE_OPTIONS=--require, which cannot carry --cpu-prof) into the node processes
 * of one profiled preview: samples this process's CPU with the inspector and, every second
 * and at exit, writes ms per module (see groupOf below) to $BENCH_CPU_PROF_DIR/<pid>.json, so a process the
 * engine kills loses at most the last second.
 */
"use strict";
const fs = require("node:fs");
const inspector = require("node:inspector");
const path = require("node:path");
const { setInterval } = require("node:timers");
const { groupOfUrl } = require("./cpu-profile");

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  const groups = {};
  let durationMs = 0;
  let host = false;
  const file = path.join(dir, `${process.pid}.json`);
  const flush = () => {
    session.post("Profiler.stop", (err, res) => {
      if (!err && res?.profile) {
        const prof = res.profile;
        durationMs += (prof.endTime - prof.startTime) / 1000;
        const self = new Map();
        (prof.samples || []).forEach((id, i) => self.set(id, (self.get(id) || 0) + (prof.timeDeltas?.[i] || 0)));
        const byId = new Map(prof.nodes.map((n) => [n.id, n]));
        const parent = new Map();
        for (const n of prof.nodes) for (const c of n.children || []) parent.set(c, n.id);
        // A sample counts for the innermost frame of a package's own code (dist/ or an npm
        // package): time in Node's module loader or in native code goes to the module that called it.
        const groupOf = (node) => {
          const name = node.callFrame.functionName;
          if (["(idle)", "(program)", "(garbage collector)"].includes(name)) return name;
          for (let n = node; n; n = byId.get(parent.get(n.id))) if (n.callFrame.url.endsWith("cpu-prof-preload.js")) return "(this profiler)";
          for (let n = node; n; n = byId.get(parent.get(n.id))) {
            const g = groupOfUrl(n.callFrame.url);
            if (g !== "(native/vm)" && !g.startsWith("node:")) return g;
          }
          return groupOfUrl(node.callFrame.url);
        };
        for (const n of prof.nodes) {
          if (n.callFrame.url.includes("cmd/dynamic-provider")) host = true;
          const ms = (self.get(n.id) || 0) / 1000;
          if (ms > 0) groups[groupOf(n)] = (groups[groupOf(n)] || 0) + ms;
        }
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(file, JSON.stringify({ pid: process.pid, role: host ? "provider host" : "program", durationMs, groups }));
      }
      session.post("Profiler.start");
    });
  };
  session.post("Profiler.enable", () => session.post("Profiler.start"));
  setInterval(flush, 1000).unref();
  process.on("exit", flush);
}
