#!/usr/bin/env node
// Guarantee: `npm run model -- --runs N --steps N --seed N [--face F] [--path P] [--replay-path R] [--shrink-seconds S] [--verbose]`
// builds the package, then runs the model-based test (test/model/model.test.ts) with those values.
"use strict";
const { parseArgs } = require("node:util");
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const USAGE =
  "usage: npm run model -- [--runs N] [--steps N] [--seed N] [--face F] [--path P] [--replay-path R] [--shrink-seconds S] [--verbose]\n" +
  "  --runs            fast-check runs (default 3)\n" +
  "  --steps           most commands per run (default 8)\n" +
  "  --seed            fast-check seed (default: random, printed)\n" +
  "  --face            dynamic, plugin or both (default both: fast-check draws each run's face)\n" +
  "  --path            fast-check counterexample path to replay (from a failure report)\n" +
  "  --replay-path     fc.commands replayPath printed with that counterexample\n" +
  "  --shrink-seconds  stop shrinking this long after the first failure (default 600)\n" +
  "  --verbose         print every run's trace";

let values;
try {
  ({ values } = parseArgs({
    options: {
      runs: { type: "string" },
      steps: { type: "string" },
      seed: { type: "string" },
      face: { type: "string" },
      path: { type: "string" },
      "replay-path": { type: "string" },
      "shrink-seconds": { type: "string" },
      verbose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }));
} catch (e) {
  console.error(`${e.message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
for (const k of ["runs", "steps", "seed", "shrink-seconds"]) {
  if (values[k] !== undefined && !/^\d+$/.test(values[k])) {
    console.error(`--${k} must be a whole number, got ${JSON.stringify(values[k])}\n${USAGE}`);
    process.exit(2);
  }
}

if (values.face !== undefined && !["dynamic", "plugin", "both"].includes(values.face)) {
  console.error(`--face must be dynamic, plugin or both, got ${JSON.stringify(values.face)}\n${USAGE}`);
  process.exit(2);
}

const runs = Number(values.runs ?? 3);
const steps = Number(values.steps ?? 8);
const seed = values.seed ?? String((Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) >>> 0);
const shrinkSeconds = Number(values["shrink-seconds"] ?? 600);
const face = values.face ?? "both";
console.log(`model: ${runs} runs × up to ${steps} steps, seed ${seed}, faces ${face === "both" ? "dynamic and plugin (drawn per run)" : face}${values.path ? `, path ${values.path}` : ""}`);

const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const env = {
  ...process.env,
  MODEL_RUNS: String(runs),
  MODEL_STEPS: String(steps),
  MODEL_SEED: seed,
  MODEL_FACE: face,
  MODEL_SHRINK_SECONDS: String(shrinkSeconds),
  MODEL_VERBOSE: values.verbose ? "2" : (process.env.MODEL_VERBOSE ?? ""),
};
if (values.path) env.MODEL_PATH = values.path;
if (values["replay-path"]) env.MODEL_REPLAY_PATH = values["replay-path"];

// Generous: every run is a few dozen CLI commands, and shrinking replays the failing run many times.
const timeoutMs = (runs * (steps + 3) * 45 + shrinkSeconds + 300) * 1000;
const jest = spawnSync("npx", ["jest", "test/model/model.test.ts", "--runInBand", `--testTimeout=${timeoutMs}`], { cwd: ROOT, stdio: "inherit", env });
process.exit(jest.status ?? 1);
