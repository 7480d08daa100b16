/**
 * RackspaceTicketProvider: the implementation of the dynamic provider.
 *
 * This class runs inside the Pulumi dynamic provider host (or a test). It is never
 * serialized: the program serializes only the stub in ./stub, which loads this module
 * from the installed package by name. Credentials are read from `configure` (stack
 * config) or the environment when an operation runs, never captured.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { CallContext, TicketingClient, WaitInfo } from "../api/client";
import type { ClientOptions } from "../api/config";
import { isRackspaceApiError, RackspaceApiError } from "../api/errors";
import type { AttachmentRef, CreateTicketRequest, Ticket } from "../api/schemas";
import { cachedAccounts, cachedCategories, checkChoice } from "../lookups/catalog";
import { ConfigSource, markerFooterFromConfig, optionsFromConfig, validateAgainstAccountFromConfig } from "./config";
import { AttachmentInput, CommentInput, digestInputs, entryAttachments, entryText, loadAttachment } from "./entries";
import { CheckFailure, checkInputs, IMPORT_KEY, NAME_KEY, parseInputs, PROJECT_KEY, STACK_KEY, TicketInputs, UNKNOWN, userInputs } from "./inputs";
import { describeWithMarker, markerFor, ResourceRef, stripMarker } from "./marker";
import { customerComments, inputsFromTicket, outputsFrom, TicketOutputs } from "./outputs";
import { planChanges, sameResourceSet } from "./plan";

/** Waits longer than this print one progress line (the CLI shows provider output). */
export const WAIT_NOTICE_MS = 2_000;

type Props = Record<string, unknown>;

/**
 * An operation failed after the ticket exists. `id` and `properties` let the dynamic
 * provider host report "resource created but failed to initialise", so Pulumi records
 * the ticket and the next `up` resumes where this one stopped.
 */
export class TicketPartialFailure extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: TicketOutputs,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "TicketPartialFailure";
  }
}

/** A failed operation on a ticket, naming the resource, the operation and what to do. */
export class TicketOperationError extends Error {
  constructor(
    message: string,
    readonly apiError?: RackspaceApiError,
  ) {
    super(message);
    this.name = "TicketOperationError";
  }
}

function label(name: string | undefined, ticketId?: string): string {
  return `RackspaceTicket${name ? ` "${name}"` : ""}${ticketId ? ` (ticket ${ticketId})` : ""}`;
}

