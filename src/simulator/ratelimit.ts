/**
 * Sliding-window rate limiter: per key, at most `limit` accepted requests in any `windowMs`; rejected requests do not consume a slot.
 */

export type Acquire = { ok: true } | { ok: false; retryAfterMs: number; retryAfterSeconds: number };

export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    assertWindow(windowMs);
  }

  get window(): number {
    return this.windowMs;
  }

  setWindowMs(windowMs: number): void {
    assertWindow(windowMs);
    this.windowMs = windowMs;
  }

  /**
   * Takes a slot for `key` if fewer than `limit` requests were accepted in the last windowMs.
   * Otherwise reports how long until the oldest of them leaves the window
   * (Retry-After = whole seconds, rounded up, at least 1).
   */
  tryAcquire(key: string, limit: number): Acquire {
    const now = this.now();
    const list = this.prune(key, now);
    if (list.length < limit) {
      list.push(now);
      this.hits.set(key, list);
      return { ok: true };
    }
    // The request that must leave before a slot frees up (the oldest one when the window is
    // exactly full; a later one if the limit was lowered meanwhile). A limit <= 0 blocks
    // everything: advise one full window.
    const retryAfterMs = limit <= 0 ? this.windowMs : Math.max(0, list[list.length - limit] + this.windowMs - now);
    return { ok: false, retryAfterMs, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
  }

  /** Accepted requests for `key` still inside the window. */
  count(key: string): number {
    return this.prune(key, this.now()).length;
  }

  clear(): void {
    this.hits.clear();
  }

  private prune(key: string, now: number): number[] {
    const list = this.hits.get(key) ?? [];
    const cutoff = now - this.windowMs;
    let i = 0;
    while (i < list.length && list[i] <= cutoff) i++;
    const kept = i === 0 ? list : list.slice(i);
    if (kept.length === 0) this.hits.delete(key);
    else if (i > 0) this.hits.set(key, kept);
    return kept;
  }
}

function assertWindow(windowMs: number): void {
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a positive number, got ${windowMs}`);
}
