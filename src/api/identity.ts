/**
 * Rackspace Identity v2.0: one token per process per credential, reused until
 * shortly before it expires, refreshed once when the API answers 401.
 *
 * Tokens live in a process-wide cache on globalThis (every resource in the Pulumi
 * provider host shares one). Cache keys hold a hash of the API key, never the key.
 * A 401/403 from Identity is about the credentials; a Retry-After (413/429/503) is waited
 * only within the retry budget.
 */
import { createHash } from "node:crypto";
import { AuthError, InvalidResponseError, RackspaceApiError } from "./errors";
import { classifyResponse, classifyTransportFailure, HttpTransport, TransportFailure } from "./http";
import { isRetryable, RetryPolicy, RetryStats, withRetries } from "./retry";
import { TokenRequest, TokenResponse } from "./schemas";

interface CachedToken {
  id: string;
  /** Epoch ms (wall clock) after which the token must not be used. */
  refreshAt: number;
}

interface TokenCache {
  tokens: Map<string, CachedToken>;
  inflight: Map<string, Promise<CachedToken>>;
}

const CACHE_KEY = Symbol.for("pulumi-rackspace-ticketing.identity-tokens.v1");

function cache(): TokenCache {
  const g = globalThis as unknown as Record<symbol, TokenCache | undefined>;
  let c = g[CACHE_KEY];
  if (!c) {
    c = { tokens: new Map(), inflight: new Map() };
    g[CACHE_KEY] = c;
  }
  return c;
}

/** Forgets every cached token (tests only). */
export function resetTokenCache(): void {
  cache().tokens.clear();
  cache().inflight.clear();
}

/** A short, non-reversible fingerprint of a secret, for cache and limiter keys. */
export function fingerprint(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 16);
}

/** Refresh ahead of expiry: 5 minutes, or a tenth of a short lifetime. */
export function refreshMargin(lifetimeMs: number): number {
  return Math.min(5 * 60_000, Math.max(0, lifetimeMs / 10));
}

export interface IdentityOptions {
  identityUrl: string;
  username?: string;
  apiKey?: string;
  authToken?: string;
  timeoutMs: number;
  retry: RetryPolicy;
}

export class IdentityClient {
  private readonly key?: string;

  constructor(
    private readonly opts: IdentityOptions,
    private readonly transport: HttpTransport,
    /**
     * The wall clock (Date.now()), not the monotonic one: a token's `expires` is a time on
     * Identity's clock, so the refresh time derived from it is compared with the wall clock. A
     * wall-clock jump can only make a refresh early (harmless) or late (the API's 401 then gets
     * one fresh token).
     */
    private readonly now: () => number = Date.now,
  ) {
    if (opts.username && opts.apiKey) this.key = `${opts.identityUrl}|${opts.username}|${fingerprint(opts.apiKey)}`;
  }

  /** Whether a rejected token can be replaced by authenticating again. */
  get canRefresh(): boolean {
    return this.key !== undefined;
  }

  /** Identifies the credential (for limiter keys) without revealing it. */
  get credentialId(): string {
    if (this.opts.username) return `user:${this.opts.username}`;
    if (this.opts.authToken) return `token:${fingerprint(this.opts.authToken)}`;
    return "anonymous";
  }

  /** The token to send now. */
  async token(): Promise<string> {
    if (!this.key) {
      if (this.opts.authToken) return this.opts.authToken;
      throw new AuthError({
        operation: "authenticate",
        hint:
          "No Rackspace credentials: set rackspace:username and rackspace:apiKey (secret) in the stack config, or RACKSPACE_USERNAME and RACKSPACE_API_KEY, or a ready token in rackspace:authToken / RACKSPACE_AUTH_TOKEN.",
      });
    }
    const c = cache();
    const cached = c.tokens.get(this.key);
    if (cached && cached.refreshAt > this.now()) return cached.id;
    // Single flight: concurrent callers share one authentication.
    let pending = c.inflight.get(this.key);
    if (!pending) {
      const key = this.key;
      pending = this.authenticate().finally(() => c.inflight.delete(key));
      c.inflight.set(key, pending);
    }
    const fresh = await pending;
    c.tokens.set(this.key, fresh);
    return fresh.id;
  }

  /** Drops `token` if it is the cached one (it was refused with 401). */
  invalidate(token: string): void {
    if (!this.key) return;
    const c = cache();
    if (c.tokens.get(this.key)?.id === token) c.tokens.delete(this.key);
  }

  private async authenticate(): Promise<CachedToken> {
    const body = TokenRequest.parse({
      auth: { "RAX-KSKEY:apiKeyCredentials": { username: this.opts.username, apiKey: this.opts.apiKey } },
    });
    const url = `${this.opts.identityUrl}/v2.0/tokens`;
    const stats: RetryStats = { attempts: 0, waitedMs: 0 };
    const { budgetMs } = this.opts.retry;
    return withRetries(async (attempts) => {
      const budget = { budgetMs, leftMs: Math.max(0, budgetMs - stats.waitedMs) };
      const ctx = { operation: "authenticate" as const, attempts, idempotent: true, url: this.opts.identityUrl, budget };
      let res;
      try {
        res = await this.transport.send({
          method: "POST",
          url,
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(body),
          timeoutMs: this.opts.timeoutMs,
        });
      } catch (e) {
        if (e instanceof TransportFailure) throw classifyTransportFailure(e, ctx);
        throw e;
      }
      if (res.status === 401 || res.status === 403) {
        throw new AuthError({ ...ctx, status: res.status, apiMessage: "the identity service refused the username and API key" });
      }
      if (res.status < 200 || res.status > 299) throw classifyResponse(res, ctx, this.now());
      let parsed;
      try {
        parsed = TokenResponse.safeParse(JSON.parse(res.body));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) throw new InvalidResponseError("the identity response has no access.token.id", { ...ctx, status: res.status });
      const t = parsed.data.access.token;
      const now = this.now();
      const expires = t.expires ? Date.parse(t.expires) : NaN;
      // Without a usable expiry, assume the documented 24 h lifetime.
      const expiresAt = Number.isFinite(expires) ? expires : now + 24 * 3_600_000;
      return { id: t.id, refreshAt: expiresAt - refreshMargin(expiresAt - now) };
    }, this.opts.retry, {
      delayFor: (error: RackspaceApiError, _n, backoff) => (isRetryable(error) ? (error.retryAfterMs ?? backoff) : undefined),
    }, stats);
  }
}
