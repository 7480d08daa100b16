/**
 * What a failed command leaves for the next one, against the simulator: a failed update is
 * recorded consistently with the old inputs the engine keeps beside it (so the refresh that
 * diffs those inputs works), nothing is posted when the thread cannot be read, and the closing
 * comment is compared with the entries the stack did not post itself.
 */
import { RackspaceTicketProvider, TicketPartialFailure } from "../../src/faces/dynamic/provider";
import type { Simulator } from "../../src/simulator";
import { commentByHand, providerConfig, resetClientState, startSim } from "../helpers/sim";

type Props = Record<string, unknown>;

describe("records a failed command leaves", () => {
  let sim: Simulator;
  let provider: RackspaceTicketProvider;
  let n = 0;
  const base = { accountId: "hybrid:100001", category: "Change", subcategory: "General", description: "Records.", __project: "ops", __stack: "rec" };
  const fresh = (extra: Props = {}): Props => ({ ...base, subject: `Records ${++n}`, __resourceName: `r-${n}`, ...extra });
  const customerTexts = (id: string) => (sim.getTicket(id)?.comments ?? []).slice(1).filter((c) => c.author.type !== "racker").map((c) => c.text);
  const writesTo = (id: string, since: number) => sim.requests({ since }).filter((e) => e.ticketId === id && (e.operation === "addComment" || e.operation === "patchTicket"));
  const lastSeq = () => sim.requests().at(-1)?.seq ?? 0;

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 50, patch: 50, comment: 50, read: 500 } });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    resetClientState();
    sim.clearFaults();
    provider = new RackspaceTicketProvider();
    provider.log = () => undefined;
    await provider.configure({
      config: providerConfig(sim, {
        "rackspace:rateLimitCreate": "50",
        "rackspace:rateLimitPatch": "50",
        "rackspace:rateLimitComment": "50",
        "rackspace:rateLimitRead": "500",
        "rackspace:retryMaxAttempts": "2",
        "rackspace:retryBudgetMs": "2000",
      }),
    });
  });

  it("a failed update is recorded with the old records: the refresh's diff of the old inputs works, and the next up posts each missing comment once", async () => {
    const old = fresh({ comments: ["c0", "c1"] });
    const { id, outs } = await provider.create(old);
    const withFile = { text: "c4", attachments: [{ filename: "log.txt", content: "x" }] };
    const declared = { ...old, comments: ["c0", "c1", "c2", "c3", withFile], note: "run 2" };
    // c2 and c3 are posted, then c4's file cannot be uploaded: the update fails half-way.
    sim.injectFault({ operation: "createAttachment", kind: "status", status: 503, count: 1000 });
    const e = await provider.update(id, outs, declared).then(
      () => undefined,
      (x: unknown) => x,
    );
    sim.clearFaults();
    expect(customerTexts(id)).toEqual(["c0", "c1", "c2", "c3"]);
    expect(e).toBeInstanceOf(TicketPartialFailure);
    const record = (e as TicketPartialFailure).properties;
    // The engine records the OLD inputs beside this record (pulumi/pulumi#2011): the records must be the old ones.
    expect((record.posted as unknown[]).length).toBe(2);
    expect(record.notes).toEqual([]);
    // `pulumi refresh` reads the ticket, then diffs the old inputs against what it read: no error.
    const read = await provider.read(id, record as never);
    await expect(provider.diff(id, read.props, old)).resolves.toMatchObject({ replaces: [] });
    await expect(provider.diff(id, record as never, old)).resolves.toMatchObject({ replaces: [] });
    // The next up with the program's five comments posts only what is missing, each once.
    const since = lastSeq();
    const { outs: after } = await provider.update(id, read.props, declared);
    expect(customerTexts(id)).toEqual(["c0", "c1", "c2", "c3", "c4", "run 2"]);
    expect((after.posted as unknown[]).length).toBe(5);
    expect(writesTo(id, since).map((w) => w.operation)).toEqual(["addComment", "addComment"]);
  });

  it("nothing is posted when the thread cannot be read before an update (a killed run may have posted it already)", async () => {
    const old = fresh({ comments: ["a"] });
    const { id, outs } = await provider.create(old);
    // A killed run posted comments[1] but its state was never written.
    await commentByHand(sim, id, "b");
    sim.injectFault({ operation: "getTicket", kind: "status", status: 503, count: 1000 });
    const since = lastSeq();
    await expect(provider.update(id, outs, { ...old, comments: ["a", "b"] })).rejects.toThrow(/reading the ticket before updating it failed.*Nothing was sent/s);
    await expect(provider.update(id, outs, { ...old, note: "run 9" })).rejects.toThrow(/Nothing was sent/);
    expect(writesTo(id, since)).toEqual([]);
    sim.clearFaults();
    await provider.update(id, outs, { ...old, comments: ["a", "b"] });
    expect(customerTexts(id)).toEqual(["a", "b"]);
  });

  it("a retried destroy posts no second closing comment, and with the thread unreadable sends nothing", async () => {
    const props = fresh({ closingComment: "Environment destroyed." });
    const { id, outs } = await provider.create(props);
    sim.injectFault({ operation: "getTicket", kind: "status", status: 503, count: 1000 });
    const since = lastSeq();
    await expect(provider.delete(id, outs)).rejects.toThrow(/before posting the closing comment failed.*Nothing was sent/s);
    expect(writesTo(id, since)).toEqual([]);
    sim.clearFaults();
    // The first attempt posted it but the close failed.
    sim.injectFault({ operation: "patchTicket", kind: "status", status: 503, count: 1000 });
    await expect(provider.delete(id, outs)).rejects.toThrow(/closing the ticket failed/);
    sim.clearFaults();
    await provider.delete(id, outs);
    expect(customerTexts(id)).toEqual(["Environment destroyed."]);
    expect(sim.getTicket(id)?.status).toBe("Closed");
  });

  it("a closing comment equal to the stack's own last comment or note is still posted", async () => {
    const props = fresh({ comments: ["Done."], note: "Done.", closingComment: "Done." });
    const { id, outs } = await provider.create(props);
    expect(customerTexts(id)).toEqual(["Done.", "Done."]);
    await provider.delete(id, outs);
    expect(customerTexts(id)).toEqual(["Done.", "Done.", "Done."]);
    expect(sim.getTicket(id)?.status).toBe("Closed");
  });

  it("replaceOnChanges covers note, waitFor and closingComment, and \"*\" covers them all", async () => {
    const props = fresh({ note: "run 1", closingComment: "bye", waitFor: { statuses: ["Solved"], timeout: "1s", onTimeout: "continue", pollInterval: "1s" } });
    const { id, outs } = await provider.create(props);
    const cases: [Props, string][] = [
      [{ note: "run 2" }, "note"],
      [{ closingComment: "farewell" }, "closingComment"],
      [{ waitFor: { statuses: ["In Progress"], timeout: "1s", onTimeout: "continue", pollInterval: "1s" } }, "waitFor"],
    ];
    for (const [change, key] of cases) {
      // 0.5.0: the change was an update even with replaceOnChanges naming the input, or "*".
      expect((await provider.diff(id, outs, { ...props, ...change })).replaces).toEqual([]);
      expect((await provider.diff(id, outs, { ...props, ...change, __replaceOnChanges: [key] })).replaces).toEqual([key]);
      expect((await provider.diff(id, outs, { ...props, ...change, __replaceOnChanges: ["*"] })).replaces).toEqual([key]);
    }
  });
});
