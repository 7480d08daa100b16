/**
 * The Redis connection of one process for one URL: connects lazily, measures Redis's clock offset, and on any failure falls back (status "down", one warning per process) and reconnects quietly in the background.
 *
 * Redis is a helper, never a dependency of a deployment: ioredis is loaded only when the
 * setting is on, and neither its socket nor its timers keep a finished process alive.
 *
 * Two clocks, and no wall clock of this process: the schedule's times are Redis's (TIME, read by
 * Redis itself, the one clock every runner shares), and this process maps them onto its own
 * monotonic clock (./clock) through the measured offset. No local time is ever sent to Redis or
 * another runner, so none needs to be comparable across processes; and a wall-clock step here
 * (NTP, a VM resumed) moves no send time. The offset is measured again every minute, and at once
 * when a pacing reply's Redis time does not fit its own round trip (this process was suspended, or
 * Redis's clock stepped).
 */
import type { Redis as RedisClient, RedisOptions } from "ioredis";
import { monotonicNow } from "./clock";
import { redactRedisUrl, describeRedisError } from "./redis-url";
import { clockOffsetMs, FLEET_JITTER_MS, redisTimeMs } from "./pace-schedule";

/** ioredis settings: fail fast, never queue, never retry a command; reconnects are ours (unref'd timers). */
export const REDIS_OPTIONS: Readonly<RedisOptions> = Object.freeze({
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 2_000,
  commandTimeout: 1_000,
  // ioredis's own reconnect timer would keep a finished process alive: we reconnect ourselves.
  retryStrategy: () => null,
  autoResubscribe: false,
});

/** Whole budget of an explicit connect (TCP, TLS, AUTH and the ready check). */
export const CONNECT_BUDGET_MS = 2_500;
/** Background reconnect delays after a failure: 1 s, doubling, at most 30 s. */
export const RECONNECT_MIN_MS = 1_000;
export const RECONNECT_MAX_MS = 30_000;
/** Redis's clock offset is measured again after this long. */
export const RECALIBRATE_MS = 60_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

type Ioredis = typeof import("ioredis");

/** Loaded on first use only: without a Redis URL it is never required. */
function ioredis(): Ioredis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("ioredis") as Ioredis;
}

export type CoordinatorStatus = "idle" | "connecting" | "ready" | "down" | "closed";

/** Where warnings go (stderr, like the provider's progress lines; the engine shows them). */
export type PacingLog = (line: string) => void;

/**
 * The Redis connection of this process for one URL: connects lazily, measures Redis's
 * clock offset, and falls back (status "down") on any failure, warning once per process.
 */
export class RedisCoordinator {
  private state: CoordinatorStatus = "idle";
  private client?: RedisClient;
  private opening?: Promise<boolean>;
  /** Redis's clock minus this process's monotonic clock (ms). */
  private offsetMs = 0;
  private bestRttMs = Infinity;
  private calibratedAt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectAttempts = 0;
  private inflight = 0;
  private lastError?: string;
  private lastErrorAt = 0;
  /** host:port, the only part of the URL ever printed. */
  readonly where: string;

  /**
   * @param now This process's clock (default the monotonic one): send times are handed out on it, and the offset, the recalibration and the error notes are measured with it.
   */
  constructor(
    private readonly url: string,
    private readonly notices: { warned: boolean; recovered: boolean; log: PacingLog },
    readonly now: () => number = monotonicNow,
  ) {
    this.where = redactRedisUrl(url);
  }

  get status(): CoordinatorStatus {
    return this.state;
  }

  /** False once Redis failed (until it answers again): callers then pace in-process only. */
  get usable(): boolean {
    return this.state === "idle" || this.state === "connecting" || this.state === "ready";
  }

  /** Redis's clock now, in ms (this process's clock + the measured offset). */
  redisNow(): number {
    return this.now() + this.offsetMs;
  }

  /** A time on Redis's clock as a time on this process's clock (`now()`). */
  toLocal(redisMs: number): number {
    return redisMs - this.offsetMs;
  }

  /**
   * A Redis time read during a round trip that left at `sentAt` and came back at `receivedAt`
   * (this process's clock), e.g. a pacing reply's: when the offset places it outside that round
   * trip by more than the offset's own error (half the best round trip) plus FLEET_JITTER_MS, the
   * offset is stale (this process was suspended, or Redis's clock stepped). It is then taken from
   * this reply at once, and measured again before the next claim. Returns whether it was stale.
   */
  observe(sentAt: number, receivedAt: number, redisMs: number): boolean {
    const local = this.toLocal(redisMs);
    const slack = this.bestRttMs / 2 + FLEET_JITTER_MS;
    if (local >= sentAt - slack && local <= receivedAt + slack) return false;
    this.offsetMs = clockOffsetMs(sentAt, receivedAt, redisMs);
    this.bestRttMs = receivedAt - sentAt;
    this.calibratedAt = -Infinity;
    return true;
  }

  /** The connected client when Redis can be used now; undefined (at once) when it is down. */
  async ready(): Promise<RedisClient | undefined> {
    if (this.state === "ready" && this.client) {
      if (this.now() - this.calibratedAt > RECALIBRATE_MS) {
        try {
          await this.calibrate(1, true);
        } catch (e) {
          this.fail(e);
          return undefined;
        }
      }
      return this.client;
    }
    if (this.state !== "idle" && this.state !== "connecting") return undefined;
    this.opening ??= this.open(false);
    return (await this.opening) ? this.client : undefined;
  }

