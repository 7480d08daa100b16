/**
 * Attachments go up by the documented flow, each file in order: POST /attachment, the
 * upload to the URL it returns, then the `{ filename, uuid }` goes into the ticket or the
 * comment. A file whose bytes changed since `check` is never uploaded.
 */
import type { AttachmentRef } from "../../api/schemas";
import { isRackspaceApiError } from "../../api/errors";
import type { OperationContext } from "../context";
import { AttachmentInput, loadAttachment } from "./entries";
import { TicketOperationError } from "../errors";
import { describe, label } from "../messages";

/** Uploads `files` (declared at `where`, e.g. `comments[2].attachments`) and returns their references. */
export async function uploadAll(
  op: OperationContext,
  name: string | undefined,
  files: AttachmentInput[] | undefined,
  where: string,
  ticketId?: string,
  accountId?: string,
): Promise<AttachmentRef[]> {
  const refs: AttachmentRef[] = [];
  if (!files || files.length === 0) return refs;
  op.log(`${label(name, ticketId, op.kind)}: uploading ${files.length} attachment${files.length === 1 ? "" : "s"} (${where})`);
  for (const [i, f] of files.entries()) {
    const what = `${where}[${i}] ${JSON.stringify(f.filename.slice(0, 80))}`;
    try {
      const bytes = loadAttachment(f, what);
      refs.push(await op.api().attachFile(f.filename, bytes, op.call(name, ticketId, accountId)));
    } catch (e) {
      throw new TicketOperationError(`${label(name, ticketId, op.kind)}: uploading ${what} failed: ${describe(e)}`, isRackspaceApiError(e) ? e : undefined);
    }
  }
  return refs;
}
