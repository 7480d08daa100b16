/**
 * Adopting an existing ticket with `adoptTicketId` (Pulumi's `import` resource option
 * cannot reach a dynamic provider's read: pulumi/pulumi#3550).
 */
import { TicketingClient } from "../../src/api/client";
import { digestsOf, postedDigests } from "../helpers/posted";
import { RackspaceTicketProvider } from "../../src/faces/dynamic/provider";
import type { Simulator } from "../../src/simulator";
import { clientOptions, providerConfig, resetClientState, startSim } from "../helpers/sim";

type Props = Record<string, unknown>;
const R1 = "https://resources.api.rackspace.com/resources/dedicated:0001";
const R2 = "https://resources.api.rackspace.com/resources/dedicated:0002";

describe("adoptTicketId", () => {
  let sim: Simulator;
  let provider: RackspaceTicketProvider;
  let existing: string;
  const declared = { accountId: "hybrid:100001", subject: "Opened by hand", category: "Change", subcategory: "General", __resourceName: "adopted" };

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 20, patch: 20, comment: 20, read: 200 } });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    resetClientState();
    const c = new TicketingClient(clientOptions(sim, { limits: { create: 20 } }), {});
    existing = (await c.createTicket({ accountId: "hybrid:100001", subject: "Opened by hand", category: "Change", subcategory: "General", comment: { text: "Made in the portal." }, resources: [R1] })).ticketId;
    await c.addComment(existing, { text: "already here" });
    sim.clearRequests();
    provider = new RackspaceTicketProvider();
    provider.log = () => undefined;
    await provider.configure({ config: providerConfig(sim, { "rackspace:rateLimitCreate": "20", "rackspace:rateLimitRead": "200" }) });
  });

  it("takes over the ticket: no new ticket, resources brought in line, only missing comments posted", async () => {
    const res = await provider.create({ ...declared, adoptTicketId: existing, resources: [R1, R2], comments: ["already here", "new note"] });
    expect(res.id).toBe(existing);
    const writes = sim.writeCalls().map((r) => [r.operation, r.body]);
    expect(writes).toEqual([
      ["patchTicket", { resources: [R1, R2] }],
      ["addComment", { comment: { text: "new note" } }],
    ]);
    expect(postedDigests(res.outs as Props)).toEqual(digestsOf(["already here", "new note"]));
    expect((res.outs as Props).thread).toHaveLength(3);
  });

  it("with matching resources and comments it sends nothing at all", async () => {
    await provider.create({ ...declared, adoptTicketId: existing, resources: [R1], comments: ["already here"] });
    expect(sim.writeCalls()).toEqual([]);
    expect(sim.requests().filter((r) => r.operation !== "token").map((r) => r.operation)).toEqual(["getTicket"]);
  });

  it("refuses a ticket that is not the declared one, and says what differs (a closed one only when it differs too)", async () => {
    await expect(provider.create({ ...declared, subject: "Something else", adoptTicketId: existing })).rejects.toThrow(
      /cannot adopt the ticket: subject is "Opened by hand", the program says "Something else"\. Declare the ticket's own values/,
    );
    await expect(provider.create({ ...declared, adoptTicketId: "000000-sim-9999999" })).rejects.toThrow(/adopting the ticket failed: getTicket .*HTTP 404: ticketNotFound/);
    expect(sim.writeCalls()).toEqual([]);
    await new TicketingClient(clientOptions(sim), {}).closeTicket(existing);
    sim.clearRequests();
    // A closed ticket with another subject: the mismatch is named with the close.
    await expect(provider.create({ ...declared, subject: "Something else", adoptTicketId: existing })).rejects.toThrow(/subject is "Opened by hand".*; the ticket is closed/);
    expect(sim.writeCalls()).toEqual([]);
  });

  it("removing adoptTicketId after adoption changes nothing", async () => {
    const res = await provider.create({ ...declared, adoptTicketId: existing, resources: [R1], comments: ["already here"] });
    const d = await provider.diff(existing, res.outs as Props, { ...declared, resources: [R1], comments: ["already here"] });
    expect(d.changes).toBe(false);
  });
});

describe("the import resource option (RackspaceTicket turns it into a strict adoption)", () => {
  let sim: Simulator;
  let provider: RackspaceTicketProvider;
  let id: string;
  const declared = {
    accountId: "hybrid:100001",
    subject: "Imported",
    category: "Change",
    subcategory: "General",
    description: "Opened elsewhere.",
    resources: [R1],
    comments: ["later note"],
    __resourceName: "imported",
  };

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 20, patch: 20, comment: 20, read: 200 } });
    resetClientState();
    const c = new TicketingClient(clientOptions(sim, { limits: { create: 20 } }), {});
    id = (await c.createTicket({ accountId: "hybrid:100001", subject: "Imported", category: "Change", subcategory: "General", comment: { text: "Opened elsewhere." }, resources: [R1] })).ticketId;
    await c.addComment(id, { text: "later note" });
    sim.actAsRacker(id, { comment: "Racker replies are not inputs." });
    provider = new RackspaceTicketProvider();
    provider.log = () => undefined;
    await provider.configure({ config: providerConfig(sim, { "rackspace:rateLimitRead": "200" }) });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.clearRequests());

  it("matching every declared value: the ticket is taken over with zero writes", async () => {
    const res = await provider.create({ ...declared, adoptTicketId: id, __import: true });
    expect(res.id).toBe(id);
    expect(sim.writeCalls()).toEqual([]);
  });

  it.each([
    ["resources", { resources: [R1, R2] }, /resources is \[.*\], the program says/],
    ["comments", { comments: ["later note", "one more"] }, /the ticket has 1 customer comments after the description, the program declares 2/],
    ["description", { description: "Other text" }, /description differs from the ticket's first comment at character 1: the ticket says "Opened elsewhere\.", the program "Other text"/],
    ["severity", { severity: "Urgent" }, /severity is "Normal", the program says "Urgent"/],
  ])("a differing %s fails the import, naming it, and sends nothing", async (_f, patch, reason) => {
    await expect(provider.create({ ...declared, ...patch, adoptTicketId: id, __import: true })).rejects.toThrow(reason);
    await expect(provider.create({ ...declared, ...patch, adoptTicketId: id, __import: true })).rejects.toThrow(/cannot import the ticket: .*an import never changes the ticket/);
    expect(sim.writeCalls()).toEqual([]);
  });
});
