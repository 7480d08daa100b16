/**
 * The provider's configuration as the engine gives it: the stack config (`rackspace:*`, in
 * Configure's variables) or an explicit provider's arguments, secrets unwrapped and never
 * printed. CheckConfig passes the values through (each key is checked where it is read, with
 * the message that names it); DiffConfig reports a change when a value differs, and never a
 * replacement: a provider's tickets stay the same tickets.
 */
import type { ConfigSource } from "../../config/keys";
import { CONFIG_KEYS } from "../../config/keys";
import { unwrapSecrets } from "./struct";

const PREFIX = "rackspace:";

/** A config source over Configure's variables (full keys) and arguments (short keys). */
export function configSource(variables: ReadonlyMap<string, string>, args: Record<string, unknown>): ConfigSource {
  const plain = unwrapSecrets(args).values;
  return {
    get(key: string): string | undefined {
      const v = variables.get(key);
      if (v !== undefined) return v;
      const short = key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key;
      const a = plain[short] ?? plain[key];
      return a === undefined || a === null ? undefined : typeof a === "string" ? a : JSON.stringify(a);
    },
  };
}

/** The config keys the provider knows, short (as an explicit provider's arguments name them). */
export const CONFIG_NAMES: readonly string[] = CONFIG_KEYS.map((k) => k.key.slice(PREFIX.length));

/** The keys whose values differ between two configurations (secrets compared unwrapped, never shown). */
export function changedConfig(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const o = unwrapSecrets(olds).values;
  const n = unwrapSecrets(news).values;
  return [...new Set([...Object.keys(o), ...Object.keys(n)])].filter((k) => !k.startsWith("__") && JSON.stringify(o[k]) !== JSON.stringify(n[k])).sort();
}
