/**
 * Process-wide request pacing, one sliding-window limiter per (API endpoint, account, operation
 * class), or per credential when no account is known (see TicketingClient.limiterKey).
 *
 * - Shared: the limiters live in a registry on `globalThis` (keyed with `Symbol.for`) that every
 *   copy of this module in the Pulumi provider host process shares.
 * - At send time, no window of W ms holds more than N sends: `ready()` waits, right before the
 *   send, until the last N recorded sends leave room (margin included), however late the send.
 * - Slots are granted first come, first served, at the earliest instant the window allows.
 * - A 429 hold (`penalize`) never keeps a caller waiting past its `maxHoldMs`: acquire() then
 *   fails at once with LimiterHoldError instead of sleeping.
 * - Rate limits are whole numbers ≥ 1 per window; windows are ≥ 1 ms.
 * - Every instant is on the monotonic clock (./clock): a wall-clock jump moves no window and no hold.
 */
import { monotonicNow } from "./clock";

export type OperationClass = "create" | "patch" | "comment" | "read";

export interface RateLimits {
  create: number;
  patch: number;
  comment: number;
  read: number;
}

/** The strictest documented numbers (docs §5): per window (60 s by default). */
export const DEFAULT_LIMITS: Readonly<RateLimits> = Object.freeze({ create: 1, patch: 5, comment: 5, read: 60 });
export const DEFAULT_WINDOW_MS = 60_000;

export interface LimiterSettings {
  /** Requests allowed per window (a whole number ≥ 1). */
  limit: number;
  /** Window length in ms. */
  windowMs: number;
  /** Extra spacing added to each slot so a sliding-window server never sees a burst. */
  marginMs?: number;
  /** Upper bound on callers waiting at once; past it, acquire() fails instead of queueing forever. */
  maxQueue?: number;
}

export interface AcquireOptions {
  /** Longest this caller may wait on a 429 hold (its remaining retry budget); past it, acquire() throws LimiterHoldError. */
  maxHoldMs?: number;
}

/**
 * Fixed part of the default margin (ms): one clock tick on each side (the client's and the
 * server's millisecond clocks). Timer lateness and latency need none: a send only ever leaves
 * later than its slot, and each window is counted from the answer (see defaultMargin).
 */
export const MARGIN_FLOOR_MS = 2;
/** Share of the window added to the floor: a server whose window runs a little long, or whose front ends' clocks differ (150 ms at 60 s). */
export const MARGIN_FRACTION = 0.0025;

/**
 * Default margin: 2 ms + 0.25 % of the window, at most 2 s (5 ms at W = 1 s, 27 ms at 10 s,
 * 152 ms at 60 s). The send-time rule counts each window from the answer, never earlier than the
 * server counted the request, so the margin covers neither latency nor its jitter (both only make
 * the next send later): only clock ticks and a window that runs long. The fleet-wide schedule,
 * which counts from send times, has its own larger margin (./pace-schedule fleetMargin).
 */
export function defaultMargin(windowMs: number): number {
  return Math.min(2_000, Math.round(MARGIN_FLOOR_MS + windowMs * MARGIN_FRACTION));
}

/** Why a rate limit is not usable, or undefined when it is (a whole number ≥ 1). */
export function rateLimitProblem(limit: number): string | undefined {
  if (Number.isInteger(limit) && limit >= 1) return undefined;
  return `rate limits must be whole numbers ≥ 1 (requests per window), got ${limit}; for fewer than one request per window, lengthen the window (rackspace:rateWindowMs) instead`;
}

export class LimiterQueueFullError extends Error {
  constructor(readonly maxQueue: number) {
    super(`more than ${maxQueue} requests are already waiting for a rate-limit slot; refusing to queue more`);
    this.name = "LimiterQueueFullError";
  }
}

