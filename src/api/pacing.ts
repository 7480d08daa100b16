/**
 * One pacing interface for both paths: no window of W ms holds more than N sends to one account and operation class — in this process (./limiter) or, with Redis, across the fleet (./shared-pacing).
 *
 * The pipeline sees only a Pacer: `acquire()` resolves when a send may go, with a permit whose
 * `ready()` is awaited right before the send and `sent()` called when the answer came;
 * `penalize()` holds the class after a 429. With Redis in use, the fleet-wide schedule decides the
 * send time and the in-process limiter keeps only the order, bursts and 429 holds.
 */
import type { AcquireOptions, SlidingWindowLimiter, SlotHandle } from "./limiter";
import type { SharedPacer } from "./shared-pacing";

/** Paces the sends of one class on one account (or credential). */
export interface Pacer {
  /** Resolves when a send may go; `onWait` is told a wait up front. Throws LimiterHoldError past `maxHoldMs` of a 429 hold. */
  acquire(onWait?: (waitMs: number) => void, options?: AcquireOptions): Promise<SlotHandle>;
  /** The server said 429: hold every new send of the class for `retryAfterMs`. */
  penalize(retryAfterMs: number): void;
  readonly settings: { readonly limit: number; readonly windowMs: number };
}

/** The in-process limiter in front of the fleet-wide schedule: a local slot (order, 429 holds), then a send time from Redis. */
class FleetPacer implements Pacer {
  constructor(
    private readonly local: SlidingWindowLimiter,
    private readonly grid: SharedPacer,
  ) {}

  get settings() {
    return this.local.settings;
  }

  penalize(retryAfterMs: number): void {
    this.local.penalize(retryAfterMs);
  }

  async acquire(onWait?: (waitMs: number) => void, options?: AcquireOptions): Promise<SlotHandle> {
    const granted = await this.local.acquire(onWait, options);
    // Undefined when Redis cannot be used: this send is then paced in process only.
    const claimed = await this.grid.claim(onWait);
    if (!claimed) return granted;
    // On the schedule the send times carry the margin: the local chain stays in step with them, counted
    // from the send (ready) rather than moved to the answer.
    return { ready: () => granted.ready(), sent: () => undefined };
  }
}

/** The pacer of a class: the local limiter alone, or in front of the fleet-wide schedule when one is configured. */
export function pacerFor(local: SlidingWindowLimiter, grid?: SharedPacer): Pacer {
  return grid ? new FleetPacer(local, grid) : local;
}
