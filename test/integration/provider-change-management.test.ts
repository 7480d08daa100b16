/**
 * Change management against the simulator, one provider method at a time: the approval
 * gate (`waitFor`), the deployment's `note`, the closing comment and the cross-references
 * of a replacement.
 */
import { RackspaceTicketProvider, TicketPartialFailure } from "../../src/faces/dynamic/provider";
import type { Simulator, Ticket } from "../../src/simulator";
import { providerConfig, resetClientState, startSim } from "../helpers/sim";

type Props = Record<string, unknown>;
const R1 = "https://resources.api.rackspace.com/resources/dedicated:0001";

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("change management", () => {
  let sim: Simulator;
  let provider: RackspaceTicketProvider;
  let lines: string[];
  let n = 0;
  const base = { accountId: "hybrid:100001", category: "Change", subcategory: "General", description: "Rolling out.", __project: "ops", __stack: "dev" };
  const fresh = (extra: Props = {}): Props => ({ ...base, subject: `Change ${++n}`, __resourceName: `cm-${n}`, ...extra });
  const bySubject = (subject: unknown) => () => sim.tickets().find((t) => t.subject === subject);
  const customerTexts = (t: Ticket | undefined) => (t?.comments ?? []).filter((c) => c.author.type !== "racker").map((c) => c.text);
  const gate = (extra: Props = {}) => ({ approval: "approved", rejection: "/rejected|denied/i", pollInterval: "1s", timeout: "30s", ...extra });

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 50, patch: 50, comment: 50, read: 500 } });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    resetClientState();
    sim.clearFaults();
    lines = [];
    provider = new RackspaceTicketProvider();
    provider.log = (l) => lines.push(l);
    await provider.configure({
      config: providerConfig(sim, { "rackspace:rateLimitCreate": "50", "rackspace:rateLimitPatch": "50", "rackspace:rateLimitComment": "50", "rackspace:rateLimitRead": "500" }),
    });
  });

  describe("the approval gate", () => {
    it("create returns only after a Racker's approval, and records when, by whom and which comment", async () => {
      const props = fresh({ waitFor: gate() });
      const creating = provider.create(props);
      let returned = false;
      void creating.then(() => (returned = true));
      const t = await until("the ticket", bySubject(props.subject));
      await until("a progress line", () => lines.find((l) => l.includes('waiting for a Racker reply saying the phrase "approved"')));
      // An approval of an earlier change (before the last customer entry) does not count: none here, so still waiting.
      expect(returned).toBe(false);
      sim.actAsRacker(t.ticketId, { comment: "Approved: change window confirmed.", name: "Jane D." });
      const { outs } = await creating;
      const reply = sim.getTicket(t.ticketId)!.comments.at(-1)!;
      expect(outs.approval).toEqual({ met: true, how: "comment", at: reply.created, by: "Jane D.", commentId: reply.id, status: expect.any(String) });
      // The thread recorded is the one read when the gate was met: it holds the approval.
      expect((outs.thread as { text: string }[]).at(-1)?.text).toBe("Approved: change window confirmed.");
      const diff = await provider.diff(t.ticketId, outs, props);
      expect(diff).toMatchObject({ changes: false, replaces: [] });
    });

    it("only a reply after the last customer entry counts, and a status can meet the gate (the In Progess typo too)", async () => {
      const props = fresh({ waitFor: gate({ statuses: ["In Progress"] }) });
      const creating = provider.create(props);
      const t = await until("the ticket", bySubject(props.subject));
      sim.actAsRacker(t.ticketId, { status: "In Progess", name: "Sam K." });
      const { outs } = await creating;
      expect(outs.approval).toMatchObject({ met: true, how: "status", status: "In Progess", commentId: "" });
    });

    it("a rejection fails with the Racker's words, keeps the ticket in the stack, and the next up waits again on the same ticket", async () => {
      const props = fresh({ waitFor: gate(), comments: ["plan A"] });
      const creating = provider.create(props).catch((e: unknown) => e);
      const t = await until("the ticket", bySubject(props.subject));
      await until("the comment", () => (customerTexts(sim.getTicket(t.ticketId)).includes("plan A") ? true : undefined));
      sim.actAsRacker(t.ticketId, { comment: "Rejected: the window overlaps a freeze.", name: "Jane D." });
      const err = await creating;
      expect(err).toBeInstanceOf(TicketPartialFailure);
      const failure = err as TicketPartialFailure;
      expect(failure.message).toContain('Rackspace rejected the change: "Rejected: the window overlaps a freeze." (Jane D.,');
      expect(failure.message).toContain("stays open and in the stack");
      expect(failure.id).toBe(t.ticketId);
      const outs = failure.properties;
      expect(outs.approval).toMatchObject({ met: false, how: "rejected", by: "Jane D." });
      // The next up: the gate is pending, so the diff plans an update (no replacement) …
      const diff = await provider.diff(t.ticketId, outs, { ...props, comments: ["plan A", "plan B: moved out of the freeze"] });
      expect(diff.changes).toBe(true);
      expect(diff.replaces).toEqual([]);
      // … which posts the answer (a customer entry: the rejection no longer stands) and waits on the same ticket.
      const updating = provider.update(t.ticketId, outs, { ...props, comments: ["plan A", "plan B: moved out of the freeze"] });
      await until("plan B", () => (customerTexts(sim.getTicket(t.ticketId)).includes("plan B: moved out of the freeze") ? true : undefined));
      sim.actAsRacker(t.ticketId, { comment: "Approved.", name: "Jane D." });
      const updated = await updating;
      expect(updated.outs.approval).toMatchObject({ met: true, how: "comment" });
      expect(sim.tickets().filter((x) => x.subject === props.subject)).toHaveLength(1);
    });

    it("a timeout fails naming the ticket and the wait, or with onTimeout continue warns and goes on", async () => {
      const failing = fresh({ waitFor: gate({ timeout: "2s" }) });
      const err = (await provider.create(failing).catch((e: unknown) => e)) as TicketPartialFailure;
      expect(err).toBeInstanceOf(TicketPartialFailure);
      expect(err.message).toMatch(/approval gate timed out: nothing met it within \ds \(waiting for a Racker reply saying the phrase "approved"; status "[^"]+"\)\. The ticket stays open/);
      expect(err.properties.approval).toMatchObject({ met: false, how: "timeout" });

      const going = fresh({ waitFor: gate({ timeout: "2s", onTimeout: "continue" }) });
      const { id, outs } = await provider.create(going);
      expect(outs.approval).toMatchObject({ met: false, how: "timeout" });
      expect(lines.some((l) => l.includes(`(ticket ${id}): warning: approval gate timed out`))).toBe(true);
      // Not met: the next up waits again.
      expect((await provider.diff(id, outs, going)).changes).toBe(true);
    });

    it("a ticket Rackspace closes while the deployment waits fails the wait and is recorded Closed (the next up replaces it)", async () => {
      const props = fresh({ waitFor: gate() });
      const creating = provider.create(props).catch((e: unknown) => e);
      const t = await until("the ticket", bySubject(props.subject));
      sim.actAsRacker(t.ticketId, { status: "Closed" });
      const err = (await creating) as TicketPartialFailure;
      expect(err.message).toContain("Rackspace closed the ticket while the deployment waited");
      expect(err.properties.status).toBe("Closed");
      expect((await provider.diff(t.ticketId, err.properties, props)).replaces).toEqual(["status"]);
    });

    it("a create interrupted while waiting (the CLI killed) resumes on the same ticket: the next create adopts it by marker and waits", async () => {
      const props = fresh({ waitFor: gate(), comments: ["one"] });
      const first = provider.create(props).catch((e: unknown) => e);
      const t = await until("the ticket", bySubject(props.subject));
      // A second provider process (the next `pulumi up`) while the first still waits.
      resetClientState();
      const next = new RackspaceTicketProvider();
      next.log = (l) => lines.push(l);
      await next.configure({ config: providerConfig(sim, { "rackspace:rateLimitRead": "500", "rackspace:rateLimitComment": "50" }) });
      const second = next.create(props);
      await until("the adoption", () => lines.find((l) => l.includes("adopting the open ticket this resource already created")));
      sim.actAsRacker(t.ticketId, { comment: "approved" });
      const { id } = await second;
      await first;
      expect(id).toBe(t.ticketId);
      expect(sim.tickets().filter((x) => x.subject === props.subject)).toHaveLength(1);
      expect(customerTexts(sim.getTicket(id)).filter((x) => x === "one")).toHaveLength(1);
    });

    it("waitFor is checked at preview", async () => {
      const r = await provider.check({}, fresh({ waitFor: { timeout: "soon" } }));
      expect(r.failures?.map((f) => f.reason)).toEqual(['waitFor.timeout: timeout must be a duration such as "30s", "45m" or "2h"']);
      expect((await provider.check({}, fresh({ waitFor: { timeout: "5m" } }))).failures).toEqual([
        { property: "waitFor", reason: "waitFor needs `statuses` or an `approval` pattern (or both): without one it could never be met" },
      ]);
      expect((await provider.check({}, fresh({ waitFor: { approval: "/(/" } }))).failures?.[0].reason).toContain("approval is not a valid regular expression");
    });
  });

  describe("the deployment's note", () => {
    it("posts one comment per new value, nothing for the same value, and keeps the history as digests", async () => {
      const props = fresh({ note: "run 1" });
      const { id, outs } = await provider.create(props);
      expect(customerTexts(sim.getTicket(id)).slice(1)).toEqual(["run 1"]);
      expect((outs.notes as unknown[]).length).toBe(1);
      // The same value on a re-run: no change, nothing posted.
      expect((await provider.diff(id, outs, props)).changes).toBe(false);
      let state = outs;
      for (const run of ["run 2", "run 3", "run 2"]) {
        const news = { ...props, note: run };
        expect(await provider.diff(id, state, news)).toMatchObject({ changes: true, replaces: [] });
        state = (await provider.update(id, state, news)).outs;
      }
      expect(customerTexts(sim.getTicket(id)).slice(1)).toEqual(["run 1", "run 2", "run 3", "run 2"]);
      const notes = state.notes as { digest: string; commentId: string }[];
      expect(notes).toHaveLength(4);
      expect(notes[1].digest).toBe(notes[3].digest);
      expect(new Set(notes.map((x) => x.commentId)).size).toBe(4);
      // The history keeps no text.
      expect(JSON.stringify(notes)).not.toContain("run");
    });

    it("a further note costs the state its text plus under 200 bytes (its thread entry and its record)", async () => {
      const props = fresh({ note: "Deployed build 1000 of web-tier to staging by run 4000." });
      const created = await provider.create(props);
      const id = created.id;
      let outs = created.outs;
      const sizes = [JSON.stringify(outs).length];
      const texts: string[] = [];
      for (let i = 1; i <= 5; i++) {
        const text = `Deployed build ${1000 + i} of web-tier to staging by run ${4000 + i}.`;
        texts.push(text);
        outs = (await provider.update(id, outs, { ...props, note: text })).outs;
        sizes.push(JSON.stringify(outs).length);
      }
      const perNote = (sizes[5] - sizes[0]) / 5;
      expect(perNote - texts[0].length).toBeLessThan(200);
      expect(perNote - texts[0].length).toBeGreaterThan(0);
    });

    it("a note whose answer was lost is found in the thread and not posted again", async () => {
      const props = fresh({ note: "run 1" });
      const { id, outs } = await provider.create(props);
      sim.injectFault({ operation: "addComment", kind: "drop-after", count: 1 });
      const news = { ...props, note: "run 2" };
      const r = await provider.update(id, outs, news).then(
        (x) => x.outs,
        (e: unknown) => (e as TicketPartialFailure).properties,
      );
      // Whether the client saw the loss or not, the next run posts nothing more.
      const again = await provider.diff(id, r, news);
      if (again.changes) await provider.update(id, r, news);
      expect(customerTexts(sim.getTicket(id)).filter((x) => x === "run 2")).toHaveLength(1);
    });

    it("a note refused by the API is recorded as not posted; the fixed note is posted once", async () => {
      const props = fresh({ note: "run 1" });
      const { id, outs } = await provider.create(props);
      sim.injectFault({ operation: "addComment", kind: "status", status: 400, count: 1 });
      const err = (await provider.update(id, outs, { ...props, note: "run 2" }).catch((e: unknown) => e)) as TicketPartialFailure;
      expect(err.message).toContain("posting the note failed");
      expect(err.message).toContain("fix the note and run `pulumi up` again");
      expect((err.properties.notes as unknown[]).length).toBe(1);
      const fixed = { ...props, note: "run 2 (fixed)" };
      await provider.update(id, err.properties, fixed);
      expect(customerTexts(sim.getTicket(id)).slice(1)).toEqual(["run 1", "run 2 (fixed)"]);
    });
  });

  describe("closing the loop", () => {
    it("destroy posts the closing comment, then closes; a retried destroy does not post it twice", async () => {
      const props = fresh({ closingComment: "Change complete; environment removed." });
      const { id, outs } = await provider.create(props);
      sim.injectFault({ operation: "patchTicket", kind: "status", status: 400, count: 1 });
      await expect(provider.delete(id, outs)).rejects.toThrow(/closing the ticket failed/);
      sim.clearFaults();
      await provider.delete(id, outs);
      const t = sim.getTicket(id)!;
      expect(t.status).toBe("Closed");
      expect(customerTexts(t).filter((x) => x === "Change complete; environment removed.")).toHaveLength(1);
      const order = sim.writeCalls().filter((r) => r.ticketId === id).map((r) => r.operation);
      expect(order.indexOf("addComment")).toBeLessThan(order.lastIndexOf("patchTicket"));
    });

    it("a replacement: the new ticket names the old one, and the old one names the new one before it is closed", async () => {
      const props = fresh({ resources: [R1], closingComment: "Superseded." });
      const { id: oldId, outs } = await provider.create(props);
      const news = { ...props, severity: "High" };
      expect((await provider.diff(oldId, outs, news)).replaces).toEqual(["severity"]);
      const { id: newId } = await provider.create(news);
      await provider.delete(oldId, outs);
      expect(sim.getTicket(newId)!.comments[0].text).toContain(`Replaces ticket ${oldId}.`);
      const old = sim.getTicket(oldId)!;
      expect(old.status).toBe("Closed");
      expect(customerTexts(old).at(-1)).toBe(`Superseded.\n\nReplaced by ticket ${newId}.`);
    });
  });
});
