/**
 * Property: for any old/new pair of inputs, the planned calls applied to the
 * simulator's ticket yield the new ticket, with no call for an unchanged field.
 */
import fc from "fast-check";
import { pendingRecord } from "../../src/core/history/posted";
import { planChanges } from "../../src/core/ticket/plan";
import { REPLACE_FIELDS } from "../../src/core/ticket/inputs";
import { RackspaceTicketProvider } from "../../src/faces/dynamic/provider";
import type { Simulator } from "../../src/simulator";
import { providerConfig, resetClientState, startSim } from "../helpers/sim";

type Props = Record<string, unknown>;

const RES = Array.from({ length: 6 }, (_, i) => `https://resources.api.rackspace.com/resources/dedicated:000${i}`);
const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0);
const inputsArb = fc.record({
  subject: text,
  severity: fc.constantFrom(undefined, "Low", "Normal", "High", "Urgent"),
  description: fc.option(text, { nil: undefined }),
  recipients: fc.option(fc.uniqueArray(fc.constantFrom("RPN-1", "RPN-2", "ops@example.com"), { maxLength: 2 }), { nil: undefined }),
  resources: fc.uniqueArray(fc.constantFrom(...RES), { maxLength: 4 }),
  comments: fc.array(text, { maxLength: 3 }),
});
/** A new version of the inputs: any replace field may change; resources anything; comments only appended. */
const pairArb = inputsArb.chain((old) =>
  fc
    .record({
      changeReplace: fc.boolean(),
      next: inputsArb,
      resources: fc.uniqueArray(fc.constantFrom(...RES), { maxLength: 4 }),
      appended: fc.array(text, { maxLength: 3 }),
    })
    .map(({ changeReplace, next, resources, appended }) => ({
      old,
      neu: changeReplace
        ? { ...next, comments: [...old.comments, ...appended] }
        : { ...old, resources, comments: [...old.comments, ...appended] },
    })),
);

const fixed = { accountId: "hybrid:100001", category: "Change", subcategory: "General" };
const clean = (o: Props) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

describe("planner property (fast-check) against the simulator", () => {
  let sim: Simulator;
  let provider: RackspaceTicketProvider;
  let run = 0;

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 10_000, patch: 10_000, comment: 10_000, read: 10_000 } });
    resetClientState();
    provider = new RackspaceTicketProvider();
    provider.log = () => undefined;
    await provider.configure({
      config: providerConfig(sim, { "rackspace:rateLimitCreate": "10000", "rackspace:rateLimitPatch": "10000", "rackspace:rateLimitComment": "10000", "rackspace:rateLimitRead": "10000" }),
    });
  });
  afterAll(() => sim.close());

  it("in-place plans reach the new ticket with exactly the needed calls; replacing plans name exactly the changed fields", async () => {
    await fc.assert(
      fc.asyncProperty(pairArb, async ({ old, neu }) => {
        const oldProps = clean({ ...fixed, ...old, __resourceName: `p${++run}`, __project: "prop", __stack: "test" });
        const newProps = clean({ ...fixed, ...neu, __resourceName: `p${run}`, __project: "prop", __stack: "test" });
        const created = await provider.create(oldProps);
        const outs = created.outs as Props;
        const plan = planChanges(outs, newProps);

        // Recipients are a set to the API: a new order is no change.
        const norm = (f: string, v: unknown) => (f === "recipients" ? [...((v as string[] | undefined) ?? [])].sort() : v);
        const changedReplace = REPLACE_FIELDS.filter((f) => JSON.stringify(norm(f, oldProps[f])) !== JSON.stringify(norm(f, newProps[f])));
        expect(plan.replaces).toEqual(changedReplace);
        if (plan.replaces.length > 0) return; // a new ticket: create() covers it

        sim.clearRequests();
        await provider.update(created.id, outs, newProps);
        const writes = sim.writeCalls();
        const resourcesChanged = new Set(old.resources).size !== new Set(neu.resources).size || !neu.resources.every((r) => old.resources.includes(r));
        expect(writes.filter((w) => w.operation === "patchTicket")).toHaveLength(resourcesChanged ? 1 : 0);
        expect(writes.filter((w) => w.operation === "addComment").map((w) => (w.body as { comment: { text: string } }).comment.text)).toEqual(
          neu.comments.slice(old.comments.length),
        );
        expect(writes.filter((w) => w.operation === "createTicket")).toHaveLength(0);

        const t = sim.getTicket(created.id)!;
        expect([...t.resources].sort()).toEqual([...neu.resources].sort());
        expect(t.comments.slice(1).map((c) => c.text)).toEqual(neu.comments);
        expect(planChanges({ ...outs, resources: t.resources, posted: neu.comments.map((c) => pendingRecord(c)) }, newProps).changes).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
