/**
 * What one API call is, as data: its operation, method, path, body and schema, how its answer is parsed, and which rate-limit class and account pace it.
 */
import type { z } from "zod";
import type { CallContext } from "./call-context";
import type { Operation } from "./errors";
import type { Method } from "./http";
import type { OperationClass } from "./limiter";

/** Operations that go through the paced, authenticated pipeline (uploads go to a temp URL: neither). */
export type PacedOperation = Exclude<Operation, "authenticate" | "uploadAttachment">;

export const CLASS_OF: Readonly<Record<PacedOperation, OperationClass>> = {
  createTicket: "create",
  patchTicket: "patch",
  addComment: "comment",
  // No documented limit: share the comments' budget (docs §5), since each attachment precedes a comment.
  createAttachment: "comment",
  // The resources host documents no limit either: the conservative read budget.
  getResources: "read",
  getTicket: "read",
  listTickets: "read",
  getAccounts: "read",
  getCategories: "read",
};

/** Requests that name no account: paced per credential. */
const NO_ACCOUNT: ReadonlySet<PacedOperation> = new Set<PacedOperation>(["getAccounts", "getCategories", "getResources"]);

export interface RequestSpec<T> {
  operation: PacedOperation;
  method: Method;
  path: string;
  ticketId?: string;
  /** Body before validation. */
  body?: unknown;
  bodySchema?: z.ZodType;
  /** Parses a 2xx response; `undefined` for a 204 or an empty body. */
  parse: (json: unknown | undefined) => T;
  /** A 2xx body that is not JSON counts as no body (PATCH and comments: 204, or 200 with anything). */
  anyBody?: boolean;
  /** The account the request names (its body or query), for pacing. */
  accountId?: string;
  /** Whether replaying the request is harmless. POST /tickets and comments are not: a lost answer is never re-sent. */
  idempotent: boolean;
  /** A body already encoded (multipart), sent as is with `contentType`. */
  rawBody?: Buffer;
  contentType?: string;
  /** Accept header (default the pinned v2 media type). */
  accept?: string;
  /** Another API host (the resources API); default the ticketing URL. */
  baseUrl?: string;
  ctx?: CallContext;
}

/** The account whose limits pace `spec`, or undefined to pace it per credential. */
export function pacingAccount(spec: RequestSpec<unknown>): string | undefined {
  return NO_ACCOUNT.has(spec.operation) ? undefined : (spec.accountId ?? spec.ctx?.accountId);
}

/** `?k=v&…` of the fields that are set, or "" when none is. */
export function queryString(query: object): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") qs.set(k, String(v));
  const s = qs.toString();
  return s ? `?${s}` : "";
}
