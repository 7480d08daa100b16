/**
 * Fleet-wide pacing through Redis (opt-in: `rackspace:rateLimitRedisUrl`).
 *
 * The API's limits are per account, but many CI runners deploy at once and the
 * in-process limiter (./limiter) cannot see the other processes. With a Redis URL set,
 * every process using the same ticketing URL + account (or credential, when no account is
 * known) + operation class draws send
 * times from one grid of slots kept in Redis:
 *
 * - the server allows N requests per sliding window W; slots are S = (W + margin) / N ms
 *   apart (margin = defaultMargin(W)), so any N + 1 consecutive slots span W + margin and
 *   no window of length W ever holds more than N of them;
 * - slot k starts at k·S on Redis's own clock (read with TIME, so the runners' clock skew
 *   does not matter); a caller claims the first free slot k ≥ ceil(redisNow / S) with
 *   rate-limiter-flexible's RateLimiterRedis (1 point per slot key), skipping taken ones,
 *   and sends when its slot starts.
 *
 * RateLimiterRedis is used as an atomic "claim this slot once" primitive, not as a
 * fixed-window limiter: its whole-second windows would let 2N requests through around a
 * window boundary, which a sliding-window server answers with 429.
 *
 * Redis is a helper, never a dependency of a deployment: ioredis is loaded only when the
 * setting is on; a failure (unreachable at start, a command error or timeout later) falls
 * back to in-process pacing with one warning per process, and a quiet background
 * reconnect resumes fleet-wide pacing. The URL may carry a password: only host:port is
 * ever printed, and nothing but a SHA-256 of the limiter key is stored in Redis.
 */
import { createHash } from "node:crypto";
import type { Redis as RedisClient, RedisOptions } from "ioredis";
import type { RateLimiterRedis as RateLimiterRedisType } from "rate-limiter-flexible";
import { defaultMargin, rateLimitProblem } from "./limiter";

// ---------------------------------------------------------------------------
// Pure parts: slot math, keys, URL checks and redaction
// ---------------------------------------------------------------------------

/** Spacing of the fleet-wide slots: S = (W + margin) / N ms, so that any W holds at most N sends. */
export function slotSpacingMs(windowMs: number, limit: number): number {
  const problem = rateLimitProblem(limit);
  if (problem) throw new RangeError(problem);
  if (!Number.isFinite(windowMs) || windowMs < 1) throw new RangeError(`rate window must be ≥ 1 ms, got ${windowMs}`);
  return (windowMs + defaultMargin(windowMs)) / limit;
}

/** The first slot a caller may claim at `redisNowMs`: the first one that has not started yet (or starts right now). */
export function firstSlotIndex(redisNowMs: number, spacingMs: number): number {
  return Math.ceil(redisNowMs / spacingMs);
}

/** When slot `k` starts, in ms on Redis's clock. */
export function slotStartMs(k: number, spacingMs: number): number {
  return k * spacingMs;
}

/** Seconds of slack kept on a slot key after its slot ended (cleanup only). */
export const SLOT_KEY_SLACK_S = 5;

/**
 * TTL of a slot key, in whole seconds: until the slot has ended, plus a few seconds.
 * A slot claimed far ahead (a long queue) must stay claimed until it starts, or another
 * runner could claim it again once the key expired.
 */
export function slotTtlSeconds(k: number, spacingMs: number, redisNowMs: number): number {
  const untilEnd = slotStartMs(k + 1, spacingMs) - redisNowMs;
  return Math.max(1, Math.ceil(untilEnd / 1000)) + SLOT_KEY_SLACK_S;
}

/**
 * Key prefix of one grid in Redis. The limiter key (`${ticketingUrl}|account:${accountId}|${cls}`,
 * or `${ticketingUrl}|${credentialId}|${cls}`, which may name the user) goes in as its SHA-256
 * only; the spacing is part of it, so runners configured with different limits do not misread
 * each other's slots.
 */
export function slotKeyPrefix(limiterKey: string, spacingMs: number): string {
  const hash = createHash("sha256").update(limiterKey).digest("hex");
  return `rackspace-ticketing:pace:v1:${hash}:${Number(spacingMs.toFixed(3))}`;
}

