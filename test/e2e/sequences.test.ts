/**
 * Sequences through the real Pulumi CLI, as users meet them: a comment the API refuses,
 * then refresh, up and destroy; a ticket Rackspace closes, then the next deployments.
 * Each test would have failed with 0.2.0 (the stack wedged with "code must be a string,
 * not undefined", the refused entry could not be fixed, a closed ticket got a PATCH or a
 * comment and every later `up` failed the same way).
 */
import type { Simulator } from "../../src/simulator";
import { digestsOf, postedDigests } from "../helpers/posted";
import { describeWithPulumiCli, ensureBuilt, PulumiProject } from "../helpers/pulumi-cli";
import { expectOk, SpecProgram, specStack, startFastSimulator, TicketSpec } from "../helpers/spec-program";

jest.setTimeout(300_000);

const R1 = "https://resources.api.rackspace.com/resources/dedicated:0001";
const R2 = "https://resources.api.rackspace.com/resources/dedicated:0002";

const ticket = (name: string, args: Record<string, unknown>, extra: Partial<TicketSpec> = {}): TicketSpec => ({
  name,
  args: { subject: `Sequence ${name}`, description: `Change ${name}.`, ...args },
  ...extra,
});

describeWithPulumiCli("e2e: sequences through the engine leave a true stack", () => {
  let sim: Simulator;
  let program: SpecProgram;
  let project: PulumiProject;

  const customerComments = (id: string) => (sim.getTicket(id)?.comments ?? []).slice(1).filter((c) => c.author?.type !== "racker").map((c) => c.text);
  const writesTo = (id: string, sinceSeq: number) =>
    sim.requests().filter((r) => r.seq > sinceSeq && r.ticketId === id && ["patchTicket", "addComment"].includes(r.operation) && r.status !== 0);
  const lastSeq = () => sim.requests().reduce((m, e) => Math.max(m, e.seq), 0);
  const stateIds = async () => (await project.resources()).map((r) => r.id as string);

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(async () => {
    program = new SpecProgram("rt-e2e-sequences");
    project = await specStack(program, sim, "seq");
  });
  afterEach(async () => {
    sim.clearFaults();
    try {
      await project?.dispose();
    } finally {
      program?.dispose();
    }
  });

  test("a comment the API refuses at create: the up fails with the guidance; refresh works; the refused entry can be fixed; the next up posts it once; destroy closes", async () => {
    program.write([ticket("refused", { comments: ["rejected text"] })]);
    sim.injectFault({ operation: "addComment", kind: "status", status: 400, count: 1 });
    const first = await project.up();
    expect(first.code).not.toBe(0);
    // The guidance, not only the raw reason, reaches the CLI.
    expect(first.output).toMatch(/comments\[0\] was not posted: fix or remove it \(entries not yet on the ticket can still change\) and run `pulumi up` again/);
    const [recorded] = await project.resources();
    expect(typeof recorded.outputs?.__provider).toBe("string");
    const id = recorded.id as string;
    expect(customerComments(id)).toEqual([]);

    // 0.2.0: "code must be a string, not undefined" from here on.
    expectOk(await project.refresh());
    expectOk(await project.preview());

    // The entry never reached the ticket: editing it is not an edit of the history.
    program.write([ticket("refused", { comments: ["fixed text"] })]);
    expectOk(await project.up());
    expect(customerComments(id)).toEqual(["fixed text"]);
    expect(await stateIds()).toEqual([id]);

    // An entry that IS on the ticket still cannot be edited, and the message names it by path.
    program.write([ticket("refused", { comments: ["edited again"] })]);
    const edit = await project.preview();
    expect(edit.code).not.toBe(0);
    expect(edit.output).toMatch(/comments\[0\] is already on the ticket and cannot be edited/);
    expect(edit.output).not.toMatch(/fixed text|edited again/);

    program.write([ticket("refused", { comments: ["fixed text"] })]);
    expectOk(await project.destroy());
    expect(sim.getTicket(id)?.status).toBe("Closed");
  });

  test("a comment refused during an update: destroy works right away and closes the ticket", async () => {
    program.write([ticket("update-refused", { comments: ["one"] })]);
    expectOk(await project.up());
    const [id] = await stateIds();
    program.write([ticket("update-refused", { comments: ["one", "two"], resources: [R1] })]);
    sim.injectFault({ operation: "addComment", kind: "status", status: 400, count: 1 });
    const failed = await project.up();
    expect(failed.code).not.toBe(0);
    // The PATCH went through before the comment failed: the state says so.
    const [rec] = await project.resources();
    expect(rec.outputs?.resources).toEqual([R1]);
    expect(postedDigests(rec.outputs)).toEqual(digestsOf(["one"]));
    expectOk(await project.destroy());
    expect(sim.getTicket(id)?.status).toBe("Closed");
    expect(customerComments(id)).toEqual(["one"]);
  });

  test("a ticket Rackspace closed: the next up with a change opens a new ticket naming it and never writes to the closed one; after a refresh, even an up without changes does", async () => {
    program.write([ticket("closed", { comments: ["before close"], resources: [R1] })]);
    expectOk(await project.up());
    const [first] = await stateIds();
    sim.actAsRacker(first, { comment: "Done on our side, closing.", status: "Closed" });
    const closedAt = lastSeq();

    // A new comment and a new resource: 0.2.0 sent a PATCH and a POST to the closed ticket and failed (400) on every up.
    program.write([ticket("closed", { comments: ["before close", "after close"], resources: [R1, R2] })]);
    const preview = await project.preview(["--diff"]);
    expectOk(preview);
    expect(preview.output).toMatch(/replace/);
    expectOk(await project.up());
    const [second] = await stateIds();
    expect(second).not.toBe(first);
    expect(writesTo(first, closedAt)).toEqual([]);
    const t2 = sim.getTicket(second)!;
    expect(t2.status).not.toBe("Closed");
    expect(t2.comments[0].text).toContain(`Replaces ticket ${first}.`);
    expect(customerComments(second)).toEqual(["before close", "after close"]);
    expect(t2.resources).toEqual([R1, R2]);

    // Closed again; `pulumi refresh` records it; the next plain up replaces it although nothing changed.
    sim.actAsRacker(second, { status: "Closed" });
    const closedAgain = lastSeq();
    expectOk(await project.refresh());
    expect((await project.resources())[0].outputs?.status).toBe("Closed");
    expectOk(await project.up());
    const [third] = await stateIds();
    expect(third).not.toBe(second);
    expect(writesTo(second, closedAgain)).toEqual([]);
    expect(sim.getTicket(third)?.status).not.toBe("Closed");

    // Destroy: the open one is closed; the closed ones get nothing.
    const beforeDestroy = lastSeq();
    expectOk(await project.destroy());
    expect(sim.getTicket(third)?.status).toBe("Closed");
    expect(writesTo(first, beforeDestroy)).toEqual([]);
    expect(writesTo(second, beforeDestroy)).toEqual([]);
  });

  test("a ticket closed between the plan and the write: that up fails once, naming the ticket; the next up opens a new one", async () => {
    program.write([ticket("race", { comments: ["one"] })]);
    expectOk(await project.up());
    const [first] = await stateIds();
    program.write([ticket("race", { comments: ["one", "two"] })]);
    // The diff reads the ticket (open); the Racker closes it before the comment is posted.
    const origin = lastSeq();
    const hook = setInterval(() => {
      const seen = sim.requests().some((r) => r.seq > origin && r.operation === "getTicket" && r.ticketId === first);
      if (seen && sim.getTicket(first)?.status !== "Closed") sim.actAsRacker(first, { status: "Closed" });
    }, 5);
    let failed: Awaited<ReturnType<PulumiProject["up"]>>;
    try {
      failed = await project.up();
    } finally {
      clearInterval(hook);
    }
    if (failed.code === 0) {
      // The close came before the diff's read: the diff planned the replacement itself.
      expect((await stateIds())[0]).not.toBe(first);
    } else {
      expect(failed.output).toMatch(new RegExp(`ticket ${first}\\).*Rackspace has closed the ticket.*nothing is written to a closed ticket`));
      expectOk(await project.up());
      expect((await stateIds())[0]).not.toBe(first);
    }
    expect(customerComments(first)).toEqual(["one"]);
    expectOk(await project.destroy());
  });
});
