/**
 * Public types of the Rackspace Identity v2.0 + Ticketing v2 simulator.
 *
 * Shapes follow /work/shared/rackspace-ticketing-api.md §2 (identity) and §4 (ticketing).
 * These are the simulator's own definitions: nothing here is shared with `src/api`, so the
 * simulator validates requests independently and can catch client bugs.
 */

/** Operation names as they appear in the request log and in fault injection. */
export type SimOperation =
  | "token"
  | "getAccounts"
  | "getCategories"
  | "createTicket"
  | "patchTicket"
  | "addComment"
  | "getTicket"
  | "listTickets"
  | "unknown";

export const SIM_OPERATIONS: readonly SimOperation[] = [
  "token",
  "getAccounts",
  "getCategories",
  "createTicket",
  "patchTicket",
  "addComment",
  "getTicket",
  "listTickets",
  "unknown",
];

/** Rate-limit classes (requests per window per token). Identity is not limited. */
export interface RateLimits {
  /** POST /tickets. Default 1 (docs §5, operation page). */
  create: number;
  /** PATCH or PUT /tickets/{id}. Default 5. */
  patch: number;
  /** POST /tickets/{id}/comments. Default 5. */
  comment: number;
  /** Every ticketing GET. Default 60. */
  read: number;
}

export type RateClass = keyof RateLimits;

export interface SimUser {
  username: string;
  apiKey: string;
  /** Identity tenant id (`access.token.tenant.id`). Default "100002". */
  tenantId?: string;
  /** Display name used in Person objects on tickets. */
  name: string;
  /** Rackspace Person Number, used as Person.id. */
  rpn: string;
  /** Person roles shown on tickets (`createdBy.roles`). Default ["Administrative"]. */
  roles?: string[];
  /** Accounts this user may see and use. Default: every configured account. */
  accountIds?: string[];
}

export interface Account {
  name: string;
  id: string;
  rcn: string;
  serviceLevel?: string;
  severities: string[];
  type: { id: string; name: string };
  /** "admin" or "observer". Observers can read but not create or change tickets (403). */
  permission: string;
  tags: string[];
  npsOptOut: boolean;
}

export interface Subcategory {
  name: string;
  allowedProducts: string[];
}

export interface Category {
  id: number;
  name: string;
  description: string;
  classification: string;
  subcategories: Subcategory[];
}

export interface Person {
  id: string;
  name: string;
  roles: string[];
  type: string;
}

export interface Attachment {
  filename: string;
  uuid?: string;
  url?: string;
  upload_url?: string;
}

export interface Comment {
  id: string;
  text: string;
  created: string;
  author: Person;
  attachments: Attachment[];
}

export interface Recipient {
  type: "contact" | "email";
  value: string;
}

export interface Ticket {
  ticketId: string;
  accountId: string;
  subject: string;
  status: string;
  severity: string;
  classification: string;
  category: string;
  subcategory: string;
  resources: string[];
  created: string;
  modified: string;
  createdBy: Person;
  modifiedBy: Person;
  comments: Comment[];
  recipients: Recipient[];
}

export interface SimQuirks {
  /** Success status of PATCH/PUT /tickets/{id}: 204 (no body, docs prose) or 200 (the updated Ticket). Default 204. */
  patchStatus?: 200 | 204;
  /** Success status of POST /tickets/{id}/comments: 204 (no body) or 200 (the updated Ticket). Default 204. */
  commentStatus?: 200 | 204;
  /** Success status of POST /tickets: 200 (docs table) or 201. Default 200. */
  createStatus?: 200 | 201;
  /**
   * When true, a subcategory that exists but is not allowed for the account's product type is
   * replaced by one that is (as in the docs' create-ticket walk-through) instead of a 400.
   */
  remapSubcategory?: boolean;
}

export interface SimulatorOptions {
  /** Interface to listen on. Default "127.0.0.1" (loopback only). */
  host?: string;
  /** Port; 0 (the default) picks an ephemeral port. */
  port?: number;
  /** JSON file that tickets are loaded from at start and saved to after every change. */
  dataFile?: string;
  /** Rate window in ms. Default: env RACKSPACE_RATE_WINDOW_MS, else 60000. */
  windowMs?: number;
  /** Requests per window per token per class. Default { create: 1, patch: 5, comment: 5, read: 60 }. */
  limits?: Partial<RateLimits>;
  /** Token lifetime in ms. Default 24 h. */
  tokenLifetimeMs?: number;
  users?: SimUser[];
  accounts?: Account[];
  categories?: Category[];
  quirks?: SimQuirks;
  /** Called with one line per request (not for /_sim admin calls). */
  logger?: (line: string) => void;
  /** Maximum number of request-log entries kept in memory (oldest dropped first). Default 10000. */
  maxLogEntries?: number;
}