/** Redis's TIME reply ([seconds, microseconds]) in ms. */
export function redisTimeMs(reply: readonly (string | number)[]): number {
  const [s, us] = reply;
  const ms = Number(s) * 1000 + Number(us) / 1000;
  if (!Number.isFinite(ms)) throw new Error("Redis answered TIME with something that is not a time");
  return ms;
}

/**
 * The offset of Redis's clock from the local one (redis − local), from one TIME round trip
 * that left at `sentAt` and came back at `receivedAt` (local ms): Redis read its clock
 * somewhere in between, best estimated at the midpoint.
 */
export function clockOffsetMs(sentAt: number, receivedAt: number, redisMs: number): number {
  return redisMs - (sentAt + receivedAt) / 2;
}

const NOT_SHOWN = "the value is not repeated here: it may hold a password";

/**
 * Checks a Redis URL: redis:// or rediss:// with a host. Error messages never echo the
 * value (it may carry a password).
 */
export function checkRedisUrl(name: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new RangeError(`${name} must be a redis:// or rediss:// URL; this one does not parse (${NOT_SHOWN})`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new RangeError(`${name} must be a redis:// or rediss:// URL, not ${/^[a-z][a-z0-9+.-]*:$/i.test(u.protocol) ? u.protocol : "another scheme"} (${NOT_SHOWN})`);
  }
  if (!u.hostname) throw new RangeError(`${name} must name a host, as in redis://host:6379 (${NOT_SHOWN})`);
  return value;
}

/** host:port of a Redis URL, the only part of it ever printed (no user, no password, no database). */
export function redactRedisUrl(value: string): string {
  try {
    const u = new URL(value);
    return `${u.hostname}:${u.port || "6379"}`;
  } catch {
    return "(an unparseable URL)";
  }
}

/**
 * One line about a Redis failure, safe to print: the first line of the message, with the
 * URL, user and password scrubbed should a driver ever echo them.
 */
export function describeRedisError(e: unknown, url: string): string {
  let text = (e instanceof Error ? e.message : String(e)).split("\n")[0].trim() || "unknown error";
  const secrets = [url];
  try {
    const u = new URL(url);
    for (const s of [u.password, u.username]) {
      if (!s) continue;
      secrets.push(s);
      try {
        secrets.push(decodeURIComponent(s));
      } catch {
        // not percent-encoded
      }
    }
  } catch {
    // an unparseable URL: scrub the whole value only
  }
  for (const s of secrets.filter((x) => x.length >= 3).sort((a, b) => b.length - a.length)) text = text.split(s).join("***");
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

// ---------------------------------------------------------------------------
// The connection (one per process per URL) and the grids (one per limiter key)
// ---------------------------------------------------------------------------

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
/** Slots a caller looks at before giving up on the grid for one request (it is then paced in-process). */
export const MAX_LOOKAHEAD = 4_096;
/** Slots probed per round trip once the first candidate was taken. */
export const PROBE_BATCH = 16;
/** Slots a caller woken too late gives up before sending anyway. */
export const MAX_LATE_ROUNDS = 3;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

type Ioredis = typeof import("ioredis");
type RateLimiterFlexible = typeof import("rate-limiter-flexible");

/** Loaded on first use only: without a Redis URL neither module is ever required. */
function ioredis(): Ioredis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("ioredis") as Ioredis;
}

