/**
 * One API request as the pipeline stages see it — headers, raw and parsed body, what is known so far — and how its body is read.
 */
import type * as http from "node:http";
import type { ArmedFault } from "../types/faults";
import type { SimOperation } from "../types/operations";

/** Largest request body the API routes accept (413 beyond). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A response to send. `body` undefined = no body. */
export interface Reply {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Fault details for the log. */
  faultCode?: string;
  message?: string;
}

/** Per-request bookkeeping, filled in stage by stage, for the log. */
export interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  started: number;
  method: string;
  path: string;
  accept?: string;
  contentType?: string;
  operation: SimOperation;
  ticketId?: string;
  rawBody: string;
  bytes: Buffer;
  json?: { ok: true; value: unknown } | { ok: false; error: string };
  /** What to log as the body when it is not JSON (a multipart form's summary). */
  logBody?: unknown;
  user?: string;
  fault?: ArmedFault;
  secrets: string[];
  logged: boolean;
}

/** The first value of a request header. */
export function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** A new exchange; `apiKeys` join the caller's token among the strings that must never reach the log. */
export function newExchange(req: http.IncomingMessage, res: http.ServerResponse, started: number, bytes: Buffer, apiKeys: readonly string[]): Exchange {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(", ") : v;
  };
  const token = header("x-auth-token");
  const rawBody = bytes.toString("utf8");
  return {
    req,
    res,
    started,
    method: (req.method ?? "GET").toUpperCase(),
    path: req.url ?? "/",
    accept: header("accept"),
    contentType: header("content-type"),
    operation: "unknown",
    rawBody,
    bytes,
    json: rawBody.length > 0 ? parseJson(rawBody) : undefined,
    secrets: [...(token ? [token] : []), ...apiKeys],
    logged: false,
  };
}

/** What reading a request body gave. */
export interface ReadBody {
  bytes: Buffer;
  size: number;
  tooLarge: boolean;
  aborted: boolean;
}

/**
 * Reads the whole body; `aborted` when the client went away before sending all of it. Past
 * `max` bytes the rest is read and dropped (`tooLarge`), so that a 413 can still be answered.
 */
export function readBody(req: http.IncomingMessage, max = MAX_BODY_BYTES): Promise<ReadBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const done = () => resolve({ bytes: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), size, tooLarge, aborted: !req.complete });
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        tooLarge = true;
        chunks.length = 0;
      } else chunks.push(c);
    });
    req.on("end", done);
    req.on("error", done);
    req.on("close", done);
  });
}
