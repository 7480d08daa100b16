/**
 * Reads the one file part named `filename` out of a POST /attachment multipart body, or refuses it with a 400.
 */
import { ApiFault } from "./errors";
import { mediaTypes } from "./media";

export interface FormFile {
  filename: string;
  size: number;
  type: string;
}

/**
 * The one file part named `filename` of a POST /attachment body (multipart parsing by undici's
 * `Response.formData()`). Throws a 400 ApiFault saying what is wrong.
 */
export async function parseAttachmentForm(contentType: string | undefined, bytes: Buffer): Promise<FormFile> {
  const [type] = mediaTypes(contentType);
  if (type !== "multipart/form-data") {
    const got = type ? `unsupported Content-Type '${type}'` : "a request body needs a Content-Type header";
    throw new ApiFault(400, `${got}: send multipart/form-data with one file part named 'filename'`, "badRequest");
  }
  if (bytes.length === 0) throw new ApiFault(400, "The form needs a file part named 'filename'", "badRequest");
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(bytes), { headers: { "content-type": contentType as string } }).formData();
  } catch {
    throw new ApiFault(400, "The request body is not valid multipart/form-data (check the boundary and the part headers)", "badRequest");
  }
  const files: FormFile[] = [];
  let textPart = false;
  for (const [name, value] of form.entries()) {
    if (name !== "filename") throw new ApiFault(400, `Unexpected form part '${name}': send one file part named 'filename'`, "badRequest");
    if (typeof value === "string") textPart = true;
    else files.push({ filename: value.name, size: value.size, type: value.type });
  }
  if (textPart) {
    throw new ApiFault(400, `The part 'filename' must be a file part with a file name (Content-Disposition: form-data; name="filename"; filename="…")`, "badRequest");
  }
  if (files.length === 0) throw new ApiFault(400, "The form needs a file part named 'filename'", "badRequest");
  if (files.length > 1) throw new ApiFault(400, `One file per request (max_file_count is 1); the form has ${files.length} parts named 'filename'`, "badRequest");
  return files[0];
}
