/**
 * Stage 5, media type: picks the response type from Accept — contract version 2 or plain JSON — or refuses with 406.
 */
import { ApiFault } from "../errors";
import { JSON_MEDIA_TYPE, mediaTypes, negotiate, V2_MEDIA_TYPE } from "../media";
import type { SimOperation } from "../types/operations";
import type { Exchange } from "./exchange";

/**
 * Response type for POST /attachment: as for ticketing, and JSON when the client only accepts
 * multipart/form-data (the attachments page documents that Accept for a JSON answer, §8.22).
 */
export function negotiateAttachment(accept: string | undefined): string | undefined {
  const type = negotiate(accept);
  if (type !== undefined) return type;
  const types = mediaTypes(accept);
  return types.includes("multipart/form-data") || types.includes("multipart/*") ? JSON_MEDIA_TYPE : undefined;
}

export function mediaTypeStage(ex: Exchange, operation: SimOperation): string {
  const attachment = operation === "createAttachment";
  const type = attachment ? negotiateAttachment(ex.accept) : negotiate(ex.accept);
  if (type !== undefined) return type;
  const also = attachment ? " (multipart/form-data, as the attachments page documents, is answered with JSON too)" : "";
  throw new ApiFault(406, `Cannot answer with '${ex.accept}': this API serves ${V2_MEDIA_TYPE} (contract version 2) or ${JSON_MEDIA_TYPE}${also}`, "notAcceptable");
}
