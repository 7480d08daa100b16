/**
 * Stage 7, rules: applies the checked input through the business rules and shapes the success reply (status quirks included).
 */
import type { AttachmentService } from "../attachments";
import { ApiFault } from "../errors";
import { findResource, listResources, resourceView } from "../resources";
import type { TicketService } from "../tickets";
import type { SimResource, SimUser } from "../types/entities";
import type { SimQuirks } from "../types/options";
import type { Exchange, Reply } from "./exchange";
import type { Input } from "./body";

export interface RulesDeps {
  readonly service: TicketService;
  readonly files: AttachmentService;
  readonly quirks: Required<SimQuirks>;
  readonly devices: readonly SimResource[];
  readonly resourcesUrl: string;
}

export function rulesStage(deps: RulesDeps, ex: Exchange, user: SimUser, input: Input, type: string): Reply {
  const ok = (status: number, body?: unknown, headers?: Record<string, string>): Reply => ({ status, body, contentType: type, headers });
  const { service, quirks } = deps;
  switch (input.operation) {
    case "getAccounts":
      return ok(200, { accounts: service.accountsFor(user).map((a) => structuredClone(a)) });
    case "getCategories":
      return ok(200, { categories: service.allCategories() });
    case "listTickets":
      return ok(200, { tickets: service.list(user, input.filters) });
    case "getTicket":
      return ok(200, service.get(user, input.ticketId));
    case "createTicket": {
      const t = service.create(user, input.body);
      ex.ticketId = t.ticketId;
      const status = quirks.createStatus;
      return ok(status, t, status === 201 ? { Location: `/tickets/${encodeURIComponent(t.ticketId)}` } : undefined);
    }
    case "patchTicket": {
      const t = service.patch(user, input.ticketId, input.body);
      return quirks.patchStatus === 200 ? ok(200, t) : ok(204);
    }
    case "addComment": {
      const t = service.comment(user, input.ticketId, input.body);
      return quirks.commentStatus === 200 ? ok(200, t) : ok(204);
    }
    case "createAttachment":
      // Docs §4.7 list the roles allowed; the simulator has no role model beyond observer accounts.
      return ok(201, deps.files.createSlot(user.username, input.file.filename));
    case "getResources": {
      const mine = new Set(service.accountsFor(user).map((a) => a.id));
      if ("resourceId" in input) return ok(200, resourceView(findResource(deps.devices, mine, input.resourceId), deps.resourcesUrl));
      return ok(200, { resources: listResources(deps.devices, mine, input.query).map((d) => resourceView(d, deps.resourcesUrl)) });
    }
    default:
      throw new ApiFault(404, `No such resource: ${ex.method} ${new URL(ex.path, "http://sim.invalid").pathname}`, "notFound");
  }
}
