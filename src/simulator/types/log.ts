/**
 * Describes one recorded request of the request log and the filters that select entries.
 */
import type { FaultKind } from "./faults";
import type { SimOperation } from "./operations";

export interface RequestLogEntry {
  /** Monotonic sequence number (assigned when the entry is recorded). */
  seq: number;
  /** When the request arrived (ISO). */
  at: string;
  method: string;
  /** Request path including the query string. */
  path: string;
  operation: SimOperation;
  ticketId?: string | undefined;
  /** Status sent; 0 when no response was sent (dropped or abandoned hung request). */
  status: number;
  /** Parsed JSON request body; credentials are replaced by "***". */
  body?: unknown;
  accept?: string | undefined;
  contentType?: string | undefined;
  /** Username behind the token (never the token itself). */
  user?: string | undefined;
  /** Injected fault kind, if one was applied. */
  fault?: FaultKind | undefined;
  /** For drop-after: the status that would have been sent. */
  droppedStatus?: number | undefined;
  /** faultCode of an error response. */
  faultCode?: string | undefined;
  /** Message of an error response. */
  message?: string | undefined;
  durationMs: number;
}

export type RequestFilter =
  | ((entry: RequestLogEntry) => boolean)
  | {
      operation?: SimOperation | SimOperation[] | undefined;
      method?: string | undefined;
      status?: number | undefined;
      ticketId?: string | undefined;
      /** Only entries with seq greater than this. */
      since?: number | undefined;
    };
