/**
 * Redis for the fleet-pacing tests: find `redis-server`, start one on a free loopback port
 * (no persistence), kill it (SIGKILL, as a crash) or stop it. Every child is spawned
 * asynchronously: the simulator answers from this process's event loop.
 *
 * Without redis-server the suites skip with the reason; with RACKSPACE_REQUIRE_REDIS=1
 * (CI) they fail instead. RACKSPACE_TEST_REDIS_URL names a running Redis (CI starts one)
 * for the suites that do not need to kill theirs.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

/** Absolute path of redis-server on PATH, if any (a synchronous PATH scan, no child process). */
export function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, "redis-server");
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface RedisAvailability {
  /** redis-server's path, when tests may start their own. */
  binary?: string;
  /** A running Redis to use (RACKSPACE_TEST_REDIS_URL), when set. */
  sharedUrl?: string;
  /** Whether missing Redis must fail the suite (RACKSPACE_REQUIRE_REDIS=1). */
  required: boolean;
  /** Why the Redis suites cannot run, when they cannot. */
  reason?: string;
}

export function redisAvailability(): RedisAvailability {
  const binary = findRedisServer();
  const sharedUrl = process.env.RACKSPACE_TEST_REDIS_URL?.trim() || undefined;
  const required = process.env.RACKSPACE_REQUIRE_REDIS === "1";
  const reason = binary ? undefined : "redis-server is not on PATH (apt-get install redis-server, or set RACKSPACE_TEST_REDIS_URL and install it)";
  return { binary, sharedUrl, required, reason };
}

/** A free TCP port on loopback (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when something answers PING on `port` (+PONG, or -NOAUTH when a password is set). */
function answersPing(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: "127.0.0.1" });
    let data = "";
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once("error", () => done(false));
    sock.on("connect", () => sock.write("PING\r\n"));
    sock.on("data", (d) => {
      data += d.toString("utf8");
      if (/^[+-]/.test(data) && data.includes("\r\n")) done(/^\+PONG|^-NOAUTH/.test(data));
    });
  });
}

export interface RedisServer {
  port: number;
  /** redis://[:password@]127.0.0.1:port */
  url: string;
  child: ChildProcess;
  /** Everything redis-server printed (it logs to stdout). */
  output(): string;
  /** Kills the server with `signal` (default SIGKILL: a crash) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server (SIGTERM), if still running. */
  stop(): Promise<void>;
}

/** Starts redis-server on a free loopback port (or `port`) and waits until it answers. */
export async function startRedis(opts: { binary?: string; port?: number; password?: string; timeoutMs?: number } = {}): Promise<RedisServer> {
  const binary = opts.binary ?? findRedisServer();
  if (!binary) throw new Error("redis-server is not on PATH");
  const port = opts.port ?? (await freePort());
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no"];
  if (opts.password) args.push("--requirepass", opts.password);
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server exited (code ${child.exitCode}) before answering on port ${port}: ${out.slice(-500)}`);
    if (await answersPing(port)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`redis-server did not answer on port ${port} in time: ${out.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    port,
    url: `redis://${opts.password ? `:${encodeURIComponent(opts.password)}@` : ""}127.0.0.1:${port}`,
    child,
    output: () => out,
    kill: async (signal: NodeJS.Signals = "SIGKILL") => {
      if (running()) child.kill(signal);
      await exited;
    },
    stop: async () => {
      if (running()) child.kill("SIGTERM");
      await exited;
    },
  };
}