function rateLimiterFlexible(): RateLimiterFlexible {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("rate-limiter-flexible") as RateLimiterFlexible;
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

  constructor(
    private readonly url: string,
    private readonly notices: { warned: boolean; recovered: boolean; log: PacingLog },
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

  /** Redis's clock now, in ms (local clock + the measured offset). */
  redisNow(): number {
    return Date.now() + this.offsetMs;
  }

  /** A time on Redis's clock as a local Date.now() value. */
  toLocal(redisMs: number): number {
    return redisMs - this.offsetMs;
  }

  /** The connected client when Redis can be used now; undefined (at once) when it is down. */
  async ready(): Promise<RedisClient | undefined> {
    if (this.state === "ready" && this.client) {
      if (Date.now() - this.calibratedAt > RECALIBRATE_MS) {
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
    const now = Date.now();
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
      const sentAt = Date.now();
      const reply = await this.run(() => client.time());
      const receivedAt = Date.now();
      const sample = { rtt: receivedAt - sentAt, offset: clockOffsetMs(sentAt, receivedAt, redisTimeMs(reply)) };
      if (!best || sample.rtt < best.rtt) best = sample;
    }
    this.calibratedAt = Date.now();
    if (!best || (refresh && best.rtt > Math.max(2 * this.bestRttMs, 5))) return;
    this.offsetMs = best.offset;
    if (!refresh || best.rtt < this.bestRttMs) this.bestRttMs = best.rtt;
  }
}

/** A claimed slot: its index and when it starts (local Date.now() ms). */
export interface ClaimedSlot {
  index: number;
  startsAt: number;
}

/**
 * One fleet-wide grid: the slots of one limiter key (endpoint + account or credential + class).
 * In-process callers claim one at a time (the local limiter in front already orders them).
 */
export class SharedPacer {
  private spacing = 1;
  private prefix = "";
  /** How late a send may leave after its slot started: half the margin the slots carry. */
  private lateToleranceMs = 0;
  private store?: RateLimiterRedisType;
  /** Slots known to be taken (ours or seen taken), so they are not asked about again. */
  private readonly taken = new Set<number>();
  private claiming: Promise<void> = Promise.resolve();

  constructor(
    readonly coordinator: RedisCoordinator,
    private readonly limiterKey: string,
    settings: { limit: number; windowMs: number },
  ) {
    this.update(settings);
  }

  /** Adopts new limits (the newest configuration in the process wins, as for the local limiter). */
  update(settings: { limit: number; windowMs: number }): void {
    const spacing = slotSpacingMs(settings.windowMs, settings.limit);
    this.lateToleranceMs = defaultMargin(settings.windowMs) / 2;
    if (spacing === this.spacing && this.prefix) return;
    this.spacing = spacing;
    this.prefix = slotKeyPrefix(this.limiterKey, spacing);
    this.store = undefined;
    this.taken.clear();
  }

  get spacingMs(): number {
    return this.spacing;
  }

  get keyPrefix(): string {
    return this.prefix;
  }

  /** Whether the grid is in use (Redis not known to be down). */
  get active(): boolean {
    return this.coordinator.usable;
  }

  /**
   * Claims the next free slot and resolves when it starts, or with undefined when Redis
   * cannot be used (the caller then paces in-process only). `onWait` is told the wait for
   * the slot up front when there is one.
   */
  async claim(onWait?: (waitMs: number) => void): Promise<ClaimedSlot | undefined> {
    for (let round = 1; ; round++) {
      const client = await this.coordinator.ready();
      if (!client) return undefined;
      let slot: ClaimedSlot | undefined;
      const previous = this.claiming;
      let release = () => {};
      this.claiming = new Promise<void>((resolve) => (release = resolve));
      try {
        await previous;
        slot = await this.claimNext(client);
      } catch (e) {
        this.coordinator.fail(e);
        return undefined;
      } finally {
        release();
      }
      if (!slot) return undefined;
      const wait = slot.startsAt - Date.now();
      if (wait > 0) {
        if (round === 1) onWait?.(wait);
        await sleep(wait);
      }
      // Woken (or answered) so late that the send could land in the next slot's window: a
      // starved event loop. The slot is given up (it stays taken) and a later one claimed,
      // rather than risking a 429; after a few rounds the request goes anyway (a 429 is retried).
      if (Date.now() - slot.startsAt <= this.lateToleranceMs || round >= MAX_LATE_ROUNDS) return slot;
    }
  }

  private limiter(client: RedisClient): RateLimiterRedisType {
    if (!this.store) {
      const { RateLimiterRedis } = rateLimiterFlexible();
      this.store = new RateLimiterRedis({
        storeClient: client,
        keyPrefix: this.prefix,
        points: 1,
        // The default TTL; each claim sets its own (until the slot has ended, plus slack).
        duration: Math.ceil(this.spacing / 1000) + SLOT_KEY_SLACK_S,
        rejectIfRedisNotReady: true,
      });
    }
    return this.store;
  }

  /** Walks the grid from the first slot not started yet to the first free one, and claims it. */
  private async claimNext(client: RedisClient): Promise<ClaimedSlot | undefined> {
    const store = this.limiter(client);
    const { RateLimiterRes } = rateLimiterFlexible();
    const s = this.spacing;
    const first = firstSlotIndex(this.coordinator.redisNow(), s);
    for (const k of this.taken) if (k < first - 1) this.taken.delete(k);
    let k = first;
    let looked = 0;
    while (looked < MAX_LOOKAHEAD) {
      k = Math.max(k, firstSlotIndex(this.coordinator.redisNow(), s));
      if (this.taken.has(k)) {
        k++;
        continue;
      }
      looked++;
      const ttl = slotTtlSeconds(k, s, this.coordinator.redisNow());
      try {
        await this.coordinator.run(() => store.consume(String(k), 1, { customDuration: ttl }));
        this.taken.add(k);
        return { index: k, startsAt: this.coordinator.toLocal(slotStartMs(k, s)) };
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) throw e;
        this.taken.add(k);
      }
      // Taken: look at the next slots in one round trip, then claim the first free one.
      const candidates: number[] = [];
      for (let i = k + 1; candidates.length < PROBE_BATCH; i++) if (!this.taken.has(i)) candidates.push(i);
      const seen = await this.coordinator.run(() => Promise.all(candidates.map((i) => store.get(String(i)))));
      looked += candidates.length;
      const free = candidates.find((_, j) => seen[j] === null);
      candidates.forEach((i, j) => {
        if (seen[j] !== null) this.taken.add(i);
      });
      k = free ?? candidates[candidates.length - 1] + 1;
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// Process-wide registry
// ---------------------------------------------------------------------------

interface Registry {
  coordinators: Map<string, RedisCoordinator>;
  pacers: Map<string, SharedPacer>;
  notices: { warned: boolean; recovered: boolean; log: PacingLog };
}

const REGISTRY_KEY = Symbol.for("pulumi-rackspace-ticketing.shared-pacing.v1");

const stderrLog: PacingLog = (line) => {
  process.stderr.write(`${line}\n`);
};

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  let r = g[REGISTRY_KEY];
  if (!r) {
    r = { coordinators: new Map(), pacers: new Map(), notices: { warned: false, recovered: false, log: stderrLog } };
    g[REGISTRY_KEY] = r;
  }
  return r;
}

/** The process's connection for a Redis URL (one per URL, shared by every client). */
export function sharedCoordinator(url: string): RedisCoordinator {
  const r = registry();
  let c = r.coordinators.get(url);
  if (!c) {
    c = new RedisCoordinator(url, r.notices);
    r.coordinators.set(url, c);
  }
  return c;
}

/**
 * The process-wide fleet pacer for `limiterKey` (endpoint + account or credential + class) through
 * the Redis at `url`. Created on first use; later callers with other limits update it.
 */
export function sharedPacer(url: string, limiterKey: string, settings: { limit: number; windowMs: number }): SharedPacer {
  const r = registry();
  const key = `${url}\n${limiterKey}`;
  let p = r.pacers.get(key);
  if (!p) {
    p = new SharedPacer(sharedCoordinator(url), limiterKey, settings);
    r.pacers.set(key, p);
  } else {
    p.update(settings);
  }
  return p;
}

/** Where the one-per-process warnings go (default stderr); returns the previous sink. Tests only. */
export function setSharedPacingLog(log: PacingLog): PacingLog {
  const r = registry();
  const previous = r.notices.log;
  r.notices.log = log;
  return previous;
}

/** Closes every Redis connection and forgets every grid and warning (tests and benchmarks only). */
export async function resetSharedPacing(): Promise<void> {
  const r = registry();
  const closing = [...r.coordinators.values()].map((c) => c.close());
  r.coordinators.clear();
  r.pacers.clear();
  r.notices.warned = false;
  r.notices.recovered = false;
  await Promise.all(closing);
}
