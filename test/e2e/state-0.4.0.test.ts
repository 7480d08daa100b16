/**
 * State written by 0.4.0 still loads, refreshes, updates and destroys: a frozen stack that
 * pulumi-rackspace-ticketing 0.4.0 wrote (test/fixtures/state-0.4.0, made once by its
 * make-fixtures.js against that version), replayed through the real Pulumi CLI with the code
 * under test.
 *
 * The fixture is a `pulumi stack export`, the stack's config file (its salt decrypts the
 * secrets), the program (index.js reads every declared value from declared.json) and the
 * simulator's persisted tickets. The replay starts an in-process simulator from a copy of that
 * JSON, makes a fresh project with the saved program depending on this repository, creates the
 * stack, imports the export and points the stack at the new simulator. Five tickets: plain
 * comments and resources; comments with attachments; a note changed across two ups; an
 * approval gate met by a Racker, with a closing comment; a secret description and comment.
 *
 * What is checked goes through the simulator (tickets, threads, request log) and the CLI's
 * exit codes, not through the texts kept in `outputs.comments` or `outputs.thread`: newer
 * versions record those differently, and this replay must hold for them unchanged.
 */
import * as fs from "node:fs";
import { postedTextDigests, textDigestsOf } from "../helpers/posted";
import { textDigest } from "../../src/core/history/posted";
import * as path from "node:path";
import { STATE_VERSION } from "../../src/core/ticket/state";
import type { RequestLogEntry, Simulator } from "../../src/simulator";
import { describeWithPulumiCli, ensureBuilt, PulumiProject, TICKET_TYPE } from "../helpers/pulumi-cli";
import { customerComments, expectOk, fixtureIds, lastSeq, nameOf, previewPlan, Replay, replay, revealed, writesSince } from "../helpers/state-fixture";

jest.setTimeout(300_000);

const FIXTURE = path.resolve(__dirname, "..", "fixtures", "state-0.4.0");
const STACK = "fixture";

type Entry = string | { text: string };
interface DeclaredTicket {
  comments?: Entry[];
  note?: Entry;
  closingComment?: string;
  [k: string]: unknown;
}
/** Every value the fixture's program declares, by ticket (its declared.json, as the last `up` of make-fixtures.js saw it). */
const DECLARED = JSON.parse(fs.readFileSync(path.join(FIXTURE, "declared.json"), "utf8")) as Record<string, DeclaredTicket>;
/** The note the first `up` of make-fixtures.js posted on `noted` (declared.json holds the second). */
const FIRST_NOTE = "Deployed build 101 by run 7001.";
/** The Racker replies make-fixtures.js posted: the gate's approval on `gated`, and the reply on `plain` read in by its refresh. */
const GATE_APPROVAL = "Approved: change window confirmed for Saturday.";
const RACKER_REPLY = "Upgrade window confirmed for Sunday.";
const ADDED_COMMENT = "Replication lag back under one second.";
const NEW_NOTE = "Deployed build 103 by run 7003.";

const textOf = (e: Entry) => (typeof e === "string" ? e : e.text);
const brief = (e: RequestLogEntry) => ({ operation: e.operation, ticketId: e.ticketId, body: e.body });
const bodyText = (e: RequestLogEntry) => (e.body as { comment?: { text?: unknown } } | undefined)?.comment?.text;
const rackerComments = (sim: Simulator, id: string) => (sim.getTicket(id)?.comments ?? []).filter((c) => c.author?.type === "racker").map((c) => c.text);

/** What 0.4.0 posted on each ticket after its description: the declared comments, then every note. */
const POSTED: Record<string, string[]> = {
  plain: (DECLARED.plain.comments ?? []).map(textOf),
  files: (DECLARED.files.comments ?? []).map(textOf),
  noted: [...(DECLARED.noted.comments ?? []).map(textOf), FIRST_NOTE, textOf(DECLARED.noted.note as Entry)],
  gated: [],
  secretive: (DECLARED.secretive.comments ?? []).map(textOf),
};

