import { defaultMargin, LimiterHoldError, LimiterQueueFullError, resetSharedLimiters, sharedLimiter, SlidingWindowLimiter } from "../../src/api/limiter";

/** Settles to the promise's outcome, or "still waiting" if it has not settled within `ms` (real time). */
function within<T>(p: Promise<T>, ms: number): Promise<T | unknown> {
  return Promise.race([p.then((v) => v, (e: unknown) => e), new Promise((r) => setTimeout(() => r("still waiting"), ms))]);
}

describe("SlidingWindowLimiter", () => {
  it("hands out `limit` slots at once, then spaces the next by a window plus the margin", async () => {
    let t = 1_000_000;
    const l = new SlidingWindowLimiter({ limit: 2, windowMs: 1000, marginMs: 10 }, () => t);
    const waits: number[] = [];
    await l.acquire((w) => waits.push(w));
    await l.acquire((w) => waits.push(w));
    expect(waits).toEqual([]);
    expect(l.peekWait()).toBe(1010);
    t += 400;
    expect(l.peekWait()).toBe(610);
  });

  it("queues callers first come, first served without a burst", async () => {
    const l = new SlidingWindowLimiter({ limit: 1, windowMs: 60, marginMs: 5 });
    const started: number[] = [];
    const t0 = Date.now();
    await Promise.all([0, 1, 2].map(async (i) => {
      await l.acquire();
      started.push(i);
      return Date.now() - t0;
    })).then((times) => {
      // Each slot starts at least one window (plus margin) after the previous one.
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(60);
      expect(times[2] - times[1]).toBeGreaterThanOrEqual(60);
    });
    expect(started).toEqual([0, 1, 2]);
  });

  it("tells the waiter how long it will wait before sleeping", async () => {
    const l = new SlidingWindowLimiter({ limit: 1, windowMs: 50, marginMs: 0 });
    await l.acquire();
    const seen: number[] = [];
    await l.acquire((w) => seen.push(w));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[0]).toBeLessThanOrEqual(50);
  });

  it("holds new slots after a 429 until Retry-After has passed", async () => {
    let t = 5000;
    const l = new SlidingWindowLimiter({ limit: 10, windowMs: 1000, marginMs: 0 }, () => t);
    l.penalize(3000);
    expect(l.peekWait()).toBe(3000);
    t += 1000;
    expect(l.peekWait()).toBe(2000);
  });

  it("re-checks the hold after sleeping (a 429 seen meanwhile delays queued callers)", async () => {
    const l = new SlidingWindowLimiter({ limit: 1, windowMs: 30, marginMs: 0 });
    await l.acquire();
    const t0 = Date.now();
    const second = l.acquire();
    l.penalize(120);
    await second;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it("counts the window from when the request was sent (sent() moves the slot and those gated by it)", async () => {
    const l = new SlidingWindowLimiter({ limit: 1, windowMs: 60, marginMs: 0 });
    const first = await l.acquire();
    const t0 = Date.now();
    const second = l.acquire(); // gated by the first slot, reserved before the first is sent
    await new Promise((r) => setTimeout(r, 40));
    first.sent(); // e.g. a token fetch delayed the first send by 40 ms
    await second;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
  });

  it("refuses to queue past maxQueue instead of growing without bound", async () => {
    const l = new SlidingWindowLimiter({ limit: 1, windowMs: 200, marginMs: 0, maxQueue: 1 });
    await l.acquire();
    const waiting = l.acquire();
    await expect(l.acquire()).rejects.toBeInstanceOf(LimiterQueueFullError);
    await waiting;
  });

  it("never holds a caller past its maxHoldMs: a hold longer than that fails at once", async () => {
    let t = 1_000_000;
    const l = new SlidingWindowLimiter({ limit: 10, windowMs: 1000, marginMs: 0 }, () => t);
    l.penalize(86_400_000); // Retry-After: 86400 seen by another request
    const got = await within(l.acquire(undefined, { maxHoldMs: 600_000 }), 200);
    expect(got).toBeInstanceOf(LimiterHoldError);
    expect((got as LimiterHoldError).holdMs).toBe(86_400_000);
    expect((got as Error).message).toMatch(/86400 s/);
    expect(l.queued).toBe(0);
    t += 86_400_000;
    expect(l.peekWait()).toBe(0); // the refused caller reserved nothing
  });

  it("a hold that grows past maxHoldMs while a caller waits fails that caller", async () => {
    const l = new SlidingWindowLimiter({ limit: 10, windowMs: 1000, marginMs: 0 });
    l.penalize(100);
    const waiting = l.acquire(undefined, { maxHoldMs: 1000 });
    l.penalize(60_000);
    expect(await within(waiting, 500)).toBeInstanceOf(LimiterHoldError);
  });

  it("refuses a fractional rate limit with a message that says what to do", () => {
    for (const limit of [0.5, 2.5]) {
      expect(() => new SlidingWindowLimiter({ limit, windowMs: 1000 })).toThrow(RangeError);
      expect(() => new SlidingWindowLimiter({ limit, windowMs: 1000 })).toThrow(/whole number/);
      expect(() => new SlidingWindowLimiter({ limit, windowMs: 1000 })).toThrow(/rateWindowMs/);
    }
  });

  it("validates its settings", () => {
    expect(() => new SlidingWindowLimiter({ limit: 0, windowMs: 1000 })).toThrow(RangeError);
    expect(() => new SlidingWindowLimiter({ limit: 1, windowMs: 0 })).toThrow(RangeError);
  });

  it("uses a margin of 2 ms + 0.25 % of the window, at most 2 s", () => {
    // Clock ticks and a window that runs long, not latency (windows count from the answer): 5 ms at 1 s, 27 ms at 10 s, 152 ms at 60 s.
    expect(defaultMargin(1000)).toBe(5);
    expect(defaultMargin(10_000)).toBe(27);
    expect(defaultMargin(60_000)).toBe(152);
    expect(defaultMargin(50)).toBe(2);
    expect(defaultMargin(600_000)).toBe(1502);
    expect(defaultMargin(3_600_000)).toBe(2000);
  });
});

describe("sharedLimiter", () => {
  afterEach(() => resetSharedLimiters());

  it("returns one limiter per key for the whole process, adopting new settings", () => {
    const a = sharedLimiter("k", { limit: 1, windowMs: 1000 });
    const b = sharedLimiter("k", { limit: 3, windowMs: 1000 });
    expect(b).toBe(a);
    expect(a.settings.limit).toBe(3);
    expect(sharedLimiter("other", { limit: 1, windowMs: 1000 })).not.toBe(a);
  });

  it("is shared across copies of the module (registry on globalThis)", () => {
    const a = sharedLimiter("k2", { limit: 1, windowMs: 1000 });
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const copy = require("../../src/api/limiter") as typeof import("../../src/api/limiter");
      expect(copy.sharedLimiter("k2", { limit: 1, windowMs: 1000 })).toBe(a);
    });
  });
});
