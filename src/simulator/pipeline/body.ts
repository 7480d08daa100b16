/**
 * Stage 6, body: turns the request's body and query into the checked input of its operation, or refuses with 400 saying what is wrong.
 */
import { parseAttachmentForm, type FormFile } from "../attachment-form";
import { filenameProblem } from "../attachment-names";
import { ApiFault } from "../errors";
import { contentTypeProblem, JSON_MEDIA_TYPE, V2_MEDIA_TYPE } from "../media";
import { parseResourcesQuery, type ResourcesQuery } from "../resources";
import type { Route } from "../routes";
import { AddCommentBody, CreateTicketBody, describeIssues, PatchTicketBody } from "../schemas";
import type { ListFilters } from "../tickets";
import type { z } from "zod";
import type { Exchange } from "./exchange";

const TICKETING_BODY_TYPES = [JSON_MEDIA_TYPE, V2_MEDIA_TYPE] as const;

/** The checked input of a token-authenticated operation. */
export type Input =
  | { operation: "getAccounts" }
  | { operation: "getCategories" }
  | { operation: "listTickets"; filters: ListFilters }
  | { operation: "getTicket"; ticketId: string }
  | { operation: "createTicket"; body: CreateTicketBody }
  | { operation: "patchTicket"; ticketId: string; body: PatchTicketBody }
  | { operation: "addComment"; ticketId: string; body: AddCommentBody }
  | { operation: "createAttachment"; file: FormFile }
  | { operation: "getResources"; resourceId: string }
  | { operation: "getResources"; query: ResourcesQuery }
  | { operation: "none" };

/** The request's JSON body, after Content-Type and syntax checks. */
export function jsonBody(ex: Exchange, allowedTypes: readonly string[]): unknown {
  if (ex.rawBody.length === 0) throw new ApiFault(400, "A JSON request body is required", "badRequest");
  const problem = contentTypeProblem(ex.contentType, allowedTypes);
  if (problem) throw new ApiFault(400, problem, "badRequest");
  const json = ex.json;
  if (!json || !json.ok) throw new ApiFault(400, `The request body is not valid JSON: ${json && !json.ok ? json.error : "empty"}`, "badRequest");
  return json.value;
}

function validate<T>(ex: Exchange, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(jsonBody(ex, TICKETING_BODY_TYPES));
  if (!parsed.success) throw new ApiFault(400, `Invalid request body: ${describeIssues(parsed.error)}`, "badRequest");
  return parsed.data;
}

export async function bodyStage(ex: Exchange, r: Route, url: URL): Promise<Input> {
  const ticketId = r.ticketId as string;
  switch (r.operation) {
    case "getAccounts":
    case "getCategories":
      return { operation: r.operation };
    case "listTickets": {
      const q = (name: string) => url.searchParams.get(name) ?? undefined;
      return { operation: "listTickets", filters: { accountId: q("accountId"), status: q("status"), subject: q("subject"), q: q("q") } };
    }
    case "getTicket":
      return { operation: "getTicket", ticketId };
    case "createTicket":
      return { operation: "createTicket", body: validate(ex, CreateTicketBody) };
    case "patchTicket":
      return { operation: "patchTicket", ticketId, body: validate(ex, PatchTicketBody) };
    case "addComment":
      return { operation: "addComment", ticketId, body: validate(ex, AddCommentBody) };
    case "createAttachment": {
      const file = await parseAttachmentForm(ex.contentType, ex.bytes);
      ex.logBody = { filename: { filename: file.filename, size: file.size, type: file.type } };
      const problem = filenameProblem(file.filename);
      if (problem) throw new ApiFault(400, problem, "badRequest");
      return { operation: "createAttachment", file };
    }
    case "getResources":
      if (r.resourceId !== undefined) return { operation: "getResources", resourceId: r.resourceId };
      return { operation: "getResources", query: parseResourcesQuery(url.searchParams) };
    default:
      return { operation: "none" };
  }
}
