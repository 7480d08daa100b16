/**
 * The provider's reliability rules against the simulator, one method at a time: only
 * `ticketNotFound` means a ticket is gone, nothing is written to a closed ticket, a
 * replacement never adopts the ticket it replaces, replaceOnChanges is applied by the
 * diff, old (0.2.0) state is migrated, and messages never print secrets or long values.
 */
import { RackspaceTicketProvider, TicketOperationError, TicketPartialFailure } from "../../src/faces/dynamic/provider";
import { expandThread } from "../../src/core/history/thread-view";
import { STATE_VERSION } from "../../src/core/ticket/state";
import { digestsOf, postedDigests, postedOf, threadOf } from "../helpers/posted";
import type { Simulator } from "../../src/simulator";
import { openTicketByHand, providerConfig, resetClientState, startSim } from "../helpers/sim";

type Props = Record<string, unknown>;
const R1 = "https://resources.api.rackspace.com/resources/dedicated:0001";
const R2 = "https://resources.api.rackspace.com/resources/dedicated:0002";
const GATEWAY_404 = { kind: "status" as const, status: 404, body: "<html><body>404 Not Found (gateway)</body></html>", contentType: "text/html" };

describe("provider reliability", () => {
  let sim: Simulator;
  let provider: RackspaceTicketProvider;
  let lines: string[];
  let n = 0;
  const base = { accountId: "hybrid:100001", category: "Change", subcategory: "General", description: "Rolling out.", __project: "ops", __stack: "dev" };
  const fresh = (extra: Props = {}): Props => ({ ...base, subject: `Reliability ${++n}`, __resourceName: `rel-${n}`, ...extra });
  const writes = (id: string) => sim.writeCalls().filter((r) => r.ticketId === id);

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

  describe("only the API's ticketNotFound fault means a ticket is gone", () => {
    it("refresh: a gateway's HTML 404 is an error that keeps the ticket; ticketNotFound drops it", async () => {
      const props = fresh();
      const { id, outs } = await provider.create(props);
      sim.injectFault({ operation: "getTicket", ...GATEWAY_404, count: 1 });
      const err = await provider.read(id, outs).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TicketOperationError);
      expect((err as Error).message).toMatch(/reading the ticket failed: getTicket .*HTTP 404.*Nothing was removed from the stack/);
      const gone = await provider.read("no-such-ticket", outs);
      expect(gone).toEqual({ id: "", props: {} });
    });

    it("destroy: a gateway's 404 on the close is not counted as closed; the ticket stays open and in the stack", async () => {
      const { id, outs } = await provider.create(fresh());
      sim.injectFault({ operation: "patchTicket", ...GATEWAY_404, count: 1 });
      await expect(provider.delete(id, outs)).rejects.toThrow(/closing the ticket failed: patchTicket .*HTTP 404.*stays in the stack/);
      expect(sim.getTicket(id)?.status).not.toBe("Closed");
      await provider.delete("no-such-ticket", outs);
    });
  });

  describe("a ticket Rackspace closed", () => {
    it("diff plans a replacement instead of a PATCH or a comment, and the delete of the old resource sends nothing to it", async () => {
      const props = fresh({ comments: ["one"] });
      const { id, outs } = await provider.create(props);
      sim.actAsRacker(id, { status: "Closed" });
      const diff = await provider.diff(id, outs, { ...props, comments: ["one", "two"], resources: [R1] });
      expect(diff.replaces).toEqual(["status"]);
      const created = await provider.create({ ...props, comments: ["one", "two"], resources: [R1] });
      expect(created.id).not.toBe(id);
      expect(sim.getTicket(created.id)?.comments[0].text).toContain(`Replaces ticket ${id}.`);
      const before = writes(id).length;
      await provider.delete(id, outs);
      expect(writes(id).length).toBe(before);
    });

    it("destroy after Rackspace closed the ticket (no refresh in between): it reads first and sends no PATCH", async () => {
      const { id, outs } = await provider.create(fresh());
      sim.actAsRacker(id, { status: "Closed" });
      const before = writes(id).length;
      await provider.delete(id, outs);
      expect(writes(id).length).toBe(before);
    });

    it("destroy when the read fails still closes the ticket (a read the API cannot answer is no reason to keep it open)", async () => {
      const { id, outs } = await provider.create(fresh());
      sim.injectFault({ operation: "getTicket", kind: "status", status: 503, count: 50 });
      await provider.delete(id, outs);
      sim.clearFaults();
      expect(sim.getTicket(id)?.status).toBe("Closed");
    });

    it("a known-closed ticket in the state is replaced even without changes", async () => {
      const props = fresh();
      const { id, outs } = await provider.create(props);
      sim.actAsRacker(id, { status: "Closed" });
      const refreshed = await provider.read(id, outs);
      expect((refreshed.props as Props).status).toBe("Closed");
      expect((await provider.diff(id, refreshed.props as Props, props)).replaces).toEqual(["status"]);
    });

    it("update finds it closed at write time: a partial failure records Closed and says what the next up does; nothing is sent", async () => {
      const props = fresh({ comments: ["one"] });
      const { id, outs } = await provider.create(props);
      sim.actAsRacker(id, { status: "Closed" });
      const before = writes(id).length;
      const err = (await provider.update(id, outs, { ...props, comments: ["one", "two"] }).catch((e: unknown) => e)) as TicketPartialFailure;
      expect(err).toBeInstanceOf(TicketPartialFailure);
      expect(err.message).toMatch(/Rackspace has closed the ticket, so comments\[1\] was not sent.*run `pulumi up` again to open a new ticket that names/);
      expect(err.properties.status).toBe("Closed");
      expect(writes(id).length).toBe(before);
    });
  });

  describe("a replacement never adopts the ticket it replaces", () => {
    it("same marker (replaceOnChanges on resources): the create opens a new ticket, not the old one", async () => {
      const props = fresh({ resources: [R1], __replaceOnChanges: ["resources"] });
      const { id, outs } = await provider.create(props);
      const diff = await provider.diff(id, outs, { ...props, resources: [R1, R2] });
      expect(diff.replaces).toEqual(["resources"]);
      const next = await provider.create({ ...props, resources: [R1, R2] });
      expect(next.id).not.toBe(id);
    });

    it("replaceOnChanges '*' and paths below a key count; no option means an update in place", async () => {
      const props = fresh({ comments: ["a"] });
      const { id, outs } = await provider.create(props);
      expect((await provider.diff(id, outs, { ...props, comments: ["a", "b"] })).replaces).toEqual([]);
      expect((await provider.diff(id, outs, { ...props, comments: ["a", "b"], __replaceOnChanges: ["*"] })).replaces).toEqual(["comments"]);
      expect((await provider.diff(id, outs, { ...props, comments: ["a", "b"], __replaceOnChanges: ["comments[1]"] })).replaces).toEqual(["comments"]);
    });

    it("adoptTicketId naming the ticket being replaced opens a new ticket", async () => {
      const existing = await openTicketByHand(sim, { accountId: "hybrid:100001", subject: "Adopted then replaced", category: "Change", subcategory: "General", comment: { text: "By hand." } });
      const props = fresh({ subject: "Adopted then replaced", adoptTicketId: existing });
      const { id, outs } = await provider.create(props);
      expect(id).toBe(existing);
      const diff = await provider.diff(id, outs, { ...props, severity: "High" });
      expect(diff.replaces).toEqual(["severity"]);
      const next = await provider.create({ ...props, severity: "High" });
      expect(next.id).not.toBe(existing);
      expect(lines.join("\n")).toMatch(/adoptTicketId names .* opening a new ticket instead/);
    });
  });

  describe("state written by 0.2.0 (no version)", () => {
    it("is migrated in diff, update, read and delete, and stamped with the current version", async () => {
      const props = fresh({ comments: ["one"] });
      const { id, outs } = await provider.create(props);
      // As 0.2.0 recorded it: the posted texts in `comments`, every thread entry with its text, no version.
      const { posted: _records, __stateVersion: _v, __resourceName: _n, ...rest } = outs as Props;
      const old: Props = { ...rest, comments: ["one"], thread: expandThread(threadOf(outs), props.description as string, ["one"]) };
      expect((await provider.diff(id, old, props)).changes).toBe(false);
      const upd = await provider.update(id, old, { ...props, comments: ["one", "two"] });
      expect((upd.outs as Props).__stateVersion).toBe(STATE_VERSION);
      expect(postedDigests(upd.outs as Props)).toEqual(digestsOf(["one", "two"]));
      expect(sim.writeCalls().filter((w) => w.operation === "addComment" && w.ticketId === id).map((w) => (w.body as { comment: { text: string } }).comment.text)).toEqual(["one", "two"]);
      const refreshed = (await provider.read(id, old)).props as Props;
      expect(refreshed.__stateVersion).toBe(STATE_VERSION);
      // The record of the migrated comment is tied to its thread entry.
      expect(postedOf(refreshed).map((r) => r.commentId)).toEqual([sim.getTicket(id)!.comments[1].id]);
      await provider.delete(id, old);
      expect(sim.getTicket(id)?.status).toBe("Closed");
    });

    it("a state from a newer version is refused, not misread", async () => {
      const { id, outs } = await provider.create(fresh());
      await expect(provider.diff(id, { ...(outs as Props), __stateVersion: 99 }, fresh())).rejects.toThrow(/written by a newer pulumi-rackspace-ticketing \(state version 99/);
    });
  });

  describe("messages never print secrets or long values", () => {
    it("a strict import mismatch names the fields without printing a secret description, subject or comment", async () => {
      const secret = "TOP-SECRET-DESCRIPTION-TEXT";
      const existing = await openTicketByHand(sim, { accountId: "hybrid:100001", subject: "Secret import", category: "Change", subcategory: "General", comment: { text: "Public text." } });
      const props = fresh({ subject: "Secret import (other)", description: secret, comments: ["SECRET-COMMENT"], adoptTicketId: existing, __import: true, __secretInputs: ["description", "subject", "comments"] });
      const err = (await provider.create(props).catch((e: unknown) => e)) as Error;
      expect(err.message).toMatch(/cannot import the ticket: subject is \[secret\], the program says \[secret\]; description differs/);
      for (const s of [secret, "SECRET-COMMENT", "Secret import (other)", "Public text."]) expect(err.message).not.toContain(s);
    });

    it("a long value is cut; a nested check failure is named by its path", async () => {
      const long = "s".repeat(200);
      const existing = await openTicketByHand(sim, { accountId: "hybrid:100001", subject: "Short", category: "Change", subcategory: "General", comment: { text: "x" } });
      const err = (await provider.create(fresh({ subject: long, adoptTicketId: existing })).catch((e: unknown) => e)) as Error;
      expect(err.message).toMatch(/the program says "s{79}… \(202 characters\)/);
      expect(err.message.length).toBeLessThan(600);
      const checked = await provider.check({}, fresh({ comments: [{ text: "" }] }));
      expect(checked.failures).toEqual([{ property: "", reason: expect.stringMatching(/^comments\[0\]\.text: comment text must not be empty/) }]);
    });
  });
});
