/**
 * Errors as the engine takes them: a partial failure after the ticket exists goes back with the
 * `ErrorResourceInitFailed` status detail (its id, properties and reasons), so the engine records
 * the ticket and the next `up` resumes; any other error is its message, once.
 */
import type { ServerErrorResponse } from "@grpc/grpc-js";
import { any, grpc, provider, status, toStruct } from "./wire";

/** What a partial failure tells the engine: the resource exists, with these properties. */
export interface InitFailure {
  id: string;
  properties: Record<string, unknown>;
  reasons: string[];
  message: string;
  inputs?: Record<string, unknown>;
}

/** A gRPC error carrying `ErrorResourceInitFailed`. */
export function initFailed(f: InitFailure): ServerErrorResponse {
  const detail = new provider.ErrorResourceInitFailed();
  detail.setId(f.id);
  detail.setProperties(toStruct(f.properties));
  detail.setReasonsList(f.reasons);
  if (f.inputs) detail.setInputs(toStruct(f.inputs));
  const packed = new any.Any();
  packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
  const st = new status.Status();
  st.setCode(grpc.status.UNKNOWN);
  st.setMessage(f.message);
  st.addDetails(packed);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(st.serializeBinary()));
  return Object.assign(new Error(f.message), { code: grpc.status.UNKNOWN, details: f.message, metadata });
}

/** Any other error: its message, as the engine prints it on the resource's row. */
export function failed(e: unknown): ServerErrorResponse {
  const message = e instanceof Error ? e.message : String(e);
  return Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message });
}

/** A method the plugin does not implement. */
export function unimplemented(what: string): ServerErrorResponse {
  return Object.assign(new Error(`${what} is not implemented by the rackspace provider`), { code: grpc.status.UNIMPLEMENTED, details: `${what} is not implemented by the rackspace provider` });
}
