/**
 * Memory one provider process shares across a deployment's calls: maps and sets kept on
 * `globalThis` under a registered symbol, so every copy of this package loaded in the
 * process (a program's and the host's) sees the same entries. Keys of resources are their
 * organization, project, stack, parent and name.
 */
import type { ResourceRef } from "./marker";

/** The process-wide map registered under `name` (created on first use). */
export function processMap<K, V>(name: string): Map<K, V> {
  const key = Symbol.for(`pulumi-rackspace-ticketing.${name}`);
  const g = globalThis as unknown as Record<symbol, Map<K, V> | undefined>;
  return (g[key] ??= new Map<K, V>());
}

/** The process-wide set registered under `name` (created on first use). */
export function processSet<T>(name: string): Set<T> {
  const key = Symbol.for(`pulumi-rackspace-ticketing.${name}`);
  const g = globalThis as unknown as Record<symbol, Set<T> | undefined>;
  return (g[key] ??= new Set<T>());
}

/** A resource's key in these maps. */
export function refKey(ref: ResourceRef): string {
  return JSON.stringify([ref.organization ?? "", ref.project ?? "", ref.stack ?? "", ref.parent ?? "", ref.name ?? ""]);
}
