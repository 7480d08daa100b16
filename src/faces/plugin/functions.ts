/**
 * The plugin's functions (Invoke): the accounts, categories and resources a program may look
 * up, from the same catalog the ticket's check uses, with the provider's configuration.
 */
import type { TicketingClient } from "../../api/client";
import { cachedAccounts, cachedCategories, resourcesOf } from "../../lookups/catalog";
import { FUNCTION_TOKENS } from "./schema";

type Obj = Record<string, unknown>;

/** The function `token` called with `args`, or undefined when there is no such function. */
export async function invoke(client: TicketingClient, token: string, args: Obj): Promise<Obj | undefined> {
  switch (token) {
    case FUNCTION_TOKENS.getAccounts: {
      const accounts = await cachedAccounts(client);
      return { accounts: accounts.map((a) => ({ id: a.id, name: a.name ?? "", severities: a.severities })) };
    }
    case FUNCTION_TOKENS.getCategories: {
      const categories = await cachedCategories(client);
      return { categories: categories.map((c) => ({ name: c.name, classification: c.classification ?? "", subcategories: c.subcategories.map((s) => s.name) })) };
    }
    case FUNCTION_TOKENS.getResources: {
      const q = (k: string) => (typeof args[k] === "string" ? (args[k] as string) : undefined);
      const n = (k: string) => (typeof args[k] === "number" ? (args[k] as number) : undefined);
      const status = q("status");
      const resources = await resourcesOf(client, {
        ...(q("q") ? { q: q("q") } : {}),
        ...(status === "online" || status === "offline" || status === "all" ? { status } : {}),
        ...(n("offset") !== undefined ? { offset: n("offset") } : {}),
        ...(n("limit") !== undefined ? { limit: n("limit") } : {}),
      });
      return { resources: resources.map(({ raw: _raw, ...r }) => r) };
    }
    default:
      return undefined;
  }
}
