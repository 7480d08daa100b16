/**
 * Stage 1, route: names the request's operation and ticket, or refuses it with 404 / 405 (Allow header).
 */
import { ApiFault } from "../errors";
import type { Route, Routed } from "../routes";
import type { Exchange } from "./exchange";

export function routeStage(ex: Exchange, pathname: string, router: (method: string, pathname: string) => Routed): Route {
  const routed = router(ex.method, pathname);
  if (routed.kind === "notFound") throw new ApiFault(404, `No such resource: ${ex.method} ${pathname}`, "notFound");
  if (routed.kind === "methodNotAllowed") {
    ex.ticketId = routed.ticketId;
    throw new ApiFault(405, `Method ${ex.method} is not allowed on ${pathname} (allowed: ${routed.allow.join(", ")})`, "methodNotAllowed", {
      Allow: routed.allow.join(", "),
    });
  }
  ex.operation = routed.route.operation;
  ex.ticketId = routed.route.ticketId;
  return routed.route;
}
