/**
 * Runs an API request through the ordered stages — route, fault, token, rate limit, media type, body, rules — and answers or drops it exactly once.
 *
 *   1 route       404 / 405                     pipeline/route.ts
 *   2 fault       injected status / drop / hang  pipeline/fault.ts (drop-after at the very end)
 *   3 token       401                           pipeline/token.ts       ┐
 *   4 rate limit  429                           pipeline/rate-limit.ts  │ not for POST /v2.0/tokens,
 *   5 media type  406                           pipeline/media-type.ts  ┘ which goes to identity.ts
 *   6 body        400                           pipeline/body.ts
 *   7 rules       403 / 404 / 400 / success     pipeline/rules.ts
 */
import { ApiFault } from "../errors";
import type { Routed } from "../routes";
import { bodyStage } from "./body";
import type { Exchange, Reply } from "./exchange";
import { deliver, faultStage, type FaultDeps } from "./fault";
import { identityStage, type IdentityDeps } from "./identity";
import { mediaTypeStage } from "./media-type";
import { rateLimitStage, type RateLimitDeps } from "./rate-limit";
import { faultReply, finish } from "./respond";
import { routeStage } from "./route";
import { rulesStage, type RulesDeps } from "./rules";
import { tokenStage, type TokenDeps } from "./token";

/** What the stages read and change: the simulator core satisfies it. */
export type PipelineDeps = FaultDeps & TokenDeps & RateLimitDeps & RulesDeps & IdentityDeps;

/** An ApiFault becomes its fault reply; anything else is a simulator bug and propagates (→ 500). */
function asReply(e: unknown): Reply {
  if (e instanceof ApiFault) return faultReply(e);
  throw e;
}

export async function runPipeline(deps: PipelineDeps, ex: Exchange, url: URL, router: (method: string, pathname: string) => Routed): Promise<void> {
  let route;
  try {
    route = routeStage(ex, url.pathname, router);
  } catch (e) {
    return finish(deps, ex, asReply(e));
  }
  if (!(await faultStage(deps, ex, route.operation))) return;

  let reply: Reply;
  try {
    if (route.operation === "token") {
      reply = identityStage(deps, ex);
    } else {
      const { user, record } = tokenStage(deps, ex);
      rateLimitStage(deps, record, ex, route, url);
      const type = mediaTypeStage(ex, route.operation);
      const input = await bodyStage(ex, route, url);
      reply = rulesStage(deps, ex, user, input, type);
    }
  } catch (e) {
    reply = asReply(e);
  }
  deliver(deps, ex, reply);
}
