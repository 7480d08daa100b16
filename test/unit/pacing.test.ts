/**
 * The one pacing interface (src/api/pacing.ts): the local limiter alone, or in front of the
 * fleet-wide grid, with a grid that stands in for Redis (claims answered at once, or not at all).
 */
import { LimiterHoldError, SlidingWindowLimiter } from "../../src/api/limiter";
import { pacerFor } from "../../src/api/pacing";
import type { ClaimedSlot, SharedPacer } from "../../src/api/shared-pacing";

function fakeClock() {
  const clock = { t: 0 };
  const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 1000, marginMs: 0 }, () => clock.t, async (ms) => {
    clock.t += ms;
  });
  return { clock, limiter };
}

/** A grid whose claims resolve at once with a slot, or with undefined (Redis down). */
function fakeGrid(up: boolean) {
  const claims: number[] = [];
  const grid = {
    claim: async (onWait?: (ms: number) => void): Promise<ClaimedSlot | undefined> => {
      claims.push(claims.length);
      onWait?.(7);
      return up ? { index: claims.length, startsAt: 0 } : undefined;
    },
  };
  return { grid: grid as unknown as SharedPacer, claims };
}

describe("pacerFor", () => {
  it("without a grid is the in-process limiter itself", () => {
    const { limiter } = fakeClock();
    expect(pacerFor(limiter)).toBe(limiter);
  });

  it("in process: the window counts from the answer (sent), the one instant no earlier than the server's", async () => {
    const { clock, limiter } = fakeClock();
    const permit = await pacerFor(limiter).acquire();
    await permit.ready();
    clock.t = 400;
    permit.sent();
    expect(limiter.peekWait()).toBe(1000);
  });

  it("on the grid: a local slot then a grid claim, and the local chain stays counted from the send", async () => {
    const { clock, limiter } = fakeClock();
    const { grid, claims } = fakeGrid(true);
    const waits: number[] = [];
    const pacer = pacerFor(limiter, grid);
    const permit = await pacer.acquire((ms) => waits.push(ms));
    expect(claims).toHaveLength(1);
    expect(waits).toEqual([7]);
    await permit.ready();
    clock.t = 400;
    permit.sent();
    expect(limiter.peekWait()).toBe(600);
    expect(pacer.settings).toMatchObject({ limit: 1, windowMs: 1000 });
  });

  it("with Redis down: the claim gives nothing and the send is paced in process only", async () => {
    const { clock, limiter } = fakeClock();
    const { grid, claims } = fakeGrid(false);
    const permit = await pacerFor(limiter, grid).acquire();
    expect(claims).toHaveLength(1);
    await permit.ready();
    clock.t = 400;
    permit.sent();
    expect(limiter.peekWait()).toBe(1000);
  });

  it("a 429 hold goes to the local limiter, and one past maxHoldMs fails before any grid claim", async () => {
    const { limiter } = fakeClock();
    const { grid, claims } = fakeGrid(true);
    const pacer = pacerFor(limiter, grid);
    pacer.penalize(5000);
    expect(limiter.peekWait()).toBe(5000);
    await expect(pacer.acquire(undefined, { maxHoldMs: 1000 })).rejects.toBeInstanceOf(LimiterHoldError);
    expect(claims).toHaveLength(0);
  });
});
