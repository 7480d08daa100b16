/**
 * Fleet-wide pacing through Redis (opt-in: `rackspace:rateLimitRedisUrl`): no window of W ms holds more than N slot starts for one account and operation class, across every process sharing the Redis.
 *
 * The API's limits are per account, but many CI runners deploy at once and the in-process
 * limiter (./limiter) cannot see the other processes. With a Redis URL set, every process using
 * the same ticketing URL + account (or credential, when no account is known) + operation class
 * draws send times from one grid of slots kept in Redis (./slot-grid): a caller claims the first
 * free slot k ≥ ceil(redisNow / S) with rate-limiter-flexible's RateLimiterRedis (1 point per
 * slot key), skipping taken ones, and sends when its slot starts.
 *
 * RateLimiterRedis is used as an atomic "claim this slot once" primitive, not as a
 * fixed-window limiter: its whole-second windows would let 2N requests through around a
 * window boundary, which a sliding-window server answers with 429.
 *
 * Redis is a helper, never a dependency of a deployment (./redis-coordinator): a failure falls
 * back to in-process pacing with one warning per process, and a quiet background reconnect
 * resumes fleet-wide pacing. Only host:port of the URL is ever printed (./redis-url).
 */
import type { Redis as RedisClient } from "ioredis";
import type { RateLimiterRedis as RateLimiterRedisType } from "rate-limiter-flexible";
import { PacingLog, RedisCoordinator } from "./redis-coordinator";
import { firstSlotIndex, LATE_TOLERANCE_MS, SLOT_KEY_SLACK_S, slotKeyPrefix, slotSpacingMs, slotStartMs, slotTtlSeconds } from "./slot-grid";

export { checkRedisUrl, describeRedisError, redactRedisUrl } from "./redis-url";
export { clockOffsetMs, firstSlotIndex, fleetMargin, LATE_TOLERANCE_MS, redisTimeMs, SLOT_KEY_SLACK_S, slotKeyPrefix, slotSpacingMs, slotStartMs, slotTtlSeconds } from "./slot-grid";
export { CONNECT_BUDGET_MS, RECALIBRATE_MS, RECONNECT_MAX_MS, RECONNECT_MIN_MS, REDIS_OPTIONS, RedisCoordinator } from "./redis-coordinator";
export type { CoordinatorStatus, PacingLog } from "./redis-coordinator";

/** Slots a caller looks at before giving up on the grid for one request (it is then paced in-process). */
export const MAX_LOOKAHEAD = 4_096;
/** Slots probed per round trip once the first candidate was taken. */
export const PROBE_BATCH = 16;
/** Slots a caller woken too late gives up before sending anyway. */
export const MAX_LATE_ROUNDS = 3;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type RateLimiterFlexible = typeof import("rate-limiter-flexible");

/** Loaded on first use only: without a Redis URL it is never required. */
function rateLimiterFlexible(): RateLimiterFlexible {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("rate-limiter-flexible") as RateLimiterFlexible;
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
      if (Date.now() - slot.startsAt <= LATE_TOLERANCE_MS || round >= MAX_LATE_ROUNDS) return slot;
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
