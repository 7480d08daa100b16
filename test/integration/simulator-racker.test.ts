/**
 * Delayed Racker actions over loopback: rules on new tickets (SimulatorOptions `racker`,
 * setRackerRules, PUT /_sim/racker-rules), scheduleRacker and POST /_sim/tickets/{id}/racker
 * with afterMs, what a Closed ticket, reset() and close() do to them, and the CLI flags.
 * Every wait polls for the action's record with a generous timeout; nothing asserts how long
 * anything took — only which actions ran, in which order, and what the ticket shows.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TicketingClient } from "../../src/api/client";
import { DEFAULT_RACKER_APPROVAL, startSimulator, type RackerActionRecord, type RackerRule, type Simulator, type Ticket } from "../../src/simulator";
import { main, parseCli, USAGE } from "../../src/simulator/cli";
import { clientOptions, DEMO_USER, openTicketByHand, resetClientState, startSim } from "../helpers/sim";

const incident = {
  accountId: "hybrid:100001",
  subject: "Change: widen the maintenance window",
  category: "Incident",
  subcategory: "General",
  comment: { text: "Please approve the change." },
};

/** Polls `probe` until it returns a value (not undefined); fails after `timeoutMs` (generous: the machine is shared). */
async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The first `n` delayed Racker actions, once that many have come due. */
const actionsRan = (sim: Simulator, n: number): Promise<RackerActionRecord[]> =>
  waitFor(`${n} Racker action(s)`, () => (sim.rackerActions().length >= n ? sim.rackerActions() : undefined));

async function getTicket(sim: Simulator, id: string): Promise<Ticket> {
  const res = await fetch(`${sim.ticketingUrl}/tickets/${encodeURIComponent(id)}`, { headers: { "X-Auth-Token": sim.issueToken(DEMO_USER), Accept: "application/json" } });
  expect(res.status).toBe(200);
  return (await res.json()) as Ticket;
}

