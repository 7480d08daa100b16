/**
 * Stage 3, token: only a live X-Auth-Token of a configured user gets past (401 otherwise).
 */
import { ApiFault } from "../errors";
import type { TokenRecord, TokenStore } from "../tokens";
import type { SimUser } from "../types/entities";
import { headerValue, type Exchange } from "./exchange";

export interface TokenDeps {
  readonly tokenStore: TokenStore;
  user(username: string): SimUser | undefined;
}

export function tokenStage(deps: TokenDeps, ex: Exchange): { user: SimUser; record: TokenRecord } {
  const check = deps.tokenStore.check(headerValue(ex.req, "x-auth-token"));
  if (!check.ok) {
    const why = {
      missing: "No valid token provided. Please use the 'X-Auth-Token' header with a valid token.",
      unknown: "The token provided is invalid or was revoked; authenticate again (POST /v2.0/tokens).",
      expired: "The token provided has expired; authenticate again (POST /v2.0/tokens).",
    }[check.reason];
    throw new ApiFault(401, why, "unauthorized");
  }
  const user = deps.user(check.record.username);
  if (!user) throw new ApiFault(401, "The token's user no longer exists.", "unauthorized");
  ex.user = user.username;
  return { user, record: check.record };
}
