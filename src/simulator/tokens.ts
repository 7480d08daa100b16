/**
 * Identity tokens, kept in memory only and keyed by their SHA-256 hash: a raw token is returned once and never stored, logged or persisted.
 */
import { createHash, randomBytes } from "node:crypto";

export interface TokenRecord {
  /** Hash of the token (safe to use as a map/rate-limit key). */
  hash: string;
  username: string;
  expiresAt: number;
}

export type TokenCheck = { ok: true; record: TokenRecord } | { ok: false; reason: "missing" | "unknown" | "expired" };

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(
    public lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(username: string): { id: string; record: TokenRecord } {
    this.sweep();
    const id = randomBytes(24).toString("hex");
    const record: TokenRecord = { hash: hashToken(id), username, expiresAt: this.now() + this.lifetimeMs };
    this.tokens.set(record.hash, record);
    return { id, record };
  }

  check(token: string | undefined): TokenCheck {
    if (!token) return { ok: false, reason: "missing" };
    const record = this.tokens.get(hashToken(token));
    if (!record) return { ok: false, reason: "unknown" };
    if (this.now() >= record.expiresAt) return { ok: false, reason: "expired" };
    return { ok: true, record };
  }

  /** Marks every token expired (they then answer 401 "expired"). */
  expireAll(): void {
    const now = this.now();
    for (const r of this.tokens.values()) r.expiresAt = Math.min(r.expiresAt, now);
  }

  revoke(token: string): boolean {
    return this.tokens.delete(hashToken(token));
  }

  /** Forgets tokens that expired more than a day ago, so a long-running simulator does not grow. */
  private sweep(): void {
    const cutoff = this.now() - 24 * 3_600_000;
    for (const [k, r] of this.tokens) if (r.expiresAt < cutoff) this.tokens.delete(k);
  }
}
