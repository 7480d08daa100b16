#!/usr/bin/env node
/**
 * rackspace-ticketing-sim: turns command-line flags into SimulatorOptions (exit 2 on a bad flag) and runs a simulator until SIGINT/SIGTERM.
 *
 *   rackspace-ticketing-sim --port 8383 --data ./sim-state.json   (resources API on 8384)
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { startSimulator } from "./index";
import { checkRackerRules } from "./racker";
import { describeIssues, RackerRulesBody } from "./schemas";
import { DEFAULT_RACKER_APPROVAL, DEFAULT_USERS } from "./seed";
import type { RateLimits } from "./types/operations";
import type { SimQuirks, SimulatorOptions } from "./types/options";
import type { RackerRule } from "./types/racker";
import type { Simulator } from "./types/simulator";

export const DEFAULT_CLI_PORT = 8383;

export const USAGE = `Usage: rackspace-ticketing-sim [options]

Local simulator of the Rackspace Identity v2.0 and Ticketing v2 APIs, with
attachments and the resources API (on its own port).

Options:
  --port N                 port to listen on (default ${DEFAULT_CLI_PORT}; 0 = any free port)
  --resources-port N       port of the resources API (default: --port + 1, or any free port with --port 0)
  --host HOST              interface to bind (default 127.0.0.1; the admin API has no auth)
  --data FILE              keep tickets in this JSON file across restarts
  --window-ms N            rate-limit window in ms (default: $RACKSPACE_RATE_WINDOW_MS or 60000)
  --limit-create N         POST /tickets per window per token (default 1)
  --limit-patch N          PATCH/PUT /tickets/{id} per window per token (default 5)
  --limit-comment N        POST /tickets/{id}/comments per window per token (default 5)
  --limit-read N           GETs per window per token (default 60)
  --limit-attachment N     POST /attachment per window per token (default 5)
  --limit-resources N      GETs on the resources port per window per token (default 60)
  --rate-limit-scope user|token|account  whose budget a request draws from (default token; user: all tokens of a user share it; account: per account, as documented)
  --attachment-ttl-ms N    how long an upload URL accepts the file (default 600000 = 10 min)
  --token-lifetime-ms N    token lifetime in ms (default 86400000 = 24 h)
  --patch-status 200|204   success status of PATCH (default 204)
  --comment-status 200|204 success status of POST comments (default 204)
  --create-status 200|201  success status of POST /tickets (default 200)
  --remap-subcategory      remap a subcategory not allowed for the account instead of 400
  --racker-approve-after N every new ticket gets, N ms after its creation, the Racker comment
                           "${DEFAULT_RACKER_APPROVAL.comment}" and status "${DEFAULT_RACKER_APPROVAL.status}"
  --racker-rules FILE      Racker rules from a JSON file: [{"match": {"subject": "REGEX", "category": "NAME"},
                           "afterMs": N, "comment": "...", "status": "...", "name": "..."}, ...] (or {"rules": [...]});
                           each matching new ticket gets each rule's action afterMs after its creation
                           (match optional; subject is a case-insensitive regex; comment and/or status)
  --quiet                  do not print a line per request
  --help                   show this help
`;

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

export interface CliResult {
  /** 0 on success (including --help), 2 on a usage error, 1 if the simulator could not start. */
  exitCode: number;
  /** The running simulator, when one was started. The caller closes it. */
  simulator?: Simulator;
}

const consoleIO: CliIO = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

class UsageError extends Error {}

function int(name: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`--${name} must be a whole number, got '${raw}'`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function oneOf<T extends number>(name: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw) as T;
  if (!allowed.includes(n)) throw new UsageError(`--${name} must be ${allowed.join(" or ")}, got '${raw}'`);
  return n;
}

