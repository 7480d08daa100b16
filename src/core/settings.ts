/**
 * The provider's own switches from stack config (`rackspace:*`, delivered to `configure`), then the RACKSPACE_* environment.
 * The keys and the client options live below, in ../config, shared with the lookups.
 */
import type { ConfigSource } from "../config/keys";

/** Whether the description footer is on (stack config, then RACKSPACE_MARKER_FOOTER; default on). */
export function markerFooterFromConfig(config: ConfigSource | undefined, env: Record<string, string | undefined> = process.env): boolean {
  const v = config?.get("rackspace:markerFooter") ?? env.RACKSPACE_MARKER_FOOTER;
  return v === undefined || v.trim() === "" || !/^(off|false|0|no)$/i.test(v.trim());
}

/** Whether `check` validates category, subcategory and severity against the account (opt-in: it costs two GETs). */
export function validateAgainstAccountFromConfig(config: ConfigSource | undefined, env: Record<string, string | undefined> = process.env): boolean {
  const v = config?.get("rackspace:validateAgainstAccount") ?? env.RACKSPACE_VALIDATE_AGAINST_ACCOUNT;
  return v !== undefined && /^(on|true|1|yes)$/i.test(v.trim());
}

/** Whether `check` lets a category the docs do not name through to the API (opt-out of the documented five; default off). */
export function allowAnyCategoryFromConfig(config: ConfigSource | undefined, env: Record<string, string | undefined> = process.env): boolean {
  const v = config?.get("rackspace:allowAnyCategory") ?? env.RACKSPACE_ALLOW_ANY_CATEGORY;
  return v !== undefined && /^(on|true|1|yes)$/i.test(v.trim());
}