export type FaultKind = "status" | "hang" | "drop-before" | "drop-after";

interface FaultBase {
  /** Operation the fault applies to, or "*" for any (including identity). */
  operation: SimOperation | "*";
  /** How many matching requests it affects. Default 1. */
  count?: number;
}

export interface StatusFault extends FaultBase {
  kind: "status";
  /** HTTP status to answer with (e.g. 429, 500, 502, 503). */
  status: number;
  /** Retry-After header value; omitted when not given. */
  retryAfter?: string;
  /** Response body override: a string is sent as is, anything else as JSON. Default: a fault body. */
  body?: unknown;
  /** Content-Type for a `body` override. Default application/json (text/plain for strings). */
  contentType?: string;
}

export interface HangFault extends FaultBase {
  kind: "hang";
  /**
   * Hold the request this long, then process it normally (a slow answer). Without `ms` it is
   * held until the client disconnects or the simulator closes, and nothing is applied.
   */
  ms?: number;
}

export interface DropBeforeFault extends FaultBase {
  /** Destroy the connection without applying anything. */
  kind: "drop-before";
}

export interface DropAfterFault extends FaultBase {
  /** Apply the request (ticket created / patched / comment added), then destroy the connection without answering. */
  kind: "drop-after";
}

export type Fault = StatusFault | HangFault | DropBeforeFault | DropAfterFault;

/** An armed fault as listed by `faults()` / GET /_sim/faults. */
export type ArmedFault = Fault & { id: number; remaining: number };

export interface RequestLogEntry {
  /** Monotonic sequence number (assigned when the entry is recorded). */
  seq: number;
  /** When the request arrived (ISO). */
  at: string;
  method: string;
  /** Request path including the query string. */
  path: string;
  operation: SimOperation;
  ticketId?: string;
  /** Status sent; 0 when no response was sent (dropped or abandoned hung request). */
  status: number;
  /** Parsed JSON request body; credentials are replaced by "***". */
  body?: unknown;
  accept?: string;
  contentType?: string;
  /** Username behind the token (never the token itself). */
  user?: string;
  /** Injected fault kind, if one was applied. */
  fault?: FaultKind;
  /** For drop-after: the status that would have been sent. */
  droppedStatus?: number;
  /** faultCode of an error response. */
  faultCode?: string;
  /** Message of an error response. */
  message?: string;
  durationMs: number;
}

export type RequestFilter =
  | ((entry: RequestLogEntry) => boolean)
  | {
      operation?: SimOperation | SimOperation[];
      method?: string;
      status?: number;
      ticketId?: string;
      /** Only entries with seq greater than this. */
      since?: number;
    };

export interface RackerAction {
  /** Comment text to add as a Racker. */
  comment?: string;
  /** New status, any string (e.g. "Pending Customer", "Solved", "Closed"). */
  status?: string;
  /** Racker display name. Default "Jane D.". */
  name?: string;
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** Identity base (same as url); clients append /v2.0/tokens. */
  readonly identityUrl: string;
  /** Ticketing base (same as url). */
  readonly ticketingUrl: string;
  readonly port: number;
  /** Stops listening, destroys keep-alive sockets and releases hung requests. Idempotent. */
  close(): Promise<void>;

  // tokens
  /** Issues a token for `username` as POST /v2.0/tokens would, and returns its id. */
  issueToken(username?: string): string;
  /** Expires every token issued so far (the next ticketing call gets 401). */
  expireTokens(): void;
  /** Revokes one token; returns whether it existed. */
  revokeToken(id: string): boolean;

  // request log
  requests(filter?: RequestFilter): RequestLogEntry[];
  /** Only createTicket / patchTicket / addComment entries. */
  writeCalls(): RequestLogEntry[];
  clearRequests(): void;

  // faults
  injectFault(fault: Fault): ArmedFault;
  faults(): ArmedFault[];
  clearFaults(): void;

  // rate limits
  setLimits(limits: Partial<RateLimits>): void;
  setWindowMs(windowMs: number): void;
  getLimits(): { windowMs: number; limits: RateLimits };

  // tickets
  tickets(): Ticket[];
  getTicket(id: string): Ticket | undefined;
  actAsRacker(ticketId: string, action: RackerAction): Ticket;
  /** Clears tickets, the request log, faults and rate windows (tokens stay valid). */
  reset(): void;
}
