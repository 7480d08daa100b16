/**
 * The request log: bounded, in arrival order, and its entries never contain token values or API keys.
 */
import type { RequestFilter, RequestLogEntry } from "./types/log";

/** Keys whose values are always replaced by "***" in logged bodies, at any depth. */
const SECRET_KEYS = new Set(["apikey", "password", "passcode", "token", "x-auth-token", "secret"]);

/**
 * Deep copy of `value` with secrets replaced by "***": every string under a secret-looking key
 * (so Identity's `auth.token.id` is redacted while the object shape stays visible), and any
 * string containing one of `secrets` (e.g. the request's own X-Auth-Token).
 */
export function redact(value: unknown, secrets: readonly string[] = []): unknown {
  const live = secrets.filter((s) => s.length >= 8);
  const walk = (v: unknown, hidden: boolean): unknown => {
    if (typeof v === "string") return hidden || live.some((s) => v.includes(s)) ? "***" : v;
    if (Array.isArray(v)) return v.map((x) => walk(x, hidden));
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = walk(x, hidden || SECRET_KEYS.has(k.toLowerCase()));
      return out;
    }
    // Non-string secrets (numbers, booleans) are hidden too.
    return hidden && v !== null && v !== undefined ? "***" : v;
  };
  return walk(value, false);
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly max = 10_000) {}

  append(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    const full = { seq: ++this.seq, ...entry } as RequestLogEntry;
    this.entries.push(full);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
    return full;
  }

  list(filter?: RequestFilter): RequestLogEntry[] {
    let out = this.entries;
    if (typeof filter === "function") out = out.filter(filter);
    else if (filter) {
      const ops = filter.operation === undefined ? undefined : Array.isArray(filter.operation) ? filter.operation : [filter.operation];
      out = out.filter(
        (e) =>
          (ops === undefined || ops.includes(e.operation)) &&
          (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
          (filter.status === undefined || e.status === filter.status) &&
          (filter.ticketId === undefined || e.ticketId === filter.ticketId) &&
          (filter.since === undefined || e.seq > filter.since),
      );
    }
    return out.map((e) => structuredClone(e));
  }

  clear(): void {
    this.entries = [];
  }
}
