import { backoffDelay, isRetryable, withRetries } from "../../src/api/retry";
import { BadRequestError, NetworkError, RateLimitedError, ServerError } from "../../src/api/errors";

const policy = { maxAttempts: 4, budgetMs: 10_000, baseDelayMs: 1, maxDelayMs: 5 };

describe("backoffDelay", () => {
  it("is full jitter under an exponential ceiling, capped", () => {
    expect(backoffDelay(1, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 0.999)).toBe(100);
    expect(backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 0.999)).toBe(400);
    expect(backoffDelay(10, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 0.999)).toBe(999);
    expect(backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 1000 }, () => 0)).toBe(1);
  });
});

describe("withRetries", () => {
  it("retries transient failures and returns the first success", async () => {
    let n = 0;
    const result = await withRetries(async () => {
      n++;
      if (n < 3) throw new ServerError({ operation: "getTicket", status: 503 });
      return "ok";
    }, policy);
    expect(result).toBe("ok");
    expect(n).toBe(3);
  });

  it("does not retry a client error", async () => {
    let n = 0;
    await expect(
      withRetries(async () => {
        n++;
        throw new BadRequestError({ operation: "createTicket", status: 400 });
      }, policy),
    ).rejects.toBeInstanceOf(BadRequestError);
    expect(n).toBe(1);
  });

  it("never re-sends a write that may have been applied", async () => {
    let n = 0;
    const err = new NetworkError({ operation: "createTicket", url: "u", code: "ECONNRESET", mayHaveBeenApplied: true });
    expect(isRetryable(err)).toBe(false);
    await expect(
      withRetries(async () => {
        n++;
        throw err;
      }, policy),
    ).rejects.toBe(err);
    expect(n).toBe(1);
  });

  it("stops after maxAttempts with the last attempt's error", async () => {
    let n = 0;
    await expect(
      withRetries(async (attempt) => {
        n++;
        throw new ServerError({ operation: "getTicket", status: 503, attempts: attempt });
      }, policy),
    ).rejects.toMatchObject({ attempts: 4 });
    expect(n).toBe(4);
  });

  it("stops when the next wait would exceed the budget", async () => {
    let n = 0;
    const t0 = Date.now();
    await expect(
      withRetries(
        async () => {
          n++;
          throw new RateLimitedError({ operation: "createTicket", status: 429, retryAfterMs: 60_000 });
        },
        { ...policy, budgetMs: 100 },
        { delayFor: (e) => (e as RateLimitedError).retryAfterMs },
      ),
    ).rejects.toBeInstanceOf(RateLimitedError);
    expect(n).toBe(1);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("reports each wait and honours the hook's delay", async () => {
    const waits: number[] = [];
    let n = 0;
    await withRetries(
      async () => {
        if (++n < 3) throw new RateLimitedError({ operation: "addComment", status: 429, retryAfterMs: 20 });
        return n;
      },
      policy,
      { delayFor: (e) => (e as RateLimitedError).retryAfterMs, onRetryWait: (_e, d) => waits.push(d) },
    );
    expect(waits).toEqual([20, 20]);
  });

  it("passes non-API errors straight through", async () => {
    await expect(withRetries(async () => { throw new TypeError("bug"); }, policy)).rejects.toBeInstanceOf(TypeError);
  });
});
