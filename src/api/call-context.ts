/**
 * What a caller hands to each client call and is told back: progress callbacks, the account acted on, and the client's counters.
 */
import type { Operation } from "./errors";

/** Why a caller is waiting: pacing (a rate-limit slot) or a retry after a failure. */
export type WaitReason = "rate-limit" | "retry";

export interface WaitInfo {
  operation: Operation;
  ticketId?: string;
  waitMs: number;
  reason: WaitReason;
  /** For retries: what failed (e.g. "HTTP 429 rateLimitExceeded"). */
  cause?: string;
}

/** Per-call context: progress callbacks for the caller (e.g. one Pulumi resource), and the account acted on. */
export interface CallContext {
  onWait?: (info: WaitInfo) => void;
  /**
   * The account the request acts on (the ticket's accountId). The API's limits are per account
   * (docs §5): with it, pacing is shared by every credential on that account. createTicket and
   * listTickets take it from the request when it names one.
   */
  accountId?: string;
}

/** Counters of one client, for progress lines and benchmarks. */
export interface ClientStats {
  requests: number;
  retries: number;
  http429: number;
  pacedWaits: number;
  pacedWaitMs: number;
}
