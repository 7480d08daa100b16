/**
 * State written by 0.2.0 still loads: frozen stacks that pulumi-rackspace-ticketing 0.2.0
 * wrote (test/fixtures/state-0.2.0, made once by its make-fixtures.js against that
 * version), replayed through the real Pulumi CLI with the code under test.
 *
 * Each fixture is a `pulumi stack export`, the stack's config file (it holds the salt
 * that decrypts the secrets), the program and the simulator's persisted tickets. The
 * replay starts an in-process simulator from a copy of that JSON, makes a fresh project
 * with the saved program depending on this repository, creates the stack, imports the
 * export and points the stack at the new simulator; then:
 *
 * - the main fixture (five tickets: plain; with attachments; adopted; imported; secret
 *   description; a Racker reply read in by a refresh): preview plans no create and no
 *   replacement, up writes nothing, every declared comment is in the state and on the
 *   ticket once, refresh works, destroy closes each ticket once;
 * - the wedged fixture (0.2.0's "created but failed to initialise" record, outputs
 *   without `__provider`, after a comment's POST failed with a 400; 0.2.0's own refresh
 *   then fails with "code must be a string, not undefined"): up posts the missing comment
 *   once, then refresh and destroy work.
 */
import * as fs from "node:fs";
import { STATE_VERSION } from "../../src/core/ticket/state";
import { digestsOf, postedDigests, postedTextDigests, textDigestsOf } from "../helpers/posted";
import * as path from "node:path";
import type { Simulator } from "../../src/simulator";
import { describeWithPulumiCli, ensureBuilt, PulumiProject, StackExport, TICKET_TYPE } from "../helpers/pulumi-cli";
import { customerComments, expectOk, fixtureIds, lastSeq, nameOf, previewPlan, Replay, replay, revealed, writesSince } from "../helpers/state-fixture";

jest.setTimeout(300_000);

const FIXTURES = path.resolve(__dirname, "..", "fixtures", "state-0.2.0");

/** The comments each ticket of the main fixture's program declares (index.js there), in order. */
const DECLARED: Record<string, string[]> = {
  plain: ["Backups verified.", "db01 upgraded.", "db02 upgraded."],
  files: ["First review round done.", "Error log from the canary attached.", "Maintenance notes attached again for the Racker.", "Ready for the rollout."],
  adopted: ["Now managed by Pulumi."],
  imported: ["Checked by the on-call engineer."],
  secretive: ["Rotation scheduled."],
};
const SECRET_DESCRIPTION = "The maintenance passphrase is fixture-secret-0001.";
const RACKER_REPLY = "Upgrade window confirmed for Sunday.";
const WEDGED_COMMENT = "Resize approved by the change board.";

const entryText = (e: unknown) => (typeof e === "string" ? e : (e as { text: string }).text);

describeWithPulumiCli("e2e: a stack written by 0.2.0 (five tickets) loads and runs", () => {
  const fixture = FIXTURES;
  const ids = fixtureIds(fixture);
  let r: Replay;
  let sim: Simulator;
  let project: PulumiProject;

  beforeAll(async () => {
    ensureBuilt();
    r = await replay(fixture, "rt-state-020", "fixture");
    ({ sim, project } = r);
  });
  afterAll(async () => {
    await r?.dispose();
  });

  test("the import holds the five tickets of the fixture, open on the simulator", async () => {
    expect(Object.keys(ids).sort()).toEqual(Object.keys(DECLARED).sort());
    expect(Object.fromEntries((await project.resources()).map((t) => [nameOf(t), t.id]))).toEqual(ids);
    for (const id of Object.values(ids)) expect(sim.getTicket(id)?.status).not.toBe("Closed");
  });

  test("preview --diff plans no create and no replacement, and calls nothing that writes", async () => {
    const since = lastSeq(sim);
    const text = await project.preview(["--diff"]);
    expectOk(text);
    expect(text.stdout).not.toMatch(/to create|to replace|\+-\s*pulumi-nodejs:dynamic|\+\s+pulumi-nodejs:dynamic/);
    const json = await project.preview(["--json"]);
    expectOk(json);
    const { ops, summary } = previewPlan(json.stdout);
    expect(ops.filter((op) => !["same", "update"].includes(op))).toEqual([]);
    expect(Object.keys(summary).filter((k) => !["same", "update"].includes(k))).toEqual([]);
    // The stack and the five tickets, each unchanged or updated in place.
    expect((summary.same ?? 0) + (summary.update ?? 0)).toBe(6);
    expect(writesSince(sim, since)).toEqual([]);
  });

  test("up writes nothing: no createTicket, no addComment, no PATCH, no upload; the tickets keep their ids", async () => {
    const since = lastSeq(sim);
    expectOk(await project.up());
    expect(writesSince(sim, since).map((e) => ({ operation: e.operation, ticketId: e.ticketId }))).toEqual([]);
    expect(Object.fromEntries((await project.resources()).map((t) => [nameOf(t), t.id]))).toEqual(ids);
  });

  test("every declared comment is recorded once in the state and is on its ticket once", async () => {
    const { state } = await project.exportState(true);
    const tickets = (state.deployment.resources ?? []).filter((t) => t.type === TICKET_TYPE);
    const recorded = Object.fromEntries(tickets.map((t) => [nameOf(t), ((revealed(t.outputs?.comments) as unknown[]) ?? []).map(entryText)]));
    expect(recorded).toEqual(DECLARED);
    for (const [name, texts] of Object.entries(DECLARED)) {
      const onTicket = customerComments(sim, ids[name]);
      expect({ name, onTicket }).toEqual({ name, onTicket: texts });
    }
    // The secret still decrypts (the stack config file's salt) and the Racker's reply is still in the thread.
    const byName = Object.fromEntries(tickets.map((t) => [nameOf(t), t]));
    expect(revealed(byName.secretive.outputs?.description)).toBe(SECRET_DESCRIPTION);
    expect(revealed(byName.plain.outputs?.thread)).toEqual(expect.arrayContaining([expect.objectContaining({ authorType: "racker", text: RACKER_REPLY })]));
  });

  test("refresh succeeds and writes nothing; the Racker's reply stays in the thread", async () => {
    const since = lastSeq(sim);
    expectOk(await project.refresh());
    expect(writesSince(sim, since)).toEqual([]);
    const plain = (await project.resources()).find((t) => nameOf(t) === "plain");
    expect(plain?.outputs?.thread).toEqual(expect.arrayContaining([expect.objectContaining({ authorType: "racker", text: RACKER_REPLY })]));
    // A refresh after an up of an unchanged program: the comments are still recorded once each.
    // (Rewritten in the current shape: a record per posted comment, the texts only in the inputs.)
    const after = Object.fromEntries((await project.exportState(true)).state.deployment.resources!.filter((t) => t.type === TICKET_TYPE).map((t) => [nameOf(t), postedTextDigests({ posted: revealed(t.outputs?.posted) })]));
    expect(after).toEqual(Object.fromEntries(Object.entries(DECLARED).map(([k, v]) => [k, textDigestsOf(v)])));
    // The refresh rewrote every record in the current shape (0.2.0 wrote no version).
    const versions = (await project.resources()).map((t) => t.outputs?.__stateVersion);
    expect(versions).toEqual(versions.map(() => STATE_VERSION));
  });

  test("destroy closes each of the five tickets with exactly one PATCH and leaves no open ticket", async () => {
    const since = lastSeq(sim);
    expectOk(await project.destroy());
    const writes = writesSince(sim, since);
    expect(writes.filter((e) => e.operation !== "patchTicket")).toEqual([]);
    const closes = writes.map((e) => ({ ticketId: e.ticketId, body: e.body }));
    expect(closes.sort((a, b) => String(a.ticketId).localeCompare(String(b.ticketId)))).toEqual(
      Object.values(ids)
        .sort()
        .map((ticketId) => ({ ticketId, body: { status: "Closed" } })),
    );
    expect(sim.tickets().filter((t) => t.status !== "Closed").map((t) => t.ticketId)).toEqual([]);
    expect(await project.resources()).toEqual([]);
  });
});