function describe(e: unknown): string {
  if (isRackspaceApiError(e)) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)}s` : `${(ms / 1000).toFixed(1)}s`;
}

export class RackspaceTicketProvider implements dynamic.ResourceProvider {
  private options: ClientOptions = {};
  private markerFooter = true;
  private validateAgainstAccount = false;
  private client?: TicketingClient;
  /** Where progress lines go (stderr: the engine shows provider output). */
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

  /** Reads stack config (rackspace:*) at apply time; the RACKSPACE_* environment fills the gaps. */
  async configure(req: { config: ConfigSource }): Promise<void> {
    this.options = optionsFromConfig(req.config);
    this.markerFooter = markerFooterFromConfig(req.config);
    this.validateAgainstAccount = validateAgainstAccountFromConfig(req.config);
    this.client = undefined;
  }

  private api(): TicketingClient {
    this.client ??= new TicketingClient(this.options);
    return this.client;
  }

  private ctx(name: string | undefined, ticketId?: string): CallContext {
    return {
      onWait: (w: WaitInfo) => {
        if (w.waitMs < WAIT_NOTICE_MS) return;
        const what = w.reason === "rate-limit" ? "for a rate-limit slot" : `before retrying (${w.cause ?? "transient failure"})`;
        this.log(`${label(name, ticketId ?? w.ticketId)}: ${w.operation} waiting ${seconds(w.waitMs)} ${what}`);
      },
    };
  }

  /**
   * Validates the inputs (schema, append-only history, attachment files) and records the
   * SHA-256 of every attachment file, so the diff sees content changes. With
   * `rackspace:validateAgainstAccount`, also checks category, subcategory and severity
   * against the account (two cached GETs per process).
   */
  async check(olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const { inputs, problems } = digestInputs(news, olds);
    const failures: CheckFailure[] = [...problems, ...checkInputs(olds, inputs)];
    if (failures.length === 0 && this.validateAgainstAccount) failures.push(...(await this.checkAgainstAccount(inputs)));
    return { inputs, failures };
  }

  /** Category, subcategory and severity against the account; silent when it cannot tell. */
  private async checkAgainstAccount(inputs: Props): Promise<CheckFailure[]> {
    const { accountId, category, subcategory, severity } = inputs;
    const known = (v: unknown): v is string => typeof v === "string" && v !== UNKNOWN;
    if (!known(accountId) || !known(category) || !known(subcategory) || (severity !== undefined && !known(severity))) return [];
    const api = this.api();
    if (!api.hasCredentials) return [];
    const name = refOf(inputs).name;
    try {
      const [accounts, categories] = await Promise.all([cachedAccounts(api, this.ctx(name)), cachedCategories(api, this.ctx(name))]);
      return checkChoice({ accountId, category, subcategory, severity: severity as string | undefined }, accounts, categories);
    } catch (e) {
      this.log(`${label(name)}: could not validate against the account (${describe(e)}); the API checks these values when the ticket is opened`);
      return [];
    }
  }

  async diff(_id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    const plan = planChanges(userInputs(olds), userInputs(news));
    return {
      changes: plan.changes,
      replaces: plan.replaces,
      stables: ["ticketId", "created", "createdBy"],
      deleteBeforeReplace: false,
    };
  }

  async create(props: Props): Promise<dynamic.CreateResult> {
    const ref = refOf(props);
    const name = ref.name;
    const inputs = parseInputs(props);
    const marker = markerFor(ref, inputs);
    const request: CreateTicketRequest = {
      accountId: inputs.accountId,
      subject: inputs.subject,
      category: inputs.category,
      subcategory: inputs.subcategory,
      severity: inputs.severity,
      comment: { text: describeWithMarker(inputs.description, marker, ref, this.markerFooter) },
      resources: inputs.resources,
      recipients: inputs.recipients,
    };
    if (inputs.adoptTicketId) return this.adopt(name, inputs, inputs.adoptTicketId, props[IMPORT_KEY] === true);
    // A ticket this same creation already opened (a deployment killed between the POST
    // and the state write) is adopted, not opened twice. Best effort: the list endpoint
    // is undocumented, and if it cannot answer we go on.
    let ticket = await this.findByMarker(inputs.accountId, marker, name).catch(() => undefined);
    if (ticket) {
      this.log(`${label(name, ticket.ticketId)}: adopting the open ticket this resource already created (marker ${marker})`);
      return { id: ticket.ticketId, outs: await this.finish(name, inputs, ticket, [], inputs.comments ?? [], "opened", false) };
    }
    // The description's files go up first: the ticket is opened with their uuids.
    const files = await this.uploadAll(name, inputs.attachments, "attachments");
    if (files.length > 0 && request.comment) request.comment = { text: request.comment.text, attachments: files };
    const api = this.api();
    for (let attempt = 1; !ticket; attempt++) {
      try {
        ticket = await api.createTicket(request, this.ctx(name));
      } catch (e) {
        if (!isRackspaceApiError(e) || !e.mayHaveBeenApplied) {
          throw new TicketOperationError(`${label(name)}: opening the ticket failed: ${describe(e)}`, isRackspaceApiError(e) ? e : undefined);
        }
        // The answer was lost: find out whether the ticket exists before sending again.
        let found: Ticket | undefined;
        try {
          found = await this.findByMarker(inputs.accountId, marker, name);
        } catch (lookup) {
          throw new TicketOperationError(
            `${label(name)}: opening the ticket failed and its outcome is unknown: ${describe(e)} Looking for it failed too (${describe(lookup)}). ` +
              `The ticket may exist: find the open ticket on account ${inputs.accountId} whose description ends with marker ${marker}, and adopt it with the \`adoptTicketId\` input (or run \`pulumi up\` again: it looks for the marker first).`,
            e,
          );
        }
        if (found) {
          this.log(`${label(name, found.ticketId)}: the answer to the create was lost, but the ticket exists (marker ${marker}): adopting it`);
          ticket = found;
        } else if (attempt >= 2) {
          throw new TicketOperationError(`${label(name)}: opening the ticket failed twice without an answer: ${describe(e)} No ticket with marker ${marker} exists; run \`pulumi up\` again.`, e);
        }
      }
    }
    return { id: ticket.ticketId, outs: await this.finish(name, inputs, ticket, [], inputs.comments ?? [], "opened", true) };
  }

  /**
   * Takes over an existing ticket: it must exist, be open, and be the one the program
   * declares (same account and subject). Its resource list is brought in line and the
   * declared comments not yet on it are posted; nothing else is sent.
   */
  private async adopt(name: string | undefined, inputs: TicketInputs, id: string, strict: boolean): Promise<dynamic.CreateResult> {
    const api = this.api();
    let ticket: Ticket;
    try {
      ticket = await api.getTicket(id, this.ctx(name, id));
    } catch (e) {
      throw new TicketOperationError(`${label(name, id)}: adopting the ticket failed: ${describe(e)} Check adoptTicketId.`, isRackspaceApiError(e) ? e : undefined);
    }
    const mismatch: string[] = [];
    if (ticket.accountId && ticket.accountId !== inputs.accountId) mismatch.push(`accountId is ${JSON.stringify(ticket.accountId)}, the program says ${JSON.stringify(inputs.accountId)}`);
    if (ticket.subject && ticket.subject !== inputs.subject) mismatch.push(`subject is ${JSON.stringify(ticket.subject)}, the program says ${JSON.stringify(inputs.subject)}`);
    if (/^closed$/i.test(ticket.status ?? "")) mismatch.push("the ticket is closed");
    if (strict) mismatch.push(...importDifferences(ticket, inputs));
    if (mismatch.length > 0) {
      throw new TicketOperationError(
        strict
          ? `${label(name, id)}: cannot import the ticket: ${mismatch.join("; ")}. Declare the ticket's own values: an import never changes the ticket.`
          : `${label(name, id)}: cannot adopt the ticket: ${mismatch.join("; ")}. Declare the ticket's own values (they cannot be changed on an existing ticket), or remove adoptTicketId to open a new one.`,
      );
    }
    const want = inputs.resources ?? [];
    if (!sameResourceSet(ticket.resources, want)) {
      ticket = (await api.setResources(id, want, this.ctx(name, id))) ?? { ...ticket, resources: [...want] };
    }
    this.log(`${label(name, id)}: ${strict ? "imported" : "adopted"} the existing ticket`);
    // The ticket was just read: its thread is current.
    return { id, outs: await this.finish(name, inputs, ticket, [], inputs.comments ?? [], "adopted", true) };
  }

  /** The open ticket whose description carries `marker`, if the API can list it. */
  private async findByMarker(accountId: string, marker: string, name: string | undefined): Promise<Ticket | undefined> {
    const found = await this.api().listTickets({ accountId, q: marker }, this.ctx(name));
    return found.find((t) => !/^closed$/i.test(t.status ?? "") && (t.comments[0]?.text ?? "").includes(marker));
  }

  /**
   * Posts `toPost` in order after `posted`, then reads the ticket back once. Entries
   * already on the ticket (a lost answer, an interrupted run) are not posted again: the
   * thread is read first unless `fresh` says it is exactly what the API just returned.
   * A failure after the ticket exists becomes a TicketPartialFailure carrying what was done.
   */
  private async finish(
    name: string | undefined,
    inputs: TicketInputs,
    ticket: Ticket,
    posted: CommentInput[],
    toPost: CommentInput[],
    verb: "opened" | "updated" | "adopted",
    fresh: boolean,
  ): Promise<TicketOutputs> {
    const api = this.api();
    const id = ticket.ticketId;
    const done = [...posted];
    let latest = ticket;
    if (!fresh && toPost.length > 0) latest = (await api.getTicket(id, this.ctx(name, id)).catch(() => undefined)) ?? latest;
    // Comments on the ticket beyond those we know we posted, by text.
    const surplus = unaccounted(latest, done);
    let sent = 0;
    for (let i = 0; i < toPost.length; i++) {
      const entry = toPost[i];
      if (takeOne(surplus, entryText(entry))) {
        this.log(`${label(name, id)}: comment ${done.length + 1} is already on the ticket; not posting it again`);
        done.push(entry);
        continue;
      }
      try {
        await this.postOnce(name, id, entry, done);
        done.push(entry);
        sent++;
      } catch (e) {
        const outs = outputsFrom(inputs, latest, done);
        const unknownOutcome = isRackspaceApiError(e) && e.mayHaveBeenApplied;
        throw new TicketPartialFailure(
          `${label(name, id)}: the ticket was ${verb}, but posting comment ${done.length + 1} of ${(inputs.comments ?? []).length} failed: ${describe(e)} ` +
            (unknownOutcome
              ? "That comment may have been posted: the next `pulumi up` reads the thread before posting it again."
              : "The ticket is recorded in the stack; run `pulumi up` again to post the remaining comments."),
          id,
          outs,
          [describe(e)],
        );
      }
    }
    // Read the thread back once if we changed it (or never read it).
    if (sent > 0 || (!fresh && toPost.length === 0)) {
      try {
        latest = await api.getTicket(id, this.ctx(name, id));
      } catch {
        // GET /tickets/{id} is undocumented (best effort): keep what we know, with the comments we posted.
        latest = {
          ...latest,
          comments: [...latest.comments, ...toPost.map((e) => ({ id: "", text: entryText(e), created: "", author: { type: "customer" } }))],
        };
      }
    }
    return outputsFrom(inputs, latest, done);
  }

  /**
   * POST one comment. If its answer is lost, read the thread: posted → done; not there →
   * send it once more; the thread unreadable → the ambiguous error goes up.
   */
  private async postOnce(name: string | undefined, id: string, entry: CommentInput, known: CommentInput[]): Promise<void> {
    const api = this.api();
    const text = entryText(entry);
    // Files go up right before their comment (an upload slot lasts 10 minutes).
    const files = await this.uploadAll(name, entryAttachments(entry), `comments[${known.length}].attachments`, id);
    const body = files.length > 0 ? { text, attachments: files } : { text };
    try {
      await api.addComment(id, body, this.ctx(name, id));
    } catch (e) {
      if (!isRackspaceApiError(e) || !e.mayHaveBeenApplied) throw e;
      const now = await api.getTicket(id, this.ctx(name, id)).catch(() => undefined);
      if (!now) throw e;
      if (takeOne(unaccounted(now, known), text)) return;
      // Not on the ticket: the same uploads are still unattached, so they are reused.
      await api.addComment(id, body, this.ctx(name, id));
    }
  }

  /**
   * The documented attachment flow for each file, in order: POST /attachment, upload to
   * the URL it returns, then the `{filename, uuid}` goes into the ticket or comment.
   */
  private async uploadAll(name: string | undefined, files: AttachmentInput[] | undefined, where: string, ticketId?: string): Promise<AttachmentRef[]> {
    const refs: AttachmentRef[] = [];
    if (!files || files.length === 0) return refs;
    this.log(`${label(name, ticketId)}: uploading ${files.length} attachment${files.length === 1 ? "" : "s"} (${where})`);
    for (const [i, f] of files.entries()) {
      const what = `${where}[${i}] ${JSON.stringify(f.filename)}`;
      try {
        const bytes = loadAttachment(f, what);
        refs.push(await this.api().attachFile(f.filename, bytes, this.ctx(name, ticketId)));
      } catch (e) {
        throw new TicketOperationError(`${label(name, ticketId)}: uploading ${what} failed: ${describe(e)}`, isRackspaceApiError(e) ? e : undefined);
      }
    }
    return refs;
  }

  async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    const name = refOf(news).name;
    const inputs = parseInputs(news);
    const old = userInputs(olds);
    const plan = planChanges(old, userInputs(news));
    const api = this.api();
    const posted = Array.isArray(old.comments) ? (old.comments as CommentInput[]) : [];
    // What the ticket looks like now, as far as the recorded outputs say.
    let ticket: Ticket = ticketFromOutputs(id, olds);
    if (plan.resources) {
      try {
        const patched = await api.setResources(id, plan.resources, this.ctx(name, id));
        ticket = patched ?? { ...ticket, resources: [...plan.resources] };
      } catch (e) {
        throw new TicketOperationError(
          `${label(name, id)}: replacing the resource list failed: ${describe(e)} Nothing else was changed; run \`pulumi up\` again once the cause is fixed.`,
          isRackspaceApiError(e) ? e : undefined,
        );
      }
    }
    try {
      return { outs: await this.finish(name, inputs, ticket, posted, plan.newComments, "updated", plan.newComments.length === 0) };
    } catch (e) {
      if (e instanceof TicketPartialFailure && plan.resources) {
        // The PATCH went through: record it with the partial state.
        throw new TicketPartialFailure(e.message, e.id, { ...e.properties, resources: [...plan.resources] }, e.reasons);
      }
      throw e;
    }
  }

  async read(id: string, props?: Props): Promise<dynamic.ReadResult> {
    const old = userInputs(props);
    const refreshing = typeof old.accountId === "string";
    let ticket: Ticket;
    try {
      ticket = await this.api().getTicket(id, this.ctx(undefined, id));
    } catch (e) {
      if (isRackspaceApiError(e) && e.kind === "notFound") return { id: "", props: {} };
      throw new TicketOperationError(`${label(undefined, id)}: reading the ticket failed: ${describe(e)}`, isRackspaceApiError(e) ? e : undefined);
    }
    if (refreshing) {
      const inputs = parseInputsLenient(old);
      const posted = Array.isArray(old.comments) ? (old.comments as CommentInput[]) : [];
      return { id: ticket.ticketId, props: outputsFrom(inputs, ticket, posted) };
    }
    // `pulumi import`: the inputs are whatever the ticket says.
    const inputs = inputsFromTicket(ticket);
    return { id: ticket.ticketId, props: outputsFrom(inputs, ticket, inputs.comments ?? []), inputs };
  }

  async delete(id: string, props: Props): Promise<void> {
    const api = this.api();
    const ctx = this.ctx(undefined, id);
    try {
      await api.closeTicket(id, ctx);
    } catch (e) {
      if (isRackspaceApiError(e) && e.kind === "notFound") return; // already gone
      if (isRackspaceApiError(e) && e.kind === "badRequest") {
        // Some servers refuse to close a closed ticket; that is the state we want.
        const current = await api.getTicket(id, ctx).catch(() => undefined);
        if (current && /^closed$/i.test(current.status ?? "")) return;
      }
      const subject = typeof props?.subject === "string" ? ` (subject ${JSON.stringify(props.subject)})` : "";
      throw new TicketOperationError(
        `${label(undefined, id)}${subject}: closing the ticket failed: ${describe(e)} The ticket stays in the stack; run \`pulumi destroy\` again once the cause is fixed.`,
        isRackspaceApiError(e) ? e : undefined,
      );
    }
  }
}

