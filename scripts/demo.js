#!/usr/bin/env node
/**
 * npm run demo: the whole life of a change ticket under the real Pulumi engine,
 * against the embedded simulator (no Rackspace account, no Pulumi Cloud).
 *
 *   up (ticket opened; the cut-over waits for the Racker's approval) → a deployment note and a
 *   new resource list (update in place)
 *   → preview --diff of a subject change (replacement) → a Racker replies
 *   → refresh (drift) → destroy (ticket closed) → what the simulator saw.
 *
 * State lives in .demo/ (ignored; DEMO_DIR=<dir> puts it elsewhere): the simulator's tickets,
 * the file backend, and the stack's config file. Running it again starts from where the last
 * run ended.
 */
"use strict";
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { startSimulator, DEFAULT_RACKER_APPROVAL } = require("../dist/simulator");

const ROOT = path.resolve(__dirname, "..");
// DEMO_DIR: another place for the demo's state (the tests run it in a fresh directory).
const DEMO_DIR = process.env.DEMO_DIR ? path.resolve(process.env.DEMO_DIR) : path.join(ROOT, ".demo");
const STACK = "demo";
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

function step(n, title) {
  console.log(`\n${bold(`── ${n}. ${title} ${"─".repeat(Math.max(0, 66 - title.length))}`)}`);
}

