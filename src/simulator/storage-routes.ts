/**
 * The object-storage routes of attachments (Swift, not the Ticketing API): PUT /_uploads/{uuid} and GET/HEAD /_files/{uuid}, plain-text answers, no token, no rate limit, no fault, no request-log entry.
 */
import type * as http from "node:http";
import type { AttachmentService } from "./attachments";
import { headerValue, MAX_BODY_BYTES, readBody } from "./pipeline/exchange";

/** Whether a main-listener path belongs to object storage. */
export function isStoragePath(pathname: string): boolean {
  return pathname.startsWith("/_uploads/") || pathname.startsWith("/_files/");
}

const TEXT = { "Content-Type": "text/plain; charset=utf-8" };

/** Serves one object-storage request; one logger line each (the path only: an upload URL's query is its signature). */
export async function serveStorage(
  files: AttachmentService,
  logger: ((line: string) => void) | undefined,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  started: number,
): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const upload = url.pathname.startsWith("/_uploads/");
  const rest = url.pathname.slice(upload ? "/_uploads/".length : "/_files/".length);
  let uuid: string | undefined;
  try {
    uuid = rest.includes("/") ? undefined : decodeURIComponent(rest);
  } catch {
    uuid = undefined;
  }
  const allowed = upload ? ["PUT"] : ["GET", "HEAD"];
  const rec = uuid ? files.find(uuid) : undefined;
  const read = await readBody(req, rec?.maxBytes ?? MAX_BODY_BYTES);
  if (read.aborted && !read.tooLarge) {
    req.socket.destroy();
    return;
  }
  let reply: { status: number; body?: string | Buffer; headers?: Record<string, string> };
  if (!allowed.includes(method)) {
    reply = { status: 405, body: `Method ${method} is not allowed here (allowed: ${allowed.join(", ")})`, headers: { Allow: allowed.join(", "), ...TEXT } };
  } else if (upload) {
    const sentToken = req.headers["x-auth-token"] !== undefined;
    reply = uuid === undefined ? { status: 401, body: "Temp URL invalid", headers: TEXT } : files.upload(uuid, url.searchParams, started, read, headerValue(req, "content-type"), sentToken);
  } else {
    reply = uuid === undefined ? { status: 404, body: "Not Found", headers: TEXT } : files.download(uuid);
  }
  if (!res.destroyed && !res.headersSent) {
    const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body);
    res.writeHead(reply.status, { ...reply.headers, "Content-Length": String(body.length) });
    res.end(method === "HEAD" ? undefined : body);
  }
  const what = upload ? `upload, ${read.size} bytes` : "file";
  logger?.(`${method} ${url.pathname} → ${reply.status} (${what}, ${Date.now() - started} ms)`);
}
