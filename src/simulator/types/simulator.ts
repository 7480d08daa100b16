/**
 * The contract of a running simulator: its URLs and every in-process control tests and scripts may use.
 */
import type { SimAttachmentInfo, SimResource, Ticket } from "./entities";
import type { ArmedFault, Fault } from "./faults";
import type { RequestFilter, RequestLogEntry } from "./log";
import type { RateLimits } from "./operations";
import type { PendingRackerAction, RackerAction, RackerActionRecord, RackerRule, ScheduledRackerAction } from "./racker";

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
  /** Clears tickets, attachments, the request log, faults, rate windows, pending Racker actions and their history (tokens and Racker rules stay). */
  reset(): void;

  // delayed Racker actions (unref'd timers, cancelled by reset() and close())
  /**
   * Runs a Racker action on one ticket `afterMs` from now; skipped if the ticket is Closed by
   * then. Throws a 404 ticketNotFound error for an unknown ticket, a RangeError for a bad action.
   */
  scheduleRacker(ticketId: string, action: ScheduledRackerAction): PendingRackerAction;
  /** Replaces the Racker rules applied to tickets created from now on (actions already pending stay). Throws a RangeError for a bad rule. */
  setRackerRules(rules: RackerRule[]): void;
  /** The Racker rules in force. */
  rackerRules(): RackerRule[];
  /** Every delayed Racker action that came due since start or reset(), in the order they ran: applied or skipped. */
  rackerActions(): RackerActionRecord[];
  /** Delayed Racker actions not yet due, soonest first. */
  pendingRackerActions(): PendingRackerAction[];

  // attachments and resources
  /** Every upload slot handed out (oldest first), uploaded or not. */
  attachments(): SimAttachmentInfo[];
  /** The uploaded bytes of an attachment, or undefined if unknown or not uploaded. */
  attachmentContent(uuid: string): Buffer | undefined;
  /** The devices the resources host serves (every status). */
  resources(): SimResource[];
}