/** Where a ticket differs from the declared inputs (an import must match them all). */
function importDifferences(ticket: Ticket, inputs: TicketInputs): string[] {
  const out: string[] = [];
  const differs = (field: string, have: unknown, want: unknown) => out.push(`${field} is ${JSON.stringify(have)}, the program says ${JSON.stringify(want)}`);
  for (const f of ["category", "subcategory", "severity"] as const) {
    const want = inputs[f];
    if (want !== undefined && ticket[f] && ticket[f] !== want) differs(f, ticket[f], want);
  }
  const first = ticket.comments[0]?.text;
  if (inputs.description !== undefined && stripMarker(first ?? "") !== inputs.description) differs("description", first ?? null, inputs.description);
  if (!sameResourceSet(ticket.resources, inputs.resources ?? [])) differs("resources", ticket.resources, inputs.resources ?? []);
  const later = customerComments(ticket);
  const want = (inputs.comments ?? []).map(entryText);
  if (later.length !== want.length || later.some((t, i) => t !== want[i])) differs("comments", later, want);
  return out;
}

function refOf(props: Props): ResourceRef {
  const str = (k: string) => (typeof props[k] === "string" ? (props[k] as string) : undefined);
  return { project: str(PROJECT_KEY), stack: str(STACK_KEY), name: str(NAME_KEY) };
}

