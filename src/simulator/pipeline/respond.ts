/**
 * Sends a reply (or drops the connection) and records the request exactly once in the log, secrets redacted.
 */
import type * as http from "node:http";
import type { ApiFault } from "../errors";
import { faultBody } from "../errors";
import { redact, type RequestLog } from "../log";
import { JSON_MEDIA_TYPE } from "../media";
import type { RequestLogEntry } from "../types/log";
import type { Exchange, Reply } from "./exchange";

/** Where a finished request is recorded. */
export interface Recorder {
  readonly log: RequestLog;
  readonly logger?: (line: string) => void;
}

/** Writes a reply unless the response is already gone; 204 carries a JSON Content-Type and no body (docs §8.4). */
export function send(res: http.ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | undefined;
  if (reply.body !== undefined && reply.status !== 204 && reply.status !== 304) {
    payload = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    headers["Content-Type"] = reply.contentType ?? JSON_MEDIA_TYPE;
    headers["Content-Length"] = String(Buffer.byteLength(payload));
  } else if (reply.status === 204) {
    headers["Content-Type"] = JSON_MEDIA_TYPE;
  } else {
    headers["Content-Length"] = "0";
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** The fault response for an ApiFault. */
export function faultReply(e: ApiFault): Reply {
  return { status: e.status, body: e.body, contentType: JSON_MEDIA_TYPE, headers: e.headers, faultCode: e.faultCode, message: e.message };
}

/** Sends the reply and records it. */
export function finish(rec: Recorder, ex: Exchange, reply: Reply): void {
  send(ex.res, reply);
  record(rec, ex, reply.status, { faultCode: reply.faultCode, message: reply.message });
}

/** Destroys the connection without an answer; `droppedStatus` is what would have been sent. */
export function drop(rec: Recorder, ex: Exchange, droppedStatus?: number): void {
  ex.req.socket.destroy();
  record(rec, ex, 0, { droppedStatus });
}

/** A held request whose client went away or whose simulator closed. */
export function abandon(rec: Recorder, ex: Exchange): void {
  if (!ex.res.destroyed) ex.req.socket.destroy();
  record(rec, ex, 0, { message: "abandoned: the client disconnected or the simulator closed while the request was held" });
}

/** Appends the request-log entry (once per exchange) and the logger line. */
export function record(rec: Recorder, ex: Exchange, status: number, extra: Partial<RequestLogEntry>): void {
  if (ex.logged) return;
  ex.logged = true;
  const entry: Omit<RequestLogEntry, "seq"> = {
    at: new Date(ex.started).toISOString(),
    method: ex.method,
    path: ex.path,
    operation: ex.operation,
    status,
    durationMs: Date.now() - ex.started,
  };
  if (ex.ticketId !== undefined) entry.ticketId = ex.ticketId;
  if (ex.json?.ok) entry.body = redact(ex.json.value, ex.secrets);
  else if (ex.logBody !== undefined) entry.body = redact(ex.logBody, ex.secrets);
  if (ex.accept !== undefined) entry.accept = ex.accept;
  if (ex.contentType !== undefined) entry.contentType = ex.contentType;
  if (ex.user !== undefined) entry.user = ex.user;
  if (ex.fault) entry.fault = ex.fault.kind;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (entry as Record<string, unknown>)[k] = v;
  if (typeof entry.message === "string") entry.message = redact(entry.message, ex.secrets) as string;
  rec.log.append(entry);
  if (rec.logger) {
    const note = ex.fault ? ` [fault: ${ex.fault.kind}]` : "";
    const shown = status === 0 ? (extra.droppedStatus ? `dropped (applied, would be ${extra.droppedStatus})` : "no response") : String(status);
    rec.logger(`${ex.method} ${ex.path} → ${shown} (${ex.operation}${ex.user ? `, ${ex.user}` : ""}, ${entry.durationMs} ms)${note}`);
  }
}

/** A 500 for an unexpected error (a simulator bug), with a logger line. */
export function internalError(rec: Recorder, res: http.ServerResponse, e: unknown): void {
  const message = `simulator internal error: ${e instanceof Error ? e.message : String(e)}`;
  rec.logger?.(message);
  send(res, { status: 500, body: faultBody(500, message), contentType: JSON_MEDIA_TYPE });
}
