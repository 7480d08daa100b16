/**
 * `rackspace:validateAgainstAccount`: category, subcategory and severity checked against the account at `check`; silent when it cannot tell.
 */
import { cachedAccounts, cachedCategories, checkChoice } from "../../lookups/catalog";
import type { OperationContext } from "../context";
import type { CheckFailure } from "./inputs";
import { isUnknown } from "../keys";
import { describe, label } from "../messages";
import { EngineInputs, refOf } from "./records";

/** The failures of the choice against the account (two cached GETs per process); none when a value is unknown, there are no credentials, or the account cannot be read. */
export async function checkAgainstAccount(op: OperationContext, inputs: EngineInputs): Promise<CheckFailure[]> {
  const { accountId, category, subcategory, severity } = inputs;
  const known = (v: unknown): v is string => typeof v === "string" && !isUnknown(v);
  if (!known(accountId) || !known(category) || !known(subcategory) || (severity !== undefined && !known(severity))) return [];
  const api = op.api();
  if (!api.hasCredentials) return [];
  const name = refOf(inputs).name;
  try {
    const ctx = op.call(name, undefined, accountId);
    const [accounts, categories] = await Promise.all([cachedAccounts(api, ctx), cachedCategories(api, ctx)]);
    return checkChoice({ accountId, category, subcategory, severity: severity as string | undefined }, accounts, categories);
  } catch (e) {
    op.log(`${label(name)}: could not validate against the account (${describe(e)}); the API checks these values when the ticket is opened`);
    return [];
  }
}