function pulumiEnv(binDir) {
  const env = {};
  // Credentials come from stack config only: no RACKSPACE_* variable reaches the engine.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("RACKSPACE_")) env[k] = v;
  return {
    ...env,
    PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
    PULUMI_BACKEND_URL: `file://${path.join(DEMO_DIR, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "rackspace-ticketing-demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
}

function main() {
  fs.mkdirSync(path.join(DEMO_DIR, "state"), { recursive: true });
  console.log(bold("Rackspace tickets as code: the demo"));
  console.log("Preparing the Pulumi CLI (scripts/ensure-pulumi.sh)...");
  const binDir = execFileSync("bash", [path.join(ROOT, "scripts", "ensure-pulumi.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
    .trim()
    .split("\n")
    .pop();
  const env = pulumiEnv(binDir);

  // Asynchronous on purpose: the simulator runs in this process and must keep answering.
  const run = (args, { quiet = false, allowFail = false } = {}) =>
    new Promise((resolve, reject) => {
      const selecting = args[0] === "stack" && args[1] === "select";
      const child = spawn("pulumi", [...args, ...(selecting ? [] : ["--stack", STACK]), "--non-interactive"], {
        cwd: ROOT,
        env,
        stdio: quiet ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (d) => (stdout += d));
      child.stderr?.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => {
        if (code !== 0 && !allowFail) {
          if (quiet) process.stderr.write(`${stdout}${stderr}`);
          reject(new Error(`pulumi ${args.join(" ")} exited with ${code}`));
        } else resolve({ code, stdout, stderr });
      });
    });
  const config = (...args) => run(["config", ...args], { quiet: true, allowFail: args[0] === "rm" });
  // The ticket's recorded outputs (refresh updates these; stack outputs change on the next up).
  const ticketState = async () => {
    const state = JSON.parse((await run(["stack", "export"], { quiet: true })).stdout);
    const res = (state.deployment.resources || []).find((r) => r.type === "pulumi-nodejs:dynamic/rackspace:Ticket");
    return res ? res.outputs : undefined;
  };
  const output = async (name) => JSON.parse((await run(["stack", "output", name, "--json"], { quiet: true })).stdout || "null");

  // A Racker approves each new web tier ticket 6 s after it opens (the simulator's Racker rules).
  const racker = [{ match: { subject: "web tier" }, afterMs: 6000, name: "Jane D.", ...DEFAULT_RACKER_APPROVAL }];
  return startSimulator({ port: 0, dataFile: path.join(DEMO_DIR, "simulator.json"), racker }).then(async (sim) => {
    try {
      console.log(`Simulator of the Rackspace Identity + Ticketing APIs on ${sim.url} (tickets kept in .demo/simulator.json)`);
      await run(["stack", "select", "--create", STACK], { quiet: true });
      await config("set", "rackspace:username", "demo");
      await config("set", "--secret", "rackspace:apiKey", "demo-api-key");
      await config("set", "rackspace:ticketingUrl", sim.ticketingUrl);
      await config("set", "rackspace:identityUrl", sim.identityUrl);
      await config("set", "quickstart:approvalGate", "true");
      await config("set", "quickstart:pollInterval", "2s");
      await config("set", "quickstart:closingComment", "Change complete: the web tier stack was torn down.");
      for (const key of ["subject", "comments", "resources", "note"]) await config("rm", `quickstart:${key}`);
      sim.clearRequests();

      step(1, "pulumi up: open the change ticket; the cut-over waits for Rackspace's approval");
      await run(["up", "--yes", "--skip-preview", "--suppress-progress"]);
      const ticketId = await output("ticketId");
      const approval = await output("approval");
      console.log(`→ ticket ${ticketId} is ${await output("status")}`);
      if (approval && approval.met) console.log(`→ approved by ${approval.by} at ${approval.at}; the cut-over started at ${await output("cutoverStartedAt")}`);

      step(2, "a deployment note and a new resource list: update in place");
      await config("set", "quickstart:note", "Deployed build 42 to web01 and web02.");
      await config("set", "--path", "quickstart:resources[0]", "https://resources.api.rackspace.com/resources/dedicated:0001");
      await config("set", "--path", "quickstart:resources[1]", "https://resources.api.rackspace.com/resources/dedicated:0002");
      await run(["up", "--yes", "--skip-preview", "--suppress-progress"]);

      step(3, "preview --diff of a subject change: the API cannot edit it, so it replaces");
      await config("set", "quickstart:subject", "Deploy web tier v3");
      await run(["preview", "--diff", "--suppress-progress"]);
      await config("rm", "quickstart:subject");
      console.log("(preview only: the subject change is reverted, nothing was sent)");

      step(4, "a Racker replies and sets the status (in the simulator)");
      sim.actAsRacker(ticketId, { comment: "Change approved for tonight's window. We will monitor the load balancers.", status: "Pending Customer", name: "Sam R." });
      console.log(`→ Sam R. (racker) commented on ${ticketId}; status is now "Pending Customer"`);

      step(5, "pulumi refresh: the drift is read back into the stack");
      const before = await ticketState();
      await run(["refresh", "--yes", "--suppress-progress"]);
      const after = await ticketState();
      console.log("Drift recorded in the stack's state for web-tier-change:");
      console.log(`  status: ${JSON.stringify(before.status)} → ${JSON.stringify(after.status)}`);
      for (const c of after.thread.slice(before.thread.length)) console.log(`  thread + ${c.authorName} (${c.authorType}): ${c.text}`);
      // The state records modifiedBy only when it is not the creator (the program's output fills it in).
      const lastBy = (o) => (o.modifiedBy ?? o.createdBy)?.name;
      console.log(`  modifiedBy: ${lastBy(before)} → ${lastBy(after)}`);

      step(6, "pulumi destroy: close the ticket");
      await run(["destroy", "--yes", "--suppress-progress"]);
      console.log(`→ ticket ${ticketId} in the simulator: ${sim.getTicket(ticketId)?.status}`);

      step(7, "what the simulator saw, call by call");
      for (const r of sim.requests()) {
        const body = r.body && r.operation !== "token" ? ` ${JSON.stringify(r.body).slice(0, 110)}` : "";
        console.log(`  #${String(r.seq).padStart(3)} ${r.method.padEnd(5)} ${r.path.padEnd(38)} → ${r.status} ${r.operation}${body}`);
      }
      const writes = sim.writeCalls();
      console.log(`\n${writes.length} write calls: ${writes.map((w) => w.operation).join(", ")}.`);
      console.log("Run `npm run demo` again: it starts from the state in .demo/.");
    } finally {
      await sim.close();
    }
  });
}

main().catch((e) => {
  console.error(`\ndemo failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
