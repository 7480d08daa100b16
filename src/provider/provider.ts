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
import type { Ticket } from "../api/schemas";
import { ConfigSource, optionsFromConfig } from "./config";
import { checkInputs, NAME_KEY, parseInputs, TicketInputs, userInputs } from "./inputs";
import { inputsFromTicket, outputsFrom, TicketOutputs } from "./outputs";
import { planChanges } from "./plan";

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
  private client?: TicketingClient;
  /** Where progress lines go (stderr: the engine shows provider output). */
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

  /** Reads stack config (rackspace:*) at apply time; the RACKSPACE_* environment fills the gaps. */
  async configure(req: { config: ConfigSource }): Promise<void> {
    this.options = optionsFromConfig(req.config);
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

  async check(olds: Props, news: Props): Promise<dynamic.CheckResult> {
    const failures = checkInputs(olds, news);
    return { inputs: news, failures };
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
    const name = typeof props[NAME_KEY] === "string" ? (props[NAME_KEY] as string) : undefined;
    const inputs = parseInputs(props);
    const api = this.api();
    let ticket: Ticket;
    try {
      ticket = await api.createTicket(
        {
          accountId: inputs.accountId,
          subject: inputs.subject,
          category: inputs.category,
          subcategory: inputs.subcategory,
          severity: inputs.severity,
          comment: inputs.description !== undefined ? { text: inputs.description } : undefined,
          resources: inputs.resources,
          recipients: inputs.recipients,
        },
        this.ctx(name),
      );
    } catch (e) {
      const unknownOutcome = isRackspaceApiError(e) && e.mayHaveBeenApplied;
      throw new TicketOperationError(
        `${label(name)}: opening the ticket failed: ${describe(e)}` +
          (unknownOutcome
            ? ` The ticket may have been opened anyway: look for subject ${JSON.stringify(inputs.subject)} on account ${inputs.accountId} before running \`pulumi up\` again, and adopt it with the \`import\` resource option if it exists.`
            : ""),
        isRackspaceApiError(e) ? e : undefined,
      );
    }
    return { id: ticket.ticketId, outs: await this.finish(name, inputs, ticket, [], inputs.comments ?? [], "opened") };
  }

  /**
   * Posts `toPost` in order after `posted`, then reads the ticket back once. A failure
   * after the ticket exists becomes a TicketPartialFailure carrying what was done.
   */
  private async finish(
    name: string | undefined,
    inputs: TicketInputs,
    ticket: Ticket,
    posted: string[],
    toPost: string[],
    verb: "opened" | "updated",
  ): Promise<TicketOutputs> {
    const api = this.api();
    const id = ticket.ticketId;
    const done = [...posted];
    for (let i = 0; i < toPost.length; i++) {
      try {
        await api.addComment(id, { text: toPost[i] }, this.ctx(name, id));
        done.push(toPost[i]);
      } catch (e) {
        const outs = outputsFrom(inputs, ticket, done);
        const unknownOutcome = isRackspaceApiError(e) && e.mayHaveBeenApplied;
        throw new TicketPartialFailure(
          `${label(name, id)}: the ticket was ${verb}, but posting comment ${done.length + 1} of ${(inputs.comments ?? []).length} failed: ${describe(e)} ` +
            (unknownOutcome
              ? "That comment may have been posted anyway: check the ticket's thread (`pulumi refresh`) before running `pulumi up` again."
              : "The ticket is recorded in the stack; run `pulumi up` again to post the remaining comments."),
          id,
          outs,
          [describe(e)],
        );
      }
    }
    let latest = ticket;
    if (toPost.length > 0) {
      try {
        latest = await api.getTicket(id, this.ctx(name, id));
      } catch {
        // GET /tickets/{id} is undocumented (best effort): keep what we know, with the comments we posted.
        latest = {
          ...ticket,
          comments: [...ticket.comments, ...toPost.map((text) => ({ id: "", text, created: "", author: { type: "customer" } }))],
        };
      }
    }
    return outputsFrom(inputs, latest, done);
  }

  async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    const name = typeof news[NAME_KEY] === "string" ? (news[NAME_KEY] as string) : undefined;
    const inputs = parseInputs(news);
    const old = userInputs(olds);
    const plan = planChanges(old, userInputs(news));
    const api = this.api();
    const posted = Array.isArray(old.comments) ? (old.comments as string[]) : [];
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
      return { outs: await this.finish(name, inputs, ticket, posted, plan.newComments, "updated") };
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
      const posted = Array.isArray(old.comments) ? (old.comments as string[]) : [];
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
    })),
    recipients: [],
  };
}
