/**
 * Decides whether an attachment's file name is acceptable (docs §4.7), with the reason when it is not.
 *
 * The file name must not be blank, contain '/' or '\', a control character, be longer than 255
 * characters, or end in a forbidden extension. The extension is the text after the last '.'
 * once trailing dots and spaces are dropped (Windows drops them too): ".exe", "a.EXE" and
 * "a.exe." all count as .exe.
 */

/** Extensions the API refuses (docs §4.7), compared case-insensitively. */
export const FORBIDDEN_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    "ade adp app asp bas bat cer chm cla class cmd cnt com cpl crt csh der exe fxp gadget grp hlp hpj hta inf ins isp its jar js jse ksh lnk " +
    "mad maf mag mam maq mar mas mat mau mav maw mcf mda mdb mde mdt mdw mdz msc msh msh1 msh1xml msh2 msh2xml mshxml msi msp mst ocx ops osd " +
    "pcd pif pl plg prf prg ps1 ps1xml ps2 ps2xml psc1 psc2 pst reg scf scr sct shb shs tmp url vb vbe vbp vbs vsmacros vsw ws wsc wsf wsh xbap xnk"
  ).split(" "),
);

export const MAX_FILENAME_LENGTH = 255;

/** Lower-case extension of a file name (see the module notes), "" when there is none. */
export function fileExtension(filename: string): string {
  const trimmed = filename.replace(/[.\s]+$/, "");
  const dot = trimmed.lastIndexOf(".");
  return dot < 0 ? "" : trimmed.slice(dot + 1).toLowerCase();
}

/** Why a file name is refused (a 400 message), or undefined when it is acceptable. */
export function filenameProblem(filename: string): string | undefined {
  if (filename.trim() === "") return "The file name is empty";
  if (/[/\\]/.test(filename)) return `File name ${JSON.stringify(filename)} must not contain '/' or '\\'`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(filename)) return `File name ${JSON.stringify(filename)} contains a control character`;
  if (filename.length > MAX_FILENAME_LENGTH) return `File name is longer than ${MAX_FILENAME_LENGTH} characters`;
  const ext = fileExtension(filename);
  if (ext !== "" && FORBIDDEN_EXTENSIONS.has(ext)) return `File extension .${ext} is not allowed`;
  return undefined;
}
