/**
 * Ticketing business rules, independent of HTTP (docs §4.1–4.6): a change is applied whole or refused whole with its ApiFault.
 *
 * Assumptions, where the docs are silent:
 * - A ticket is visible only to users who have its account; others get 404 ticketNotFound.
 * - Accounts with permission "observer" may read but not create or change tickets (403).
 * - Severity defaults to "Normal", or to the account's first severity if "Normal" is not allowed.
 * - A ticket without a comment is accepted (comments: []).
 * - GET /tickets (undocumented) returns `{tickets: [Ticket]}`, newest first, filtered by the
 *   optional query parameters accountId (exact), status (case-insensitive), subject
 *   (case-insensitive substring) and q (case-insensitive substring of the subject or any comment
 *   text); other parameters are ignored.
 * - 200 quirk responses of PATCH and comments carry the updated Ticket.
 * - Attachments named in a ticket or comment are checked (attachments.ts) after every other
 *   rule and before anything changes: a refused attachment leaves no ticket or comment behind.
 */
import type { AttachmentService, PreparedAttachments } from "./attachments";
import { ApiFault, ticketNotFound } from "./errors";
import type { AddCommentBody, CreateTicketBody, PatchTicketBody } from "./schemas";
import { DEFAULT_PERSON_ROLES, DEFAULT_RACKER_NAME } from "./seed";
import type { TicketStore } from "./state";
import type { Account, Category, Comment, Person, SimUser, Ticket } from "./types/entities";
import type { SimQuirks } from "./types/options";
import type { RackerAction } from "./types/racker";

export interface ListFilters {
  accountId?: string;
  status?: string;
  subject?: string;
  q?: string;
}

export class TicketService {
  private readonly createdListeners: ((ticket: Ticket) => void)[] = [];