describeWithPulumiCli("e2e: a stack written by 0.4.0 (five tickets) loads, refreshes, updates and destroys", () => {
  const ids = fixtureIds(FIXTURE);
  let r: Replay | undefined;
  let sim: Simulator;
  let project: PulumiProject | undefined;
  const byName = async () => Object.fromEntries((await project!.resources()).map((t) => [nameOf(t), t]));

  beforeAll(async () => {
    ensureBuilt();
    r = await replay(FIXTURE, "rt-state-040", STACK);
    ({ sim, project } = r);
  });
  afterAll(async () => {
    await r?.dispose();
  });

  test("the import holds the five tickets, open on the simulator, each with what 0.4.0 posted once", async () => {
    expect(Object.keys(ids).sort()).toEqual(Object.keys(POSTED).sort());
    expect(Object.fromEntries((await project!.resources()).map((t) => [nameOf(t), t.id]))).toEqual(ids);
    for (const [name, texts] of Object.entries(POSTED)) {
      expect({ name, status: sim.getTicket(ids[name])?.status === "Closed" ? "Closed" : "open", onTicket: customerComments(sim, ids[name]) }).toEqual({ name, status: "open", onTicket: texts });
    }
    expect(rackerComments(sim, ids.gated)).toEqual([GATE_APPROVAL]);
    expect(rackerComments(sim, ids.plain)).toEqual([RACKER_REPLY]);
  });

  test("preview --diff plans nothing (no create, no replacement, no update), and calls nothing that writes", async () => {
    const since = lastSeq(sim);
    const text = await project!.preview(["--diff"]);
    expectOk(text);
    expect(text.stdout).not.toMatch(/to create|to replace|\+-\s*pulumi-nodejs:dynamic|\+\s+pulumi-nodejs:dynamic/);
    const json = await project!.preview(["--json"]);
    expectOk(json);
    const { ops, summary } = previewPlan(json.stdout);
    // The program is the one that wrote the stack: the migrated records say every entry is
    // posted, so nothing is planned at all (a record lost in the migration plans an update).
    expect(ops.filter((op) => op !== "same")).toEqual([]);
    expect(summary).toEqual({ same: 6 });
    expect(writesSince(sim, since)).toEqual([]);
  });

  test("up writes nothing: no createTicket, no addComment, no PATCH, no upload; the tickets keep their ids", async () => {
    const since = lastSeq(sim);
    expectOk(await project!.up());
    expect(writesSince(sim, since).map(brief)).toEqual([]);
    expect(Object.fromEntries((await project!.resources()).map((t) => [nameOf(t), t.id]))).toEqual(ids);
    for (const [name, texts] of Object.entries(POSTED)) expect({ name, onTicket: customerComments(sim, ids[name]) }).toEqual({ name, onTicket: texts });
  });

  test("refresh succeeds and writes nothing; every record is then at the current state version", async () => {
    const since = lastSeq(sim);
    expectOk(await project!.refresh());
    expect(writesSince(sim, since)).toEqual([]);
    const t = await byName();
    expect(Object.fromEntries(Object.entries(t).map(([n, r]) => [n, r.outputs?.__stateVersion]))).toEqual(Object.fromEntries(Object.keys(ids).map((n) => [n, STATE_VERSION])));
    expect(Object.fromEntries(Object.entries(t).map(([n, r]) => [n, r.outputs?.ticketId]))).toEqual(ids);
    expect(t.plain.outputs?.status).toBe("Pending Customer");
    expect(t.plain.outputs?.resources).toEqual(DECLARED.plain.resources);
    expect((t.noted.outputs?.notes as unknown[]).length).toBe(2);
    expect(t.gated.outputs?.approval).toMatchObject({ met: true });
    // The secret description still decrypts with the salt of the fixture's stack config file.
    const shown = (await project!.exportState(true)).state.deployment.resources!.filter((r) => r.type === TICKET_TYPE);
    const secretive = shown.find((r) => nameOf(r) === "secretive");
    expect(revealed(secretive?.inputs?.description)).toBe(DECLARED.secretive.description);
    // Rewritten in the current shape: the texts only in the inputs, a digest and a record per posted comment in the outputs.
    expect(secretive?.outputs).not.toHaveProperty("description");
    expect(revealed(secretive?.outputs?.descriptionDigest)).toBe(textDigest(DECLARED.secretive.description as string));
    for (const r of shown) {
      const name = nameOf(r);
      expect({ name, comments: r.outputs?.comments }).toEqual({ name, comments: undefined });
      const declared = (DECLARED[name as keyof typeof DECLARED].comments ?? []).map(textOf);
      expect({ name, posted: postedTextDigests({ posted: revealed(r.outputs?.posted) }) }).toEqual({ name, posted: textDigestsOf(declared) });
    }
    for (const [name, texts] of Object.entries(POSTED)) expect({ name, onTicket: customerComments(sim, ids[name]) }).toEqual({ name, onTicket: texts });
  });

  test("a comment added to plain and a new note on noted: up posts each exactly once and writes nothing else", async () => {
    const next = structuredClone(DECLARED);
    next.plain.comments = [...(next.plain.comments ?? []), ADDED_COMMENT];
    next.noted.note = NEW_NOTE;
    fs.writeFileSync(path.join(project!.dir, "declared.json"), `${JSON.stringify(next, null, 2)}\n`);
    const since = lastSeq(sim);
    expectOk(await project!.up());
    const writes = writesSince(sim, since);
    expect(writes.filter((e) => e.operation !== "addComment").map(brief)).toEqual([]);
    const posted = writes.map((e) => ({ ticketId: e.ticketId, text: bodyText(e) }));
    expect(posted.sort((a, b) => String(a.ticketId).localeCompare(String(b.ticketId)))).toEqual(
      [
        { ticketId: ids.plain, text: ADDED_COMMENT },
        { ticketId: ids.noted, text: NEW_NOTE },
      ].sort((a, b) => a.ticketId.localeCompare(b.ticketId)),
    );
    expect(customerComments(sim, ids.plain)).toEqual([...POSTED.plain, ADDED_COMMENT]);
    expect(customerComments(sim, ids.noted)).toEqual([...POSTED.noted, NEW_NOTE]);
    for (const name of ["files", "gated", "secretive"]) expect({ name, onTicket: customerComments(sim, ids[name]) }).toEqual({ name, onTicket: POSTED[name] });
    const t = await byName();
    expect((t.noted.outputs?.notes as unknown[]).length).toBe(3);
    // Another up of the same program: nothing left to post.
    const again = lastSeq(sim);
    expectOk(await project!.up());
    expect(writesSince(sim, again).map(brief)).toEqual([]);
  });

  test("destroy closes each ticket with one PATCH; gated gets its closing comment once, before its close", async () => {
    const since = lastSeq(sim);
    expectOk(await project!.destroy());
    const writes = writesSince(sim, since);
    const closes = writes.filter((e) => e.operation === "patchTicket").map((e) => ({ ticketId: e.ticketId, body: e.body }));
    expect(closes.sort((a, b) => String(a.ticketId).localeCompare(String(b.ticketId)))).toEqual(
      Object.values(ids)
        .sort()
        .map((ticketId) => ({ ticketId, body: { status: "Closed" } })),
    );
    const comments = writes.filter((e) => e.operation !== "patchTicket");
    expect(comments.map((e) => ({ operation: e.operation, ticketId: e.ticketId, text: bodyText(e) }))).toEqual([
      { operation: "addComment", ticketId: ids.gated, text: DECLARED.gated.closingComment },
    ]);
    const gatedClose = writes.find((e) => e.operation === "patchTicket" && e.ticketId === ids.gated) as RequestLogEntry;
    expect(comments[0].seq).toBeLessThan(gatedClose.seq);
    expect(customerComments(sim, ids.gated)).toEqual([DECLARED.gated.closingComment]);
    expect(sim.tickets().filter((t) => t.status !== "Closed").map((t) => t.ticketId)).toEqual([]);
    expect(await project!.resources()).toEqual([]);
  });
});
