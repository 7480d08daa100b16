/**
 * CommentEngine: the life of one comment on a ticket the stack does not manage, behind both
 * faces. Create posts it once (./post); a changed text or file posts a new comment and the old
 * one stays (the API cannot edit or remove comments, and the preview says so); delete sends
 * nothing; refresh drops the comment from the stack only on a positive answer (the ticket's
 * `ticketNotFound`, or a thread read that lacks it). It captures no credential and imports
 * nothing from @pulumi/pulumi.
 */
import { isRackspaceApiError } from "../../api/errors";
import type { Ticket } from "../../api/schemas";
import { CommentResourceInputs, COMMENT_REPLACE_FIELDS, checkCommentInputs, parseCommentInputs } from "./inputs";
import { findCommentEntry } from "./marker";
import { COMMENT_KIND, commentLabel, shownComment, shownTicket } from "./messages";
import { commentOutputs, COMMENT_STATE_VERSION, migrateCommentState, TicketCommentOutputs } from "./outputs";
import { accountOf, postTicketComment, readTicketBefore } from "./post";
import { forgetSuperseded, noteSuperseded, superseded } from "./replacements";
import { optionsFromConfig } from "../../config/client-options";
import type { ConfigSource } from "../../config/keys";
import { markerFooterFromConfig } from "../settings";
import { OperationContext } from "../context";
import { AttachmentInput, digestInputs, sameAttachments } from "../history/entries";
import { forTheHost, TicketOperationError } from "../errors";
import { CheckFailure, userInputs } from "../ticket/inputs";
import { isUnknown, NAME_KEY, ORGANIZATION_KEY, PARENT_KEY, PROJECT_KEY, SECRET_INPUTS_KEY, STACK_KEY, STATE_VERSION_KEY, URN_KEY } from "../keys";
import type { ResourceRef } from "../ticket/marker";
import { describe, secretSet } from "../messages";
import { isClosed, isTicketGone } from "../status";
import { LineMeta, LineSink, plainSink } from "../log";
import { urnOf } from "../ticket/urn";
import type { TicketDiff } from "../ticket/diff";
import type { PropertyChange } from "../ticket/detailed-diff";


const str = (props: Record<string, unknown> | undefined, k: string) => (typeof props?.[k] === "string" ? (props[k] as string) : undefined);

function refOf(props: Record<string, unknown>): ResourceRef {
  return { organization: str(props, ORGANIZATION_KEY), project: str(props, PROJECT_KEY), stack: str(props, STACK_KEY), parent: str(props, PARENT_KEY), name: str(props, NAME_KEY) };
}

const hasUnknown = (v: unknown) => isUnknown(v) || (Array.isArray(v) && v.some(isUnknown));

/** The declared inputs as an earlier run recorded them (refresh and update rebuild outputs from them). */
function recordedInputs(olds: Record<string, unknown>): CommentResourceInputs {
  const inputs: CommentResourceInputs = { ticketId: str(olds, "ticketId") ?? "", text: str(olds, "text") ?? "" };
  if (Array.isArray(olds.attachments)) inputs.attachments = olds.attachments as AttachmentInput[];
  const accountId = str(olds, "accountId");
  if (accountId) inputs.accountId = accountId;
  return inputs;
}

