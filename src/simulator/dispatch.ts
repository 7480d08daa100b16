/**
 * Sends every request on a listener to exactly one handler — object storage, the admin API or the API pipeline — after reading its body (413 past the limit, nothing at all for a client gone mid-body).
 */
import type * as http from "node:http";
import { handleAdmin, isAdminPath, type AdminTarget } from "./admin";
import type { SimCore } from "./core";
import { faultBody } from "./errors";
import { JSON_MEDIA_TYPE } from "./media";
import { MAX_BODY_BYTES, newExchange, readBody, type Reply } from "./pipeline/exchange";
import { finish, record, send } from "./pipeline/respond";
import { runPipeline } from "./pipeline/run";
import { routerFor, type Listener } from "./routes";
import { isStoragePath, serveStorage } from "./storage-routes";

export async function dispatch(core: SimCore, admin: AdminTarget, req: http.IncomingMessage, res: http.ServerResponse, listener: Listener): Promise<void> {
  const started = Date.now();
  const url = new URL(req.url ?? "/", "http://sim.invalid");
  const main = listener === "main";
  if (main && isStoragePath(url.pathname)) return serveStorage(core.files, core.logger, req, res, url, started);
  const isAdmin = main && isAdminPath(url.pathname);
  const router = routerFor(listener);
  const apiKeys = core.users.map((u) => u.apiKey);

  const read = await readBody(req);
  if (read.aborted && !read.tooLarge) {
    // The client went away mid-request: nothing is applied and there is no one to answer.
    req.socket.destroy();
    if (!isAdmin) record(core, newExchange(req, res, started, Buffer.alloc(0), apiKeys), 0, { message: "client disconnected before sending the whole request" });
    return;
  }
  if (read.tooLarge) {
    const reply: Reply = { status: 413, body: faultBody(413, `request body larger than ${MAX_BODY_BYTES} bytes`), contentType: JSON_MEDIA_TYPE };
    if (isAdmin) return send(res, reply);
    const ex = newExchange(req, res, started, Buffer.alloc(0), apiKeys);
    const routed = router(ex.method, url.pathname);
    if (routed.kind === "ok") [ex.operation, ex.ticketId] = [routed.route.operation, routed.route.ticketId];
    return finish(core, ex, reply);
  }
  if (isAdmin) return handleAdmin(admin, req, res, url, read.bytes.toString("utf8"));
  return runPipeline(core, newExchange(req, res, started, read.bytes, apiKeys), url, router);
}
