/**
 * Fleet-wide pacing through Redis (opt-in: `rackspace:rateLimitRedisUrl`): no window of W ms holds more than N sends to one account and operation class, across every process sharing the Redis.
 *
 * The API's limits are per account, but many CI runners deploy at once and the in-process
 * limiter (./limiter) cannot see the other processes. With a Redis URL set, every process using
 * the same ticketing URL + account (or credential, when no account is known) + operation class
 * takes its send times from one GCRA schedule kept in Redis (./pace-schedule): one round trip,
 * one small Lua script, send times S apart on Redis's clock.
 *
 * Redis is a helper, never a dependency of a deployment (./redis-coordinator): a failure falls
 * back to in-process pacing with one warning per process, and a quiet background reconnect
 * resumes fleet-wide pacing. Only host:port of the URL is ever printed (./redis-url).
 */
import type { Redis as RedisClient } from "ioredis";
import { PacingLog, RedisCoordinator } from "./redis-coordinator";
import { KEY_SLACK_MS, LATE_TOLERANCE_MS, PACE_SCRIPT, paceKey, slotSpacingMs } from "./pace-schedule";

export { checkRedisUrl, describeRedisError, redactRedisUrl } from "./redis-url";
export { clockOffsetMs, fleetMargin, KEY_SLACK_MS, LATE_TOLERANCE_MS, paceKey, paceStep, redisTimeMs, slotSpacingMs } from "./pace-schedule";
export type { PaceStep } from "./pace-schedule";
export { CONNECT_BUDGET_MS, RECALIBRATE_MS, RECONNECT_MAX_MS, RECONNECT_MIN_MS, REDIS_OPTIONS, RedisCoordinator } from "./redis-coordinator";
export type { CoordinatorStatus, PacingLog } from "./redis-coordinator";

/** Send times a caller woken too late gives up before sending anyway. */
export const MAX_LATE_ROUNDS = 3;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A send time handed out: its place in the schedule (send time / S on Redis's clock; increasing) and
 * when it starts on this process's clock (the coordinator's `now()`: monotonic, meaningful in this process only).
 */
export interface ClaimedSlot {
  index: number;
  startsAt: number;
}

/**
 * One fleet-wide schedule: the send times of one limiter key (endpoint + account or credential + class).
 * In-process callers ask one at a time (the local limiter in front already orders them).
 */
export class SharedPacer {
  private spacing = 1;
  private key = "";
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
    this.spacing = slotSpacingMs(settings.windowMs, settings.limit);
    this.key = paceKey(this.limiterKey, this.spacing);
  }

  get spacingMs(): number {
    return this.spacing;
  }

  /** The schedule's key in Redis. */
  get redisKey(): string {
    return this.key;
  }

  /** Whether the schedule is in use (Redis not known to be down). */
  get active(): boolean {
    return this.coordinator.usable;
  }

  /**
   * Takes the next send time and resolves when it comes, or with undefined when Redis cannot
   * be used (the caller then paces in-process only). `onWait` is told the wait up front when
   * there is one.
   */
  async claim(onWait?: (waitMs: number) => void): Promise<ClaimedSlot | undefined> {
    for (let round = 1; ; round++) {
      const client = await this.coordinator.ready();
      if (!client) return undefined;
      let slot: ClaimedSlot;
      const previous = this.claiming;
      let release = () => {};
      this.claiming = new Promise<void>((resolve) => (release = resolve));
      try {
        await previous;
        slot = await this.next(client);
      } catch (e) {
        this.coordinator.fail(e);
        return undefined;
      } finally {
        release();
      }
      const wait = slot.startsAt - this.coordinator.now();
      if (wait > 0) {
        if (round === 1) onWait?.(wait);
        await sleep(wait);
      }
      // Woken (or answered) so late that the send could land in the window of the send N
      // places later: a starved event loop. The send time is given up (it stays spent) and a
      // later one taken, rather than risking a 429; after a few rounds the request goes anyway
      // (a 429 is retried).
      if (this.coordinator.now() - slot.startsAt <= LATE_TOLERANCE_MS || round >= MAX_LATE_ROUNDS) return slot;
    }
  }

  /**
   * One GCRA step in Redis (PACE_SCRIPT): the next send time, on Redis's clock, as a time on this
   * process's clock. The reply's own Redis time checks the clock offset first (RedisCoordinator.observe).
   */
  private async next(client: RedisClient): Promise<ClaimedSlot> {
    const sentAt = this.coordinator.now();
    const reply = await this.coordinator.run(() => client.eval(PACE_SCRIPT, 1, this.key, String(this.spacing), String(KEY_SLACK_MS)));
    const receivedAt = this.coordinator.now();
    const [at, redisNow] = Array.isArray(reply) ? [Number(reply[0]), Number(reply[1])] : [NaN, NaN];
    if (!Number.isFinite(at) || !Number.isFinite(redisNow)) throw new Error("Redis answered the pacing script with something that is not a time");
    this.coordinator.observe(sentAt, receivedAt, redisNow);
    return { index: Math.round(at / this.spacing), startsAt: this.coordinator.toLocal(at) };
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
