/**
 * Uploads an attachment's bytes to its slot's temporary URL: no token is sent there, the PUT is retried like a read, and a refused signature is UploadSlotExpiredError.
 */
import type { CallContext } from "./call-context";
import { InvalidRequestError, InvalidResponseError, UploadSlotExpiredError } from "./errors";
import { classifyResponse, classifyTransportFailure, HttpResponse, HttpTransport, TransportFailure } from "./http";
import { RetryPolicy, withRetries } from "./retry";
import type { AttachmentSlot } from "./schemas";

export interface UploadSettings {
  timeoutMs: number;
  retry: RetryPolicy;
}

/** PUTs `bytes` to `slot.uploadUrl` (object storage signed for this one upload; the same bytes again are harmless). */
export async function uploadToSlot(transport: HttpTransport, settings: UploadSettings, slot: AttachmentSlot, bytes: Buffer, ctx?: CallContext): Promise<void> {
  if (slot.maxFileSize !== undefined && bytes.length > slot.maxFileSize) {
    throw new InvalidRequestError([`the file is ${bytes.length} bytes; the API accepts at most ${slot.maxFileSize} per attachment`], { operation: "uploadAttachment" });
  }
  let where: string;
  try {
    const u = new URL(slot.uploadUrl);
    where = `${u.protocol}//${u.host}`;
  } catch {
    throw new InvalidResponseError("POST /attachment gave an upload URL that is not a URL", { operation: "createAttachment" });
  }
  await withRetries(
    async (attempts) => {
      const classify = { operation: "uploadAttachment" as const, attempts, idempotent: true, url: where };
      let res: HttpResponse;
      try {
        res = await transport.send({
          method: "PUT",
          url: slot.uploadUrl,
          headers: { "Content-Type": "application/octet-stream" },
          body: bytes,
          timeoutMs: settings.timeoutMs,
        });
      } catch (e) {
        if (e instanceof TransportFailure) throw classifyTransportFailure(e, classify);
        throw e;
      }
      if (res.status < 200 || res.status > 299) {
        // A temp URL answers 401/403 when its signature no longer holds (expired, used up).
        if (res.status === 401 || res.status === 403) throw new UploadSlotExpiredError({ ...classify, status: res.status });
        throw classifyResponse(res, classify);
      }
    },
    settings.retry,
    {
      onRetryWait: (error, delayMs) => {
        ctx?.onWait?.({ operation: "uploadAttachment", waitMs: delayMs, reason: "retry", cause: error.status !== undefined ? `HTTP ${error.status}` : error.kind });
      },
    },
  );
}