  /** Runs one Redis operation with the socket referenced (idle, it does not keep the process alive). */
  async run<T>(op: () => Promise<T>): Promise<T> {
    if (this.inflight++ === 0) this.client?.stream?.ref?.();
    try {
      return await op();
    } finally {
      if (--this.inflight === 0) this.client?.stream?.unref?.();
    }
  }

  /** Any Redis failure: fall back to in-process pacing (one warning per process), reconnect in the background. */
  fail(e: unknown): void {
    if (this.state === "closed") return;
    this.noteError(e, true);
    if (this.state === "down") return;
    this.state = "down";
    if (!this.notices.warned) {
      this.notices.warned = true;
      this.notices.log(
        `rackspace: shared rate limiting via Redis at ${this.where} is unreachable (${this.lastError}); pacing in this process only until it answers again. ` +
          "Other runners may see 429s, which are retried.",
      );
    }
    this.hangUp();
    this.scheduleReconnect();
  }

  /**
   * Remembers a failure, safe to print. ioredis reports why a connection dropped (a refused
   * AUTH, a reset) in an 'error' event and then fails the pending calls with a bare
   * "Connection is closed.": the event's reason is kept when it is recent.
   */
  private noteError(e: unknown, fromCall: boolean): void {
    const text = describeRedisError(e, this.url);
    const now = this.now();
    if (fromCall && /^Connection is closed\.?$/.test(text) && this.lastError && now - this.lastErrorAt < 5_000) return;
    this.lastError = text;
    this.lastErrorAt = now;
  }

  /** Drops the connection, if it is not closed already (ioredis would leave a 2 s timer behind otherwise). */
  private hangUp(): void {
    const c = this.client;
    if (c && c.status !== "end" && c.status !== "wait") c.disconnect();
  }

  /** Closes the connection for good (tests, benchmarks). */
  async close(): Promise<void> {
    this.state = "closed";
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const c = this.client;
    if (!c || c.status === "end") return;
    const ended = new Promise<void>((resolve) => c.once("end", () => resolve()));
    c.disconnect();
    await withTimeout(ended, 1_000, "closing the Redis connection").catch(() => undefined);
  }

  private ensureClient(): RedisClient {
    if (this.client) return this.client;
    const Redis = ioredis().default;
    const c = new Redis(this.url, { ...REDIS_OPTIONS });
    // Errors are answered where they surface (a failed command or connect); none is left unhandled.
    c.on("error", (e: unknown) => this.noteError(e, false));
    c.on("connect", () => {
      if (this.inflight === 0) c.stream?.unref?.();
    });
    c.on("end", () => {
      if (this.state === "ready") this.fail(new Error("Connection is closed."));
    });
    this.client = c;
    return c;
  }

  /** Connects and measures the clock offset; `retry` marks a background reconnect (status stays "down" meanwhile). */
  private async open(retry: boolean): Promise<boolean> {
    if (!retry) this.state = "connecting";
    try {
      const client = this.ensureClient();
      this.hangUp();
      await this.run(() => withTimeout(client.connect(), CONNECT_BUDGET_MS, "connecting"));
      await this.calibrate(3);
      if (this.state === "closed") return false;
      this.state = "ready";
      this.reconnectAttempts = 0;
      if (retry && !this.notices.recovered) {
        this.notices.recovered = true;
        this.notices.log(`rackspace: shared rate limiting via Redis at ${this.where} answers again; pacing across runners again.`);
      }
      return true;
    } catch (e) {
      if (retry) {
        this.noteError(e, true);
        this.hangUp();
        this.scheduleReconnect();
      } else {
        this.fail(e);
      }
      return false;
    } finally {
      if (!retry) this.opening = undefined;
    }
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.state === "closed") return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.reconnectAttempts++);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.state === "down") void this.open(true);
    }, delay);
    // A reconnect never keeps a finished process alive.
    this.reconnectTimer.unref();
  }

  /**
   * Measures Redis's clock offset: the sample with the shortest round trip wins. A periodic
   * `refresh` keeps the current offset when its one sample took much longer than the best
   * (a slow round trip makes a poor estimate).
   */
  private async calibrate(samples: number, refresh = false): Promise<void> {
    const client = this.client;
    if (!client) throw new Error("not connected");
    let best: { rtt: number; offset: number } | undefined;
    for (let i = 0; i < samples; i++) {
      const sentAt = this.now();
      const reply = await this.run(() => client.time());
      const receivedAt = this.now();
      const sample = { rtt: receivedAt - sentAt, offset: clockOffsetMs(sentAt, receivedAt, redisTimeMs(reply)) };
      if (!best || sample.rtt < best.rtt) best = sample;
    }
    this.calibratedAt = this.now();
    if (!best || (refresh && best.rtt > Math.max(2 * this.bestRttMs, 5))) return;
    this.offsetMs = best.offset;
    if (!refresh || best.rtt < this.bestRttMs) this.bestRttMs = best.rtt;
  }
}
