/**
 * The simulator's `account` rate-limit scope (the documented per-account limits, docs §5):
 * requests draw from the budget of the account they touch, whatever the token; and the client,
 * pacing per account, sends two credentials' creates on one account without a 429.
 */
import { TicketingClient } from "../../src/api/client";
import type { Simulator } from "../../src/simulator";
import { DEMO_USER, resetClientState, startSim } from "../helpers/sim";

const body = (accountId: string) => ({
  accountId,
  subject: "s",
  category: "Change",
  subcategory: accountId.startsWith("hybrid:") ? "General" : "Other",
  comment: { text: "t" },
});

async function call(sim: Simulator, token: string, method: string, path: string, json?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.ticketingUrl}${path}`, {
    method,
    headers: { "X-Auth-Token": token, Accept: "application/json", ...(json ? { "Content-Type": "application/json" } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe("rateLimitScope account", () => {
  let sim: Simulator;
  beforeEach(async () => {
    resetClientState();
    sim = await startSim({ windowMs: 60_000, rateLimitScope: "account", limits: { create: 1, patch: 1, read: 100 } });
  });
  afterEach(async () => {
    await sim.close();
  });

  it("two tokens creating on one account share its budget; one token on two accounts does not", async () => {
    const a = sim.issueToken(DEMO_USER);
    const b = sim.issueToken(DEMO_USER);
    expect((await call(sim, a, "POST", "/tickets", body("hybrid:100001"))).status).toBe(200);
    const second = await call(sim, b, "POST", "/tickets", body("hybrid:100001"));
    expect(second.status).toBe(429);
    expect((await call(sim, a, "POST", "/tickets", body("faws:100000000001"))).status).toBe(200);
  });

  it("a PATCH draws from the budget of its ticket's account", async () => {
    const a = sim.issueToken(DEMO_USER);
    const x = (await call(sim, a, "POST", "/tickets", body("hybrid:100001"))).body as { ticketId: string };
    const y = (await call(sim, a, "POST", "/tickets", body("faws:100000000001"))).body as { ticketId: string };
    const b = sim.issueToken(DEMO_USER);
    expect((await call(sim, a, "PATCH", `/tickets/${x.ticketId}`, { resources: [] })).status).toBe(204);
    expect((await call(sim, b, "PATCH", `/tickets/${y.ticketId}`, { resources: [] })).status).toBe(204);
    expect((await call(sim, b, "PATCH", `/tickets/${x.ticketId}`, { status: "Closed" })).status).toBe(429);
  });

  it("two clients with their own tokens on one account: paced together, no 429", async () => {
    const short = await startSim({ windowMs: 1000, rateLimitScope: "account", limits: { create: 1 } });
    try {
      const client = () => new TicketingClient({ ticketingUrl: short.ticketingUrl, identityUrl: short.identityUrl, authToken: short.issueToken(DEMO_USER), windowMs: 1000, limits: { create: 1 } }, {});
      const [c1, c2] = [client(), client()];
      await Promise.all([c1.createTicket(body("hybrid:100001")), c2.createTicket(body("hybrid:100001"))]);
      expect(short.requests().filter((r) => r.operation === "createTicket").map((r) => r.status)).toEqual([200, 200]);
      expect(c1.stats.http429 + c2.stats.http429).toBe(0);
    } finally {
      await short.close();
    }
  });
});
