/**
 * Attachment rules the API documents but does not enforce predictably (docs §4.7, §8.22):
 * the forbidden file extensions, checked locally before anything is sent, and the
 * multipart body of POST /attachment, encoded by the platform's own FormData encoder.
 */
import * as path from "node:path";

/** Extensions the Ticketing API refuses (docs §4.7), compared case-insensitively. */
export const FORBIDDEN_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    "ade adp app asp bas bat cer chm cla class cmd cnt com cpl crt csh der exe fxp gadget grp hlp hpj hta inf ins isp its jar js jse ksh lnk " +
    "mad maf mag mam maq mar mas mat mau mav maw mcf mda mdb mde mdt mdw mdz msc msh msh1 msh1xml msh2 msh2xml mshxml msi msp mst ocx ops osd " +
    "pcd pif pl plg prf prg ps1 ps1xml ps2 ps2xml psc1 psc2 pst reg scf scr sct shb shs tmp url vb vbe vbp vbs vsmacros vsw ws wsc wsf wsh xbap xnk"
  ).split(" "),
);

/** How long an upload slot stays open (docs §4.7). */
export const UPLOAD_WINDOW_MS = 10 * 60_000;

/**
 * What is wrong with an attachment file name, or undefined when it is acceptable: a
 * plain name (no directory), not blank, and not one of the forbidden extensions.
 */
export function attachmentNameProblem(filename: string): string | undefined {
  if (filename.trim() === "") return "the file name is empty";
  if (/[\\/]/.test(filename)) return `the file name ${JSON.stringify(filename)} must not contain a directory (use \`path\` for where the file is)`;
  if ([...filename].some((c) => c.charCodeAt(0) < 0x20 || c === '"')) return `the file name ${JSON.stringify(filename)} contains a control character or a quote`;
  if (filename.length > 255) return "the file name is longer than 255 characters";
  // As the server reads it: the text after the last dot, trailing dots and spaces dropped ("run.exe." is an .exe).
  const ext = path.extname(filename.replace(/[.\s]+$/, "")).replace(/^\./, "").toLowerCase();
  if (ext && FORBIDDEN_EXTENSIONS.has(ext)) return `files with the extension .${ext} are refused by Rackspace (docs: forbidden attachment extensions); zip it or rename it`;
  return undefined;
}

/** The multipart body of POST /attachment: one file part named `filename` (its bytes go to the upload URL). */
export async function attachmentSlotBody(filename: string): Promise<{ bytes: Buffer; contentType: string }> {
  const form = new FormData();
  form.append("filename", new Blob([]), filename);
  const encoded = new Request("http://localhost/attachment", { method: "POST", body: form });
  const contentType = encoded.headers.get("content-type");
  if (!contentType) throw new Error("the platform did not produce a multipart content type");
  return { bytes: Buffer.from(await encoded.arrayBuffer()), contentType };
}
