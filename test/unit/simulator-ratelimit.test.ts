import { SlidingWindow } from "../../src/simulator/ratelimit";

describe("simulator SlidingWindow", () => {
  let t: number;
  const clock = () => t;
  beforeEach(() => {
    t = 1_000_000;
  });

  it("accepts `limit` requests per window, then refuses with Retry-After until the oldest leaves", () => {
    const w = new SlidingWindow(60_000, clock);
    expect(w.tryAcquire("k", 2)).toEqual({ ok: true });
    t += 10_000;
    expect(w.tryAcquire("k", 2)).toEqual({ ok: true });
    t += 5_000;
    // Oldest was at +0 and leaves at +60000: 45 s from now.
    expect(w.tryAcquire("k", 2)).toEqual({ ok: false, retryAfterMs: 45_000, retryAfterSeconds: 45 });
    t += 45_000;
    expect(w.tryAcquire("k", 2)).toEqual({ ok: true });
  });

  it("is a sliding window, not a fixed one", () => {
    const w = new SlidingWindow(1000, clock);
    expect(w.tryAcquire("k", 1).ok).toBe(true);
    t += 999;
    expect(w.tryAcquire("k", 1).ok).toBe(false);
    t += 1;
    expect(w.tryAcquire("k", 1).ok).toBe(true);
  });

  it("rounds Retry-After up to whole seconds, at least 1", () => {
    const w = new SlidingWindow(1000, clock);
    w.tryAcquire("k", 1);
    t += 999;
    expect(w.tryAcquire("k", 1)).toEqual({ ok: false, retryAfterMs: 1, retryAfterSeconds: 1 });
    const w2 = new SlidingWindow(2500, clock);
    w2.tryAcquire("k", 1);
    expect(w2.tryAcquire("k", 1)).toMatchObject({ retryAfterSeconds: 3 });
  });

  it("refused requests do not consume a slot", () => {
    const w = new SlidingWindow(1000, clock);
    w.tryAcquire("k", 1);
    for (let i = 0; i < 5; i++) expect(w.tryAcquire("k", 1).ok).toBe(false);
    expect(w.count("k")).toBe(1);
    t += 1000;
    expect(w.tryAcquire("k", 1).ok).toBe(true);
  });

  it("keeps keys apart", () => {
    const w = new SlidingWindow(1000, clock);
    expect(w.tryAcquire("a", 1).ok).toBe(true);
    expect(w.tryAcquire("b", 1).ok).toBe(true);
    expect(w.tryAcquire("a", 1).ok).toBe(false);
  });

  it("applies a changed window or a lowered limit at once", () => {
    const w = new SlidingWindow(60_000, clock);
    w.tryAcquire("k", 5);
    t += 100;
    w.tryAcquire("k", 5);
    // Lowered to 1: the second request must leave before a slot frees.
    expect(w.tryAcquire("k", 1)).toMatchObject({ ok: false, retryAfterMs: 60_000 });
    w.setWindowMs(1000);
    t += 1000;
    expect(w.tryAcquire("k", 1).ok).toBe(true);
    expect(w.window).toBe(1000);
  });

  it("a limit of 0 refuses everything with one window of Retry-After", () => {
    const w = new SlidingWindow(3000, clock);
    expect(w.tryAcquire("k", 0)).toEqual({ ok: false, retryAfterMs: 3000, retryAfterSeconds: 3 });
  });

  it("clear() forgets every window; a bad window is refused", () => {
    const w = new SlidingWindow(1000, clock);
    w.tryAcquire("k", 1);
    w.clear();
    expect(w.tryAcquire("k", 1).ok).toBe(true);
    expect(() => new SlidingWindow(0, clock)).toThrow(/positive/);
    expect(() => w.setWindowMs(Number.NaN)).toThrow(/positive/);
  });
});
