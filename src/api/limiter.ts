/**
 * Process-wide request pacing, one sliding-window limiter per (API endpoint,
 * credential, operation class).
 *
 * The Pulumi dynamic provider host runs every resource of a deployment in one process,
 * concurrently; each resource's provider builds its own client, so the limiters live in
 * a registry on `globalThis` (keyed with `Symbol.for`) that every copy of this module in
 * the process shares. Slots are handed out first come, first served: each caller reserves
 * the earliest instant at which the server's sliding window will have room, plus a small
 * safety margin, and sleeps until then. No burst ever reaches the server.
 */

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
  /** Requests allowed per window. */
  limit: number;
  /** Window length in ms. */
  windowMs: number;
  /** Extra spacing added to each slot so a sliding-window server never sees a burst. */
  marginMs?: number;
  /** Upper bound on callers waiting at once; past it, acquire() fails instead of queueing forever. */
  maxQueue?: number;
}

/** Default margin: 2 % of the window, at least 25 ms, at most 2 s. */
export function defaultMargin(windowMs: number): number {
  return Math.min(2_000, Math.max(25, Math.round(windowMs * 0.02)));
}

export class LimiterQueueFullError extends Error {
  constructor(readonly maxQueue: number) {
    super(`more than ${maxQueue} requests are already waiting for a rate-limit slot; refusing to queue more`);
    this.name = "LimiterQueueFullError";
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A granted slot. */
export interface SlotHandle {
  /** Records the instant the request was sent (call it right before sending). */
  sent(): void;
}

export class SlidingWindowLimiter {
  private limit = 1;
  private windowMs = DEFAULT_WINDOW_MS;
  private marginMs = 0;
  private maxQueue = 10_000;
  /** Start times of the most recent slots handed out (reserved), ascending. */
  private slots: { at: number }[] = [];
  /** No slot before this instant (set after the server said 429). */
  private blockedUntil = 0;
  private waiting = 0;

  constructor(settings: LimiterSettings, private readonly now: () => number = Date.now) {
    this.update(settings);
  }

  /** Adopts new settings (the newest configuration in the process wins). */
  update(settings: LimiterSettings): void {
    if (!Number.isFinite(settings.limit) || settings.limit < 1) throw new RangeError(`rate limit must be ≥ 1 per window, got ${settings.limit}`);
    if (!Number.isFinite(settings.windowMs) || settings.windowMs < 1) throw new RangeError(`rate window must be ≥ 1 ms, got ${settings.windowMs}`);
    this.limit = settings.limit;
    this.windowMs = settings.windowMs;
    this.marginMs = settings.marginMs ?? defaultMargin(settings.windowMs);
    this.maxQueue = settings.maxQueue ?? this.maxQueue;
  }

  get settings(): Required<LimiterSettings> {
    return { limit: this.limit, windowMs: this.windowMs, marginMs: this.marginMs, maxQueue: this.maxQueue };
  }

  /** The earliest instant a new slot could start, given the slots already reserved. */
  private nextSlotAt(now: number): number {
    let at = Math.max(now, this.blockedUntil);
    if (this.slots.length >= this.limit) {
      const gate = this.slots[this.slots.length - this.limit].at + this.windowMs + this.marginMs;
      at = Math.max(at, gate);
    }
    return at;
  }

  /** How long a caller arriving now would wait (ms), without reserving anything. */
  peekWait(): number {
    const now = this.now();
    return Math.max(0, this.nextSlotAt(now) - now);
  }

  /**
   * Reserves the next slot and resolves when it starts, with a handle whose `sent()`
   * records when the request actually left (a token fetch or anything else between the
   * slot and the send moves it later, and the slots after it move with it).
   * `onWait` is told the wait up front when there is one (before sleeping).
   */
  async acquire(onWait?: (waitMs: number) => void): Promise<SlotHandle> {
    const now = this.now();
    // The slot `limit` places back gates this one; it may still move later (see sent()).
    const gate = this.slots.length >= this.limit ? this.slots[this.slots.length - this.limit] : undefined;
    const at = this.nextSlotAt(now);
    const wait = at - now;
    if (wait > 0 && this.waiting >= this.maxQueue) throw new LimiterQueueFullError(this.maxQueue);
    const slot = { at };
    this.slots.push(slot);
    // Keep only what the window rule can still look at.
    if (this.slots.length > this.limit) this.slots.splice(0, this.slots.length - this.limit);
    if (wait > 0) onWait?.(wait);
    this.waiting++;
    try {
      // Sleep until the gate allows: its slot may have moved later, or a 429 may have
      // put a hold on everyone, while we slept.
      for (;;) {
        const t = this.now();
        const due = Math.max(this.blockedUntil, gate ? gate.at + this.windowMs + this.marginMs : t);
        if (t >= due) break;
        await sleep(due - t);
      }
    } finally {
      this.waiting--;
    }
    slot.at = Math.max(slot.at, this.now());
    return {
      sent: () => {
        slot.at = Math.max(slot.at, this.now());
      },
    };
  }

  /**
   * The server said 429 despite the pacing (another process shares the account, or the
   * server's window differs): hold every new slot until `retryAfterMs` has passed.
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
 * The process-wide limiter for `key` (endpoint + credential fingerprint + class).
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
