/**
 * Runs `pulumi` commands for one bench program: a file backend in the run's temp dir, the
 * environment without RACKSPACE_*, every command spawned asynchronously (the in-process
 * simulator answers from this event loop) and its output kept under the run's logs/.
 */
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { envWithoutRackspace } = require("./common");

/**
 * `pulumi(args, { label, allowFail, onLine })` resolves to { code, stdout, stderr, ms };
 * `onLine(line, msSinceStart)` sees every output line as it arrives.
 */
function cliSession({ binDir, work, prog, stack, log }) {
  const logDir = path.join(work, "logs");
  const stateDir = path.join(work, "state");
  fs.mkdirSync(logDir, { recursive: true });
  fs.mkdirSync(stateDir, { recursive: true });
  const env = {
    ...envWithoutRackspace(),
    PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "rackspace-ticketing-bench",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  let n = 0;
  const pulumi = (args, { label = args[0], allowFail = false, onLine } = {}) =>
    new Promise((resolve, reject) => {
      const full = [...args, ...(args[0] === "stack" && args[1] === "init" ? [] : ["--stack", stack]), "--non-interactive"];
      const t0 = Date.now();
      const child = spawn("pulumi", full, { cwd: prog, env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      const liner = () => {
        let rest = "";
        return (d) => {
          if (!onLine) return;
          const lines = (rest + d).split("\n");
          rest = lines.pop();
          for (const l of lines) onLine(l, Date.now() - t0);
        };
      };
      const outLines = liner();
      const errLines = liner();
      child.stdout.on("data", (d) => {
        stdout += d;
        outLines(String(d));
      });
      child.stderr.on("data", (d) => {
        stderr += d;
        errLines(String(d));
      });
      child.on("error", reject);
      child.on("close", (code) => {
        const ms = Date.now() - t0;
        fs.writeFileSync(path.join(logDir, `${String(++n).padStart(2, "0")}-${label}.log`), `$ pulumi ${full.join(" ")}\n${stdout}\n--- stderr ---\n${stderr}`);
        if (code !== 0) {
          const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-15).join("\n");
          if (!allowFail) return reject(new Error(`pulumi ${args.join(" ")} exited with ${code}:\n${tail}`));
          log(`    pulumi ${args[0]} (${label}) exited with ${code}; last lines:\n${tail.replace(/^/gm, "      ")}`);
        }
        resolve({ code, stdout, stderr, ms });
      });
    });
  return { env, logDir, pulumi };
}

/** `pulumi config set-all` arguments pointing the provider at `sim` with rate window `windowMs`. */
function providerSettings(sim, windowMs, extra = []) {
  return [
    "--plaintext",
    "rackspace:username=demo",
    "--secret",
    "rackspace:apiKey=demo-api-key",
    "--plaintext",
    `rackspace:ticketingUrl=${sim.ticketingUrl}`,
    "--plaintext",
    `rackspace:identityUrl=${sim.identityUrl}`,
    "--plaintext",
    `rackspace:rateWindowMs=${windowMs}`,
    ...extra,
  ];
}

/** `pulumi config set-all` arguments of the bench program's own settings (bench/program/index.js). */
function programSettings(settings) {
  return Object.entries(settings).flatMap(([k, v]) => ["--plaintext", `bench:${k}=${v}`]);
}

const TICKET_TYPE = "pulumi-nodejs:dynamic/rackspace:Ticket";
const jsonBytes = (v) => (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v)));

/** The stack's resources of `type` (default: tickets), from `pulumi stack export`. */
async function exportedResources(pulumi, type = TICKET_TYPE) {
  const state = JSON.parse((await pulumi(["stack", "export"], { label: "export" })).stdout);
  return (state.deployment.resources || []).filter((r) => r.type === type);
}

module.exports = { cliSession, providerSettings, programSettings, exportedResources, jsonBytes, TICKET_TYPE };
