/**
 * The plugin's resources over the core engines: a request's properties become the property bag
 * the core takes (the declared inputs, plus the resource's name, project, stack, parents and
 * URN from the URN, and which inputs the program passed as secrets); the core's answer goes
 * back without that bookkeeping, with every output that repeats or digests a secret text kept
 * secret. Previews are answered here (nothing is sent): an update keeps the ticket's id known.
 */
import type { TicketDiff } from "../../core/ticket/diff";
import { IMPORT_KEY, NAME_KEY, ORGANIZATION_KEY, PARENT_KEY, PROJECT_KEY, PROVIDER_KEY, REPLACE_ON_CHANGES_KEY, SECRET_INPUTS_KEY, STACK_KEY, UNKNOWN, URN_KEY } from "../../core/keys";
import { INPUTS_NOT_IN_OUTPUTS, THREAD_INPUTS } from "../../core/ticket/fields";
import { TicketPartialFailure } from "../../core/ticket/partial-failure";
import { initFailed } from "./rpc-errors";
import { refOfUrn, unwrapSecrets, wrapSecrets } from "./struct";

type Obj = Record<string, unknown>;

/** What both core engines offer (../../core/ticket/engine, ../../core/comment/engine). */
export interface CoreEngine {
  check(olds: Obj, news: Obj): Promise<{ inputs: Obj; failures: { property: string; reason: string }[] }>;
  diff(id: string, olds: Obj, news: Obj, oldInputs?: Obj): Promise<TicketDiff>;
  create(props: Obj): Promise<{ id: string; outs: Obj }>;
  update(id: string, olds: Obj, news: Obj): Promise<{ outs: Obj }>;
  read(id: string, olds?: Obj): Promise<{ id: string; props: Obj; inputs?: Obj }>;
  delete(id: string, olds: Obj): Promise<void>;
}

/** How one resource type's outputs keep secrets, and what its preview cannot know yet. */
export interface ResourceShape {
  /** Outputs that repeat or digest the texts: secret when any of `texts` is. */
  derived: readonly string[];
  texts: readonly string[];
  /** Outputs only the API gives (unknown in a create's preview). */
  computed: readonly string[];
  /** Outputs a write changes (unknown in the preview of an update that writes). */
  rewritten: readonly string[];
  /** Outputs an update never changes (known in its preview). */
  stable: readonly string[];
  /** Inputs the outputs never repeat: left out of a preview's answer too, so it promises what the real answer gives. */
  inputsOnly: readonly string[];
}

export const TICKET_SHAPE: ResourceShape = {
  derived: ["thread", "posted", "notes", "descriptionDigest"],
  texts: THREAD_INPUTS,
  computed: ["ticketId", "status", "classification", "created", "modified", "createdBy", "thread", "posted", "notes", "descriptionDigest", "resources"],
  rewritten: ["status", "modified", "modifiedBy", "thread", "posted", "notes", "approval", "resources"],
  stable: ["ticketId", "created", "createdBy", "classification"],
  inputsOnly: INPUTS_NOT_IN_OUTPUTS,
};

export const COMMENT_SHAPE: ResourceShape = {
  derived: [],
  texts: ["text"],
  computed: ["commentId", "created", "authorName", "status", "marker", "accountId"],
  rewritten: ["status"],
  stable: ["commentId", "created", "authorName", "marker"],
  inputsOnly: [],
};

/** The bookkeeping keys the plugin adds to a request (and takes out of an answer); `__stateVersion` stays. */
const BOOKKEEPING = [NAME_KEY, PROJECT_KEY, STACK_KEY, ORGANIZATION_KEY, PARENT_KEY, URN_KEY, SECRET_INPUTS_KEY, IMPORT_KEY, REPLACE_ON_CHANGES_KEY, PROVIDER_KEY];

/** The core's property bag for `urn`: the plain properties and the bookkeeping the URN and the secrets give. */
export function bagOf(urn: string, values: Obj, secrets: ReadonlySet<string>): Obj {
  const ref = refOfUrn(urn);
  return {
    ...values,
    [NAME_KEY]: ref.name,
    [PROJECT_KEY]: ref.project,
    [STACK_KEY]: ref.stack,
    ...(ref.parent ? { [PARENT_KEY]: ref.parent } : {}),
    [URN_KEY]: urn,
    ...(secrets.size > 0 ? { [SECRET_INPUTS_KEY]: [...secrets] } : {}),
  };
}

/** An answer without the bookkeeping keys. */
export function withoutBookkeeping(props: Obj): Obj {
  return Object.fromEntries(Object.entries(props).filter(([k]) => !BOOKKEEPING.includes(k)));
}

/** One resource type of the plugin, over its core engine. */
export class PluginResource {
  constructor(
    private readonly engine: CoreEngine,
    private readonly shape: ResourceShape,
  ) {}

