/**
 * What the engine hands a RackspaceTicket's provider, typed once: the inputs it checks (a record of unknowns) and the records it keeps (outputs plus bookkeeping).
 *
 * The engine passes `check` the user's inputs, the bookkeeping keys of ./keys and, at a
 * preview, unknown placeholders anywhere: nothing there is known until ./inputs validates it.
 * diff, update, read and delete receive what create or update recorded: the outputs of
 * ./outputs plus the bookkeeping, in the current shape once ./state has migrated them.
 */
import { parseInputs, TicketInputs, userInputs } from "./inputs";
import { IMPORT_KEY, NAME_KEY, ORGANIZATION_KEY, PARENT_KEY, PROJECT_KEY, PROVIDER_KEY, REPLACE_ON_CHANGES_KEY, SECRECY_KEYS, SECRET_INPUTS_KEY, STACK_KEY, STATE_VERSION_KEY, URN_KEY } from "../keys";
import type { ResourceRef } from "./marker";
import type { KeptOutputs, TicketOutputs } from "./outputs";
import { EntryRecord, recordsOf } from "../history/posted";

/** Inputs as the engine passes them: user inputs and bookkeeping keys, any value possibly the unknown placeholder. */
export type EngineInputs = Record<string, unknown>;

/** The bookkeeping keys RackspaceTicket sends beside the inputs (see ./keys); the engine keeps some in the record. */
export type Bookkeeping = {
  /** The serialized provider (a string of code the host runs). */
  [PROVIDER_KEY]?: unknown;
  [NAME_KEY]?: string;
  [PROJECT_KEY]?: string;
  [STACK_KEY]?: string;
  [ORGANIZATION_KEY]?: string;
  [PARENT_KEY]?: string;
  [IMPORT_KEY]?: boolean;
  [REPLACE_ON_CHANGES_KEY]?: unknown;
  [SECRET_INPUTS_KEY]?: unknown;
  [STATE_VERSION_KEY]?: number;
};

/**
 * A record as the engine keeps it: the outputs and bookkeeping. Any field may be missing (a
 * record of an older version, the bare id of `pulumi import`, a gone ticket's empty record).
 */
export type TicketRecord = Partial<TicketOutputs> & Bookkeeping;

/** A record once ./state has migrated it: the fields every version since 0.3 records are there. */
export type MigratedRecord = TicketRecord & Pick<TicketOutputs, "status" | "posted" | "resources" | "thread">;

/** A string property of a record or of the inputs (undefined when absent or not a string). */
export function str(props: EngineInputs | TicketRecord | undefined, k: string): string | undefined {
  const v = (props as Record<string, unknown> | undefined)?.[k];
  return typeof v === "string" ? v : undefined;
}

/** The resource a property bag names (for the marker and for messages). */
export function refOf(props: EngineInputs | TicketRecord): ResourceRef {
  return { organization: str(props, ORGANIZATION_KEY), project: str(props, PROJECT_KEY), stack: str(props, STACK_KEY), parent: str(props, PARENT_KEY), name: str(props, NAME_KEY), urn: str(props, URN_KEY) };
}

/** What a recorded state carries over beside the API's view: the notes posted, the gate's record, the tickets it replaced. */
export function keptOf(olds: TicketRecord): KeptOutputs {
  const approval = olds.approval;
  const descriptionDigest = typeof olds.descriptionDigest === "string" ? olds.descriptionDigest : undefined;
  const replaces = Array.isArray(olds.replaces) ? olds.replaces.filter((t): t is string => typeof t === "string") : [];
  return {
    notes: recordsOf(olds.notes),
    ...(approval && typeof approval === "object" ? { approval: approval as KeptOutputs["approval"] } : {}),
    ...(descriptionDigest !== undefined ? { descriptionDigest } : {}),
    ...(replaces.length > 0 ? { replaces } : {}),
  };
}

/**
 * A record as the planner reads it (./plan): the inputs it carries and the outputs named by
 * SECRECY_KEYS (`posted`, `notes`, `descriptionDigest`…), which userInputs leaves out: as inputs,
 * those keys carry only the outputs' secretness.
 */
export function plannedFrom(olds: TicketRecord): Record<string, unknown> {
  const record = olds as Record<string, unknown>;
  return { ...userInputs(olds), ...Object.fromEntries(SECRECY_KEYS.map((k) => [k, record[k]])) };
}

/** The records of the entries of `comments` the record says are posted, in order. */
export function postedOf(olds: TicketRecord): EntryRecord[] {
  return recordsOf(olds.posted);
}

/** Inputs from recorded state, without failing on a field an older version did not record. */
export function parseInputsLenient(props: EngineInputs): TicketInputs {
  try {
    return parseInputs(props);
  } catch {
    return props as unknown as TicketInputs;
  }
}
