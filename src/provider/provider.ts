/**
 * RackspaceTicketProvider: the dynamic provider's controller. Each method migrates the
 * recorded state, dispatches to the file that does the work (./open, ./adopt, ./thread,
 * ./plan, ./append-only) and shapes what the engine records: every record it returns,
 * a partial failure included, can be refreshed, updated and destroyed by the next command.
 *
 * This class runs inside the Pulumi dynamic provider host (or a test). It is never
 * serialized: the program serializes only the stub in ./stub, which loads this module
 * from the installed package by name. Credentials are read from `configure` (stack
 * config) or the environment when an operation runs, never captured.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { isRackspaceApiError } from "../api/errors";
import type { Ticket } from "../api/schemas";
import { cachedAccounts, cachedCategories, checkChoice } from "../lookups/catalog";
import { appendOnlyProblems } from "./append-only";
import { approved } from "./approve";
import { closingText, postClosing } from "./closing";
import { optionsFromConfig } from "../config/client-options";
import type { ConfigSource } from "../config/keys";
import { allowAnyCategoryFromConfig, markerFooterFromConfig, validateAgainstAccountFromConfig } from "./config";
import { OperationContext } from "./context";
import { digestInputs } from "./entries";
import { TicketOperationError, TicketPartialFailure } from "./errors";
import { CheckFailure, checkInputs, parseInputs, TicketInputs, userInputs } from "./inputs";
import { IMPORT_KEY, isUnknown, NAME_KEY, ORGANIZATION_KEY, PARENT_KEY, PROJECT_KEY, PROVIDER_KEY, REPLACE_ON_CHANGES_KEY, SECRET_INPUTS_KEY, STACK_KEY } from "./keys";
import type { ResourceRef } from "./marker";
import { describe, label, secretSet } from "./messages";
import { openTicket } from "./open";
import { notesOf } from "./notes";
import { inputsFromTicket, KeptOutputs, outputsFrom, ticketFromOutputs, TicketOutputs } from "./outputs";
import { planChanges } from "./plan";
import { forgetReplacement, noteClosed, noteReplacedBy, noteReplacement, pendingReplacement, replacedBy, seenClosed } from "./replacements";
import { migrateState, versioned } from "./state";
import { isClosed, isRefused, isTicketGone } from "./status";
import { closedMessage, currentTicket, postComments } from "./thread";

export { TicketOperationError, TicketPartialFailure } from "./errors";
export { WAIT_NOTICE_MS } from "./context";

type Props = Record<string, unknown>;

const str = (props: Props | undefined, k: string) => (typeof props?.[k] === "string" ? (props[k] as string) : undefined);

function refOf(props: Props): ResourceRef {
  return { organization: str(props, ORGANIZATION_KEY), project: str(props, PROJECT_KEY), stack: str(props, STACK_KEY), parent: str(props, PARENT_KEY), name: str(props, NAME_KEY) };
}

/** Whether a `replaceOnChanges` path covers the top-level input `key` ("*", "comments", "comments[0]"…). */
function covers(paths: unknown, key: string): boolean {
  return Array.isArray(paths) && paths.some((p) => typeof p === "string" && (p === "*" || p === key || p.startsWith(`${key}[`) || p.startsWith(`${key}.`)));
}

export class RackspaceTicketProvider implements dynamic.ResourceProvider {
  private op = new OperationContext({}, { markerFooter: true, validateAgainstAccount: false, allowAnyCategory: false }, (line) => this.log(line));
  /** Where progress lines go (stderr: the engine shows provider output). */
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

  /** Reads stack config (rackspace:*) at apply time; the RACKSPACE_* environment fills the gaps. */
  async configure(req: { config: ConfigSource }): Promise<void> {
    this.op = new OperationContext(
      optionsFromConfig(req.config),
      {
        markerFooter: markerFooterFromConfig(req.config),
        validateAgainstAccount: validateAgainstAccountFromConfig(req.config),
        allowAnyCategory: allowAnyCategoryFromConfig(req.config),
      },
      (line) => this.log(line),
    );
  }

  /**
   * Validates the inputs (schema, documented categories, attachment files) and records the
   * SHA-256 of every attachment file, so the diff sees content changes. With
   * `rackspace:validateAgainstAccount`, also checks category, subcategory and severity
   * against the account (two cached GETs per process).
   */
  async check(olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const { inputs, problems } = digestInputs(news, olds);
    const failures: CheckFailure[] = [...problems.map((p) => ({ property: "", reason: `${p.property}: ${p.reason}` })), ...checkInputs(inputs, { allowAnyCategory: this.op.settings.allowAnyCategory })];
    if (failures.length === 0 && this.op.settings.validateAgainstAccount) failures.push(...(await this.checkAgainstAccount(inputs)));
    return { inputs, failures };
  }

