/**
 * Reads a 2xx answer tolerantly (a 204 or empty body is no body; PATCH and comments accept any body); an unreadable one is an InvalidResponseError, flagged may-have-been-applied on a write.
 */
import { InvalidResponseError, RackspaceApiError } from "./errors";
import type { HttpResponse } from "./http";
import type { RequestSpec } from "./request-spec";

/** The parsed answer of a 2xx response, or throws InvalidResponseError saying why it cannot be read. */
export function parseSuccess<T>(res: HttpResponse, spec: RequestSpec<T>, attempts: number): T {
  const text = res.body?.trim() ?? "";
  let json: unknown | undefined;
  // 204s may announce a JSON content type with an empty body (docs §8.4): look at the body itself.
  if (res.status !== 204 && text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      if (!spec.anyBody) throw badResponse(spec, res, attempts, "the response body is not JSON");
    }
  }
  try {
    return spec.parse(json);
  } catch (e) {
    const why = e instanceof Error && "issues" in e ? "the response does not have the documented shape" : e instanceof Error ? e.message : String(e);
    throw badResponse(spec, res, attempts, why);
  }
}

function badResponse<T>(spec: RequestSpec<T>, res: HttpResponse, attempts: number, why: string): RackspaceApiError {
  return new InvalidResponseError(why, {
    operation: spec.operation,
    ticketId: spec.ticketId,
    status: res.status,
    attempts,
    // The server said 2xx: a write went through even if we cannot read the answer.
    mayHaveBeenApplied: spec.method !== "GET",
  });
}
