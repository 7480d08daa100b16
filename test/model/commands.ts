/** Guarantee: fast-check generates, prints and shrinks steps as plain data; each command only runs when its step applies to the model. */
import fc from "fast-check";
import type { SimOperation } from "../../src/simulator";
import { Edit, editApplies, gatedTickets, MAX_TICKETS, Model, OPTION_NAMES, ReplaceField, SEVERITIES } from "./model";
import { NOT_APPROVING, REPLIES } from "./racker";
import type { LoseKind, ThenStep } from "./scenarios";
import { describeStep, FAULT_NAMES, GateAnswer, runStep, StepSpec } from "./steps";
import type { World } from "./world";

export class ModelCommand implements fc.AsyncCommand<Model, World> {
  constructor(readonly spec: StepSpec) {}

  check(m: Readonly<Model>): boolean {
    const s = this.spec;
    switch (s.kind) {
      case "up":
      case "kill":
        return editApplies(m, s.edit);
      case "racker":
      case "destroy":
        return m.tickets.length > 0;
      case "refresh":
      case "upRefresh":
        return true;
      case "lostCreate":
      case "killGetFails":
        return editApplies(m, s.edit);
      case "failedReplace":
        return gatedTickets(m).length > 0;
      case "adoptClosed":
        return m.tickets.length < MAX_TICKETS;
    }
  }

  async run(m: Model, w: World): Promise<void> {
    await runStep(m, w, this.spec);
  }

  toString(): string {
    return describeStep(this.spec);
  }
}

/** 0 (the ticket touched last) half the time: steps pile up on one resource. */
const pick = fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 1 });
const severity = fc.constantFrom(...SEVERITIES);
const resourceIndexes = fc.subarray([0, 1, 2, 3], { maxLength: 2 });
/** Half the declared tickets wait on the approval gate. */
const gated = fc.boolean();
const reply = fc.nat({ max: REPLIES.length - 1 });
const replacingField = fc.constantFrom<ReplaceField>("subject", "severity", "description", "attachment");
/** What the Racker answers to an up's gate waits: any reply of the pool while it waits, sometimes one before the up too. */
const gateAnswer: fc.Arbitrary<GateAnswer> = fc.record({ during: reply, before: fc.option(reply, { nil: undefined, freq: 2 }) });

export const addEdit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constant("add" as const),
  severity,
  resources: resourceIndexes,
  comments: fc.integer({ min: 0, max: 2 }),
  fileComment: fc.boolean(),
  attachment: fc.boolean(),
  option: fc.option(fc.constantFrom(...OPTION_NAMES), { nil: undefined, freq: 2 }),
  gated,
});
const commentEdit: fc.Arbitrary<Edit> = fc.record({ kind: fc.constant("comment" as const), pick, withFile: fc.boolean() });
const replaceEdit: fc.Arbitrary<Edit> = fc.record({ kind: fc.constant("replace" as const), pick, field: replacingField });

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { arbitrary: addEdit, weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("remove" as const), pick }), weight: 2 },
  { arbitrary: commentEdit, weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("note" as const), pick, same: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("sideComment" as const), pick, remove: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("resources" as const), pick, set: resourceIndexes }), weight: 2 },
  { arbitrary: replaceEdit, weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("adopt" as const), severity, comments: fc.integer({ min: 0, max: 1 }), gated }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("option" as const), pick, option: fc.constantFrom(...OPTION_NAMES) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("revert" as const), pick }), weight: 1 },
);

/** The operations an edit's `up` can reach, so an armed fault usually fires. */
const REACHED: Record<Edit["kind"], SimOperation[]> = {
  add: ["createTicket", "listTickets", "addComment", "getTicket"],
  adopt: ["getTicket", "patchTicket", "addComment"],
  remove: ["patchTicket", "getTicket"],
  comment: ["addComment", "getTicket"],
  note: ["addComment", "getTicket"],
  sideComment: ["addComment", "getTicket"],
  resources: ["patchTicket", "getTicket"],
  replace: ["createTicket", "listTickets", "patchTicket", "addComment"],
  option: ["getTicket", "patchTicket"],
  revert: ["createTicket", "listTickets", "patchTicket", "addComment"],
};

/** Half the plain ups say how the Racker answers their gate waits (an approving reply otherwise). */
const plainUp = fc.tuple(editArb, fc.option(gateAnswer, { nil: undefined, freq: 2 })).map(([edit, gate]): StepSpec => (gate ? { kind: "up", edit, gate } : { kind: "up", edit }));
const faultyUp = fc.tuple(editArb, fc.constantFrom(...FAULT_NAMES), fc.nat({ max: 3 })).map(([edit, name, n]): StepSpec => {
  const ops = REACHED[edit.kind];
  return { kind: "up", edit, fault: { name, operation: ops[n % ops.length] } };
});
const kill: fc.Arbitrary<StepSpec> = fc.oneof(
  addEdit.map((edit): StepSpec => ({ kind: "kill", during: "createTicket", edit })),
  replaceEdit.map((edit): StepSpec => ({ kind: "kill", during: "createTicket", edit })),
  commentEdit.map((edit): StepSpec => ({ kind: "kill", during: "addComment", edit })),
);
const racker = fc.record({
  kind: fc.constant("racker" as const),
  pick,
  action: fc.constantFrom<"reply" | "status" | "close">("reply", "status", "close", "close"),
  status: fc.constantFrom("Pending Customer", "In Progess", "Solved"),
  reply: fc.option(reply, { nil: undefined, freq: 2 }),
});