  /** Category, subcategory and severity against the account; silent when it cannot tell. */
  private async checkAgainstAccount(inputs: Props): Promise<CheckFailure[]> {
    const { accountId, category, subcategory, severity } = inputs;
    const known = (v: unknown): v is string => typeof v === "string" && !isUnknown(v);
    if (!known(accountId) || !known(category) || !known(subcategory) || (severity !== undefined && !known(severity))) return [];
    const api = this.op.api();
    if (!api.hasCredentials) return [];
    const name = refOf(inputs).name;
    try {
      const ctx = this.op.call(name, undefined, accountId);
      const [accounts, categories] = await Promise.all([cachedAccounts(api, ctx), cachedCategories(api, ctx)]);
      return checkChoice({ accountId, category, subcategory, severity: severity as string | undefined }, accounts, categories);
    } catch (e) {
      this.log(`${label(name)}: could not validate against the account (${describe(e)}); the API checks these values when the ticket is opened`);
      return [];
    }
  }

  /**
   * Plans against the recorded outputs (what is on the ticket): fields that cannot change
   * and `replaceOnChanges` force a new ticket, and so does a ticket Rackspace has closed
   * (known from a refresh, or read now when the plan would write to it). An edit of a
   * posted comment is refused here, where the outputs say which entries are posted.
   */
  async diff(id: string, oldState: Props, news: Props): Promise<dynamic.DiffResult> {
    const ref = refOf(news);
    const olds = migrateState(oldState, ref.name, id);
    const before = userInputs(olds);
    const after = userInputs(news);
    const plan = planChanges(before, after);
    const replaces = [...plan.replaces];
    const changed = [...plan.replaces];
    if (plan.resources || isUnknown(after.resources) || (Array.isArray(after.resources) && after.resources.some(isUnknown))) changed.push("resources");
    if (plan.newComments.length > 0 || isUnknown(after.comments)) changed.push("comments");
    for (const k of changed) if (covers(news[REPLACE_ON_CHANGES_KEY], k) && !replaces.includes(k)) replaces.push(k);
    let closed = isClosed(olds.status);
    if (!closed && replaces.length === 0 && (plan.resources || plan.newComments.length > 0 || plan.note !== undefined || plan.gate)) {
      const now = await currentTicket(this.op, ref.name, id, str(olds, "accountId"));
      closed = !!now && isClosed(now.status);
      if (closed) this.log(`${label(ref.name, id)}: Rackspace has closed the ticket: planning a new ticket instead of writing to it`);
    }
    if (closed && !replaces.includes("status")) replaces.push("status");
    if (replaces.length === 0) {
      const problems = appendOnlyProblems(Array.isArray(olds.comments) ? olds.comments : [], after.comments);
      if (problems.length > 0) {
        const e = new TicketOperationError(`${label(ref.name, id)}: ${problems.join(" ")}`);
        e.stack = e.message; // the host prints the stack: the message says all there is
        throw e;
      }
      forgetReplacement(ref);
    } else {
      noteReplacement(ref, { ticketId: id, reason: closed ? "closed" : "fields" });
      if (closed) noteClosed(id);
    }
    return { changes: plan.changes || replaces.length > 0, replaces, stables: ["ticketId", "created", "createdBy"], deleteBeforeReplace: false };
  }

  async create(props: Props): Promise<dynamic.CreateResult> {
    const ref = refOf(props);
    try {
      const replacing = pendingReplacement(ref);
      const r = await openTicket(this.op, {
        ref,
        inputs: parseInputs(props),
        strictImport: props[IMPORT_KEY] === true,
        secrets: secretSet(props[SECRET_INPUTS_KEY]),
        replacing,
      });
      forgetReplacement(ref);
      noteReplacedBy(replacing, r.id);
      const outs = await approved(this.op, ref.name, parseInputs(props), r.outs as TicketOutputs);
      return { id: r.id, outs: this.record(outs, props) };
    } catch (e) {
      throw this.recorded(e, props);
    }
  }

  async update(id: string, oldState: Props, news: Props): Promise<dynamic.UpdateResult> {
    const name = refOf(news).name;
    try {
      const olds = migrateState(oldState, name, id);
      const inputs = parseInputs(news);
      const plan = planChanges(userInputs(olds), userInputs(news));
      const posted = Array.isArray(olds.comments) ? (olds.comments as TicketInputs["comments"] & unknown[]) : [];
      let ticket: Ticket = ticketFromOutputs(id, olds);
      const kept = keptOf(olds);
      if (isClosed(olds.status)) throw new TicketPartialFailure(closedMessage(name, id, "the change"), id, outputsFrom(inputs, ticket, posted, kept));
      if (plan.resources) ticket = await this.replaceResources(name, inputs, ticket, posted, kept, plan.resources);
      const nothingToPost = plan.newComments.length === 0 && plan.note === undefined;
      const outs = await postComments(this.op, { name, inputs, ticket, posted, toPost: plan.newComments, note: plan.note, kept, verb: "updated", fresh: nothingToPost });
      return { outs: this.record(plan.gate ? await approved(this.op, name, inputs, outs) : outs, news) };
    } catch (e) {
      throw this.recorded(e, news);
    }
  }

