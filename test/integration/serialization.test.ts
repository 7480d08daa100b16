/**
 * The serialized provider, as the SDK produces it (`serializeFunction` on the stub that
 * RackspaceTicket hands to pulumi.dynamic.Resource), loaded back the way the dynamic
 * provider host does (require-from-string, then `.handler()`, then `configure`), drives
 * create/update/delete against the simulator.
 */
import * as fs from "node:fs";
import { digestsOf, postedDigests } from "../helpers/posted";
import * as path from "node:path";
import type { Simulator } from "../../src/simulator";
import { ensureBuilt, makeProgramDir, serializedProvider } from "../helpers/provider-host";
import { DEMO_KEY, providerConfig, resetClientState, startSim } from "../helpers/sim";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => { handler: () => Record<string, (...a: unknown[]) => Promise<Record<string, unknown>>> };

describe("serialized provider round trip", () => {
  let sim: Simulator;
  let text: string;
  let programDir: string;
  const cwd = process.cwd();

  beforeAll(async () => {
    ensureBuilt();
    sim = await startSim({ limits: { create: 5, patch: 10, comment: 10, read: 100 } });
    text = await serializedProvider();
    programDir = makeProgramDir();
  });
  afterAll(async () => {
    process.chdir(cwd);
    await sim.close();
    fs.rmSync(programDir, { recursive: true, force: true });
  });

  it("is small and captures no implementation and no credential", () => {
    expect(Buffer.byteLength(text)).toBeLessThan(2048);
    for (const captured of ["TicketingClient", "axios", "zod", "SlidingWindowLimiter", "apiKey", DEMO_KEY]) expect(text).not.toContain(captured);
    expect(text).toContain("pulumi-rackspace-ticketing/provider/impl");
  });

  it("loaded back in a program directory, drives create, update and delete", async () => {
    resetClientState();
    // The host runs in the program's directory, where the package is installed.
    process.chdir(programDir);
    expect(fs.realpathSync(path.join(programDir, "node_modules", "pulumi-rackspace-ticketing"))).toBe(fs.realpathSync(cwd));
    const provider = requireFromString(text).handler();
    expect(Object.keys(provider)).toEqual(["configure"]);
    await provider.configure({ config: providerConfig(sim, { "rackspace:rateLimitCreate": "5" }) });
    expect(Object.keys(provider).sort()).toEqual(["check", "configure", "create", "delete", "diff", "read", "update"]);

    const inputs = { accountId: "hybrid:100001", subject: "Round trip", category: "Change", subcategory: "General", __provider: text };
    sim.clearRequests();
    const created = (await provider.create(inputs)) as { id: string; outs: Record<string, unknown> };
    const updated = (await provider.update(created.id, created.outs, { ...inputs, comments: ["after the round trip"] })) as { outs: Record<string, unknown> };
    expect(postedDigests(updated.outs)).toEqual(digestsOf(["after the round trip"]));
    await provider.delete(created.id, updated.outs);
    expect(sim.writeCalls().map((r) => r.operation)).toEqual(["createTicket", "addComment", "patchTicket"]);
    expect(sim.getTicket(created.id)?.status).toBe("Closed");
    expect(JSON.stringify(sim.writeCalls().map((r) => r.body))).not.toContain("__provider");
  });
});