/** Customer comments on the ticket (after the description) not matched by `known`, counted by text. */
function unaccounted(ticket: Ticket, known: CommentInput[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of customerComments(ticket)) counts.set(text, (counts.get(text) ?? 0) + 1);
  for (const k of known.map(entryText)) if (counts.has(k)) counts.set(k, (counts.get(k) as number) - 1);
  return counts;
}

function takeOne(counts: Map<string, number>, text: string): boolean {
  const n = counts.get(text) ?? 0;
  if (n <= 0) return false;
  counts.set(text, n - 1);
  return true;
}

/** Inputs from recorded state, without failing on a field an older version did not record. */
function parseInputsLenient(props: Props): TicketInputs {
  try {
    return parseInputs(props);
  } catch {
    return props as unknown as TicketInputs;
  }
}

/** Rebuilds the API view of a ticket from recorded outputs (before an update). */
function ticketFromOutputs(id: string, olds: Props): Ticket {
  const o = olds as Partial<TicketOutputs>;
  return {
    ticketId: id,
    accountId: o.accountId,
    subject: o.subject,
    status: o.status,
    severity: o.severity,
    classification: o.classification,
    category: o.category,
    subcategory: o.subcategory,
    resources: Array.isArray(o.resources) ? [...o.resources] : [],
    created: o.created,
    modified: o.modified,
    createdBy: o.createdBy ? { ...o.createdBy } : undefined,
    modifiedBy: o.modifiedBy ? { ...o.modifiedBy } : undefined,
    comments: (Array.isArray(o.thread) ? o.thread : []).map((t) => ({
      id: t.id,
      text: t.text,
      created: t.created,
      author: { name: t.authorName, type: t.authorType },
      ...(Array.isArray(t.attachments) ? { attachments: t.attachments.map((a) => ({ ...a })) } : {}),
    })),
    recipients: [],
  };
}
