/** Where the Pulumi CLI is (scripts/ensure-pulumi.sh) and which version it is; both asynchronous. */
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");
const { ROOT } = require("./common");

/** The directory of a Pulumi CLI, or the reason there is none. */
function ensurePulumi() {
  return new Promise((resolve) => {
    const child = spawn("bash", [path.join(ROOT, "scripts", "ensure-pulumi.sh")], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", (e) => resolve({ error: e.message }));
    child.on("close", (code) => {
      const dir = out.trim().split("\n").pop();
      if (code === 0 && dir) resolve({ dir });
      else resolve({ error: err.trim().split("\n").pop() || `exit code ${code}` });
    });
  });
}

function pulumiVersion(dir) {
  return new Promise((resolve) => {
    const child = spawn(path.join(dir, "pulumi"), ["version"], { env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" }, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", () => resolve("unknown"));
    child.on("close", () => resolve(out.trim() || "unknown"));
  });
}

module.exports = { ensurePulumi, pulumiVersion };
