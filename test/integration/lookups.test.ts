/**
 * Lookups for programs (getAccounts, getCategories, getResources) and the opt-in check
 * against the account, over real HTTP on loopback against the simulator: stack config as
 * a program sees it, the resources API on its own host, paging, caching, and what a
 * check costs.
 */
import * as pulumi from "@pulumi/pulumi";
import { getAccounts, getAccountsOutput, getCategories, getResources, resetCatalogCache } from "../../src/lookups";
import { RackspaceTicketProvider } from "../../src/faces/dynamic/provider";
import type { Simulator } from "../../src/simulator";
import { clientOptions, DEMO_KEY, DEMO_USER, providerConfig, resetClientState, startSim } from "../helpers/sim";

type Props = Record<string, unknown>;

describe("lookups for programs", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    resetClientState();
    resetCatalogCache();
    sim.clearRequests();
  });

  it("getAccounts and getCategories read the program's stack config and are fetched once per process", async () => {
    for (const [k, v] of Object.entries({
      "rackspace:username": DEMO_USER,
      "rackspace:apiKey": DEMO_KEY,
      "rackspace:ticketingUrl": sim.ticketingUrl,
      "rackspace:identityUrl": sim.identityUrl,
      "rackspace:rateWindowMs": "1000",
    })) {
      pulumi.runtime.setConfig(k, v);
    }
    try {
      const accounts = await getAccounts();
      expect(accounts.map((a) => a.id)).toEqual(expect.arrayContaining(["hybrid:100001", "faws:100000000001"]));
      expect(accounts.find((a) => a.id === "hybrid:100001")?.type?.id).toBe("hybrid");
      const categories = await getCategories();
      expect(categories.map((c) => c.name)).toContain("Change");
      await getAccounts();
      await getCategories();
      expect(sim.requests({ operation: "getAccounts" })).toHaveLength(1);
      expect(sim.requests({ operation: "getCategories" })).toHaveLength(1);
    } finally {
      for (const k of ["username", "apiKey", "ticketingUrl", "identityUrl", "rateWindowMs"]) pulumi.runtime.setConfig(`rackspace:${k}`, "");
    }
  });

  it("the Output form resolves to the same list", async () => {
    const out = getAccountsOutput(clientOptions(sim));
    const ids = await new Promise<string[]>((resolve) => out.apply((a) => resolve(a.map((x) => x.id))));
    expect(ids).toContain("hybrid:100001");
  });

  it("getResources asks the resources host, not the ticketing host, and gives the URL tickets take", async () => {
    expect(sim.resourcesUrl).not.toBe(sim.ticketingUrl);
    const all = await getResources({}, { ...clientOptions(sim), resourcesUrl: sim.resourcesUrl });
    expect(all.length).toBeGreaterThan(0);
    for (const r of all) {
      expect(r.url.startsWith(`${sim.resourcesUrl}/resources/`)).toBe(true);
      expect(r.status === "" || r.status === "online").toBe(true);
    }
    const log = sim.requests({ operation: "getResources" });
    expect(log.length).toBeGreaterThan(0);
    const first = all[0];
    const found = await getResources({ q: first.name }, { ...clientOptions(sim), resourcesUrl: sim.resourcesUrl });
    expect(found.map((r) => r.id)).toContain(first.id);
    const page = await getResources({ limit: 1, sortBy: "name", sort: "desc" }, { ...clientOptions(sim), resourcesUrl: sim.resourcesUrl });
    expect(page).toHaveLength(1);
  });

  it("an invalid query is refused before anything is sent", async () => {
    await expect(getResources({ limit: 501 }, { ...clientOptions(sim), resourcesUrl: sim.resourcesUrl })).rejects.toThrow(/getResources failed.*limit/);
    expect(sim.requests({ operation: "getResources" })).toHaveLength(0);
  });
});

describe("check against the account (rackspace:validateAgainstAccount)", () => {
  let sim: Simulator;
  let lines: string[];
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    resetClientState();
    resetCatalogCache();
    sim.clearRequests();
    lines = [];
  });

  async function provider(extra: Record<string, string> = {}): Promise<RackspaceTicketProvider> {
    const p = new RackspaceTicketProvider();
    p.log = (l) => lines.push(l);
    await p.configure({ config: providerConfig(sim, extra) });
    return p;
  }

  const ticket: Props = { accountId: "faws:100000000001", subject: "Resize", category: "Change", subcategory: "General", severity: "Normal" };

  it("off by default: no lookup, the API would judge at create", async () => {
    const p = await provider();
    expect((await p.check({}, ticket)).failures).toEqual([]);
    expect(sim.requests({ operation: "getAccounts" })).toHaveLength(0);
  });

  it("on: a subcategory the account's product cannot use fails at check, naming the valid ones; two GETs for any number of checks", async () => {
    const p = await provider({ "rackspace:validateAgainstAccount": "true" });
    const res = await p.check({}, ticket);
    expect(res.failures).toEqual([{ property: "subcategory", reason: expect.stringMatching(/not open to faws accounts; use "Other"/) }]);
    expect((await p.check({}, { ...ticket, subcategory: "Other" })).failures).toEqual([]);
    expect((await p.check({}, { ...ticket, accountId: "managed_gcp:example-project-1", subcategory: "Other", severity: "High" })).failures).toEqual([
      { property: "severity", reason: expect.stringMatching(/"High" is not allowed on account managed_gcp:example-project-1; it allows "Low"/) },
    ]);
    expect(sim.requests({ operation: "getAccounts" })).toHaveLength(1);
    expect(sim.requests({ operation: "getCategories" })).toHaveLength(1);
  });

  it("on, but unknown values (a preview) or a failing API are not failures; the latter says so once", async () => {
    const p = await provider({ "rackspace:validateAgainstAccount": "true" });
    expect((await p.check({}, { ...ticket, category: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" })).failures).toEqual([]);
    expect(sim.requests({ operation: "getAccounts" })).toHaveLength(0);
    sim.injectFault({ operation: "getAccounts", kind: "status", status: 403, count: 10 });
    expect((await p.check({}, ticket)).failures).toEqual([]);
    expect(lines.join("\n")).toMatch(/could not validate against the account .*HTTP 403/);
    sim.clearFaults();
  });
});