async function closeByHand(sim: Simulator, id: string): Promise<void> {
  const res = await fetch(`${sim.ticketingUrl}/tickets/${encodeURIComponent(id)}`, {
    method: "PATCH",
    headers: { "X-Auth-Token": sim.issueToken(DEMO_USER), "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ status: "Closed" }),
  });
  expect(res.status).toBe(204);
}

async function admin(sim: Simulator, method: string, p: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${sim.url}/_sim${p}`, { method, headers: body === undefined ? {} : { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const rackerComments = (t: Ticket) => t.comments.filter((c) => c.author.type === "racker");

describe("delayed Racker actions", () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim?.close();
    resetClientState();
  });

  it("a rule acts on each matching new ticket after its creation, and on no other", async () => {
    const approve: RackerRule = { match: { subject: "^change:" }, afterMs: 30, ...DEFAULT_RACKER_APPROVAL };
    sim = await startSim({ racker: [approve], limits: { create: 5 } });
    const client = new TicketingClient(clientOptions(sim, { limits: { create: 5, patch: 10, comment: 10, read: 100 } }), {});
    const change = await client.createTicket(incident);
    const other = await client.createTicket({ ...incident, subject: "Disk full, not a change: please help" });
    // Rules are matched at creation: only the change got an action (pending, or already run).
    expect([...sim.pendingRackerActions(), ...sim.rackerActions()].map((p) => [p.ticketId, p.source, p.rule])).toEqual([[change.ticketId, "rule", 0]]);

    const [ran] = await actionsRan(sim, 1);
    expect(ran).toMatchObject({ ticketId: change.ticketId, comment: DEFAULT_RACKER_APPROVAL.comment, status: "In Progress", name: "Jane D.", afterMs: 30, source: "rule", rule: 0 });
    expect(ran.skipped).toBeUndefined();
    expect(ran.scheduledAt).toBe(change.created);

    const seen = await client.getTicket(change.ticketId);
    expect(seen.status).toBe("In Progress");
    expect(seen.comments.map((c) => [c.author?.type, c.text])).toEqual([
      ["customer", "Please approve the change."],
      ["racker", DEFAULT_RACKER_APPROVAL.comment],
    ]);
    const comment = seen.comments[1];
    expect(comment.created).toBe(ran.at);
    expect(Date.parse(comment.created as string)).toBeGreaterThan(Date.parse(seen.created as string));
    expect(sim.pendingRackerActions()).toEqual([]);
    expect(rackerComments(await getTicket(sim, other.ticketId))).toEqual([]);
    expect(sim.rackerActions()).toHaveLength(1);
  });

  it("several matching rules give several actions, in rule order for equal delays; category matches case-insensitively", async () => {
    sim = await startSim({
      racker: [
        { afterMs: 20, comment: "Looking into it.", status: "In Progress", name: "Sam R." },
        { afterMs: 20, comment: "Approved: change window confirmed." },
        { match: { category: "request for information" }, afterMs: 40, status: "Solved" },
      ],
    });
    const id = await openTicketByHand(sim, incident);
    const rfi = await openTicketByHand(sim, { ...incident, category: "Request for Information" });
    const ran = await actionsRan(sim, 5);
    // Per ticket, in rule order (the two tickets' timers may interleave).
    const rulesOf = (ticketId: string) => ran.filter((r) => r.ticketId === ticketId).map((r) => r.rule);
    expect([rulesOf(id), rulesOf(rfi)]).toEqual([
      [0, 1],
      [0, 1, 2],
    ]);
    const t = await getTicket(sim, id);
    expect(t.comments.map((c) => [c.author.type, c.author.name, c.text])).toEqual([
      ["customer", expect.any(String), "Please approve the change."],
      ["racker", "Sam R.", "Looking into it."],
      ["racker", "Jane D.", "Approved: change window confirmed."],
    ]);
    expect(t.status).toBe("In Progress");
    expect((await getTicket(sim, rfi)).status).toBe("Solved");
    const times = ran.filter((r) => r.ticketId === id).map((r) => Date.parse(r.at));
    expect(times[1]).toBeGreaterThanOrEqual(times[0]);
  });

  it("scheduleRacker acts once on one ticket; pendingRackerActions lists it until then", async () => {
    sim = await startSim();
    const id = await openTicketByHand(sim, incident);
    const before = sim.getTicket(id) as Ticket;
    const pending = sim.scheduleRacker(id, { afterMs: 25, comment: "Approved.", name: "Ana K." });
    expect(pending).toMatchObject({ ticketId: id, afterMs: 25, comment: "Approved.", name: "Ana K.", source: "schedule" });
    expect(Date.parse(pending.dueAt) - Date.parse(pending.scheduledAt)).toBe(25);
    expect(sim.pendingRackerActions()).toEqual([pending]);
    const [ran] = await actionsRan(sim, 1);
    expect(ran).toEqual({ ...pending, at: expect.any(String) });
    const after = await getTicket(sim, id);
    expect(after.status).toBe(before.status);
    expect(rackerComments(after)).toEqual([expect.objectContaining({ text: "Approved.", created: ran.at, author: expect.objectContaining({ type: "racker", name: "Ana K." }) })]);
    expect(Date.parse(ran.at)).toBeGreaterThan(Date.parse(after.created));
    expect(() => sim.scheduleRacker("nope", { afterMs: 1, comment: "x" })).toThrow(/could not be found/);
    expect(() => sim.scheduleRacker(id, { afterMs: 1 })).toThrow(/comment and\/or a status/);
    expect(() => sim.scheduleRacker(id, { afterMs: -1, comment: "x" })).toThrow(RangeError);
    expect(() => sim.scheduleRacker(id, { afterMs: 2 ** 31, comment: "x" })).toThrow(RangeError);
  });

  it("an action on a ticket already Closed is skipped, by schedule or by an earlier rule closing it", async () => {
    sim = await startSim({ racker: [{ afterMs: 10, status: "Closed" }, { afterMs: 40, comment: "Approved." }] });
    const id = await openTicketByHand(sim, incident);
    const [closing, late] = await actionsRan(sim, 2);
    expect([closing.rule, closing.skipped, late.rule, late.skipped]).toEqual([0, undefined, 1, "closed"]);
    const t = await getTicket(sim, id);
    expect(t.status).toBe("Closed");
    expect(rackerComments(t)).toEqual([]);

    sim.setRackerRules([]);
    const byHand = await openTicketByHand(sim, { ...incident, subject: "closed by the customer" });
    await closeByHand(sim, byHand);
    sim.scheduleRacker(byHand, { afterMs: 5, comment: "Approved.", status: "In Progress" });
    const third = (await actionsRan(sim, 3))[2];
    expect(third).toMatchObject({ ticketId: byHand, skipped: "closed", source: "schedule" });
    const closed = await getTicket(sim, byHand);
    expect([closed.status, rackerComments(closed)]).toEqual(["Closed", []]);
  });

  it("reset() cancels pending actions and forgets those that ran; the rules stay", async () => {
    sim = await startSim({ racker: [{ afterMs: 20, comment: "Approved." }] });
    await openTicketByHand(sim, incident);
    await actionsRan(sim, 1);
    const doomed = await openTicketByHand(sim, incident);
    // Scheduled with no await before reset(): certainly pending then.
    sim.scheduleRacker(doomed, { afterMs: 10, comment: "never" });
    sim.scheduleRacker(doomed, { afterMs: 60_000, comment: "never either" });
    expect(sim.pendingRackerActions().filter((p) => p.source === "schedule").map((p) => p.afterMs)).toEqual([10, 60_000]);
    sim.reset();
    expect([sim.pendingRackerActions(), sim.rackerActions()]).toEqual([[], []]);
    expect(sim.rackerRules()).toEqual([{ afterMs: 20, comment: "Approved." }]);
    // A later, longer action: had the cancelled ones survived, they would have come due first.
    const fresh = await openTicketByHand(sim, incident);
    const ran = await actionsRan(sim, 1);
    expect(ran.map((r) => [r.ticketId, r.skipped])).toEqual([[fresh, undefined]]);
    expect(sim.rackerActions()).toHaveLength(1);
  });

  it("close() cancels pending actions", async () => {
    const gone = await startSim();
    const id = await openTicketByHand(gone, incident);
    gone.scheduleRacker(id, { afterMs: 10, comment: "never" });
    await gone.close();
    expect(gone.pendingRackerActions()).toEqual([]);
    // Another simulator's later action comes due: the closed one's, due earlier, did not run.
    sim = await startSim();
    const other = await openTicketByHand(sim, incident);
    sim.scheduleRacker(other, { afterMs: 60, comment: "Approved." });
    await actionsRan(sim, 1);
    expect(gone.rackerActions()).toEqual([]);
    expect(rackerComments(gone.getTicket(id) as Ticket)).toEqual([]);
  });

  it("setRackerRules applies to tickets created from then on and refuses a bad rule", async () => {
    sim = await startSim();
    const early = await openTicketByHand(sim, incident);
    sim.setRackerRules([{ match: { subject: "widen" }, afterMs: 5, status: "Pending Customer" }]);
    const late = await openTicketByHand(sim, incident);
    const [ran] = await actionsRan(sim, 1);
    expect(ran.ticketId).toBe(late);
    expect((await getTicket(sim, early)).status).toBe("Pending Rackspace");
    expect((await getTicket(sim, late)).status).toBe("Pending Customer");
    expect(() => sim.setRackerRules([{ afterMs: 5 }])).toThrow(/Racker rule \[0\].*comment and\/or a status/);
    expect(() => sim.setRackerRules([{ afterMs: 5, comment: "x", match: { subject: "(" } }])).toThrow(/match\.subject: must be a valid regular expression/);
    expect(sim.rackerRules()).toEqual([{ match: { subject: "widen" }, afterMs: 5, status: "Pending Customer" }]);
    await expect(startSimulator({ racker: [{ afterMs: 1.5, comment: "x" }] })).rejects.toThrow(/invalid Racker rule \[0\]: afterMs/);
  });
});

describe("delayed Racker actions over the admin API", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => sim.reset());

  it("POST /_sim/tickets/{id}/racker with afterMs schedules (202); without, acts at once", async () => {
    const id = await openTicketByHand(sim, incident);
    const res = await admin(sim, "POST", `/tickets/${encodeURIComponent(id)}/racker`, { afterMs: 15, comment: "Approved.", status: "In Progress" });
    expect(res).toEqual({ status: 202, json: { scheduled: expect.objectContaining({ ticketId: id, afterMs: 15, source: "schedule", name: "Jane D." }) } });
    const listed = (await admin(sim, "GET", "/racker-actions")).json as { pending: unknown[]; actions: unknown[] };
    expect([...listed.pending, ...listed.actions]).toEqual([expect.objectContaining({ ticketId: id, afterMs: 15 })]);
    await actionsRan(sim, 1);
    expect((await admin(sim, "GET", "/racker-actions")).json).toEqual({ actions: [expect.objectContaining({ ticketId: id, comment: "Approved.", status: "In Progress" })], pending: [] });
    expect((await getTicket(sim, id)).status).toBe("In Progress");
    const now = await admin(sim, "POST", `/tickets/${encodeURIComponent(id)}/racker`, { comment: "Done." });
    expect(now.status).toBe(200);
    expect(rackerComments(now.json as Ticket).map((c) => c.text)).toEqual(["Approved.", "Done."]);
    expect(sim.rackerActions()).toHaveLength(1);
  });

  it("PUT /_sim/racker-rules takes {rules} or a bare array; GET returns them; new tickets get the actions", async () => {
    const rules = [{ match: { subject: "^change", category: "Incident" }, afterMs: 10, ...DEFAULT_RACKER_APPROVAL }];
    expect(await admin(sim, "PUT", "/racker-rules", { rules })).toEqual({ status: 200, json: { rules } });
    expect(await admin(sim, "PUT", "/racker-rules", rules)).toEqual({ status: 200, json: { rules } });
    expect((await admin(sim, "GET", "/racker-rules")).json).toEqual({ rules });
    expect((await admin(sim, "GET", "")).json).toMatchObject({ racker: { rules: 1, pending: 0, ran: 0 }, endpoints: expect.arrayContaining(["PUT /_sim/racker-rules", "GET /_sim/racker-actions"]) });
    const id = await openTicketByHand(sim, incident);
    await actionsRan(sim, 1);
    expect(rackerComments(await getTicket(sim, id)).map((c) => c.text)).toEqual([DEFAULT_RACKER_APPROVAL.comment]);
    expect((await admin(sim, "PUT", "/racker-rules", { rules: [] })).json).toEqual({ rules: [] });
  });

  it("refuses bad bodies with 400 (and an unknown ticket with 404), changing nothing", async () => {
    const id = encodeURIComponent(await openTicketByHand(sim, incident));
    const bad400 = expect.objectContaining({ status: 400, faultCode: "badRequest" });
    for (const body of [{ afterMs: -1, comment: "x" }, { afterMs: 1.5, comment: "x" }, { afterMs: 2 ** 31, comment: "x" }, { afterMs: "10", comment: "x" }, { afterMs: 10 }, { afterMs: 10, comment: "x", when: "later" }]) {
      const res = await admin(sim, "POST", `/tickets/${id}/racker`, body);
      expect([res.status, res.json]).toEqual([400, bad400]);
    }
    expect((await admin(sim, "POST", "/tickets/nope/racker", { afterMs: 10, comment: "x" })).status).toBe(404);
    for (const body of [{ rules: [{ comment: "x" }] }, { rules: [{ afterMs: 1, comment: "x", match: { subject: "[" } }] }, { rules: [{ afterMs: 1, comment: "x", match: { owner: "me" } }] }, { rules: "all" }, "rules"]) {
      const res = await admin(sim, "PUT", "/racker-rules", body);
      expect([res.status, res.json]).toEqual([400, bad400]);
    }
    expect(((await admin(sim, "PUT", "/racker-rules", { rules: [{ afterMs: 1, comment: "x", match: { subject: "[" } }] })).json as { message: string }).message).toMatch(/regular expression/);
    expect((await admin(sim, "DELETE", "/racker-rules")).status).toBe(405);
    expect([sim.rackerRules(), sim.pendingRackerActions()]).toEqual([[], []]);
  });
});

describe("Racker flags of the CLI", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sim-racker-cli-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, content);
    return p;
  };

  it("--racker-approve-after and --racker-rules become SimulatorOptions.racker, file rules first", () => {
    expect(parseCli(["--racker-approve-after", "250"]).options.racker).toEqual([{ afterMs: 250, comment: "Approved: change window confirmed.", status: "In Progress" }]);
    const rules = [{ match: { subject: "^change:" }, afterMs: 100, comment: "Looking." }];
    expect(parseCli(["--racker-rules", file("a.json", JSON.stringify(rules))]).options.racker).toEqual(rules);
    expect(parseCli(["--racker-rules", file("b.json", JSON.stringify({ rules })), "--racker-approve-after", "0"]).options.racker).toEqual([...rules, { afterMs: 0, ...DEFAULT_RACKER_APPROVAL }]);
    expect(parseCli([]).options.racker).toBeUndefined();
    expect(USAGE).toMatch(/--racker-approve-after N/);
    expect(USAGE).toMatch(/--racker-rules FILE/);
  });

  it("refuses a bad delay or rules file with a usage error", () => {
    expect(() => parseCli(["--racker-approve-after", "soon"])).toThrow(/--racker-approve-after must be a whole number/);
    expect(() => parseCli(["--racker-rules", path.join(tmp, "missing.json")])).toThrow(/--racker-rules .*missing\.json: ENOENT/);
    expect(() => parseCli(["--racker-rules", file("c.json", "{not json")])).toThrow(/--racker-rules .*c\.json: .*JSON/);
    expect(() => parseCli(["--racker-rules", file("d.json", JSON.stringify([{ afterMs: 5 }]))])).toThrow(/comment and\/or a status/);
  });

  it("a CLI simulator with --racker-approve-after approves every new ticket", async () => {
    const out: string[] = [];
    const { exitCode, simulator } = await main(["--port", "0", "--quiet", "--racker-approve-after", "20"], { out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`) });
    expect(exitCode).toBe(0);
    const s = simulator as Simulator;
    try {
      expect(out.join("\n")).toMatch(/racker rules: every ticket after 20 ms → "Approved: change window confirmed\." \+ status In Progress/);
      const id = await openTicketByHand(s, incident);
      await actionsRan(s, 1);
      const t = await getTicket(s, id);
      expect([t.status, rackerComments(t).map((c) => c.text)]).toEqual(["In Progress", ["Approved: change window confirmed."]]);
    } finally {
      await s.close();
    }
  });
});
