/**
 * What a pull-request preview costs and how much state a ticket takes, for both faces side by
 * side, through the CLI in one run: `pulumi preview` of M RackspaceTickets (the dynamic face) and
 * of M plugin Tickets (the plugin face) against the same M inputs as trivial dynamic resources
 * (bench/program/trivial.js, no API calls), on a fresh stack and on the deployed one,
 * alternating; each provider host's peak RSS; the package's require time
 * (lib/require-time.js); and from `pulumi stack export`, for each face, the bytes of a ticket
 * with 2 comments and per further comment beyond its text.
 */
"use strict";
const { execFile } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { startSimulator } = require("../../dist/simulator");
const { makeProgramDir } = require("./common");
const { rssSampler } = require("./metrics");
const { median } = require("./aggregate");
const { cliSession, providerSettings, programSettings, exportedResources, jsonBytes } = require("./cli-session");
const { commentOf } = require("../program/spec");
const { summarizeProfiles } = require("./cpu-profile");

/** Window of the deploy step (preview itself sends no rate-limited write). */
const DEPLOY_WINDOW_MS = 100;
/** Ticket 1 has this many comments more than ticket 0 (2): the marginal cost per comment. */
const EXTRA_COMMENTS = 4;
const REQUIRE_SAMPLES = 5;
const round = (x, d = 0) => (typeof x === "number" ? Math.round(x * 10 ** d) / 10 ** d : null);

function requireSample(prog, what) {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [path.join(__dirname, "require-time.js"), prog, what], { encoding: "utf8" }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout)))),
  );
}

/** Medians over fresh processes; the module table of the median sample. */
async function requireTime(prog, what) {
  const samples = [];
  for (let i = 0; i < REQUIRE_SAMPLES; i++) samples.push(await requireSample(prog, what));
  const packageMs = median(samples.map((x) => x.packageMs));
  const mid = samples.reduce((a, b) => (Math.abs(b.packageMs - packageMs) < Math.abs(a.packageMs - packageMs) ? b : a));
  const top = (o) =>
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([module, ms]) => ({ module, selfMs: round(ms, 1) }));
  return {
    samples: samples.length,
    pulumiMs: round(median(samples.map((x) => x.pulumiMs)), 1),
    packageMs: round(packageMs, 1),
    modulesLoaded: mid.modulesLoaded,
    selfMsByModule: top(mid.selfMsByGroup),
    ownModulesInclusive: mid.ownModules
      .sort((a, b) => b.inclusiveMs - a.inclusiveMs)
      .slice(0, 12)
      .map((m) => ({ module: m.module, inclusiveMs: round(m.inclusiveMs, 1), selfMs: round(m.selfMs, 1) })),
  };
}

/** Bytes of one exported ticket and where they go. */
function ticketBytes(r) {
  return {
    total: jsonBytes(r),
    inputsPlusOutputs: jsonBytes(r.inputs) + jsonBytes(r.outputs),
    inputs: jsonBytes(r.inputs),
    outputs: jsonBytes(r.outputs),
    providerText: jsonBytes(r.inputs?.__provider) + jsonBytes(r.outputs?.__provider),
    engineFields: jsonBytes(r) - jsonBytes(r.inputs) - jsonBytes(r.outputs),
  };
}

/** The state figures: ticket-0 has 2 comments, ticket-1 2 + EXTRA_COMMENTS (same lengths otherwise). */
function stateFigures(resources, tag) {
  const byName = new Map(resources.filter((r) => /Ticket$/.test(r.type)).map((r) => [r.urn.split("::").pop(), r]));
  const two = byName.get("ticket-0");
  const more = byName.get("ticket-1");
  if (!two) return null;
  const b2 = ticketBytes(two);
  const out = { ticketWith2CommentsBytes: b2.total, ticketWith2Comments: b2, perFurtherCommentBytes: null, perFurtherCommentOverTextBytes: null };
  if (more) {
    const bm = ticketBytes(more);
    const extraText = Array.from({ length: EXTRA_COMMENTS }, (_, k) => Buffer.byteLength(commentOf(tag, 1, k + 2))).reduce((a, b) => a + b, 0);
    out.perFurtherCommentBytes = round((bm.total - b2.total) / EXTRA_COMMENTS, 1);
    out.perFurtherCommentTextBytes = round(extraText / EXTRA_COMMENTS, 1);
    out.perFurtherCommentOverTextBytes = round((bm.total - b2.total - extraText) / EXTRA_COMMENTS, 1);
    out.ticketWithMoreComments = { comments: 2 + EXTRA_COMMENTS, ...bm };
  }
  out.definition = `bytes of one resource's JSON in \`pulumi stack export\` (urn, type, inputs, outputs, engine fields); per further comment = (bytes of a ticket with ${2 + EXTRA_COMMENTS} comments − bytes of one with 2) / ${EXTRA_COMMENTS}, minus the comment's text length`;
  return out;
}

