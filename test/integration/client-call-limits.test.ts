/**
 * A call's own retry limits and timeout (CallContext.retry, CallContext.timeoutMs) against the
 * simulator: they apply to that call only, the client's policy to every other, and a call they
 * end says how many attempts it made within which budget. Attempts are counted in the
 * simulator's request log; the elapsed times are printed as a figure, never asserted.
 */
import { TicketingClient, WaitInfo } from "../../src/api/client";
import { RackspaceApiError, ServerError } from "../../src/api/errors";
import type { Simulator } from "../../src/simulator";
import { clientOptions, resetClientState, startSim } from "../helpers/sim";

const ticket = {
  accountId: "hybrid:100001",
  subject: "call limits",
  category: "Incident",
  subcategory: "General",
  severity: "Urgent" as const,
  comment: { text: "x" },
};

describe("a call's own retry limits (CallContext.retry, timeoutMs)", () => {
  let sim: Simulator;
  let ticketId: string;

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 5, patch: 10, comment: 10, read: 100 } });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    resetClientState();
    sim.clearFaults();
    ticketId = (await client().createTicket(ticket)).ticketId;
    sim.clearRequests();
  });

  /** The client's policy: 8 attempts, rackspace:retryBudgetMs 600 s, backoff 20 ms doubling to 200 ms (test/helpers/sim). */
  const client = (extra: Record<string, unknown> = {}) => new TicketingClient(clientOptions(sim, { limits: { create: 5, patch: 10, comment: 10, read: 100 }, ...extra }), {});
  const gets = () => sim.requests({ operation: "getTicket" }).map((r) => r.status);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  it("with 503 on every GET, { maxAttempts: 2, budgetMs: 3000 } fails after 2 attempts and says so; without it, the client's policy applies", async () => {
    sim.injectFault({ operation: "getTicket", kind: "status", status: 503, count: 1000 });
    const c = client();

    const retryWaits: number[] = [];
    const onWait = (w: WaitInfo) => w.reason === "retry" && retryWaits.push(w.waitMs);
    const t0 = performance.now();
    const short = (await c.getTicket(ticketId, { retry: { maxAttempts: 2, budgetMs: 3000 }, onWait }).catch((e: unknown) => e)) as RackspaceApiError;
    const shortMs = performance.now() - t0;
    expect(short).toBeInstanceOf(ServerError);
    expect(gets()).toEqual([503, 503]);
    expect(sum(retryWaits)).toBeLessThanOrEqual(3000);
    expect(short.attempts).toBe(2);
    expect(short.callRetry).toEqual({ maxAttempts: 2, budgetMs: 3000 });
    expect(short.message).toMatch(
      new RegExp(`^getTicket \\(ticket ${ticketId}\\) failed: HTTP 503: .* \\(after 2 attempts within this call's retry budget: at most 2 attempts, 3 s of waiting\\)\\. The Rackspace API is failing: retry later\\.$`),
    );
    expect(short.message).not.toMatch(/rackspace:retryBudgetMs/);

    // The same client, the next call without limits of its own: the client's 8 attempts.
    sim.clearRequests();
    const t1 = performance.now();
    const long = (await c.getTicket(ticketId).catch((e: unknown) => e)) as RackspaceApiError;
    const longMs = performance.now() - t1;
    expect(long).toBeInstanceOf(ServerError);
    expect(gets()).toEqual(Array.from({ length: 8 }, () => 503));
    expect(long.callRetry).toBeUndefined();
    expect(long.message).toMatch(/failed: HTTP 503: .* \(after 8 attempts\)\. The Rackspace API is failing: retry later, and raise rackspace:retryBudgetMs/);

    console.log(
      [
        "getTicket with 503 on every GET (client backoff 20 ms doubling to 200 ms)",
        `  { maxAttempts: 2, budgetMs: 3000 }: 2 attempts, failed after ${Math.round(shortMs)} ms`,
        `  the client's policy (8 attempts)  : 8 attempts, failed after ${Math.round(longMs)} ms`,
      ].join("\n"),
    );
  });

  it("a Retry-After past the call's own budget fails at once, naming that budget and no setting", async () => {
    sim.injectFault({ operation: "getTicket", kind: "status", status: 503, retryAfter: "5", count: 1 });
    const err = (await client()
      .getTicket(ticketId, { retry: { budgetMs: 3000 } })
      .catch((e: unknown) => e)) as RackspaceApiError;
    expect(err).toBeInstanceOf(ServerError);
    expect(gets()).toEqual([503]);
    expect(err.message).toMatch(/\(after 1 attempt within this call's retry budget: at most 8 attempts, 3 s of waiting\)/);
    expect(err.message).toMatch(/Not retried: the API asked to wait 5 s \(Retry-After\), more than this call's retry budget \(3 s\) allows; retry later\.$/);
    expect(err.message).not.toMatch(/rackspace:retryBudgetMs/);
  });

  it("within its limits the call still succeeds: a 503 then a 200 with { maxAttempts: 2 }", async () => {
    sim.injectFault({ operation: "getTicket", kind: "status", status: 503, count: 1 });
    const got = await client().getTicket(ticketId, { retry: { maxAttempts: 2, budgetMs: 3000 } });
    expect(got.ticketId).toBe(ticketId);
    expect(gets()).toEqual([503, 200]);
  });

  it("a write that may have been applied is still never re-sent, whatever the call's limits", async () => {
    sim.injectFault({ operation: "addComment", kind: "status", status: 500, count: 1 });
    const err = (await client()
      .addComment(ticketId, { text: "once" }, { retry: { maxAttempts: 5 } })
      .catch((e: unknown) => e)) as RackspaceApiError;
    expect(err.mayHaveBeenApplied).toBe(true);
    expect(sim.requests({ operation: "addComment" })).toHaveLength(1);
  });

  it("timeoutMs: a hung attempt of this call times out at the call's own timeout, not the client's, and is retried", async () => {
    const c = client({ timeoutMs: 60_000 });
    sim.injectFault({ operation: "getTicket", kind: "hang", count: 1 });
    const t0 = performance.now();
    const got = await c.getTicket(ticketId, { timeoutMs: 300 });
    // The client's own timeout (60 s) would outlast the test: a budget plus slack, not a timing.
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(got.ticketId).toBe(ticketId);
    expect(gets()).toHaveLength(2);
    expect(sim.requests({ operation: "getTicket" })[0].fault).toBe("hang");
  });

  it("refuses limits that are not positive numbers, before anything is sent", async () => {
    const c = client();
    for (const ctx of [{ retry: { maxAttempts: 0 } }, { retry: { budgetMs: -1 } }, { retry: { baseDelayMs: Number.NaN } }, { timeoutMs: 0 }]) {
      await expect(c.getTicket(ticketId, ctx)).rejects.toThrow(/CallContext\.(retry\.)?\w+ must be a positive number/);
    }
    expect(gets()).toEqual([]);
  });
});
