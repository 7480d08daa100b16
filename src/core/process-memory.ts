/**
 * Memory one provider process shares across a deployment's calls: maps kept on
 * `globalThis` under a registered symbol, so every copy of this package loaded in the
 * process (a program's and the host's) sees the same entries. Keys of resources are their
 * organization, project, stack, parent and name.
 */
import type { ResourceRef } from "./ref";

const names = new Set<string>();

/** The process-wide map registered under `name` (created on first use). */
export function processMap<K, V>(name: string): Map<K, V> {
  names.add(name);
  const key = Symbol.for(`pulumi-rackspace-ticketing.${name}`);
  const g = globalThis as unknown as Record<symbol, Map<K, V> | undefined>;
  return (g[key] ??= new Map<K, V>());
}

/** Empties every map this copy of the package registered: what a new deployment's provider process starts with (tests use it between simulated runs). */
export function forgetProcessMemory(): void {
  for (const name of names) processMap(name).clear();
}

/** A resource's key in these maps. */
export function refKey(ref: ResourceRef): string {
  return JSON.stringify([ref.organization ?? "", ref.project ?? "", ref.stack ?? "", ref.parent ?? "", ref.name ?? ""]);
}

/** Where a ticket lives: the Ticketing endpoint and the account, beside its id (two providers in one process never mix their tickets up). */
export interface TicketKey {
  endpoint: string;
  accountId: string | undefined;
  id: string;
}
