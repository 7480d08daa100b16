/**
 * Public types of the Rackspace Identity v2.0 + Ticketing v2 simulator.
 *
 * Shapes follow the API reference kept with the project, §2 (identity) and §4 (ticketing).
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
  | "createAttachment"
  | "getResources"
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
  "createAttachment",
  "getResources",
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
  /** POST /attachment (upload slots). Default 5 (docs §5 give none; a comment-sized budget). */
  attachment: number;
  /** GET /resources and GET /resources/{id} on the resources host. Default 60 (docs §5 give none). */
  resources: number;
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

/**
 * A device on the resources host (docs §4.8), as configured (SimulatorOptions `resources`).
 * The wire form adds `_links.self` = `{resourcesUrl}/resources/{id}`.
 */
export interface SimResource {
  /** Device id, e.g. "dedicated:0001". Unique. */
  id: string;
  /** Account the device belongs to; only users with that account see it. */
  accountId: string;
  /** Device name (docs §8.23: not the account name). */
  name: string;
  platform: string;
  type: string;
  location: string;
  /**
   * "online" (active) and "offline" (inactive) are listed per the `status` query;
   * "decommissioned" stands for the internal statuses the API always excludes (never listed,
   * 404 by id).
   */
  status: "online" | "offline" | "decommissioned";
  network: { ips: string[] };
}

/** An upload slot from POST /attachment, as listed by `sim.attachments()` / GET /_sim/attachments. */
export interface SimAttachmentInfo {
  uuid: string;
  /** File name given at POST /attachment (or in a ticket/comment without uuid). */
  filename: string;
  /** Username that asked for the slot. */
  user: string;
  /** When the slot was handed out (ISO). */
  created: string;
  /** When the upload URL stops accepting PUTs (ISO). */
  expires: string;
  maxFileSize: number;
  uploaded: boolean;
  /** Bytes uploaded (0 until uploaded). */
  size: number;
  /** Content-Type the upload was sent with, if any. */
  contentType?: string;
  uploadedAt?: string;
  /** True when the (last) upload carried an X-Auth-Token header: a client should not send its token to object storage. */
  uploadSentToken: boolean;
  /** The comment the file is attached to, once a ticket or comment named it. */
  referencedBy?: { ticketId: string; commentId: string };
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
  /** Requests per window per token (or user, see rateLimitScope) per class. Default { create: 1, patch: 5, comment: 5, read: 60, attachment: 5, resources: 60 }. */
  limits?: Partial<RateLimits>;
  /**
   * Whose budget a request draws from: `token` (default: each Identity token its own budget,
   * so tests can isolate themselves with fresh tokens), `user` (every token of a user shares
   * it, for fleet tests) or `account` (the documented per-account limits, docs §5: the account
   * of the ticket a request touches, or the one its body or query names; requests that name
   * no account draw from the user's budget).
   */
  rateLimitScope?: "user" | "token" | "account";
  /** Token lifetime in ms. Default 24 h. */
  tokenLifetimeMs?: number;
  users?: SimUser[];
  accounts?: Account[];
  categories?: Category[];
  quirks?: SimQuirks;
  /** Port of the second listener that serves the resources API (same host); 0 (the default) picks an ephemeral port. */
  resourcesPort?: number;
  /** Devices served on the resources host. Default: a handful for the demo accounts (DEFAULT_RESOURCES). */
  resources?: SimResource[];
  /** How long an upload slot from POST /attachment accepts the upload, in ms. Default 600000 (10 minutes, docs §4.7). */
  attachmentTtlMs?: number;
  /** `max_file_size` of an upload slot in bytes; larger uploads get 413. Default 26214400 (25 MiB). */
  attachmentMaxBytes?: number;
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
  /** Ticketing base (same as url). Upload URLs (/_uploads/…) and file URLs (/_files/…) live here too. */
  readonly ticketingUrl: string;
  readonly port: number;
  /** Base of the resources API on its own listener, e.g. http://127.0.0.1:PORT2 (no trailing slash). */
  readonly resourcesUrl: string;
  readonly resourcesPort: number;
  /** Stops both listeners, destroys keep-alive sockets and releases hung requests. Idempotent. */
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
  /** Clears tickets, attachments, the request log, faults and rate windows (tokens stay valid). */
  reset(): void;

  // attachments and resources
  /** Every upload slot handed out (oldest first), uploaded or not. */
  attachments(): SimAttachmentInfo[];
  /** The uploaded bytes of an attachment, or undefined if unknown or not uploaded. */
  attachmentContent(uuid: string): Buffer | undefined;
  /** The devices the resources host serves (every status). */
  resources(): SimResource[];
}
