/**
 * Describes the faults that can be armed against an operation, as injectFault takes and faults() lists them.
 */
import type { SimOperation } from "./operations";

export type FaultKind = "status" | "hang" | "drop-before" | "drop-after";

interface FaultBase {
  /** Operation the fault applies to, or "*" for any (including identity). */
  operation: SimOperation | "*";
  /** How many matching requests it affects. Default 1. */
  count?: number | undefined;
}

export interface StatusFault extends FaultBase {
  kind: "status";
  /** HTTP status to answer with (e.g. 429, 500, 502, 503). */
  status: number;
  /** Retry-After header value; omitted when not given. */
  retryAfter?: string | undefined;
  /** Response body override: a string is sent as is, anything else as JSON. Default: a fault body. */
  body?: unknown;
  /** Content-Type for a `body` override. Default application/json (text/plain for strings). */
  contentType?: string | undefined;
}

export interface HangFault extends FaultBase {
  kind: "hang";
  /**
   * Hold the request this long, then process it normally (a slow answer). Without `ms` it is
   * held until the client disconnects or the simulator closes, and nothing is applied.
   */
  ms?: number | undefined;
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
