/**
 * The admin API under /_sim/ drives a simulator only through its public Simulator controls, bodies checked with zod (400 on anything else).
 *
 * No auth, JSON in and out, so that other processes — the Pulumi
 * provider host, demo scripts, curl — can drive the simulator. Admin calls are not logged.
 *
 *   GET    /_sim                          status: URLs, limits, counts, endpoint list
 *   GET    /_sim/requests[?since=SEQ]     request log ({requests: [...]})
 *   DELETE /_sim/requests                 clear the log
 *   GET    /_sim/faults                   armed faults
 *   POST   /_sim/faults                   arm a fault (body as injectFault)
 *   DELETE /_sim/faults                   disarm all
 *   GET    /_sim/tickets                  every ticket ({tickets: [...]})
 *   GET    /_sim/tickets/{id}             one ticket
 *   POST   /_sim/tickets/{id}/racker      act as a Racker (body as actAsRacker) → the ticket;
 *                                          with afterMs: later (as scheduleRacker) → 202 {scheduled}
 *   GET    /_sim/racker-rules             {rules} in force
 *   PUT    /_sim/racker-rules             {rules: [...]} or [...] (as setRackerRules) → {rules}
 *   GET    /_sim/racker-actions           {actions: rackerActions(), pending: pendingRackerActions()}
 *   GET    /_sim/attachments              upload slots ({attachments: [...]}, as sim.attachments())
 *   GET    /_sim/resources                devices of the resources host ({resources: [...]}, every status)
 *   POST   /_sim/reset                    clear tickets, attachments, log, faults, rate windows and Racker actions
 *   GET    /_sim/limits                   {windowMs, limits}
 *   PUT    /_sim/limits                   {windowMs?, limits?}
 *   POST   /_sim/expire-tokens            expire every token
 *   POST   /_sim/tokens                   {username?} → {token} (a ready token)
 */
import type * as http from "node:http";
import type { z } from "zod";
import { ApiFault, faultBody } from "./errors";
import { FaultSchema, IssueTokenBody, LimitsUpdate, RackerRequestSchema, RackerRulesBody, describeIssues } from "./schemas";
import { send } from "./pipeline/respond";
import type { Fault } from "./types/faults";
import type { RackerAction, RackerRule } from "./types/racker";
import type { Simulator } from "./types/simulator";

/** What the admin API needs of a simulator: its public controls, never its listeners. */
export type AdminTarget = Omit<Simulator, "close">;

/** Whether a main-listener path belongs to the admin API. */
export function isAdminPath(pathname: string): boolean {
  return pathname === "/_sim" || pathname.startsWith("/_sim/");
}

const ENDPOINTS = [
  "GET /_sim",
  "GET /_sim/requests?since=SEQ",
  "DELETE /_sim/requests",
  "GET /_sim/faults",
  "POST /_sim/faults",
  "DELETE /_sim/faults",
  "GET /_sim/tickets",
  "GET /_sim/tickets/{id}",
  "POST /_sim/tickets/{id}/racker",
  "GET /_sim/racker-rules",
  "PUT /_sim/racker-rules",
  "GET /_sim/racker-actions",
  "GET /_sim/attachments",
  "GET /_sim/resources",
  "POST /_sim/reset",
  "GET /_sim/limits",
  "PUT /_sim/limits",
  "POST /_sim/expire-tokens",
  "POST /_sim/tokens",
];

