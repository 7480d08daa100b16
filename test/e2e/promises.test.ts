/**
 * The README's promises at their edges, through the real Pulumi CLI (issue 19): refresh after
 * a partial comment failure, a create whose answer was lost while the list stays empty (over
 * several runs, with a replacing change in between), a failed replacement then a revert, an
 * adoptTicketId Rackspace closed, a RackspaceTicketComment whose text is a secret, and the
 * preview of an in-place update with a comment on the ticket. Each would have failed on 0.5.0.
 */
import { commentMarker } from "../../src/core/comment/marker";
import type { Simulator } from "../../src/simulator";
import { describeWithPulumiCli, ensureBuilt, PulumiProject } from "../helpers/pulumi-cli";
import { expectNoSecretLeak } from "../helpers/secret-scan";
import { PromiseProgram, PromiseTicket } from "../helpers/promise-program";
import { openTicketByHand } from "../helpers/sim";
import { expectOk, specStack, startFastSimulator } from "../helpers/spec-program";

jest.setTimeout(600_000);

const TYPE_COMMENT = "pulumi-nodejs:dynamic/rackspace:TicketComment";

describeWithPulumiCli("e2e: promises that hold at the edges", () => {
  let sim: Simulator;
  let program: PromiseProgram;
  let project: PulumiProject;
  let n = 0;

  const customerComments = (id: string) => (sim.getTicket(id)?.comments ?? []).slice(1).filter((c) => c.author?.type !== "racker").map((c) => c.text);
  const lastSeq = () => sim.requests().reduce((m, e) => Math.max(m, e.seq), 0);
  const creates = (since: number) => sim.requests().filter((r) => r.seq > since && r.operation === "createTicket");
  const records = async () => (await project.resources()).filter((r) => !(r as { delete?: boolean }).delete);
  const openWith = (subject: string) => sim.tickets().filter((t) => t.subject === subject && t.status !== "Closed");
  const ticket = (name: string, args: Record<string, unknown>, extra: Partial<PromiseTicket> = {}): PromiseTicket => ({
    name,
    args: { subject: `Promise ${name}`, description: `Change ${name}.`, ...args },
    ...extra,
  });

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(async () => {
    program = new PromiseProgram(`rt-e2e-promises-${++n}`);
    project = await specStack(program, sim, "promise");
    await project.configSet("rackspace:retryMaxAttempts", "2");
  });
  afterEach(async () => {
    sim.clearFaults();
    try {
      await project?.dispose();
    } finally {
      program?.dispose();
    }
  });

  test("refresh and up --refresh work after an up that failed half-way through new comments (the engine keeps the old inputs)", async () => {
    program.write([ticket("half", { comments: ["c0", "c1"] })]);
    expectOk(await project.up());
    const [{ id }] = await records();
    const withFile = { text: "c3", attachments: [{ filename: "log.txt", content: "x" }] };
    program.write([ticket("half", { comments: ["c0", "c1", "c2", withFile, "c4"] })]);
    // c2 is posted, then c3's file cannot be uploaded: the up fails half-way.
    sim.injectFault({ operation: "createAttachment", kind: "status", status: 503, count: 1000 });
    const failed = await project.up();
    sim.clearFaults();
    expect(failed.code).not.toBe(0);
    expect(customerComments(id as string)).toEqual(["c0", "c1", "c2"]);
    // 0.5.0: "comments[2] is already on the ticket and cannot be removed" from here on, for every refresh.
    expectOk(await project.refresh());
    expectOk(await project.refresh());
    expectOk(await project.up(["--refresh"]));
    expect(customerComments(id as string)).toEqual(["c0", "c1", "c2", "c3", "c4"]);
    expectOk(await project.destroy());
  });

  test("a lost create answer while the list stays empty: no second POST in later runs; a changed program opens its ticket and closes the unconfirmed one once found", async () => {
    const t = ticket("lost", {});
    const subject = t.args.subject as string;
    program.write([t]);
    sim.injectFault({ operation: "createTicket", kind: "drop-after", count: 1 });
    sim.injectFault({ operation: "listTickets", kind: "status", status: 200, body: { tickets: [] }, count: 1000 });
    const first = await project.up();
    expect(first.code).not.toBe(0);
    expect(first.output).toMatch(/records the create as unconfirmed/);
    const [rec] = await records();
    expect(rec.id).toMatch(/^unconfirmed-pulumi-rt-/);
    expect(openWith(subject)).toHaveLength(1);
    // Run 2 (another machine), the list still empty: refresh keeps the record; up sends no POST.
    let since = lastSeq();
    expectOk(await project.refresh());
    const second = await project.up();
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/Nothing was sent: a second ticket is never opened without proof/);
    expect(creates(since)).toEqual([]);
    // Run 3: the program changed a replacing field; the list answers again.
    sim.clearFaults();
    const changed = ticket("lost", { subject: `${subject} v2` });
    program.write([changed]);
    since = lastSeq();
    expectOk(await project.up());
    expect(creates(since)).toHaveLength(1);
    expect(openWith(subject)).toEqual([]);
    const [now] = await records();
    expect(openWith(`${subject} v2`).map((x) => x.ticketId)).toEqual([now.id]);
    expectOk(await project.destroy());
  });

  test("a failed replacement then a revert: the stack declares an open ticket and closes the others", async () => {
    const gate = { approval: "approved", rejection: "rejected", pollInterval: "1s", timeout: "60s" };
    const a = ticket("revert", { waitFor: gate });
    const subject = a.args.subject as string;
    sim.setRackerRules([{ match: { subject: `^${subject}$` }, afterMs: 300, comment: "Approved.", name: "Jane D." }]);
    program.write([a]);
    expectOk(await project.up());
    const [{ id: t1 }] = await records();
    // A replacing change whose new ticket Rackspace rejects.
    sim.setRackerRules([{ match: { subject: `^${subject} B$` }, afterMs: 300, comment: "Rejected: not tonight.", name: "Jane D." }]);
    program.write([ticket("revert", { subject: `${subject} B`, waitFor: gate })]);
    const failed = await project.up();
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/rejected the change/);
    // The change is reverted.
    sim.setRackerRules([{ match: { subject: `^${subject}$` }, afterMs: 300, comment: "Approved.", name: "Jane D." }]);
    program.write([a]);
    expectOk(await project.up());
    const [declared] = await records();
    expect(sim.getTicket(declared.id as string)?.status).not.toBe("Closed");
    expect(sim.getTicket(t1 as string)?.status).toBe("Closed");
    expect(openWith(subject).map((x) => x.ticketId)).toEqual([declared.id]);
    expect(openWith(`${subject} B`)).toEqual([]);
    sim.setRackerRules([]);
    expectOk(await project.destroy());
  });

  test("an adoptTicketId Rackspace closed: the up opens a new ticket that names it, and later ups pass", async () => {
    const subject = `Promise adopted ${n}`;
    const hand = await openTicketByHand(sim, { accountId: "hybrid:100001", subject, category: "Change", subcategory: "General", comment: { text: "By hand." } });
    sim.actAsRacker(hand, { status: "Closed" });
    program.write([ticket("adopted", { subject, adoptTicketId: hand })]);
    expectOk(await project.up());
    const [rec] = await records();
    expect(rec.id).not.toBe(hand);
    expect(sim.getTicket(rec.id as string)?.comments[0].text).toContain(`Replaces ticket ${hand}.`);
    expectOk(await project.up());
    expectOk(await project.preview());
    expectOk(await project.destroy());
  });

  test("a RackspaceTicketComment whose text is a secret: never in plain text under the backend directory, and its marker is not a function of it", async () => {
    // Registered: the scan after every test looks for it in the whole backend directory (history and backups too) and the CLI output.
    const secret = project.secret(`PIN ${4000 + n} for the vault ${process.pid}`, "side.text");
    program.write([ticket("host", { comments: ["public"] })], [{ name: "side", ticket: "host", text: secret, secretText: true }]);
    expectOk(await project.up());
    // The ticket's refresh and its next update read the thread, which holds the comment.
    expectOk(await project.refresh());
    program.write([ticket("host", { comments: ["public", "more"] })], [{ name: "side", ticket: "host", text: secret, secretText: true }]);
    expectOk(await project.up());
    // 0.5.0: the ticket's `thread` held the text after the refresh, in the stack file, its history and backups.
    expectNoSecretLeak(project, "after the ticket's refresh and update");
    const [side] = await project.resources(TYPE_COMMENT);
    const marker = side.outputs?.marker as string;
    const [host] = await records();
    // The marker does not change with the secret text: it is the same as for any other text.
    const i = side.inputs ?? {};
    const asDeclared = { organization: i.__organization as string | undefined, project: i.__project as string, stack: i.__stack as string, name: "side" };
    expect(marker).toBe(commentMarker(asDeclared, { ticketId: host.id as string, text: "anything else" }, new Set(["text"])));
    expect(marker).not.toBe(commentMarker(asDeclared, { ticketId: host.id as string, text: secret }));
    expectOk(await project.destroy());
  });

  test("preview of an in-place update of a ticket with a RackspaceTicketComment on it: the comment is not replaced", async () => {
    program.write([ticket("inplace", { comments: ["one"] })], [{ name: "note-on-it", ticket: "inplace", text: "Window confirmed." }]);
    expectOk(await project.up());
    program.write([ticket("inplace", { comments: ["one", "two"] })], [{ name: "note-on-it", ticket: "inplace", text: "Window confirmed." }]);
    const preview = await project.preview(["--diff"]);
    expectOk(preview);
    // 0.5.0: `~ ticketId: "…" => [unknown]` and "+-" on the comment: "a new comment will be posted".
    expect(preview.output).not.toMatch(/a new comment will be posted/);
    expect(preview.output).not.toMatch(/\+-\s*pulumi-nodejs:dynamic\/rackspace:TicketComment/);
    expect(preview.output).toMatch(/1 to update/);
    expectOk(await project.up());
    expect((await project.resources(TYPE_COMMENT)).length).toBe(1);
    expectOk(await project.destroy());
  });

  test("what a user meets when the API misbehaves: a preview against a failing API warns on the ticket's row and plans from the state; an append-only refusal is printed once per section", async () => {
    program.write([ticket("msgs", { comments: ["one"] })]);
    expectOk(await project.up());
    program.write([ticket("msgs", { comments: ["one", "two"] })]);
    sim.injectFault({ operation: "getTicket", kind: "status", status: 503, count: 100_000 });
    const preview = await project.preview();
    sim.clearFaults();
    // 0.5.0: ~50 s of retries, no output, an ordinary plan.
    expectOk(preview);
    expect(preview.output).toMatch(/warning: RackspaceTicket "msgs" \(ticket [^)]+\): could not read the ticket \(getTicket .*HTTP 503.*after 2 attempts.*\); the plan comes from the state/);
    expect(preview.output).toMatch(/pulumi-nodejs:dynamic\/rackspace:Ticket \(msgs\):\n\s+warning: /);
    program.write([ticket("msgs", { comments: ["edited"] })]);
    const refused = await project.preview();
    expect(refused.code).not.toBe(0);
    // 0.5.0 printed it four times: twice as `TicketOperationError: X: X` on the stack's row, twice as `error: X`.
    expect(refused.output.split("comments[0] is already on the ticket and cannot be edited").length - 1).toBe(2);
    expect(refused.output).not.toMatch(/TicketOperationError/);
    program.write([ticket("msgs", { comments: ["one"] })]);
    expectOk(await project.destroy());
  });
});