  /** One PATCH with the full new list; a ticket found closed is recorded as such, and nothing else is sent. */
  private async replaceResources(name: string | undefined, inputs: TicketInputs, ticket: Ticket, posted: NonNullable<TicketInputs["comments"]>, kept: KeptOutputs, resources: string[]): Promise<Ticket> {
    const id = ticket.ticketId;
    try {
      return (await this.op.api().setResources(id, resources, this.op.call(name, id, inputs.accountId))) ?? { ...ticket, resources: [...resources] };
    } catch (e) {
      if (isRefused(e) || isTicketGone(e)) {
        const now = await currentTicket(this.op, name, id, inputs.accountId);
        if (now && isClosed(now.status)) throw new TicketPartialFailure(closedMessage(name, id, "the new resource list"), id, outputsFrom(inputs, now, posted, kept));
      }
      throw new TicketOperationError(
        `${label(name, id)}: replacing the resource list failed: ${describe(e)} Nothing else was changed; run \`pulumi up\` again once the cause is fixed.`,
        isRackspaceApiError(e) ? e : undefined,
      );
    }
  }

  async read(id: string, oldState?: Props): Promise<dynamic.ReadResult> {
    const name = str(oldState, NAME_KEY);
    const olds = migrateState(oldState, name, id);
    const refreshing = typeof olds.accountId === "string";
    let ticket: Ticket;
    try {
      ticket = await this.op.api().getTicket(id, this.op.call(name, id, str(olds, "accountId")));
    } catch (e) {
      // Only the API's own `ticketNotFound` means the ticket is gone; anything else keeps it in the stack.
      if (isTicketGone(e)) return { id: "", props: {} };
      throw new TicketOperationError(`${label(name, id)}: reading the ticket failed: ${describe(e)} Nothing was removed from the stack.`, isRackspaceApiError(e) ? e : undefined);
    }
    if (refreshing) {
      const inputs = parseInputsLenient(userInputs(olds));
      const posted = Array.isArray(olds.comments) ? (olds.comments as NonNullable<TicketInputs["comments"]>) : [];
      return { id: ticket.ticketId, props: this.record(outputsFrom(inputs, ticket, posted, keptOf(olds)), olds) };
    }
    // `pulumi import`: the inputs are whatever the ticket says.
    const inputs = inputsFromTicket(ticket);
    return { id: ticket.ticketId, props: versioned(outputsFrom(inputs, ticket, inputs.comments ?? [])), inputs };
  }

  async delete(id: string, oldState: Props): Promise<void> {
    const name = str(oldState, NAME_KEY);
    const olds = migrateState(oldState, name, id);
    const api = this.op.api();
    const accountId = str(olds, "accountId");
    const ctx = this.op.call(name, id, accountId);
    // Rackspace may have closed it since the last read: look first, and send nothing to a closed
    // ticket (a read the API cannot answer is no reason not to close).
    const now = seenClosed(id) ? undefined : await currentTicket(this.op, name, id, accountId);
    if (seenClosed(id) || (now && isClosed(now.status))) return;
    const last = closingText(str(olds, "closingComment"), replacedBy(id));
    if (last) await postClosing(this.op, name, id, accountId, last, now);
    try {
      await api.closeTicket(id, ctx);
    } catch (e) {
      if (isTicketGone(e)) return;
      if (isRefused(e)) {
        // Some servers refuse to close a closed ticket; that is the state we want.
        const now = await currentTicket(this.op, name, id, accountId);
        if (now && isClosed(now.status)) return;
      }
      throw new TicketOperationError(
        `${label(name, id)}: closing the ticket failed: ${describe(e)} The ticket stays in the stack; run \`pulumi destroy\` again once the cause is fixed.`,
        isRackspaceApiError(e) ? e : undefined,
      );
    }
  }

  /** Outputs as recorded: versioned, naming the resource (for messages of read and delete). */
  private record(outs: TicketOutputs | Props, from: Props): Props {
    const name = str(from, NAME_KEY);
    return versioned({ ...outs, ...(name ? { [NAME_KEY]: name } : {}) });
  }

  /**
   * A partial failure as the engine must record it: with the serialized provider (without
   * it, refresh and destroy of the recorded ticket fail in the host) and the version.
   */
  private recorded(e: unknown, props: Props): unknown {
    if (e instanceof TicketPartialFailure) {
      e.properties = { ...this.record(e.properties, props), [PROVIDER_KEY]: props[PROVIDER_KEY] };
    }
    return e;
  }
}

/** What a recorded state carries over beside the API's view: the notes posted and the gate's record. */
function keptOf(olds: Props): KeptOutputs {
  const approval = olds.approval;
  return { notes: notesOf(olds.notes), ...(approval && typeof approval === "object" ? { approval: approval as KeptOutputs["approval"] } : {}) };
}

/** Inputs from recorded state, without failing on a field an older version did not record. */
function parseInputsLenient(props: Props): TicketInputs {
  try {
    return parseInputs(props);
  } catch {
    return props as unknown as TicketInputs;
  }
}
