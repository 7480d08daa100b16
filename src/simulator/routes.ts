/**
 * Maps a method and path on either listener to the operation it names, or to a 404 / 405 with the methods allowed.
 */
import type { RateClass, SimOperation } from "./types/operations";

/** Which listener a request came in on. */
export type Listener = "main" | "resources";

export interface Route {
  operation: SimOperation;
  ticketId?: string;
  rateClass?: RateClass;
  /** GET /resources/{id}. */
  resourceId?: string;
}

export type Routed = { kind: "ok"; route: Route } | { kind: "notFound" } | { kind: "methodNotAllowed"; allow: string[]; ticketId?: string };

/** A path segment, percent-decoded; undefined when it is empty or not valid percent-encoding. */
function decodeSegment(s: string): string | undefined {
  try {
    const d = decodeURIComponent(s);
    return d.length > 0 ? d : undefined;
  } catch {
    return undefined;
  }
}

/** Maps a method + path on the main listener to an operation (exported for unit tests). */
export function route(method: string, pathname: string): Routed {
  const segs = pathname.split("/").slice(1);
  const on = (allow: string[], pick: Record<string, Route>, ticketId?: string): Routed =>
    pick[method] ? { kind: "ok", route: pick[method] } : { kind: "methodNotAllowed", allow, ticketId };
  if (pathname === "/v2.0/tokens") return on(["POST"], { POST: { operation: "token" } });
  if (pathname === "/accounts") return on(["GET"], { GET: { operation: "getAccounts", rateClass: "read" } });
  if (pathname === "/categories") return on(["GET"], { GET: { operation: "getCategories", rateClass: "read" } });
  if (pathname === "/attachment") return on(["POST"], { POST: { operation: "createAttachment", rateClass: "attachment" } });
  if (pathname === "/tickets") {
    return on(["GET", "POST"], { GET: { operation: "listTickets", rateClass: "read" }, POST: { operation: "createTicket", rateClass: "create" } });
  }
  if (segs[0] === "tickets" && segs.length === 2) {
    const ticketId = decodeSegment(segs[1]);
    if (ticketId === undefined) return { kind: "notFound" };
    const patch: Route = { operation: "patchTicket", ticketId, rateClass: "patch" };
    return on(["GET", "PATCH", "PUT"], { GET: { operation: "getTicket", ticketId, rateClass: "read" }, PATCH: patch, PUT: patch }, ticketId);
  }
  if (segs[0] === "tickets" && segs.length === 3 && segs[2] === "comments") {
    const ticketId = decodeSegment(segs[1]);
    if (ticketId === undefined) return { kind: "notFound" };
    return on(["POST"], { POST: { operation: "addComment", ticketId, rateClass: "comment" } }, ticketId);
  }
  return { kind: "notFound" };
}

/** Maps a method + path on the resources listener to an operation (exported for unit tests). */
export function routeResources(method: string, pathname: string): Routed {
  const segs = pathname.split("/").slice(1);
  const allow = ["GET"];
  if (pathname === "/resources") return method === "GET" ? { kind: "ok", route: { operation: "getResources", rateClass: "resources" } } : { kind: "methodNotAllowed", allow };
  if (segs[0] === "resources" && segs.length === 2) {
    const id = decodeSegment(segs[1]);
    if (id === undefined) return { kind: "notFound" };
    return method === "GET" ? { kind: "ok", route: { operation: "getResources", rateClass: "resources", resourceId: id } } : { kind: "methodNotAllowed", allow };
  }
  return { kind: "notFound" };
}

/** The router of a listener. */
export function routerFor(listener: Listener): (method: string, pathname: string) => Routed {
  return listener === "resources" ? routeResources : route;
}