export class CommentEngine {
  /** Where lines go when no engine can be reached (a test sets it to collect them): stderr. */
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`);
  /** Where lines go: a face replaces it (the engine's log, on the resource's row). */
  private readonly sink: LineSink;
  private op: OperationContext;

  /**
   * @param resourceType The type token the face registers comments under (for URNs it is not given).
   * @param sink Where lines go; by default `log`.
   */
  constructor(
    private readonly resourceType: string,
    sink?: (fallback: (line: string) => void) => LineSink,
  ) {
    const fallback = (line: string) => this.log(line);
    this.sink = sink ? sink(fallback) : plainSink(fallback);
    this.op = new OperationContext({}, { markerFooter: true, validateAgainstAccount: false, allowAnyCategory: false }, (line, meta) => this.emit(line, meta), COMMENT_KIND);
  }
  /**
   * Ticket ids passed as secrets that this process has seen: no line or error of this
   * provider shows them (the API's own messages and comment ids repeat the ticket id).
   */
  private readonly hidden = new Set<string>();

  private emit(line: string, meta: LineMeta = { severity: "info" }): void {
    this.sink(this.scrub(line), meta);
  }

  /** The operation context of one resource: its lines show on its row. */
  private opFor(props: Record<string, unknown>): OperationContext {
    return this.op.forResource(str(props, URN_KEY) ?? urnOf(refOf(props), this.resourceType));
  }

  private scrub(text: string): string {
    let out = text;
    for (const t of this.hidden) out = out.split(t).join("[secret]");
    return out;
  }

  /** Runs one operation with the resource's secret ticket id hidden from what it prints and throws. */
  private async guarded<T>(props: Record<string, unknown> | undefined, run: () => Promise<T>): Promise<T> {
    const t = props?.ticketId;
    if (typeof t === "string" && t !== "" && !isUnknown(t) && secretSet(props?.[SECRET_INPUTS_KEY]).has("ticketId")) this.hidden.add(t);
    try {
      return await run();
    } catch (e) {
      if (e instanceof Error && this.hidden.size > 0) {
        e.message = this.scrub(e.message);
        e.stack = e.stack === undefined ? undefined : this.scrub(e.stack);
      }
      throw forTheHost(e, `${commentLabel(str(props, NAME_KEY), undefined)}: stopped`);
    }
  }

  /** Reads stack config (rackspace:*) at apply time; the RACKSPACE_* environment fills the gaps. */
  async configure(req: { config: ConfigSource }): Promise<void> {
    this.op = new OperationContext(
      optionsFromConfig(req.config),
      { markerFooter: markerFooterFromConfig(req.config), validateAgainstAccount: false, allowAnyCategory: false },
      (line, meta) => this.emit(line, meta),
      COMMENT_KIND,
    );
  }

  /** Validates the inputs and records the SHA-256 of every attachment file, so the diff sees content changes. */
  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
    const { inputs, problems } = digestInputs(news, olds);
    const failures: CheckFailure[] = [...problems.map((p) => ({ property: "", reason: `${p.property}: ${p.reason}` })), ...checkCommentInputs(inputs)];
    return { inputs, failures };
  }

  /**
   * A changed ticket, text or file is a replacement: its create posts a new comment, its
   * delete sends nothing. The reason is printed, since a comment cannot be taken back.
   */
  async diff(id: string, oldState: Record<string, unknown>, news: Record<string, unknown>): Promise<TicketDiff> {
    return this.guarded(news, async () => this.plan(id, oldState, news));
  }

  private plan(id: string, oldState: Record<string, unknown>, news: Record<string, unknown>): TicketDiff {
    const ref = refOf(news);
    const here: LineMeta = { severity: "info", urn: str(news, URN_KEY) ?? urnOf(ref, this.resourceType) };
    const secrets = secretSet(news[SECRET_INPUTS_KEY]);
    const olds = migrateCommentState(oldState, ref.name);
    const after = userInputs(news);
    const replaces: string[] = [];
    for (const f of COMMENT_REPLACE_FIELDS) {
      const v = after[f];
      const same = f === "attachments" ? !hasUnknown(v) && sameAttachments(olds[f] as AttachmentInput[] | undefined, v as AttachmentInput[] | undefined) : !isUnknown(v) && v === olds[f];
      if (!same) replaces.push(f);
    }
    const account = after.accountId;
    const changes = replaces.length > 0 || (account !== undefined && account !== olds.accountId);
    const oldTicket = str(olds, "ticketId");
    if (replaces.length === 0) {
      forgetSuperseded(ref);
    } else {
      const oldId = str(olds, "commentId") || id;
      noteSuperseded(ref, { ticketId: oldTicket ?? "", commentId: oldId });
      const where = shownTicket(oldTicket, secrets) ?? "?";
      this.emit(
        `${commentLabel(ref.name, undefined)}: ${replaces.join(", ")} changed${replaces.some((f) => hasUnknown(after[f])) ? " (or is not known until apply)" : ""}: a new comment will be posted; the old comment${shownComment(oldId, secrets)} stays on ticket ${where} ` +
          "(the API cannot edit or remove a comment; removing this resource never removes it either)",
        here,
      );
      if (isClosed(olds.status) && !replaces.includes("ticketId")) this.emit(`${commentLabel(ref.name, oldTicket, secrets)}: the ticket was Closed when last read: the new comment will be refused`, here);
    }
    const detailedDiff: Record<string, PropertyChange> = Object.fromEntries(replaces.map((f) => [f, { kind: "update-replace" as const, inputDiff: true }]));
    if (account !== undefined && account !== olds.accountId) detailedDiff.accountId = { kind: olds.accountId ? "update" : "add", inputDiff: true };
    return { changes, replaces, stables: ["commentId", "created", "authorName", "marker"], deleteBeforeReplace: false, detailedDiff };
  }

  async create(props: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }> {
    return this.guarded(props, async () => {
      const ref = refOf(props);
      const r = await postTicketComment(this.opFor(props), { ref, inputs: parseCommentInputs(props), secrets: secretSet(props[SECRET_INPUTS_KEY]), supersedes: superseded(ref) });
      forgetSuperseded(ref);
      return { id: r.id, outs: this.record(r.outs, props) };
    });
  }

  /** Only `accountId` changes without a replacement: the ticket is read again and the account checked; nothing is posted. */
  async update(id: string, oldState: Record<string, unknown>, news: Record<string, unknown>): Promise<{ outs: Record<string, unknown> }> {
    return this.guarded(news, () => this.recheck(id, oldState, news));
  }

  private async recheck(id: string, oldState: Record<string, unknown>, news: Record<string, unknown>): Promise<{ outs: Record<string, unknown> }> {
    const ref = refOf(news);
    const secrets = secretSet(news[SECRET_INPUTS_KEY]);
    const olds = migrateCommentState(oldState, ref.name);
    const inputs = parseCommentInputs(news);
    const req = { ref, inputs, secrets };
    const who = commentLabel(ref.name, inputs.ticketId, secrets);
    const ticket = await readTicketBefore(this.opFor(news), req, inputs.accountId ?? str(olds, "accountId"), "recording the change");
    accountOf(who, ticket, inputs, secrets);
    const marker = str(olds, "marker") ?? "";
    const entry = findCommentEntry(ticket, { commentId: str(olds, "commentId"), marker });
    if (!entry) {
      throw new TicketOperationError(
        `${who}: the comment${shownComment(str(olds, "commentId") || id, secrets)} is no longer in the ticket's thread. Run \`pulumi refresh\` (it removes the comment from the stack), then \`pulumi up\` to post it again.`,
      );
    }
    return { outs: this.record(commentOutputs(inputs, ticket, entry, marker), news) };
  }

  /**
   * Refresh: the comment stays in the stack unless the API says it is gone: the ticket's
   * `ticketNotFound`, or a thread read successfully without it (then the next `up` posts it again).
   */
  async read(id: string, oldState?: Record<string, unknown>): Promise<{ id: string; props: Record<string, unknown> }> {
    return this.guarded(oldState, () => this.refresh(id, oldState));
  }

  private async refresh(id: string, oldState?: Record<string, unknown>): Promise<{ id: string; props: Record<string, unknown> }> {
    const name = str(oldState, NAME_KEY);
    const secrets = secretSet(oldState?.[SECRET_INPUTS_KEY]);
    const olds = migrateCommentState(oldState, name);
    const inputs = recordedInputs(olds);
    const who = commentLabel(name, inputs.ticketId, secrets);
    if (!inputs.ticketId) {
      throw new TicketOperationError(`${commentLabel(name, undefined)}: a comment cannot be imported (the engine cannot import into a dynamic provider: pulumi/pulumi#3550); declare it in the program instead.`);
    }
    let ticket: Ticket;
    try {
      ticket = await this.op.api().getTicket(inputs.ticketId, this.op.call(name, shownTicket(inputs.ticketId, secrets), inputs.accountId));
    } catch (e) {
      if (isTicketGone(e)) {
        this.emit(`${who}: the ticket is gone (the API answered ticketNotFound): removing the comment from the stack`);
        return { id: "", props: {} };
      }
      throw new TicketOperationError(`${who}: reading the ticket failed: ${describe(e)} Nothing was removed from the stack.`, isRackspaceApiError(e) ? e : undefined);
    }
    const commentId = str(olds, "commentId") || id;
    if (ticket.comments.length === 0) {
      // Every ticket this comment is on has a thread: an empty one is no answer about the comment.
      this.emit(`${who}: the API answered with an empty thread: keeping the comment${shownComment(commentId, secrets)} in the stack as it was`);
      return { id, props: this.record({ ...olds, status: ticket.status ?? str(olds, "status") ?? "" }, olds) };
    }
    const entry = findCommentEntry(ticket, { commentId: str(olds, "commentId"), marker: str(olds, "marker") });
    if (!entry) {
      this.emit(`${who}: the comment${shownComment(commentId, secrets)} is no longer in the ticket's thread: removing it from the stack (the next \`pulumi up\` looks for it by its marker, and posts it again if it is not there)`);
      return { id: "", props: {} };
    }
    return { id, props: this.record(commentOutputs(inputs, ticket, entry, str(olds, "marker") ?? ""), olds) };
  }

  /** Sends nothing: a posted comment cannot be removed through the API. It leaves the stack only. */
  async delete(id: string, oldState: Record<string, unknown>): Promise<void> {
    return this.guarded(oldState, async () => this.forget(id, oldState));
  }

  private forget(id: string, oldState: Record<string, unknown>): void {
    const name = str(oldState, NAME_KEY);
    const secrets = secretSet(oldState?.[SECRET_INPUTS_KEY]);
    const ticketId = str(oldState, "ticketId");
    this.emit(
      `${commentLabel(name, ticketId, secrets)}: the comment${shownComment(str(oldState, "commentId") || id, secrets)} stays on ticket ${shownTicket(ticketId, secrets) ?? "?"}: ` +
        "the API cannot remove a comment, so nothing was sent; it is removed from the stack only",
    );
  }

  /** Outputs as recorded: versioned, naming the resource and which inputs are secrets (for the messages of read and delete). */
  private record(outs: TicketCommentOutputs | Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
    const name = str(from, NAME_KEY);
    const secrets = from[SECRET_INPUTS_KEY];
    return { ...outs, ...(name ? { [NAME_KEY]: name } : {}), ...(Array.isArray(secrets) ? { [SECRET_INPUTS_KEY]: secrets } : {}), [STATE_VERSION_KEY]: COMMENT_STATE_VERSION };
  }
}
