/**
 * Stages 6–7 of POST /v2.0/tokens (docs §2): a token only for a configured user's exact API key and tenant (401 otherwise); never rate-limited.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { ApiFault } from "../errors";
import { JSON_MEDIA_TYPE } from "../media";
import { describeIssues, TokenRequestBody } from "../schemas";
import type { TokenStore } from "../tokens";
import type { SimUser } from "../types/entities";
import { jsonBody } from "./body";
import type { Exchange, Reply } from "./exchange";

export interface IdentityDeps {
  readonly tokenStore: TokenStore;
  readonly url: string;
  user(username: string): SimUser | undefined;
}

/** Constant-time comparison of two secrets (via fixed-length digests). */
function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

export function identityStage(deps: IdentityDeps, ex: Exchange): Reply {
  const parsed = TokenRequestBody.safeParse(jsonBody(ex, [JSON_MEDIA_TYPE]));
  if (!parsed.success) {
    throw new ApiFault(
      400,
      `Invalid authentication request (expected {"auth":{"RAX-KSKEY:apiKeyCredentials":{"username","apiKey"}}}): ${describeIssues(parsed.error)}`,
      "badRequest",
    );
  }
  const auth = parsed.data.auth;
  const creds = auth["RAX-KSKEY:apiKeyCredentials"];
  const user = deps.user(creds.username);
  if (!user || !safeEqual(user.apiKey, creds.apiKey)) throw new ApiFault(401, "Username or api key is invalid.", "unauthorized");
  const tenantId = user.tenantId ?? "100002";
  if ((auth.tenantId !== undefined && auth.tenantId !== tenantId) || (auth.tenantName !== undefined && auth.tenantName !== tenantId)) {
    throw new ApiFault(401, "Not authorized for the requested tenant.", "unauthorized");
  }
  ex.user = user.username;
  const issued = deps.tokenStore.issue(user.username);
  const host = ex.req.headers.host;
  const base = host ? `http://${host}` : deps.url;
  return {
    status: 200,
    contentType: JSON_MEDIA_TYPE,
    body: {
      access: {
        token: {
          id: issued.id,
          expires: new Date(issued.record.expiresAt).toISOString(),
          tenant: { id: tenantId, name: tenantId },
          "RAX-AUTH:authenticatedBy": ["APIKEY"],
        },
        serviceCatalog: [{ name: "rackspaceTicketing", type: "rax:ticketing", endpoints: [{ publicURL: base, region: "GLOBAL", tenantId }] }],
        user: {
          id: createHash("sha256").update(`user:${user.username}`).digest("hex").slice(0, 16),
          name: user.username,
          "RAX-AUTH:defaultRegion": "",
          roles: [
            { id: "3", name: "identity:user-admin", description: "User Admin Role." },
            { id: "ticketing:admin", name: "ticketing:admin", description: "Ticketing administrator." },
          ],
        },
      },
    },
  };
}
