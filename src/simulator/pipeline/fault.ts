/**
 * Stage 2, fault: applies the first armed fault for the operation — answer, drop or hold before anything is applied; drop-after once it is.
 */
import { defaultFaultCode, faultBody } from "../errors";
import type { HeldRequests } from "../holds";
import type { FaultQueue } from "../faults";
import { JSON_MEDIA_TYPE } from "../media";
import type { ArmedFault } from "../types/faults";
import type { SimOperation } from "../types/operations";
import type { Exchange, Reply } from "./exchange";
import { abandon, drop, finish, type Recorder } from "./respond";

export interface FaultDeps extends Recorder {
  readonly faultQueue: FaultQueue;
  readonly holds: HeldRequests;
}

/** The reply of a status fault: its body override, or a fault body for a 4xx/5xx. */
export function injectedReply(f: Extract<ArmedFault, { kind: "status" }>): Reply {
  const headers: Record<string, string> = {};
  if (f.retryAfter !== undefined) headers["Retry-After"] = f.retryAfter;
  const faultCode = defaultFaultCode(f.status);
  const message = `Injected fault: HTTP ${f.status}`;
  if (f.body !== undefined) {
    const contentType = f.contentType ?? (typeof f.body === "string" ? "text/plain" : JSON_MEDIA_TYPE);
    return { status: f.status, body: f.body, contentType, headers, message };
  }
  if (f.status < 400) return { status: f.status, headers, message };
  return { status: f.status, body: faultBody(f.status, message, faultCode), contentType: JSON_MEDIA_TYPE, headers, faultCode, message };
}

/**
 * Takes the operation's fault, if any. Returns false when the fault has dealt with the request
 * (answered, dropped, or held until abandoned); true when the request goes on.
 */
export async function faultStage(deps: FaultDeps, ex: Exchange, operation: SimOperation): Promise<boolean> {
  const fault = deps.faultQueue.take(operation);
  ex.fault = fault;
  if (fault?.kind === "status") {
    finish(deps, ex, injectedReply(fault));
    return false;
  }
  if (fault?.kind === "drop-before") {
    drop(deps, ex);
    return false;
  }
  if (fault?.kind === "hang") {
    const proceed = await deps.holds.hold(ex.res, fault.ms);
    if (!proceed) {
      abandon(deps, ex);
      return false;
    }
  }
  return true;
}

/** The last step: sends the reply, or — for a drop-after fault — drops the connection instead. */
export function deliver(deps: Recorder, ex: Exchange, reply: Reply): void {
  if (ex.fault?.kind === "drop-after") return drop(deps, ex, reply.status);
  finish(deps, ex, reply);
}