describeWithPulumiCli("e2e: a stack 0.2.0 wedged (a comment's POST failed at create) can be finished", () => {
  const fixture = path.join(FIXTURES, "wedged");
  const ids = fixtureIds(fixture);
  let r: Replay;
  let sim: Simulator;
  let project: PulumiProject;

  beforeAll(async () => {
    ensureBuilt();
    r = await replay(fixture, "rt-state-020", "wedged");
    ({ sim, project } = r);
  });
  afterAll(async () => {
    await r?.dispose();
  });

  test("the fixture is 0.2.0's half-recorded ticket: initErrors, outputs without __provider, the comment not on the ticket", () => {
    const state = JSON.parse(fs.readFileSync(path.join(fixture, "stack.json"), "utf8")) as StackExport;
    const [rec] = (state.deployment.resources ?? []).filter((t) => t.type === TICKET_TYPE);
    expect(rec.initErrors).toEqual([expect.stringContaining("HTTP 400")]);
    expect(rec.outputs?.__provider).toBeUndefined();
    expect(rec.outputs?.comments).toEqual([]);
    expect(customerComments(sim, ids.wedged)).toEqual([]);
  });

  test("up (the comment no longer refused) succeeds and posts the missing comment exactly once, on the same ticket", async () => {
    const since = lastSeq(sim);
    expectOk(await project.up());
    const writes = writesSince(sim, since);
    expect(writes.filter((e) => e.operation === "createTicket")).toEqual([]);
    expect(writes.filter((e) => e.operation === "addComment").map((e) => ({ ticketId: e.ticketId, body: e.body }))).toEqual([
      { ticketId: ids.wedged, body: { comment: { text: WEDGED_COMMENT } } },
    ]);
    expect(customerComments(sim, ids.wedged)).toEqual([WEDGED_COMMENT]);
    const [rec] = await project.resources();
    expect(rec.id).toBe(ids.wedged);
    expect(typeof rec.outputs?.__provider).toBe("string");
    expect(postedDigests(rec.outputs)).toEqual(digestsOf([WEDGED_COMMENT]));
  });

  test("refresh then succeeds and writes nothing", async () => {
    const since = lastSeq(sim);
    expectOk(await project.refresh());
    expect(writesSince(sim, since)).toEqual([]);
    expect(customerComments(sim, ids.wedged)).toEqual([WEDGED_COMMENT]);
  });

  test("destroy succeeds and closes the ticket with one PATCH", async () => {
    const since = lastSeq(sim);
    expectOk(await project.destroy());
    expect(writesSince(sim, since).map((e) => ({ operation: e.operation, ticketId: e.ticketId, body: e.body }))).toEqual([
      { operation: "patchTicket", ticketId: ids.wedged, body: { status: "Closed" } },
    ]);
    expect(sim.getTicket(ids.wedged)?.status).toBe("Closed");
    expect(await project.resources()).toEqual([]);
  });
});
