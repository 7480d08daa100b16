/**
 * The simulator's rate-limit scope: per token (default) or per user, the documented
 * per-account behaviour, where two runners with their own tokens share one budget.
 */
import type { Simulator } from "../../src/simulator";
import { DEMO_USER, startSim } from "../helpers/sim";

async function create(sim: Simulator, token: string): Promise<number> {
  const res = await fetch(`${sim.ticketingUrl}/tickets`, {
    method: "POST",
    headers: { "X-Auth-Token": token, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ accountId: "hybrid:100001", subject: "s", category: "Change", subcategory: "General", comment: { text: "t" } }),
  });
  await res.text();
  return res.status;
}

describe.each([
  ["token", [200, 200]],
  ["user", [200, 429]],
] as const)("rateLimitScope %s", (scope, expected) => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSim({ windowMs: 60_000, rateLimitScope: scope });
  });
  afterAll(async () => {
    await sim.close();
  });

  it(`two tokens of one user creating a ticket each: ${expected.join(", ")}`, async () => {
    const a = sim.issueToken(DEMO_USER);
    const b = sim.issueToken(DEMO_USER);
    expect(a).not.toBe(b);
    expect([await create(sim, a), await create(sim, b)]).toEqual(expected);
  });
});