  constructor(
    private readonly store: TicketStore,
    private readonly accounts: readonly Account[],
    private readonly categories: readonly Category[],
    private readonly quirks: Required<SimQuirks>,
    private readonly attachments: AttachmentService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Calls `listener` with a copy of every ticket created from now on, once it is stored. */
  onCreate(listener: (ticket: Ticket) => void): void {
    this.createdListeners.push(listener);
  }

  accountsFor(user: SimUser): Account[] {
    const ids = user.accountIds;
    return this.accounts.filter((a) => ids === undefined || ids.includes(a.id));
  }

  allCategories(): Category[] {
    return structuredClone([...this.categories]);
  }

  create(user: SimUser, body: CreateTicketBody): Ticket {
    const account = this.accountsFor(user).find((a) => a.id === body.accountId);
    if (!account) throw new ApiFault(403, `You do not have access to account '${body.accountId}' (use an id from GET /accounts)`, "forbidden");
    this.assertCanWrite(account);
    const category = this.categories.find((c) => c.name === body.category);
    if (!category) throw new ApiFault(400, "Category provided is invalid", "badRequest");
    const subcategory = this.pickSubcategory(category, body.subcategory, account);
    const severity = body.severity ?? (account.severities.includes("Normal") ? "Normal" : account.severities[0]);
    if (severity === undefined || !account.severities.includes(severity)) {
      throw new ApiFault(400, `Severity provided is invalid for account '${account.id}' (allowed: ${account.severities.join(", ") || "none"})`, "badRequest");
    }
    const files = this.attachments.prepare(user.username, body.comment?.attachments ?? []);

    const at = this.now();
    const stamp = at.toISOString();
    const ticketId = this.store.nextTicketId(at);
    const person = customer(user);
    const ticket: Ticket = {
      ticketId,
      accountId: account.id,
      subject: body.subject,
      status: "Pending Rackspace",
      severity,
      classification: category.classification,
      category: category.name,
      subcategory,
      resources: [...(body.resources ?? [])],
      created: stamp,
      modified: stamp,
      createdBy: person,
      modifiedBy: { ...person },
      comments: [],
      recipients: (body.recipients ?? []).map((value) => ({ type: value.includes("@") ? "email" : "contact", value })),
    };
    if (body.comment) ticket.comments.push(this.newComment(ticket, body.comment.text, person, stamp, files));
    this.store.put(ticket);
    for (const listener of this.createdListeners) listener(structuredClone(ticket));
    return structuredClone(ticket);
  }

  patch(user: SimUser, id: string, body: PatchTicketBody): Ticket {
    const ticket = this.visible(user, id);
    this.assertCanWrite(this.accountOf(ticket));
    if (body.status !== undefined) {
      // Closing a closed ticket is a no-op success.
      if (ticket.status !== "Closed") {
        ticket.status = "Closed";
        this.touch(ticket, customer(user));
      }
    } else if (body.resources !== undefined) {
      if (ticket.status === "Closed") throw new ApiFault(400, "Ticket is closed", "badRequest");
      ticket.resources = [...body.resources];
      this.touch(ticket, customer(user));
    }
    return structuredClone(ticket);
  }

  comment(user: SimUser, id: string, body: AddCommentBody): Ticket {
    const ticket = this.visible(user, id);
    this.assertCanWrite(this.accountOf(ticket));
    if (ticket.status === "Closed") throw new ApiFault(400, "Ticket is closed", "badRequest");
    const files = this.attachments.prepare(user.username, body.comment.attachments ?? []);
    const person = customer(user);
    const stamp = this.now().toISOString();
    ticket.comments.push(this.newComment(ticket, body.comment.text, person, stamp, files));
    this.touch(ticket, person, stamp);
    return structuredClone(ticket);
  }

  get(user: SimUser, id: string): Ticket {
    return structuredClone(this.visible(user, id));
  }

  list(user: SimUser, f: ListFilters): Ticket[] {
    const mine = new Set(this.accountsFor(user).map((a) => a.id));
    const lower = (s: string) => s.toLowerCase();
    return this.store
      .all()
      .map((t, i) => ({ t, i }))
      .filter(({ t }) => mine.has(t.accountId))
      .filter(({ t }) => f.accountId === undefined || t.accountId === f.accountId)
      .filter(({ t }) => f.status === undefined || lower(t.status) === lower(f.status))
      .filter(({ t }) => f.subject === undefined || lower(t.subject).includes(lower(f.subject)))
      .filter(({ t }) => {
        if (f.q === undefined) return true;
        const q = lower(f.q);
        return lower(t.subject).includes(q) || t.comments.some((c) => lower(c.text).includes(q));
      })
      .sort((a, b) => (a.t.created < b.t.created ? 1 : a.t.created > b.t.created ? -1 : b.i - a.i))
      .map(({ t }) => structuredClone(t));
  }

  /** A Racker comments and/or changes the status (no permission checks: it is Rackspace). */
  racker(id: string, action: RackerAction): Ticket {
    const ticket = this.store.get(id);
    if (!ticket) throw ticketNotFound();
    if (action.comment === undefined && action.status === undefined) throw new ApiFault(400, "give a comment and/or a status", "badRequest");
    const person: Person = { id: "", name: action.name ?? DEFAULT_RACKER_NAME, roles: ["Racker"], type: "racker" };
    const stamp = this.now().toISOString();
    if (action.comment !== undefined) ticket.comments.push(this.newComment(ticket, action.comment, person, stamp));
    if (action.status !== undefined) ticket.status = action.status;
    this.touch(ticket, person, stamp);
    return structuredClone(ticket);
  }

  private visible(user: SimUser, id: string): Ticket {
    const ticket = this.store.get(id);
    if (!ticket || !this.accountsFor(user).some((a) => a.id === ticket.accountId)) throw ticketNotFound();
    return ticket;
  }

  private accountOf(ticket: Ticket): Account | undefined {
    return this.accounts.find((a) => a.id === ticket.accountId);
  }

  private assertCanWrite(account: Account | undefined): void {
    if (account && account.permission === "observer") {
      throw new ApiFault(403, `You have observer permission on account '${account.id}' and cannot create or change its tickets`, "forbidden");
    }
  }

  private pickSubcategory(category: Category, name: string, account: Account): string {
    const product = account.type.id;
    const sub = category.subcategories.find((s) => s.name === name);
    if (!sub) throw new ApiFault(400, `Subcategory provided is invalid for category '${category.name}'`, "badRequest");
    if (sub.allowedProducts.includes(product)) return sub.name;
    const allowed = category.subcategories.filter((s) => s.allowedProducts.includes(product));
    if (this.quirks.remapSubcategory && allowed.length > 0) return allowed[0].name;
    throw new ApiFault(
      400,
      `Subcategory '${name}' is not allowed for ${product} accounts in category '${category.name}'` +
        (allowed.length > 0 ? ` (allowed: ${allowed.map((s) => s.name).join(", ")})` : ""),
      "badRequest",
    );
  }

  /** A new comment; prepared attachments are tied to it here (the caller saves). */
  private newComment(ticket: Ticket, text: string, author: Person, created: string, files?: PreparedAttachments): Comment {
    const id = `${ticket.ticketId}-c${ticket.comments.length + 1}`;
    return {
      id,
      text,
      created,
      author: { ...author, roles: [...author.roles] },
      attachments: files ? this.attachments.commit(files, { ticketId: ticket.ticketId, commentId: id }) : [],
    };
  }

  private touch(ticket: Ticket, by: Person, stamp = this.now().toISOString()): void {
    ticket.modified = stamp;
    ticket.modifiedBy = { ...by, roles: [...by.roles] };
    this.store.touched();
  }
}

function customer(user: SimUser): Person {
  return { id: user.rpn, name: user.name, roles: [...(user.roles ?? DEFAULT_PERSON_ROLES)], type: "customer" };
}
