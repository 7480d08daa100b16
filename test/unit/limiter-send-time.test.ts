/**
 * The limiter's guarantee at send time: no window of W ms holds more than N sends, even when
 * a granted slot's send comes late (a re-authentication or a token fetch in between).
 */
import { SlidingWindowLimiter } from "../../src/api/limiter";

/** Most sends inside any half-open window [t, t + windowMs). */
function mostInAnyWindow(sends: number[], windowMs: number): number {
  const s = [...sends].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < s.length; i++) {
    let k = 0;
    for (let j = i; j < s.length && s[j] < s[i] + windowMs; j++) k++;
    most = Math.max(most, k);
  }
  return most;
}

describe("SlidingWindowLimiter at send time", () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  /** Runs callers (name, arrival, delay between grant and send) against a 2-per-second limiter; returns the send instants. */
  async function run(marginMs: number, callers: [string, number, number][]): Promise<number[]> {
    const limiter = new SlidingWindowLimiter({ limit: 2, windowMs: 1000, marginMs });
    const sends: { name: string; at: number }[] = [];
    const caller = async (name: string, arriveAt: number, sendDelayMs: number) => {
      await new Promise((r) => setTimeout(r, arriveAt));
      const slot = await limiter.acquire();
      if (sendDelayMs > 0) await new Promise((r) => setTimeout(r, sendDelayMs)); // e.g. a re-authentication
      await slot.ready();
      sends.push({ name, at: Date.now() });
      slot.sent();
    };
    const all = Promise.all(callers.map(([name, arriveAt, delay]) => caller(name, arriveAt, delay)));
    await jest.advanceTimersByTimeAsync(60_000);
    await all;
    expect(sends).toHaveLength(callers.length);
    return sends.map((s) => s.at);
  }

  it("2 per second: sends that come 800 ms after their grant never put 3 sends in one window", async () => {
    const sends = await run(25, [
      ["A", 0, 800],
      ["B", 46, 0],
      ["C", 73, 800],
      ["D", 320, 0],
      ["E", 533, 800],
      ["F", 1116, 0],
      ["G", 1196, 0],
      ["H", 1608, 800],
    ]);
    expect(mostInAnyWindow(sends, 1000)).toBeLessThanOrEqual(2);
  });

  it("2 per second: a send later than a whole window after its grant does not either", async () => {
    const sends = await run(0, [
      ["A", 0, 1200],
      ["B", 100, 0],
      ["C", 150, 0],
      ["D", 700, 0],
      ["E", 1000, 0],
      ["F", 1500, 1200],
    ]);
    expect(mostInAnyWindow(sends, 1000)).toBeLessThanOrEqual(2);
  });

  it("a slot sent long after it aged out of the window still counts", async () => {
    const sends = await run(0, [
      ["A", 0, 5000],
      ["B", 4900, 0],
      ["C", 5000, 0],
      ["D", 5050, 0],
    ]);
    expect(mostInAnyWindow(sends, 1000)).toBeLessThanOrEqual(2);
  });
});
