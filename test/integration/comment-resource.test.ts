/**
 * RackspaceTicketCommentProvider against the simulator, on tickets opened by hand: a
 * comment is posted once (a lost answer or an interrupted run is found in the thread by
 * its marker), a changed text posts a new comment and the old one stays, delete sends
 * nothing, refresh drops the comment only on a positive answer, a closed ticket is refused.
 */
import * as path from "node:path";
import { RackspaceTicketCommentProvider } from "../../src/faces/dynamic/comment-provider";
import { handler } from "../../src/faces/dynamic/impl";
import { RackspaceTicketProvider } from "../../src/faces/dynamic/provider";
import { TicketOperationError } from "../../src/core/errors";
import type { Simulator } from "../../src/simulator";
import { ensureBuilt, REPO_ROOT } from "../helpers/provider-host";
import { openTicketByHand, providerConfig, resetClientState, startSim } from "../helpers/sim";

type Props = Record<string, unknown>;
const MARKER = /pulumi-rt-[0-9a-f]{16}/;

describe("RackspaceTicketComment provider", () => {
  let sim: Simulator;
  let provider: RackspaceTicketCommentProvider;
  let lines: string[];
  let ticketId: string;
  let n = 0;

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 20, patch: 20, comment: 50, read: 500 } });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    resetClientState();
    sim.clearFaults();
    ticketId = await openTicketByHand(sim, { accountId: "hybrid:100001", subject: `By hand ${++n}`, category: "Change", subcategory: "General", comment: { text: "Opened in the portal." } });
    sim.clearRequests();
    lines = [];
    provider = new RackspaceTicketCommentProvider();
    provider.log = (l) => lines.push(l);
    await provider.configure({ config: providerConfig(sim, { "rackspace:rateLimitComment": "50", "rackspace:rateLimitRead": "500" }) });
  });

  const props = (extra: Props = {}): Props => ({ ticketId, text: "Maintenance window confirmed for Saturday.", __resourceName: `note-${n}`, __project: "ops", __stack: "dev", ...extra });
  const ops = () => sim.requests().filter((r) => r.operation !== "token").map((r) => `${r.operation}:${r.status}`);
  const thread = () => (sim.getTicket(ticketId)?.comments ?? []).map((c) => c.text);
  const customerTexts = () => thread().slice(1);
  const errorOf = async (p: Promise<unknown>) => (await p.then(() => undefined, (e: unknown) => e)) as Error | undefined;

  it("posts the comment once, with its marker, and records the thread entry's id, author, date and the ticket's status", async () => {
    const res = await provider.create(props());
    expect(ops()).toEqual(["getTicket:200", "addComment:204", "getTicket:200"]);
    const entry = sim.getTicket(ticketId)!.comments[1];
    expect(customerTexts()).toHaveLength(1);
    expect(entry.text.startsWith("Maintenance window confirmed for Saturday.\n\n-- \nPosted by Pulumi (pulumi-rackspace-ticketing): project ops, stack dev, resource note-")).toBe(true);
    expect(res.id).toBe(entry.id);
    expect(res.outs).toMatchObject({
      ticketId,
      text: "Maintenance window confirmed for Saturday.",
      accountId: "hybrid:100001",
      commentId: entry.id,
      created: entry.created,
      authorName: entry.author.name,
      status: "Pending Rackspace",
      marker: MARKER.exec(entry.text)?.[0],
      __stateVersion: 1,
    });
  });

  it("with rackspace:markerFooter false, appends only the marker", async () => {
    await provider.configure({ config: providerConfig(sim, { "rackspace:markerFooter": "false", "rackspace:rateLimitRead": "500" }) });
    await provider.create(props({ text: "Short." }));
    expect(customerTexts()).toEqual([expect.stringMatching(/^Short\.\n\npulumi-rt-[0-9a-f]{16}$/)]);
  });

  it("an interrupted run (comment posted, state never written): the next create finds it by its marker and posts nothing", async () => {
    const first = await provider.create(props());
    sim.clearRequests();
    const again = await provider.create(props());
    expect(again.id).toBe(first.id);
    expect(ops()).toEqual(["getTicket:200"]);
    expect(customerTexts()).toHaveLength(1);
    expect(lines.join("\n")).toMatch(/posted earlier is on the ticket \(marker pulumi-rt-[0-9a-f]{16}\): recording it, not posting it again/);
  });

  it("the same text posted by a person is not mistaken for this resource's comment", async () => {
    await provider.create(props({ text: "Same words." }));
    sim.actAsRacker(ticketId, { comment: `Quoting you: ${customerTexts()[0]}` });
    const other = await provider.create(props({ text: "Same words.", __resourceName: "someone-else" }));
    expect(customerTexts().filter((t) => t.startsWith("Same words."))).toHaveLength(2);
    expect(other.outs.marker).not.toBe(MARKER.exec(customerTexts()[0])?.[0]);
  });

  it("an answer lost after the comment was posted: the thread shows it, it is adopted, one comment", async () => {
    sim.injectFault({ operation: "addComment", kind: "drop-after", count: 1 });
    const res = await provider.create(props());
    expect(ops()).toEqual(["getTicket:200", "addComment:0", "getTicket:200"]);
    expect(customerTexts()).toHaveLength(1);
    expect(res.id).toBe(sim.getTicket(ticketId)!.comments[1].id);
    expect(lines.join("\n")).toMatch(/answer to the comment was lost, but it is on the ticket/);
  });

  it("an answer lost before the comment arrived: nothing is sent again; the message says so; the next create posts it once", async () => {
    sim.injectFault({ operation: "addComment", kind: "drop-before", count: 1 });
    const err = await errorOf(provider.create(props()));
    expect(err).toBeInstanceOf(TicketOperationError);
    expect(err?.message).toMatch(/^RackspaceTicketComment "note-\d+" \(ticket [^)]+\): posting the comment failed and its outcome is unknown: addComment \(ticket [^)]+\) failed: .*Nothing was sent again\. .*marker pulumi-rt-[0-9a-f]{16}/);
    expect(err?.message).not.toContain("Maintenance window");
    expect(ops()).toEqual(["getTicket:200", "addComment:0", "getTicket:200"]);
    expect(customerTexts()).toEqual([]);
    await provider.create(props());
    expect(customerTexts()).toHaveLength(1);
  });

  it("a changed text: the diff plans a replacement and says the old comment stays; the new comment names it; deleting the old sends nothing", async () => {
    const first = await provider.create(props());
    const news = props({ text: "Window moved to Sunday." });
    const diff = await provider.diff(first.id, first.outs, news);
    expect(diff).toMatchObject({ changes: true, replaces: ["text"], deleteBeforeReplace: false });
    expect(lines.join("\n")).toMatch(new RegExp(`text changed: a new comment will be posted; the old comment ${first.id} stays on ticket ${ticketId} \\(the API cannot edit or remove a comment`));
    const second = await provider.create(news);
    expect(second.id).not.toBe(first.id);
    sim.clearRequests();
    await provider.delete(first.id, first.outs);
    expect(sim.requests()).toEqual([]);
    expect(lines.join("\n")).toMatch(new RegExp(`the comment ${first.id} stays on ticket ${ticketId}: the API cannot remove a comment, so nothing was sent`));
    const texts = customerTexts();
    expect(texts).toHaveLength(2);
    expect(texts[0].startsWith("Maintenance window confirmed")).toBe(true);
    expect(texts[1]).toMatch(new RegExp(`^Window moved to Sunday\\.\\n\\n-- \\nSupersedes comment ${first.id} \\(a posted comment cannot be edited or removed\\)\\.\\n`));
  });

  it("changing the text back to an earlier one posts it again (a replacement never adopts the comment it follows)", async () => {
    const a = await provider.create(props({ text: "A" }));
    await provider.diff(a.id, a.outs, props({ text: "B" }));
    const b = await provider.create(props({ text: "B" }));
    await provider.diff(b.id, b.outs, props({ text: "A" }));
    const again = await provider.create(props({ text: "A" }));
    expect(again.id).not.toBe(a.id);
    expect(customerTexts().map((t) => t.split("\n")[0])).toEqual(["A", "B", "A"]);
  });

  it("an interrupted replacement: the retried one finds the new comment (posted after the one it supersedes) and posts nothing", async () => {
    const a = await provider.create(props({ text: "A" }));
    await provider.diff(a.id, a.outs, props({ text: "B" }));
    const b = await provider.create(props({ text: "B" }));
    // The engine never recorded `b`: the next up plans the same replacement again.
    sim.clearRequests();
    await provider.diff(a.id, a.outs, props({ text: "B" }));
    const again = await provider.create(props({ text: "B" }));
    expect(again.id).toBe(b.id);
    expect(sim.writeCalls()).toEqual([]);
    expect(customerTexts().map((t) => t.split("\n")[0])).toEqual(["A", "B"]);
  });

  it("plans nothing for the same inputs, and an update (not a replacement) for accountId alone", async () => {
    const first = await provider.create(props());
    expect(await provider.diff(first.id, first.outs, props())).toMatchObject({ changes: false, replaces: [] });
    expect(await provider.diff(first.id, first.outs, props({ accountId: "hybrid:100001" }))).toMatchObject({ changes: false, replaces: [] });
    expect(await provider.diff(first.id, first.outs, props({ attachments: [{ filename: "plan.txt", content: "x" }] }))).toMatchObject({ replaces: ["attachments"] });
    expect(await provider.diff(first.id, first.outs, props({ ticketId: "other" }))).toMatchObject({ replaces: ["ticketId"] });
    lines = [];
    expect(await provider.diff(first.id, first.outs, props({ text: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }))).toMatchObject({ changes: true, replaces: ["text"] });
    expect(lines.join("\n")).toMatch(/text changed \(or is not known until apply\): a new comment will be posted/);
    sim.clearRequests();
    const up = await provider.update(first.id, first.outs, props({ accountId: "hybrid:100001" }));
    expect(up.outs).toMatchObject({ commentId: first.id, accountId: "hybrid:100001" });
    expect(sim.writeCalls()).toEqual([]);
  });

  it("a declared accountId that is not the ticket's: refused before anything is sent", async () => {
    const err = await errorOf(provider.create(props({ accountId: "hybrid:100002" })));
    expect(err?.message).toMatch(/accountId is "hybrid:100002", but the ticket is on account "hybrid:100001": nothing was sent/);
    expect(sim.writeCalls()).toEqual([]);
  });

  it("a closed ticket: refused with a message naming it, and nothing is posted", async () => {
    sim.actAsRacker(ticketId, { status: "Closed" });
    sim.clearRequests();
    const err = await errorOf(provider.create(props()));
    expect(err?.message).toBe(
      `RackspaceTicketComment "note-${n}" (ticket ${ticketId}): the ticket is Closed, and a closed ticket accepts no comments, so the comment was not posted. ` +
        "The API cannot reopen a ticket: point ticketId at an open ticket, or remove this resource from the program.",
    );
    expect(sim.writeCalls()).toEqual([]);
  });

  it("a ticket that does not exist: the error names the resource, the operation, the status and faultCode, and the next step", async () => {
    const err = await errorOf(provider.create(props({ ticketId: "000000-none-0000000" })));
    expect(err?.message).toMatch(
      /^RackspaceTicketComment "note-\d+" \(ticket 000000-none-0000000\): the ticket does not exist, or this user cannot see it: getTicket \(ticket 000000-none-0000000\) failed: HTTP 404: ticketNotFound: .*Nothing was sent\. Check ticketId/,
    );
  });

  it("a refused comment (400): the error carries the API's answer and says nothing was posted", async () => {
    sim.injectFault({ operation: "addComment", kind: "status", status: 400, count: 1 });
    const err = await errorOf(provider.create(props()));
    expect(err?.message).toMatch(/posting the comment failed: addComment \(ticket [^)]+\) failed: HTTP 400: badRequest: .*Nothing was posted; fix the cause and run `pulumi up` again\./);
    expect(customerTexts()).toEqual([]);
  });

  it("attachments go up first and are on the comment", async () => {
    await provider.create(props({ attachments: [{ filename: "plan.txt", content: "step 1" }] }));
    const entry = sim.getTicket(ticketId)!.comments[1];
    expect(entry.attachments.map((a) => a.filename)).toEqual(["plan.txt"]);
    expect(sim.attachmentContent(entry.attachments[0].uuid!)?.toString()).toBe("step 1");
    expect(lines.join("\n")).toMatch(/^RackspaceTicketComment "note-\d+" \(ticket [^)]+\): uploading 1 attachment/m);
  });

  describe("refresh", () => {
    it("reads the ticket's status and keeps the comment", async () => {
      const first = await provider.create(props());
      sim.actAsRacker(ticketId, { comment: "Noted.", status: "Closed" });
      const r = await provider.read(first.id, first.outs);
      expect(r.id).toBe(first.id);
      expect(r.props).toMatchObject({ status: "Closed", commentId: first.id, text: "Maintenance window confirmed for Saturday." });
    });

    it("a thread read successfully without the comment: reported, and the comment leaves the stack", async () => {
      const first = await provider.create(props());
      const withoutIt = sim.getTicket(ticketId)!;
      withoutIt.comments = withoutIt.comments.slice(0, 1);
      sim.injectFault({ operation: "getTicket", kind: "status", status: 200, body: withoutIt, count: 1 });
      const r = await provider.read(first.id, first.outs);
      expect(r).toEqual({ id: "", props: {} });
      expect(lines.join("\n")).toMatch(new RegExp(`the comment ${first.id} is no longer in the ticket's thread: removing it from the stack \\(the next \`pulumi up\` looks for it by its marker, and posts it again if it is not there\\)`));
    });

    it("the ticket gone (ticketNotFound): the comment leaves the stack; any other 404 or failure keeps it", async () => {
      const first = await provider.create(props());
      sim.injectFault({ operation: "getTicket", kind: "status", status: 404, body: { status: 404, message: "Ticket with this ID could not be found", faultCode: "ticketNotFound" }, count: 1 });
      expect(await provider.read(first.id, first.outs)).toEqual({ id: "", props: {} });
      expect(lines.join("\n")).toMatch(/the ticket is gone \(the API answered ticketNotFound\): removing the comment from the stack/);

      sim.injectFault({ operation: "getTicket", kind: "status", status: 404, body: "<html>Not Found</html>", count: 1 });
      const err = await errorOf(provider.read(first.id, first.outs));
      expect(err?.message).toMatch(/reading the ticket failed: getTicket \(ticket [^)]+\) failed: HTTP 404.*Nothing was removed from the stack\./);

      const empty = { ...sim.getTicket(ticketId)!, comments: [] };
      sim.injectFault({ operation: "getTicket", kind: "status", status: 200, body: empty, count: 1 });
      const kept = await provider.read(first.id, first.outs);
      expect(kept.id).toBe(first.id);
      expect(kept.props).toMatchObject({ commentId: first.id });
    });
  });

  describe("check", () => {
    it("reports missing and malformed inputs without echoing the text", async () => {
      const r = await provider.check({}, { text: "x".repeat(40_000), attachments: [{ filename: "run.exe", content: "MZ" }], colour: "red" });
      const reasons = (r.failures ?? []).map((f) => `${f.property}|${f.reason}`);
      expect(reasons).toEqual(
        expect.arrayContaining([
          "ticketId|ticketId is required",
          "|text: text must be at most 32,000 characters",
          expect.stringMatching(/^\|attachments\[0\]\.filename: /),
          expect.stringMatching(/^colour\|unknown property; RackspaceTicketComment accepts ticketId, text, attachments, accountId$/),
        ]),
      );
      expect(JSON.stringify(r.failures)).not.toContain("xxxx");
    });

    it("accepts values unknown until apply, and records attachment digests", async () => {
      const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      expect((await provider.check({}, { ticketId: unknown, text: unknown })).failures).toEqual([]);
      const r = await provider.check({}, { ticketId, text: "t", attachments: [{ filename: "package.json", path: path.join(REPO_ROOT, "package.json") }] });
      expect(r.failures).toEqual([]);
      expect(((r.inputs ?? {}).attachments as { sha256?: string }[])[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  it("a ticket id passed as a secret is never printed", async () => {
    const secret = props({ __secretInputs: ["ticketId"] });
    const first = await provider.create(secret);
    await provider.diff(first.id, first.outs, { ...secret, text: "changed" });
    await provider.delete(first.id, first.outs);
    // The API's own message names the ticket: hidden too.
    sim.injectFault({ operation: "addComment", kind: "status", status: 400, count: 1 });
    const refused = await errorOf(provider.create({ ...secret, text: "refused" }));
    expect(refused?.message).toMatch(/addComment \(ticket \[secret\]\) failed: HTTP 400/);
    sim.actAsRacker(ticketId, { status: "Closed" });
    const err = await errorOf(provider.create({ ...secret, text: "after close" }));
    expect(err?.message).toMatch(/\(ticket \[secret\]\): the ticket is Closed/);
    expect([...lines, refused?.message, refused?.stack, err?.message].join("\n")).not.toContain(ticketId);
  });

  it("the package entry point hands out the comment provider for the comment stub, and the ticket provider otherwise", () => {
    expect(handler()).toBeInstanceOf(RackspaceTicketProvider);
    expect(handler("comment")).toBeInstanceOf(RackspaceTicketCommentProvider);
    expect(() => handler("widget")).toThrow(/asks for a provider of kind "widget", which this version does not have/);
  });

  it("the serialized comment stub is small, asks for the comment provider, and captures nothing", async () => {
    ensureBuilt();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { commentProviderStub } = require(path.join(REPO_ROOT, "dist", "faces", "dynamic", "comment-stub.js")) as typeof import("../../src/faces/dynamic/comment-stub");
    const stub = commentProviderStub();
    const text = (await pulumi.runtime.serializeFunction(() => stub, { allowSecrets: true })).text;
    expect(Buffer.byteLength(text)).toBeLessThan(2048);
    expect(text).toContain('("pulumi-rackspace-ticketing/provider/impl").install(this, req, "comment")');
    for (const captured of ["TicketingClient", "axios", "zod", "apiKey", "demo-api-key"]) expect(text).not.toContain(captured);
  });
});
