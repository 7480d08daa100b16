/**
 * RackspaceTicketComment through the real Pulumi CLI, on a ticket opened by hand (straight
 * against the simulator's API, not by the stack): up posts one comment; a changed text
 * posts a new one and the old one stays; a refresh that finds the comment gone drops it and
 * the next up finds it again by its marker instead of posting it twice; a closed ticket is
 * refused with a clear message; destroy sends nothing. The simulator's thread is checked
 * after every step: exactly the comments expected, no duplicate.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Simulator } from "../../src/simulator";
import { describeWithPulumiCli, ensureBuilt, makeJsProgram, PulumiProject, uniqueStack } from "../helpers/pulumi-cli";
import { openTicketByHand } from "../helpers/sim";
import { expectOk, FAST_WINDOW_MS, startFastSimulator } from "../helpers/spec-program";

jest.setTimeout(300_000);

const COMMENT_TYPE = "pulumi-nodejs:dynamic/rackspace:TicketComment";

const PROGRAM = `"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const { RackspaceTicket, RackspaceTicketComment } = require("pulumi-rackspace-ticketing");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
const out = {};
// A ticket of this stack, when the spec declares one: comments naming "$ticket" go on it.
const ticket = spec.ticket ? new RackspaceTicket("managed", { accountId: "hybrid:100001", category: "Change", subcategory: "General", ...spec.ticket }) : undefined;
for (const c of spec.comments) {
  const args = { ...c.args };
  if (args.ticketId === "$ticket") args.ticketId = ticket.ticketId;
  if (c.secretText) args.text = pulumi.secret(args.text);
  const note = new RackspaceTicketComment(c.name, args);
  out[c.name] = { commentId: note.commentId, status: note.status, authorName: note.authorName };
}
module.exports = out;
`;

interface CommentSpec {
  name: string;
  args: Record<string, unknown>;
  secretText?: boolean;
}

describeWithPulumiCli("e2e: RackspaceTicketComment on a ticket opened by hand", () => {
  let sim: Simulator;
  let dir: string;
  let project: PulumiProject;

  const write = (comments: CommentSpec[], ticket?: Record<string, unknown>) => fs.writeFileSync(path.join(dir, "spec.json"), `${JSON.stringify({ comments, ticket }, null, 2)}\n`);
  /** The thread's customer comments after the description, first line only (the rest is the marker footer). */
  const customerTexts = (id: string) =>
    (sim.getTicket(id)?.comments ?? [])
      .slice(1)
      .filter((c) => c.author.type !== "racker")
      .map((c) => c.text.split("\n")[0]);
  const lastSeq = () => sim.requests().reduce((m, e) => Math.max(m, e.seq), 0);
  const writesSince = (seq: number) => sim.writeCalls().filter((r) => r.seq > seq && r.status !== 0);

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
    dir = makeJsProgram("rt-e2e-comment", PROGRAM);
    write([]);
    project = await PulumiProject.create({ dir, stack: uniqueStack("comment") });
    await project.configureForSimulator(sim, FAST_WINDOW_MS);
    await project.configSetAll({ "rackspace:rateLimitComment": "20", "rackspace:rateLimitRead": "200" });
  });
  afterAll(async () => {
    try {
      await project?.dispose();
    } finally {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      await sim?.close();
    }
  });

  test("up posts once; a changed text posts a new comment and the old one stays; refresh; a closed ticket is refused; destroy sends nothing", async () => {
    const ticketId = await openTicketByHand(sim, {
      accountId: "hybrid:100001",
      subject: "Opened in the portal",
      category: "Change",
      subcategory: "General",
      comment: { text: "Please patch the database servers." },
    });
    const spec = (text: string, secretText = false): CommentSpec[] => [{ name: "window", args: { ticketId, text }, secretText }];

    // up: one comment, recorded with the thread entry's id.
    write(spec("Maintenance window: Saturday 02:00 UTC."));
    expectOk(await project.up());
    expect(customerTexts(ticketId)).toEqual(["Maintenance window: Saturday 02:00 UTC."]);
    const [first] = await project.resources(COMMENT_TYPE);
    const firstId = sim.getTicket(ticketId)!.comments[1].id;
    expect(first.id).toBe(firstId);
    expect(first.outputs).toMatchObject({ ticketId, commentId: firstId, status: "Pending Rackspace", accountId: "hybrid:100001" });
    // The state holds the stub (which asks for the comment provider), never a client or a credential.
    const { text: exported } = await project.exportState();
    const stub = first.outputs?.__provider as string;
    expect(stub).toContain('("pulumi-rackspace-ticketing/provider/impl").install(this, req, "comment")');
    expect(Buffer.byteLength(stub)).toBeLessThan(2048);
    for (const leak of ["demo-api-key", "TicketingClient", "X-Auth-Token"]) expect(exported).not.toContain(leak);

    // An up without changes posts nothing.
    let seq = lastSeq();
    expectOk(await project.up());
    expect(writesSince(seq)).toEqual([]);

    // A changed text (a secret now): the preview says the old comment stays; the up posts one new comment, deletes nothing.
    write(spec("Maintenance window moved: Sunday 03:00 UTC.", true));
    const preview = await project.preview(["--diff"]);
    expectOk(preview);
    expect(preview.output).toMatch(/replace/);
    expect(preview.output).toContain(`RackspaceTicketComment "window": text changed: a new comment will be posted; the old comment ${firstId} stays on ticket ${ticketId} (the API cannot edit or remove a comment`);
    seq = lastSeq();
    const replaced = await project.up();
    expectOk(replaced);
    expect(replaced.output).toContain(`RackspaceTicketComment "window" (ticket ${ticketId}): the comment ${firstId} stays on ticket ${ticketId}: the API cannot remove a comment, so nothing was sent`);
    expect(writesSince(seq).map((r) => r.operation)).toEqual(["addComment"]);
    expect(customerTexts(ticketId)).toEqual(["Maintenance window: Saturday 02:00 UTC.", "Maintenance window moved: Sunday 03:00 UTC."]);
    const [second] = await project.resources(COMMENT_TYPE);
    const secondId = sim.getTicket(ticketId)!.comments[2].id;
    expect(second.id).toBe(secondId);
    expect(sim.getTicket(ticketId)!.comments[2].text).toContain(`Supersedes comment ${firstId}`);
    expect((await project.exportState()).text).not.toContain("Sunday 03:00");

    // Refresh: the comment is there; the state says so.
    expectOk(await project.refresh());
    expect((await project.resources(COMMENT_TYPE)).map((r) => r.id)).toEqual([secondId]);

    // A refresh whose thread lacks the comment drops it from the stack, and says so…
    const withoutIt = sim.getTicket(ticketId)!;
    withoutIt.comments = withoutIt.comments.slice(0, 2);
    sim.injectFault({ operation: "getTicket", kind: "status", status: 200, body: withoutIt, count: 1 });
    // (--skip-preview: a refresh's preview reads the ticket too, and would take the injected answer.)
    const gone = await project.refresh(["--skip-preview"]);
    expectOk(gone);
    expect(gone.output).toContain(`the comment ${secondId} is no longer in the ticket's thread: removing it from the stack`);
    expect(await project.resources(COMMENT_TYPE)).toEqual([]);
    // …and the next up, which must create it, finds it by its marker instead of posting it twice.
    seq = lastSeq();
    const back = await project.up();
    expectOk(back);
    expect(back.output).toMatch(/posted earlier is on the ticket \(marker pulumi-rt-[0-9a-f]{16}\): recording it, not posting it again/);
    expect(writesSince(seq)).toEqual([]);
    expect((await project.resources(COMMENT_TYPE)).map((r) => r.id)).toEqual([secondId]);
    expect(customerTexts(ticketId)).toHaveLength(2);

    // Rackspace closes the ticket: refresh records it; a new text is refused, naming the ticket; nothing is sent.
    sim.actAsRacker(ticketId, { comment: "Done, closing.", status: "Closed" });
    expectOk(await project.refresh());
    expect((await project.resources(COMMENT_TYPE))[0].outputs?.status).toBe("Closed");
    write(spec("One more thing."));
    seq = lastSeq();
    const refused = await project.up();
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(`RackspaceTicketComment "window" (ticket ${ticketId}): the ticket is Closed, and a closed ticket accepts no comments, so the comment was not posted.`);
    expect(writesSince(seq)).toEqual([]);

    // destroy: nothing is sent, the thread keeps its comments, the stack is empty.
    seq = lastSeq();
    const destroyed = await project.destroy();
    expectOk(destroyed);
    expect(destroyed.output).toContain(`the comment ${secondId} stays on ticket ${ticketId}: the API cannot remove a comment, so nothing was sent`);
    expect(writesSince(seq)).toEqual([]);
    expect(await project.resources(COMMENT_TYPE)).toEqual([]);
    expect(customerTexts(ticketId)).toEqual(["Maintenance window: Saturday 02:00 UTC.", "Maintenance window moved: Sunday 03:00 UTC."]);
  });

  test("beside a RackspaceTicket of the same stack (its id unknown at preview): the two stubs differ, the comment goes on the new ticket, destroy closes the ticket and sends nothing for the comment", async () => {
    write([{ name: "on-managed", args: { ticketId: "$ticket", text: "Approved by the CAB." } }], { subject: "Managed here", description: "Rotate the certificates." });
    const preview = await project.preview();
    expectOk(preview);
    expectOk(await project.up());
    const [ticket] = await project.resources("pulumi-nodejs:dynamic/rackspace:Ticket");
    const id = ticket.id as string;
    expect(customerTexts(id)).toEqual(["Approved by the CAB."]);
    const [note] = await project.resources(COMMENT_TYPE);
    expect(note.outputs?.ticketId).toBe(id);
    expect(ticket.outputs?.__provider).not.toBe(note.outputs?.__provider);
    const seq = lastSeq();
    expectOk(await project.destroy());
    expect(writesSince(seq).map((r) => `${r.operation} ${r.ticketId}`)).toEqual([`patchTicket ${id}`]);
    expect(sim.getTicket(id)?.status).toBe("Closed");
    expect(customerTexts(id)).toEqual(["Approved by the CAB."]);
  });
});