/** A create that loses its answer (an add, or a replacement) while GET /tickets is empty or broken, over later commands. */
const lostCreate: fc.Arbitrary<StepSpec> = fc.record({
  kind: fc.constant("lostCreate" as const),
  edit: fc.oneof({ arbitrary: addEdit, weight: 2 }, { arbitrary: replaceEdit, weight: 1 }),
  lose: fc.constantFrom<LoseKind>("drop-after", "drop-before", "hang", "500"),
  list: fc.constantFrom<"empty" | "broken">("empty", "broken"),
  then: fc.array(fc.constantFrom<ThenStep>("up", "replace", "refresh", "destroy", "replace"), { maxLength: 2 }),
  field: replacingField,
  resolve: fc.constantFrom<"up" | "refresh">("up", "refresh"),
});
const failedReplace: fc.Arbitrary<StepSpec> = fc.record({ kind: fc.constant("failedReplace" as const), pick, field: replacingField, answer: fc.constantFrom(...NOT_APPROVING) });
const adoptClosed: fc.Arbitrary<StepSpec> = fc.record({ kind: fc.constant("adoptClosed" as const), when: fc.constantFrom<"before" | "after">("before", "after"), severity, comments: fc.integer({ min: 0, max: 1 }) });
const createOrComment = fc.constantFrom<"createTicket" | "addComment">("createTicket", "addComment");
const killGetFails: fc.Arbitrary<StepSpec> = fc.oneof(
  fc.tuple(addEdit, createOrComment).map(([edit, during]): StepSpec => ({ kind: "killGetFails", during, edit })),
  fc.tuple(replaceEdit, createOrComment).map(([edit, during]): StepSpec => ({ kind: "killGetFails", during, edit })),
  commentEdit.map((edit): StepSpec => ({ kind: "killGetFails", during: "addComment", edit })),
);

/**
 * The weights keep CI's bounded runs (18 steps in all, plansFromEnv) meeting the multi-command
 * stories of issue 19 (lostCreate, failedReplace, adoptClosed, killGetFails) a few times each
 * batch, while single-command steps stay the bulk.
 */
export const stepArb: fc.Arbitrary<StepSpec> = fc.oneof(
  { arbitrary: plainUp, weight: 9 },
  { arbitrary: faultyUp, weight: 4 },
  { arbitrary: racker, weight: 5 },
  { arbitrary: kill, weight: 2 },
  { arbitrary: fc.constant<StepSpec>({ kind: "refresh" }), weight: 1 },
  { arbitrary: fc.constant<StepSpec>({ kind: "upRefresh" }), weight: 1 },
  { arbitrary: fc.constant<StepSpec>({ kind: "destroy" }), weight: 1 },
  { arbitrary: lostCreate, weight: 3 },
  { arbitrary: failedReplace, weight: 3 },
  { arbitrary: adoptClosed, weight: 2 },
  { arbitrary: killGetFails, weight: 1 },
);

/** The tickets every run starts from (declared and deployed by one up before the commands). */
export const initialArb: fc.Arbitrary<Edit[]> = fc.array(addEdit, { minLength: 1, maxLength: 2 });

/**
 * fc.commands draws a length uniformly in [0, max]; this draws again (same random source, so
 * seeds and paths replay) until a sequence has at least `min` commands. Shrinking is the inner
 * arbitrary's, unconstrained: a shrunk sequence may be as short as the failure allows.
 */
class AtLeast<T> extends fc.Arbitrary<T> {
  constructor(
    private readonly inner: fc.Arbitrary<T>,
    private readonly ok: (v: T) => boolean,
  ) {
    super();
  }
  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    for (let i = 0; i < 200; i++) {
      const v = this.inner.generate(mrng, biasFactor);
      if (this.ok(v.value_)) return v;
    }
    return this.inner.generate(mrng, biasFactor);
  }
  canShrinkWithoutContext(value: unknown): value is T {
    return this.inner.canShrinkWithoutContext(value);
  }
  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.inner.shrink(value, context);
  }
}

/** Sequences of about `steps` commands (at least three quarters of it), shrinkable to any length. */
export function commandsArb(steps: number, replayPath?: string): fc.Arbitrary<Iterable<fc.AsyncCommand<Model, World>>> {
  const inner = fc.commands([stepArb.map((s) => new ModelCommand(s))], { maxCommands: steps, size: "max", ...(replayPath ? { replayPath } : {}) });
  const min = Math.ceil(steps * 0.75);
  return new AtLeast(inner, (cmds) => [...cmds].length >= min);
}