  /** The outputs to keep secret, given the secret inputs. */
  private secretOutputs(secrets: ReadonlySet<string>): string[] {
    const derived = this.shape.texts.some((t) => secrets.has(t)) ? this.shape.derived : [];
    return [...secrets, ...derived];
  }

  /** `values` without the inputs the outputs never repeat. */
  private recorded(values: Obj): Obj {
    return Object.fromEntries(Object.entries(values).filter(([k]) => !this.shape.inputsOnly.includes(k)));
  }

  private answer(props: Obj, secrets: ReadonlySet<string>): Obj {
    return wrapSecrets(withoutBookkeeping(props), this.secretOutputs(secrets));
  }

  /** A partial failure as the engine takes it; anything else as it is. */
  private rethrow(e: unknown, secrets: ReadonlySet<string>): never {
    if (e instanceof TicketPartialFailure) throw initFailed({ id: e.id, properties: this.answer(e.properties, secrets), reasons: e.reasons, message: e.message });
    throw e;
  }

  async check(urn: string, olds: Obj, news: Obj): Promise<{ inputs: Obj; failures: { property: string; reason: string }[] }> {
    const n = unwrapSecrets(news);
    const o = unwrapSecrets(olds);
    const r = await this.engine.check(bagOf(urn, o.values, o.secrets), bagOf(urn, n.values, n.secrets));
    return { inputs: wrapSecrets(withoutBookkeeping(r.inputs), n.secrets), failures: r.failures };
  }

  diff(id: string, urn: string, olds: Obj, news: Obj, oldInputs: Obj | undefined): Promise<TicketDiff> {
    const n = unwrapSecrets(news);
    const o = unwrapSecrets(olds);
    const i = oldInputs ? unwrapSecrets(oldInputs) : undefined;
    return this.engine.diff(id, bagOf(urn, o.values, o.secrets), bagOf(urn, n.values, n.secrets), i?.values);
  }

  async create(urn: string, props: Obj, preview: boolean): Promise<{ id: string; properties: Obj }> {
    const p = unwrapSecrets(props);
    if (preview) {
      const computed = Object.fromEntries(this.shape.computed.map((k) => [k, UNKNOWN]));
      return { id: "", properties: wrapSecrets({ ...this.recorded(p.values), ...computed }, p.secrets) };
    }
    try {
      const r = await this.engine.create(bagOf(urn, p.values, p.secrets));
      return { id: r.id, properties: this.answer(r.outs, p.secrets) };
    } catch (e) {
      return this.rethrow(e, p.secrets);
    }
  }

  async update(id: string, urn: string, olds: Obj, news: Obj, preview: boolean, writes: boolean): Promise<Obj> {
    const o = unwrapSecrets(olds);
    const n = unwrapSecrets(news);
    const secrets = new Set([...o.secrets, ...n.secrets]);
    if (preview) {
      // The ticket stays the same: its id and creation are known; what a write changes is not yet.
      const unknown = writes ? Object.fromEntries(this.shape.rewritten.map((k) => [k, UNKNOWN])) : {};
      const stable = Object.fromEntries(this.shape.stable.filter((k) => k in o.values).map((k) => [k, o.values[k]]));
      return wrapSecrets({ ...this.recorded({ ...o.values, ...n.values }), ...unknown, ...stable }, this.secretOutputs(secrets));
    }
    try {
      const r = await this.engine.update(id, bagOf(urn, o.values, o.secrets), bagOf(urn, n.values, n.secrets));
      return this.answer(r.outs, n.secrets.size > 0 ? n.secrets : secrets);
    } catch (e) {
      return this.rethrow(e, secrets);
    }
  }

  /**
   * A refresh (the recorded outputs given) or an import (nothing given: the inputs come from the
   * ticket). An empty id: the ticket is gone.
   */
  async read(id: string, urn: string, props: Obj, inputs: Obj): Promise<{ id: string; properties: Obj; inputs: Obj }> {
    const p = unwrapSecrets(props);
    const importing = Object.keys(p.values).length === 0;
    const r = await this.engine.read(id, importing ? bagOf(urn, {}, new Set()) : bagOf(urn, p.values, p.secrets));
    if (!r.id) return { id: "", properties: {}, inputs: {} };
    if (importing) return { id: r.id, properties: this.answer(r.props, new Set()), inputs: withoutBookkeeping(r.inputs ?? {}) };
    return { id: r.id, properties: this.answer(r.props, p.secrets), inputs };
  }

  async delete(id: string, urn: string, props: Obj): Promise<void> {
    const p = unwrapSecrets(props);
    await this.engine.delete(id, bagOf(urn, p.values, p.secrets));
  }
}