export function handleAdmin(sim: AdminTarget, req: http.IncomingMessage, res: http.ServerResponse, url: URL, rawBody: string): void {
  const method = (req.method ?? "GET").toUpperCase();
  const ok = (body: unknown, status = 200) => send(res, { status, body, contentType: "application/json" });
  try {
    const segs = url.pathname.replace(/\/+$/, "").split("/").slice(2); // after "/_sim"
    const key = segs.length >= 2 && segs[0] === "tickets" ? ["tickets", "{id}", ...segs.slice(2)].join("/") : segs.join("/");
    const ticketId = segs[0] === "tickets" && segs[1] !== undefined ? decodeURIComponent(segs[1]) : undefined;
    const body = <T>(schema: z.ZodType<T>): T => {
      let json: unknown = {};
      if (rawBody.trim().length > 0) {
        try {
          json = JSON.parse(rawBody);
        } catch (e) {
          throw new ApiFault(400, `The request body is not valid JSON: ${(e as Error).message}`, "badRequest");
        }
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new ApiFault(400, `Invalid request body: ${describeIssues(parsed.error)}`, "badRequest");
      return parsed.data;
    };
    const allow = (methods: string[]) => {
      if (!methods.includes(method)) {
        throw new ApiFault(405, `Method ${method} is not allowed on ${url.pathname} (allowed: ${methods.join(", ")})`, "methodNotAllowed", {
          Allow: methods.join(", "),
        });
      }
    };

    switch (key) {
      case "":
        allow(["GET"]);
        return ok({
          url: sim.url,
          identityUrl: sim.identityUrl,
          ticketingUrl: sim.ticketingUrl,
          resourcesUrl: sim.resourcesUrl,
          adminUrl: `${sim.url}/_sim/`,
          ...sim.getLimits(),
          tickets: sim.tickets().length,
          attachments: sim.attachments().length,
          requests: sim.requests().length,
          faults: sim.faults(),
          racker: { rules: sim.rackerRules().length, pending: sim.pendingRackerActions().length, ran: sim.rackerActions().length },
          endpoints: ENDPOINTS,
        });
      case "requests": {
        allow(["GET", "DELETE"]);
        if (method === "DELETE") {
          sim.clearRequests();
          return ok({ ok: true });
        }
        const since = url.searchParams.get("since");
        const n = since === null ? undefined : Number(since);
        if (n !== undefined && !Number.isFinite(n)) throw new ApiFault(400, `since must be a number, got '${since}'`, "badRequest");
        return ok({ requests: sim.requests(n === undefined ? undefined : { since: n }) });
      }
      case "faults":
        allow(["GET", "POST", "DELETE"]);
        if (method === "GET") return ok({ faults: sim.faults() });
        if (method === "DELETE") {
          sim.clearFaults();
          return ok({ ok: true });
        }
        return ok({ fault: sim.injectFault(body(FaultSchema) as Fault) }, 201);
      case "tickets":
        allow(["GET"]);
        return ok({ tickets: sim.tickets() });
      case "tickets/{id}": {
        allow(["GET"]);
        const t = sim.getTicket(ticketId as string);
        if (!t) throw new ApiFault(404, "Ticket with this ID could not be found", "ticketNotFound");
        return ok(t);
      }
      case "tickets/{id}/racker": {
        allow(["POST"]);
        const { afterMs, ...action } = body(RackerRequestSchema);
        if (afterMs !== undefined) return ok({ scheduled: sim.scheduleRacker(ticketId as string, { ...action, afterMs }) }, 202);
        return ok(sim.actAsRacker(ticketId as string, action as RackerAction));
      }
      case "racker-rules": {
        allow(["GET", "PUT"]);
        if (method === "PUT") {
          const b = body(RackerRulesBody);
          sim.setRackerRules((Array.isArray(b) ? b : b.rules) as RackerRule[]);
        }
        return ok({ rules: sim.rackerRules() });
      }
      case "racker-actions":
        allow(["GET"]);
        return ok({ actions: sim.rackerActions(), pending: sim.pendingRackerActions() });
      case "attachments":
        allow(["GET"]);
        return ok({ attachments: sim.attachments() });
      case "resources":
        allow(["GET"]);
        return ok({ resources: sim.resources() });
      case "reset":
        allow(["POST"]);
        sim.reset();
        return ok({ ok: true });
      case "limits": {
        allow(["GET", "PUT"]);
        if (method === "PUT") {
          const u = body(LimitsUpdate);
          if (u.windowMs !== undefined) sim.setWindowMs(u.windowMs);
          if (u.limits) sim.setLimits(u.limits);
        }
        return ok(sim.getLimits());
      }
      case "expire-tokens":
        allow(["POST"]);
        sim.expireTokens();
        return ok({ ok: true });
      case "tokens": {
        allow(["POST"]);
        const { username } = body(IssueTokenBody);
        try {
          return ok({ token: sim.issueToken(username) }, 201);
        } catch (e) {
          throw new ApiFault(400, (e as Error).message, "badRequest");
        }
      }
      default:
        throw new ApiFault(404, `No such admin endpoint: ${method} ${url.pathname} (see GET /_sim)`, "notFound");
    }
  } catch (e) {
    if (e instanceof ApiFault) return send(res, { status: e.status, body: e.body, contentType: "application/json", headers: e.headers });
    if (e instanceof RangeError || e instanceof URIError) return send(res, { status: 400, body: faultBody(400, e.message), contentType: "application/json" });
    throw e;
  }
}
