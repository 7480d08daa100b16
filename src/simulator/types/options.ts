/**
 * Lists every option a simulator accepts when it starts, with its default.
 */
import type { Account, Category, SimResource, SimUser } from "./entities";
import type { RateLimits } from "./operations";
import type { RackerRule } from "./racker";

export interface SimQuirks {
  /** Success status of PATCH/PUT /tickets/{id}: 204 (no body, docs prose) or 200 (the updated Ticket). Default 204. */
  patchStatus?: 200 | 204 | undefined;
  /** Success status of POST /tickets/{id}/comments: 204 (no body) or 200 (the updated Ticket). Default 204. */
  commentStatus?: 200 | 204 | undefined;
  /** Success status of POST /tickets: 200 (docs table) or 201. Default 200. */
  createStatus?: 200 | 201 | undefined;
  /**
   * When true, a subcategory that exists but is not allowed for the account's product type is
   * replaced by one that is (as in the docs' create-ticket walk-through) instead of a 400.
   */
  remapSubcategory?: boolean | undefined;
}

export interface SimulatorOptions {
  /** Interface to listen on. Default "127.0.0.1" (loopback only). */
  host?: string | undefined;
  /** Port; 0 (the default) picks an ephemeral port. */
  port?: number | undefined;
  /** JSON file that tickets are loaded from at start and saved to after every change. */
  dataFile?: string | undefined;
  /** Rate window in ms. Default: env RACKSPACE_RATE_WINDOW_MS, else 60000. */
  windowMs?: number | undefined;
  /** Requests per window per token (or user, see rateLimitScope) per class. Default { create: 1, patch: 5, comment: 5, read: 60, attachment: 5, resources: 60 }. */
  limits?: Partial<RateLimits> | undefined;
  /**
   * Whose budget a request draws from: `token` (default: each Identity token its own budget,
   * so tests can isolate themselves with fresh tokens), `user` (every token of a user shares
   * it, for fleet tests) or `account` (the documented per-account limits, docs §5: the account
   * of the ticket a request touches, or the one its body or query names; requests that name
   * no account draw from the user's budget).
   */
  rateLimitScope?: "user" | "token" | "account" | undefined;
  /** Token lifetime in ms. Default 24 h. */
  tokenLifetimeMs?: number | undefined;
  users?: SimUser[] | undefined;
  accounts?: Account[] | undefined;
  categories?: Category[] | undefined;
  quirks?: SimQuirks | undefined;
  /** Port of the second listener that serves the resources API (same host); 0 (the default) picks an ephemeral port. */
  resourcesPort?: number | undefined;
  /** Devices served on the resources host. Default: a handful for the demo accounts (DEFAULT_RESOURCES). */
  resources?: SimResource[] | undefined;
  /** How long an upload slot from POST /attachment accepts the upload, in ms. Default 600000 (10 minutes, docs §4.7). */
  attachmentTtlMs?: number | undefined;
  /** `max_file_size` of an upload slot in bytes; larger uploads get 413. Default 26214400 (25 MiB). */
  attachmentMaxBytes?: number | undefined;
  /** Racker actions applied to every matching new ticket, `afterMs` after its creation (see RackerRule). Default none. */
  racker?: RackerRule[] | undefined;
  /** Called with one line per request (not for /_sim admin calls) and per delayed Racker action. */
  logger?: ((line: string) => void) | undefined;
  /** Maximum number of request-log entries kept in memory (oldest dropped first). Default 10000. */
  maxLogEntries?: number | undefined;
}