/** Parses command-line arguments into simulator options (exported for tests). */
export function parseCli(argv: string[]): { help: boolean; quiet: boolean; options: SimulatorOptions } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        "resources-port": { type: "string" },
        host: { type: "string" },
        data: { type: "string" },
        "window-ms": { type: "string" },
        "limit-create": { type: "string" },
        "limit-patch": { type: "string" },
        "limit-comment": { type: "string" },
        "limit-read": { type: "string" },
        "rate-limit-scope": { type: "string" },
        "limit-attachment": { type: "string" },
        "limit-resources": { type: "string" },
        "attachment-ttl-ms": { type: "string" },
        "token-lifetime-ms": { type: "string" },
        "patch-status": { type: "string" },
        "comment-status": { type: "string" },
        "create-status": { type: "string" },
        "remap-subcategory": { type: "boolean" },
        "racker-approve-after": { type: "string" },
        "racker-rules": { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const limits: Partial<RateLimits> = {};
  const setLimit = (k: keyof RateLimits, raw: string | undefined) => {
    const n = int(`limit-${k}`, raw, 0);
    if (n !== undefined) limits[k] = n;
  };
  setLimit("create", values["limit-create"]);
  setLimit("patch", values["limit-patch"]);
  setLimit("comment", values["limit-comment"]);
  setLimit("read", values["limit-read"]);
  setLimit("attachment", values["limit-attachment"]);
  setLimit("resources", values["limit-resources"]);
  const scope = values["rate-limit-scope"];
  if (scope !== undefined && scope !== "user" && scope !== "token" && scope !== "account") throw new UsageError(`--rate-limit-scope must be user, token or account, got ${JSON.stringify(scope)}`);
  const quirks: SimQuirks = {};
  const patchStatus = oneOf("patch-status", values["patch-status"], [200, 204] as const);
  const commentStatus = oneOf("comment-status", values["comment-status"], [200, 204] as const);
  const createStatus = oneOf("create-status", values["create-status"], [200, 201] as const);
  if (patchStatus !== undefined) quirks.patchStatus = patchStatus;
  if (commentStatus !== undefined) quirks.commentStatus = commentStatus;
  if (createStatus !== undefined) quirks.createStatus = createStatus;
  if (values["remap-subcategory"]) quirks.remapSubcategory = true;

  const port = int("port", values.port, 0, 65535) ?? DEFAULT_CLI_PORT;
  const options: SimulatorOptions = {
    host: values.host ?? "127.0.0.1",
    port,
    limits,
    ...(scope ? { rateLimitScope: scope } : {}),
    quirks,
  };
  // A fixed --port gets a fixed resources port next to it, so RACKSPACE_RESOURCES_URL can stay put.
  const resourcesPort = int("resources-port", values["resources-port"], 0, 65535) ?? (port !== 0 && port < 65535 ? port + 1 : undefined);
  if (resourcesPort !== undefined) options.resourcesPort = resourcesPort;
  const ttl = int("attachment-ttl-ms", values["attachment-ttl-ms"], 1);
  if (ttl !== undefined) options.attachmentTtlMs = ttl;
  if (values.data !== undefined) options.dataFile = values.data;
  const windowMs = int("window-ms", values["window-ms"], 1);
  if (windowMs !== undefined) options.windowMs = windowMs;
  const lifetime = int("token-lifetime-ms", values["token-lifetime-ms"], 1);
  if (lifetime !== undefined) options.tokenLifetimeMs = lifetime;
  const racker = [...rackerRulesFile(values["racker-rules"])];
  const approveAfter = int("racker-approve-after", values["racker-approve-after"], 0, 2_147_483_647);
  if (approveAfter !== undefined) racker.push({ afterMs: approveAfter, ...DEFAULT_RACKER_APPROVAL });
  if (racker.length > 0) options.racker = racker;
  return { help: values.help === true, quiet: values.quiet === true, options };
}

/** The rules of a --racker-rules file (none without one); a UsageError says what is wrong with it. */
function rackerRulesFile(file: string | undefined): RackerRule[] {
  if (file === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`--racker-rules ${file}: ${(e as Error).message}`);
  }
  const parsed = RackerRulesBody.safeParse(json);
  if (!parsed.success) throw new UsageError(`--racker-rules ${file}: ${describeIssues(parsed.error)}`);
  return checkRackerRules((Array.isArray(parsed.data) ? parsed.data : parsed.data.rules) as RackerRule[]);
}

