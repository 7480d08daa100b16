/**
 * Pacing is per account and endpoint (docs §5: the limits are per account), not per
 * credential: two credentials on one account share one limiter; one credential on two
 * accounts is not serialized across them.
 */
import { TicketingClient } from "../../src/api/client";
import type { Simulator } from "../../src/simulator";
import { DEMO_USER, resetClientState, startSim } from "../helpers/sim";

const ticket = (accountId: string, subject: string) => ({
  accountId,
  subject,
  category: "Change",
  subcategory: accountId.startsWith("hybrid:") ? "General" : "Other",
  severity: "Normal" as const,
  comment: { text: "pacing scope" },
});

describe("pacing scope: account, not credential", () => {
  let sim: Simulator;
  beforeAll(async () => {
    // The server is generous: only the client's own pacing (1 create per second) spaces requests here.
    sim = await startSim({ limits: { create: 100, patch: 100, comment: 100, read: 100 } });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    resetClientState();
    sim.clearRequests();
  });

  const withToken = (token: string) => new TicketingClient({ ticketingUrl: sim.ticketingUrl, identityUrl: sim.identityUrl, authToken: token, windowMs: 1000, limits: { create: 1, patch: 1 } }, {});
  const createTimes = () => sim.requests().filter((r) => r.operation === "createTicket" && r.status === 200).map((r) => Date.parse(r.at));

  it("two credentials, one account: one limiter, and their creates are spaced by the window", async () => {
    const a = withToken(sim.issueToken(DEMO_USER));
    const b = withToken(sim.issueToken(DEMO_USER));
    expect(a.limiter("create", "hybrid:100001")).toBe(b.limiter("create", "hybrid:100001"));
    expect(a.limiter("create")).not.toBe(b.limiter("create")); // no account known: per credential
    await Promise.all([a.createTicket(ticket("hybrid:100001", "from a")), b.createTicket(ticket("hybrid:100001", "from b"))]);
    const [t1, t2] = createTimes().sort((x, y) => x - y);
    expect(t2 - t1).toBeGreaterThanOrEqual(950);
  });

  it("two credentials, one account: PATCHes with the account in the call context share the limiter too", async () => {
    const a = withToken(sim.issueToken(DEMO_USER));
    const b = withToken(sim.issueToken(DEMO_USER));
    const x = await a.createTicket(ticket("hybrid:100001", "patched by a"));
    const y = await b.createTicket(ticket("hybrid:100001", "patched by b"));
    sim.clearRequests();
    await Promise.all([a.setResources(x.ticketId, [], { accountId: "hybrid:100001" }), b.setResources(y.ticketId, [], { accountId: "hybrid:100001" })]);
    const [t1, t2] = sim.requests().filter((r) => r.operation === "patchTicket").map((r) => Date.parse(r.at)).sort((p, q) => p - q);
    expect(t2 - t1).toBeGreaterThanOrEqual(950);
  });

  it("one credential, two accounts: not serialized across them", async () => {
    const c = withToken(sim.issueToken(DEMO_USER));
    expect(c.limiter("create", "hybrid:100001")).not.toBe(c.limiter("create", "faws:100000000001"));
    const t0 = Date.now();
    await Promise.all([c.createTicket(ticket("hybrid:100001", "one")), c.createTicket(ticket("faws:100000000001", "two"))]);
    expect(Date.now() - t0).toBeLessThan(900);
    expect(createTimes()).toHaveLength(2);
  });
});
