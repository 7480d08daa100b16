/**
 * A wall-clock jump (an NTP step, a VM resumed, a date set by hand) changes no wait, no window and
 * no hold: the limiter and the progress lines run on the monotonic clock (src/api/clock.ts).
 * jest's fake timers fake both clocks; jest.setSystemTime moves only the wall clock
 * (Date.now()), as a real jump does. (The fleet schedule under a jump, with Redis:
 * test/integration/fleet-pacing.test.ts.)
 */
import { monotonicNow } from "../../src/api/clock";
import { LimiterHoldError, SlidingWindowLimiter } from "../../src/api/limiter";
import { OperationContext } from "../../src/core/context";

const HOUR = 3_600_000;
const JUMPS: [string, number][] = [
  ["back an hour", -HOUR],
  ["forward an hour", HOUR],
];

/** Moves the wall clock by `ms`, as an NTP step would: timers and the monotonic clock do not move. */
function jumpWallClock(ms: number): void {
  jest.setSystemTime(Date.now() + ms);
}

/** Settles when `p` does; how long that took in (fake) monotonic time, checked a millisecond at a time around `expectedMs`. */
async function settlesAfter(p: Promise<unknown>, expectedMs: number): Promise<{ before: boolean; at: boolean }> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await jest.advanceTimersByTimeAsync(expectedMs - 1);
  const before = done;
  await jest.advanceTimersByTimeAsync(1);
  return { before, at: done };
}

describe("a wall-clock jump changes no wait", () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse("2030-01-01T00:00:00Z") }));
  afterEach(() => jest.useRealTimers());

  it("fake timers move the wall clock alone on setSystemTime (the premise of these tests)", () => {
    const [wall, mono] = [Date.now(), monotonicNow()];
    jumpWallClock(-HOUR);
    expect(Date.now() - wall).toBe(-HOUR);
    expect(monotonicNow() - mono).toBe(0);
  });

  it.each(JUMPS)("the limiter's window is as closed, and its wait as long, after the wall clock jumps %s", async (_name, jump) => {
    const l = new SlidingWindowLimiter({ limit: 1, windowMs: 1000, marginMs: 0 }); // the default clock
    const first = await l.acquire();
    await first.ready();
    first.sent();
    await jest.advanceTimersByTimeAsync(200);
    jumpWallClock(jump);
    // Back: a wall-clock limiter would wait an hour more; forward: it would find the window open.
    expect(l.peekWait()).toBe(800);
    const waits: number[] = [];
    const second = l.acquire((w) => waits.push(w)).then((permit) => permit.ready());
    expect(waits).toEqual([800]);
    expect(await settlesAfter(second, 800)).toEqual({ before: false, at: true });
  });

  it.each(JUMPS)("a 429 hold lasts as long after the wall clock jumps %s", async (_name, jump) => {
    const l = new SlidingWindowLimiter({ limit: 10, windowMs: 1000, marginMs: 0 });
    l.penalize(5000);
    jumpWallClock(jump);
    expect(l.peekWait()).toBe(5000);
    // Still longer than a caller with 4 s to spare may wait; exactly 5 s for one that may.
    await expect(l.acquire(undefined, { maxHoldMs: 4000 })).rejects.toBeInstanceOf(LimiterHoldError);
    expect(await settlesAfter(l.acquire(undefined, { maxHoldMs: 10_000 }), 5000)).toEqual({ before: false, at: true });
  });

  it("a jump while a caller sleeps for its slot neither wakes it early nor keeps it longer", async () => {
    const l = new SlidingWindowLimiter({ limit: 1, windowMs: 1000, marginMs: 0 });
    (await l.acquire()).sent();
    let done = false;
    void l.acquire().then(() => (done = true));
    await jest.advanceTimersByTimeAsync(400);
    jumpWallClock(HOUR);
    await jest.advanceTimersByTimeAsync(599);
    expect(done).toBe(false);
    jumpWallClock(-2 * HOUR);
    await jest.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it.each(JUMPS)("the progress lines of a long wait count the time left on the monotonic clock (jump %s)", (_name, jump) => {
    const lines: string[] = [];
    const op = new OperationContext({}, { markerFooter: true, validateAgainstAccount: false, allowAnyCategory: false }, (l) => lines.push(l));
    op.call("web", "T1").onWait?.({ operation: "createTicket", waitMs: 150_000, reason: "rate-limit" });
    jumpWallClock(jump);
    jest.advanceTimersByTime(60_000);
    expect(lines[1]).toBe('RackspaceTicket "web" (ticket T1): createTicket still waiting for a rate-limit slot, 90s left');
  });
});