async function runPreviewBench({ binDir, opts, log }) {
  const M = opts.previewResources;
  const R = opts.previewRepeat;
  const tag = `preview-${Date.now().toString(36)}`;
  const sim = await startSimulator({ port: 0, windowMs: DEPLOY_WINDOW_MS });
  const kinds = ["tickets", "trivial", "plugin"].map((kind) => {
    const { work, prog } = makeProgramDir(kind === "trivial" ? { main: "trivial.js", name: "rackspace-bench-trivial" } : kind === "plugin" ? { name: "rackspace-bench-plugin", plugin: true } : {});
    const rss = rssSampler({ cwd: prog, everyMs: 100, ...(kind === "plugin" ? { pattern: "faces/plugin/main.js" } : {}) });
    return { kind, work, prog, cli: cliSession({ binDir, work, prog, stack: "preview", log }), rss, times: { fresh: [], deployed: [] } };
  });
  log(`\nPreview: ${M} RackspaceTickets (dynamic) and ${M} plugin Tickets vs ${M} trivial dynamic resources (same inputs), ${R} previews each on a fresh and on the deployed stack, alternating`);
  try {
    for (const k of kinds) {
      await k.cli.pulumi(["stack", "init", "preview"], { label: "init" });
      const program = programSettings({ tickets: M, comments: 2, commentCounts: `2,${2 + EXTRA_COMMENTS}`, resources: 1, tag });
      const face = k.kind === "plugin" ? ["--plaintext", "bench:face=plugin"] : [];
      await k.cli.pulumi(["config", "set-all", ...program, ...face, ...(k.kind !== "trivial" ? providerSettings(sim, DEPLOY_WINDOW_MS) : [])], { label: "config" });
    }
    const previews = async (state) => {
      for (let rep = 0; rep < R; rep++) {
        for (const k of rep % 2 === 0 ? kinds : [...kinds].reverse()) {
          k.rss.setPhase(`${state}`);
          const before = sim.requests().length;
          const r = await k.cli.pulumi(["preview", "--suppress-progress"], { label: `preview-${state}` });
          k.rss.setPhase("between");
          k.times[state].push(r.ms);
          k.apiCalls = (k.apiCalls || 0) + sim.requests().length - before;
          log(`    ${state} preview, ${k.kind}: ${(r.ms / 1000).toFixed(2)} s`);
        }
      }
    };
    await previews("fresh");
    for (const k of kinds) {
      log(`    deploying the ${k.kind} stack (W = ${DEPLOY_WINDOW_MS} ms)`);
      k.rss.setPhase("up");
      await k.cli.pulumi(["up", "--yes", "--skip-preview", "--suppress-progress", "--parallel", "50"], { label: "up" });
      k.rss.setPhase("between");
    }
    await previews("deployed");
    // One more preview of each deployed stack with a CPU profiler in each node process (not timed): where the CPU goes.
    const profiles = {};
    for (const k of kinds) {
      const dir = path.join(k.work, "cpu-prof");
      k.cli.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(__dirname, "cpu-prof-preload.js")}`.trim();
      k.cli.env.BENCH_CPU_PROF_DIR = dir;
      await k.cli.pulumi(["preview", "--suppress-progress"], { label: "preview-profiled" });
      delete k.cli.env.NODE_OPTIONS;
      delete k.cli.env.BENCH_CPU_PROF_DIR;
      profiles[k.kind] = summarizeProfiles(dir);
    }
    const [tickets, trivial, pluginKind] = kinds;
    const state = stateFigures(await exportedResources(tickets.cli.pulumi), tag);
    const pluginState = stateFigures(await exportedResources(pluginKind.cli.pulumi, "rackspace:ticketing:Ticket"), tag);
    if (state && pluginState) state.plugin = pluginState;
    const rss = kinds.map((k) => k.rss.stop());
    const sideOf = (face) => (state) => {
      const [t, v] = [face, trivial].map((k) => median(k.times[state]));
      return { ticketsMs: t, trivialMs: v, ratio: round(t / v, 3), ticketsSamplesMs: face.times[state], trivialSamplesMs: trivial.times[state] };
    };
    const side = sideOf(tickets);
    const pluginSide = sideOf(pluginKind);
    const preview = {
      resources: M,
      repeat: R,
      fresh: side("fresh"),
      deployed: side("deployed"),
      providerHostPeakRssMB: {
        tickets: { fresh: rss[0].byPhase.fresh ?? null, deployed: rss[0].byPhase.deployed ?? null },
        trivial: { fresh: rss[1].byPhase.fresh ?? null, deployed: rss[1].byPhase.deployed ?? null },
        plugin: { fresh: rss[2].byPhase.fresh ?? null, deployed: rss[2].byPhase.deployed ?? null },
      },
      plugin: { fresh: pluginSide("fresh"), deployed: pluginSide("deployed") },
      apiCallsDuringPreviews: tickets.apiCalls,
      cpuProfiles: profiles,
      definition: "median wall time of `pulumi preview` (CLI start-up included) of the ticket stack (the dynamic face; `plugin`: the plugin face) / of the trivial stack, alternating; fresh = nothing deployed, deployed = after `up`, no change; peak RSS of the dynamic provider host during the previews; cpuProfiles = one more (untimed) preview of each deployed stack with the inspector's CPU profiler in each node process: self ms per module and process",
    };
    for (const [kind, list] of Object.entries(profiles))
      for (const p of list) log(`    cpu profile, ${kind} ${p.role}: ${p.busyMs} ms busy of ${p.durationMs} ms; ${p.selfMsByModule.slice(0, 6).map((m) => `${m.module} ${m.selfMs}`).join(", ")}`);
    log(`    preview ratio, dynamic face: fresh ${preview.fresh.ratio}, deployed ${preview.deployed.ratio}; plugin face: fresh ${preview.plugin.fresh.ratio}, deployed ${preview.plugin.deployed.ratio}; provider host peak RSS ${JSON.stringify(preview.providerHostPeakRssMB)}`);
    if (state) log(`    state, dynamic face: ticket with 2 comments ${state.ticketWith2CommentsBytes} B; per further comment ${state.perFurtherCommentBytes} B (${state.perFurtherCommentOverTextBytes} B beyond its text)`);
    if (pluginState) log(`    state, plugin face: ticket with 2 comments ${pluginState.ticketWith2CommentsBytes} B; per further comment ${pluginState.perFurtherCommentBytes} B (${pluginState.perFurtherCommentOverTextBytes} B beyond its text)`);
    const requireTimes = { package: await requireTime(tickets.prog, "package"), impl: await requireTime(tickets.prog, "impl") };
    requireTimes.definition =
      "ms to require the package (program start) / its provider/impl entry (the provider host's first Configure) after @pulumi/pulumi, median of fresh processes; selfMsByModule = time in each module's own top level (npm packages grouped), ownModulesInclusive = the package's dist modules with what they load";
    log(`    require after @pulumi/pulumi (${requireTimes.package.pulumiMs} ms): package ${requireTimes.package.packageMs} ms, provider/impl ${requireTimes.impl.packageMs} ms`);
    return { preview, state, requireTime: requireTimes };
  } finally {
    for (const k of kinds) k.rss.stop();
    await sim.close();
    for (const k of kinds) if (!opts.keep) fs.rmSync(k.work, { recursive: true, force: true });
  }
}

module.exports = { runPreviewBench };
