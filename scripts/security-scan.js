#!/usr/bin/env node
/**
 * Security scan after the end-to-end tests: fails if a credential or an Identity token
 * appears in anything the tests captured from the Pulumi CLI (engine and provider
 * output, error output, state exports) in coverage/e2e-artifacts/.
 *
 * Looks for: the API keys the tests use, and anything shaped like a token the simulator
 * issues (48 hex digits) or an X-Auth-Token header.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const DIR = process.env.SECURITY_SCAN_DIR || path.resolve(__dirname, "..", "coverage", "e2e-artifacts");
const CHECKS = [
  { what: "the demo API key", re: /demo-api-key/ },
  { what: "the e2e Redis password (test/e2e/fleet-cli.test.ts)", re: /rt-e2e-redis-secret/ },
  { what: "an Identity token (48 hex digits)", re: /\b[0-9a-f]{48}\b/ },
  { what: "an X-Auth-Token header", re: /x-auth-token\s*[:=]\s*\S+/i },
  { what: "an apiKey field with a value", re: /"apiKey"\s*:\s*"(?!\*\*\*)[^"]+"/ },
];

if (!fs.existsSync(DIR)) {
  const msg = "security scan: no end-to-end artifacts (the Pulumi CLI suites did not run)";
  if (process.env.RACKSPACE_REQUIRE_PULUMI_CLI === "1") {
    console.error(`${msg}: failing, CI requires them`);
    process.exit(1);
  }
  console.log(`${msg}: nothing to scan`);
  process.exit(0);
}

let files = 0;
let bytes = 0;
const findings = [];
for (const name of fs.readdirSync(DIR)) {
  const text = fs.readFileSync(path.join(DIR, name), "utf8");
  files++;
  bytes += text.length;
  text.split("\n").forEach((line, i) => {
    for (const c of CHECKS) if (c.re.test(line)) findings.push(`${name}:${i + 1}: ${c.what}`);
  });
}
console.log(`security scan: ${files} files, ${bytes} bytes of CLI output and state, ${findings.length} findings`);
for (const f of findings.slice(0, 20)) console.error(`  ${f}`);
process.exit(findings.length === 0 ? 0 : 1);
