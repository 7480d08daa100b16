/**
 * Faults a CI deployment meets: a token expiring mid-deployment, an identity outage, a
 * 5xx storm, malformed answers. Bounded retries, then an error that says what was done
 * and what was not; the state keeps what was created.
 */
import { RackspaceTicketProvider, TicketOperationError, TicketPartialFailure } from "../../src/faces/dynamic/provider";
import { digestsOf, postedDigests } from "../helpers/posted";
import type { Simulator } from "../../src/simulator";
import { providerConfig, resetClientState, startSim } from "../helpers/sim";

type Props = Record<string, unknown>;

describe("provider under faults", () => {
  let sim: Simulator;
  let provider: RackspaceTicketProvider;
  let n = 0;
  const fresh = (extra: Props = {}) => ({
    accountId: "hybrid:100001",
    category: "Change",
    subcategory: "General",
    subject: `Fault case ${++n}`,
    __resourceName: `fault-${n}`,
    __project: "ops",
    __stack: "ci",
    ...extra,
  });

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 50, patch: 50, comment: 50, read: 200 } });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    resetClientState();
    sim.clearFaults();
    sim.clearRequests();
    provider = new RackspaceTicketProvider();
    provider.log = () => undefined;
    await provider.configure({
      config: providerConfig(sim, {
        "rackspace:rateLimitCreate": "50",
        "rackspace:rateLimitPatch": "50",
        "rackspace:rateLimitComment": "50",
        "rackspace:rateLimitRead": "200",
        "rackspace:retryMaxAttempts": "3",
        "rackspace:timeoutMs": "500",
      }),
    });
  });

  it("a token that expires mid-deployment is replaced once and the deployment goes on", async () => {
    const created = await provider.create(fresh());
    sim.expireTokens();
    const props = fresh();
    await expect(provider.update(created.id, created.outs as Props, { ...props, subject: (created.outs as Props).subject, resources: ["https://resources.api.rackspace.com/resources/dedicated:0042"] })).resolves.toBeDefined();
    const statuses = sim.requests().map((r) => `${r.operation}:${r.status}`);
    expect(statuses).toContain("patchTicket:401");
    expect(statuses.filter((s) => s === "token:200")).toHaveLength(2);
  });

  it("an identity outage: bounded retries, then a clear error, and nothing was created", async () => {
    sim.expireTokens();
    resetClientState();
    sim.injectFault({ operation: "token", kind: "status", status: 503, count: 100 });
    const before = sim.tickets().length;
    const err = await provider.create(fresh()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketOperationError);
    expect((err as Error).message).toMatch(/RackspaceTicket "fault-\d+": opening the ticket failed: authenticate failed: HTTP 503.*\(after 3 attempts\)/);
    expect(sim.requests().filter((r) => r.operation === "token").length).toBeLessThanOrEqual(6);
    expect(sim.tickets().length).toBe(before);
  });

  it("a 5xx storm on comments after the PATCH: the error says the ticket was updated and which comment failed; state keeps the PATCH", async () => {
    const props = fresh();
    const created = await provider.create(props);
    sim.injectFault({ operation: "addComment", kind: "status", status: 503, count: 100 });
    const next = ["https://resources.api.rackspace.com/resources/dedicated:0009"];
    const err = (await provider.update(created.id, created.outs as Props, { ...props, resources: next, comments: ["a", "b"] }).catch((e: unknown) => e)) as TicketPartialFailure;
    expect(err).toBeInstanceOf(TicketPartialFailure);
    expect(err.message).toMatch(/the ticket was updated, but posting comments\[0\] failed: addComment \(ticket .+\) failed: HTTP 503.*\(after 3 attempts\)/);
    expect(err.properties.resources).toEqual(next);
    expect(err.properties.posted).toEqual([]);
    expect(sim.requests().filter((r) => r.operation === "addComment")).toHaveLength(3);
  });

  it("a malformed answer to a create: looked for, not found, NOT sent again: the error says it may exist and how to adopt it", async () => {
    const props = fresh();
    sim.injectFault({ operation: "createTicket", kind: "status", status: 200, body: "<html>maintenance</html>", contentType: "text/html", count: 1 });
    const err = (await provider.create(props).catch((e: unknown) => e)) as Error;
    // Recorded as unconfirmed (a partial failure: the engine keeps the marker), never sent again.
    expect(err).toBeInstanceOf(TicketPartialFailure);
    expect(err.message).toMatch(/outcome is unknown.*may exist.*no proof.*Nothing was sent again.*marker pulumi-rt-[0-9a-f]{16}.*adoptTicketId/);
    expect(sim.requests().filter((r) => r.operation === "createTicket")).toHaveLength(1);
  });

  it("a 2xx answer to a comment with a body that is not JSON is a success (the docs promise no body): posted once", async () => {
    const props = fresh({ comments: ["x"] });
    sim.injectFault({ operation: "addComment", kind: "status", status: 200, body: "not json", contentType: "text/plain", count: 1 });
    const res = await provider.create(props);
    expect(postedDigests(res.outs)).toEqual(digestsOf(["x"]));
    expect(sim.requests().filter((r) => r.operation === "addComment")).toHaveLength(1);
  });
});
