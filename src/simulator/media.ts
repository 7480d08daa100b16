/**
 * Media types (docs §3): reads Accept and Content-Type headers; the simulator serves contract version 2 only.
 */

export const V2_MEDIA_TYPE = "application/vnd.ticketing.v2+json";
export const JSON_MEDIA_TYPE = "application/json";

/** Media type names (lower-case, no parameters) of an Accept or Content-Type header, q=0 excluded. */
export function mediaTypes(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((part) => {
      const [type, ...params] = part.split(";").map((s) => s.trim());
      const q = params.find((p) => /^q\s*=/i.test(p));
      if (q && Number(q.split("=")[1]) === 0) return "";
      return type.toLowerCase();
    })
    .filter((t) => t.length > 0);
}

/**
 * Response Content-Type for a ticketing request: the v2 vendor type, or application/json when
 * that is what the client asked for. Undefined when the Accept header admits neither
 * (e.g. only the v1 contract or text/html) → 406.
 */
export function negotiate(accept: string | undefined): string | undefined {
  const types = mediaTypes(accept);
  if (types.length === 0) return V2_MEDIA_TYPE;
  if (types.includes(V2_MEDIA_TYPE)) return V2_MEDIA_TYPE;
  if (types.includes(JSON_MEDIA_TYPE)) return JSON_MEDIA_TYPE;
  if (types.includes("*/*") || types.includes("application/*")) return V2_MEDIA_TYPE;
  return undefined;
}

/**
 * Why a request body's Content-Type is not acceptable, or undefined when it is.
 * Ticketing accepts application/json and the v2 vendor type; identity only application/json.
 */
export function contentTypeProblem(contentType: string | undefined, allowed: readonly string[]): string | undefined {
  const [type] = mediaTypes(contentType);
  if (!type) return `a request body needs a Content-Type header (${allowed.join(" or ")})`;
  if (!allowed.includes(type)) {
    if (type === "application/vnd.ticketing.v1+json") return `Content-Type ${type} is contract version 1; this API speaks version 2 (${allowed.join(" or ")})`;
    return `unsupported Content-Type '${type}': send the JSON body as ${allowed.join(" or ")}`;
  }
  return undefined;
}