/** A 429 hold (Retry-After seen by a request) is longer than this caller may wait. */
export class LimiterHoldError extends Error {
  constructor(
    readonly holdMs: number,
    readonly maxHoldMs: number,
  ) {
    super(`requests of this kind are held for ${Math.ceil(holdMs / 1000)} s after the API answered 429 with Retry-After; this request may wait at most ${maxHoldMs} ms`);
    this.name = "LimiterHoldError";
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A granted slot. */
export interface SlotHandle {
  /** Await right before sending: waits until a send now keeps every window at N sends or fewer, then records it. */
  ready(): Promise<void>;
  /** Moves the recorded instant to now (e.g. when the answer came: the server counted the request no later). */
  sent(): void;
}

interface Slot {
  /** Reservation order. */
  seq: number;
  /** Planned start while waiting; the grant instant; then the send (or answer) instant (all on the limiter's clock). */
  at: number;
  /** Whether `at` is a real send (counted by the send-time rule). */
  sent: boolean;
}

export class SlidingWindowLimiter {
  private limit = 1;
  private windowMs = DEFAULT_WINDOW_MS;
  private marginMs = 0;
  private maxQueue = 10_000;
  /** Slots still inside the window, waiting, or granted and not yet sent. */
  private slots: Slot[] = [];
  private seq = 0;
  /** No slot before this instant (set after the server said 429); none yet: the clock's origin is arbitrary. */
  private blockedUntil = -Infinity;
  private waiting = 0;

  /**
   * @param now The clock every window and hold is counted on, in ms. Default: this process's monotonic clock (performance.now()), which a wall-clock jump does not move; tests inject their own.
   * @param sleep How to wait `ms` (default setTimeout).
   */
  constructor(
    settings: LimiterSettings,
    private readonly now: () => number = monotonicNow,
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {
    this.update(settings);
  }

  /** Adopts new settings (the newest configuration in the process wins). */
  update(settings: LimiterSettings): void {
    const problem = rateLimitProblem(settings.limit);
    if (problem) throw new RangeError(problem);
    if (!Number.isFinite(settings.windowMs) || settings.windowMs < 1) throw new RangeError(`rate window must be ≥ 1 ms, got ${settings.windowMs}`);
    this.limit = settings.limit;
    this.windowMs = settings.windowMs;
    this.marginMs = settings.marginMs ?? defaultMargin(settings.windowMs);
    this.maxQueue = settings.maxQueue ?? this.maxQueue;
  }

  get settings(): Required<LimiterSettings> {
    return { limit: this.limit, windowMs: this.windowMs, marginMs: this.marginMs, maxQueue: this.maxQueue };
  }

  /** Earliest instant ≥ `from` at which fewer than `limit` of `instants` lie within one window plus margin before it. */
  private roomAt(from: number, instants: number[]): number {
    if (instants.length < this.limit) return from;
    const gate = instants.sort((a, b) => b - a)[this.limit - 1];
    return Math.max(from, gate + this.windowMs + this.marginMs);
  }

  /** When `slot` may start: after the hold, with room among the slots reserved before it. */
  private dueFor(slot: Slot, now: number): number {
    return this.roomAt(Math.max(now, this.blockedUntil), this.slots.filter((s) => s.seq < slot.seq).map((s) => s.at));
  }

  /** Forgets slots that can no longer gate anyone (a late send re-adds its slot). */
  private prune(now: number): void {
    const horizon = now - this.windowMs - this.marginMs;
    if (this.slots.some((s) => s.at <= horizon)) this.slots = this.slots.filter((s) => s.at > horizon);
  }

  /** How long a caller arriving now would wait (ms), without reserving anything. */
  peekWait(): number {
    const now = this.now();
    return Math.max(0, this.roomAt(Math.max(now, this.blockedUntil), this.slots.map((s) => s.at)) - now);
  }

  /**
   * Reserves the next slot and resolves when it starts, with a handle to await right before
   * sending (`ready()`). `onWait` is told the wait up front when there is one (before
   * sleeping). Throws LimiterHoldError, reserving nothing, when a 429 hold would keep this
   * caller past `maxHoldMs`; LimiterQueueFullError past `maxQueue` waiting callers.
   */
  async acquire(onWait?: (waitMs: number) => void, options: AcquireOptions = {}): Promise<SlotHandle> {
    const start = this.now();
    this.prune(start);
    const holdDeadline = start + (options.maxHoldMs ?? Infinity);
    if (this.blockedUntil > holdDeadline) throw new LimiterHoldError(this.blockedUntil - start, options.maxHoldMs ?? Infinity);
    const slot: Slot = { seq: this.seq++, at: start, sent: false };
    slot.at = this.dueFor(slot, start);
    const wait = slot.at - start;
    if (wait > 0 && this.waiting >= this.maxQueue) throw new LimiterQueueFullError(this.maxQueue);
    this.slots.push(slot);
    if (wait > 0) onWait?.(wait);
    this.waiting++;
    try {
      // Sleep until due: the slots ahead may have moved later (late sends), or a 429 may
      // have put a hold on everyone, while we slept.
      for (;;) {
        const t = this.now();
        if (this.blockedUntil > holdDeadline) {
          this.slots = this.slots.filter((s) => s !== slot);
          throw new LimiterHoldError(this.blockedUntil - t, options.maxHoldMs ?? Infinity);
        }
        slot.at = this.dueFor(slot, t);
        if (t >= slot.at) break;
        await this.sleep(slot.at - t);
      }
    } finally {
      this.waiting--;
    }
    slot.at = Math.max(slot.at, this.now());
    return { ready: () => this.ready(slot), sent: () => this.record(slot) };
  }

  /** The send-time rule: wait until fewer than `limit` other recorded sends lie within the window plus margin. */
  private async ready(slot: Slot): Promise<void> {
    for (;;) {
      const t = this.now();
      this.prune(t);
      const due = this.roomAt(t, this.slots.filter((s) => s.sent && s !== slot).map((s) => s.at));
      if (t >= due) break;
      await this.sleep(due - t);
    }
    this.record(slot);
  }

  private record(slot: Slot): void {
    slot.at = Math.max(slot.at, this.now());
    slot.sent = true;
    if (!this.slots.includes(slot)) this.slots.push(slot);
  }

  /**
   * The server said 429 despite the pacing (another process shares the account, or the
   * server's window differs): hold every new slot until `retryAfterMs` has passed. Callers
   * whose `maxHoldMs` is shorter are refused at once rather than held.
   */
  penalize(retryAfterMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + Math.max(0, retryAfterMs));
  }

  /** Number of callers currently sleeping for a slot. */
  get queued(): number {
    return this.waiting;
  }
}

interface Registry {
  limiters: Map<string, SlidingWindowLimiter>;
}

const REGISTRY_KEY = Symbol.for("pulumi-rackspace-ticketing.rate-limiters.v1");

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  let r = g[REGISTRY_KEY];
  if (!r) {
    r = { limiters: new Map() };
    g[REGISTRY_KEY] = r;
  }
  return r;
}

/**
 * The process-wide limiter for `key` (endpoint + account, or credential fingerprint, + class).
 * Created on first use; later callers with different settings update it.
 */
export function sharedLimiter(key: string, settings: LimiterSettings): SlidingWindowLimiter {
  const r = registry();
  let l = r.limiters.get(key);
  if (!l) {
    l = new SlidingWindowLimiter(settings);
    r.limiters.set(key, l);
  } else {
    const cur = l.settings;
    if (cur.limit !== settings.limit || cur.windowMs !== settings.windowMs || (settings.marginMs !== undefined && cur.marginMs !== settings.marginMs)) {
      l.update(settings);
    }
  }
  return l;
}

/** Forgets every shared limiter (tests and benchmarks only). */
export function resetSharedLimiters(): void {
  registry().limiters.clear();
}
