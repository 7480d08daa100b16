/**
 * The inputs of a RackspaceTicket: their schema, the unknown-value rules of a
 * preview, and `check` (one CheckFailure per problem, before any API call).
 */
import { z } from "zod";
import { normalizeName } from "../../lookups/catalog";
import { isUnknown, SECRECY_KEYS } from "../keys";
import { INPUT_FIELDS, SEVERITIES, shapeOf, TEXT_INPUTS } from "./fields";

export { AttachmentSchema, CommentSchema, LIMITS } from "../history/entry-schema";
export { IMPORT_KEY, NAME_KEY, PROJECT_KEY, PROVIDER_KEY, STACK_KEY, THREAD_KEY, UNKNOWN } from "../keys";

export { SEVERITIES } from "./fields";

/** The five categories the docs name (§7); others are refused at check unless `rackspace:allowAnyCategory` is on. */
export const DOCUMENTED_CATEGORIES = ["Account", "Billing and Payments", "Change", "Request for Information", "Incident"] as const;

/** A severity in the API's spelling when it is one without regard to case (`normal` → `Normal`); anything else as it is. */
export function canonicalSeverity(v: unknown): unknown {
  if (typeof v !== "string" || isUnknown(v)) return v;
  return SEVERITIES.find((s) => s.toLowerCase() === v.trim().toLowerCase()) ?? v;
}

/** The documented category a name means, if any. */
export function documentedCategory(name: string): string | undefined {
  const k = normalizeName(name);
  return DOCUMENTED_CATEGORIES.find((c) => normalizeName(c) === k);
}

export { INPUT_FIELDS, REPLACE_FIELDS } from "./fields";

/** What `check` accepts: the field table's schemas (./fields), nothing else. */
export const TicketInputsSchema = z.strictObject(shapeOf(), {
  error: (i) => (i.code === "unrecognized_keys" ? `unknown property; RackspaceTicket accepts ${INPUT_FIELDS.join(", ")}` : undefined),
});

/**
 * The inputs of a RackspaceTicket once validated: the schema's output, so the type cannot drift
 * from what `check` accepts. The user-facing documentation of each field is on RackspaceTicketArgs (./resource).
 */
export type TicketInputs = z.output<typeof TicketInputsSchema>;

export interface CheckFailure {
  property: string;
  reason: string;
}

/** Removes the bookkeeping keys (`__provider`, `__resourceName`, `__project`, `__stack`, `thread`); what is left is what the user declared. */
export function userInputs(props: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props ?? {})) {
    if (k.startsWith("__") || SECRECY_KEYS.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

/** Replaces unknowns (whole fields or list entries) by placeholders that pass validation, remembering where they were. */
function withoutUnknowns(inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) {
    if (isUnknown(v)) continue;
    if (Array.isArray(v)) {
      out[k] = v.filter((e) => !isUnknown(e));
      continue;
    }
    out[k] = v;
  }
  return out;
}

function pathOf(path: ReadonlyArray<PropertyKey>): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

/** Options of `check` that come from stack config. */
export interface CheckOptions {
  /** Let a category the docs do not name through to the API (`rackspace:allowAnyCategory`). */
  allowAnyCategory?: boolean;
}

/**
 * One failure as the engine should print it. The engine prints the value of a top-level
 * property beside the reason, so a nested path, a free-text field or a long value is
 * named in the reason instead (property ""), and no value is echoed.
 */
function failureAt(path: string, reason: string, declared: Record<string, unknown>): CheckFailure {
  const topLevel = /^[A-Za-z_]\w*$/.test(path);
  const value = topLevel ? declared[path] : undefined;
  const short = value === undefined || JSON.stringify(value).length <= 80;
  if (topLevel && short && !TEXT_INPUTS.has(path)) return { property: path, reason };
  return { property: "", reason: `${path}: ${reason}` };
}

/** The path of an issue in the declared lists (positions refer to the list with unknowns removed; map them back). */
function declaredPath(issuePath: ReadonlyArray<PropertyKey>, declared: Record<string, unknown>): ReadonlyArray<PropertyKey> {
  const path = [...issuePath];
  if (path.length >= 2 && typeof path[1] === "number" && Array.isArray(declared[String(path[0])])) {
    const original = declared[String(path[0])] as unknown[];
    let seen = -1;
    for (let i = 0; i < original.length; i++) {
      if (!isUnknown(original[i])) seen++;
      if (seen === path[1]) {
        path[1] = i;
        break;
      }
    }
  }
  return path;
}

/**
 * Validates new inputs against the schema (and the documented categories). Unknown
 * values are accepted as they are (a preview); nothing here calls the API. The
 * append-only rule of the comments is the diff's (./append-only): it must hold against
 * what is on the ticket, which only the recorded outputs know.
 */
export function checkInputs(news: Record<string, unknown>, options: CheckOptions = {}): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const declared = userInputs(news);
  const unknownFields = new Set(Object.keys(declared).filter((k) => isUnknown(declared[k])));
  const parsed = TicketInputsSchema.safeParse(withoutUnknowns(declared));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // A field unknown until apply is not missing: it is checked again when known.
      if (issue.path.length > 0 && unknownFields.has(String(issue.path[0]))) continue;
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) failures.push(failureAt(pathOf([...issue.path, key]), issue.message, declared));
        continue;
      }
      failures.push(failureAt(pathOf(declaredPath(issue.path, declared)) || "(inputs)", issue.message, declared));
    }
  }
  const category = declared.category;
  if (!options.allowAnyCategory && typeof category === "string" && !isUnknown(category) && category.trim() && !documentedCategory(category)) {
    failures.push(
      failureAt(
        "category",
        `${JSON.stringify(category.slice(0, 80))} is not one of the documented categories (${DOCUMENTED_CATEGORIES.join(", ")}; case, "&" and plurals do not matter). ` +
          "If your account has other categories (GET /categories), run `pulumi config set rackspace:allowAnyCategory true`.",
        declared,
      ),
    );
  }
  return failures;
}

/** Parses inputs known to be valid (create/update time: no unknowns left). */
export function parseInputs(props: Record<string, unknown>): TicketInputs {
  return TicketInputsSchema.parse(userInputs(props));
}