function isLoopback(host: string | undefined): boolean {
  return host === undefined || host === "localhost" || host === "::1" || /^127\./.test(host);
}

/**
 * Runs the CLI in-process: parses `argv` (without node and script), starts the simulator and
 * prints its URLs. Returns the running simulator; the caller (or the signal handlers of the
 * bin) closes it.
 */
export async function main(argv: string[], io: CliIO = consoleIO): Promise<CliResult> {
  let parsed;
  try {
    parsed = parseCli(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`rackspace-ticketing-sim: ${e.message}`);
    io.err("Run with --help for usage.");
    return { exitCode: 2 };
  }
  if (parsed.help) {
    io.out(USAGE.trimEnd());
    return { exitCode: 0 };
  }
  const options: SimulatorOptions = { ...parsed.options };
  if (!parsed.quiet) options.logger = (line) => io.out(`${new Date().toISOString()} ${line}`);

  let sim: Simulator;
  try {
    sim = await startSimulator(options);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { port?: number };
    const resourcesBusy = err.port !== undefined && err.port === options.resourcesPort && err.port !== options.port;
    const hint =
      err.code !== "EADDRINUSE"
        ? ""
        : resourcesBusy
          ? ` (port ${options.resourcesPort} for the resources API is in use; pick another with --resources-port, or --resources-port 0)`
          : ` (port ${options.port} is in use; pick another with --port, or --port 0)`;
    io.err(`rackspace-ticketing-sim: cannot start: ${err.message}${hint}`);
    return { exitCode: 1 };
  }
  const { windowMs, limits } = sim.getLimits();
  const demo = DEFAULT_USERS[0];
  io.out(`Rackspace simulator listening on ${sim.url}`);
  io.out(`  identity:  ${sim.identityUrl}  (POST /v2.0/tokens)`);
  io.out(`  ticketing: ${sim.ticketingUrl}`);
  io.out(`  resources: ${sim.resourcesUrl}  (GET /resources, its own port)`);
  io.out(`  admin:     ${sim.url}/_sim/`);
  io.out(`  credentials: username "${demo.username}", API key "${demo.apiKey}"`);
  io.out(
    `  rate limits per ${windowMs} ms: create ${limits.create}, patch ${limits.patch}, comment ${limits.comment}, read ${limits.read}, attachment ${limits.attachment}, resources ${limits.resources}`,
  );
  const rules = sim.rackerRules();
  if (rules.length > 0) {
    io.out(`  racker rules: ${rules.map((r) => `${r.match ? `${JSON.stringify(r.match)} ` : "every ticket "}after ${r.afterMs} ms → ${[r.comment && JSON.stringify(r.comment), r.status && `status ${r.status}`].filter(Boolean).join(" + ")}`).join("; ")}`);
  }
  io.out(options.dataFile ? `  data file: ${options.dataFile}` : "  data: in memory (use --data FILE to keep tickets)");
  io.out(
    `  env: RACKSPACE_IDENTITY_URL=${sim.identityUrl} RACKSPACE_TICKETING_URL=${sim.ticketingUrl} RACKSPACE_USERNAME=${demo.username} RACKSPACE_API_KEY=${demo.apiKey} RACKSPACE_RESOURCES_URL=${sim.resourcesUrl}`,
  );
  if (!isLoopback(options.host)) io.err(`warning: listening on ${options.host}: the /_sim/ admin API has no authentication`);
  return { exitCode: 0, simulator: sim };
}

/** The bin entry point: run until SIGINT/SIGTERM, then close and exit. */
export async function run(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { exitCode, simulator } = await main(argv);
  if (!simulator) {
    process.exitCode = exitCode;
    return;
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the simulator\n`);
    // Force the exit if closing takes too long.
    setTimeout(() => process.exit(0), 3000).unref();
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  run().catch((e: unknown) => {
    process.stderr.write(`rackspace-ticketing-sim: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
