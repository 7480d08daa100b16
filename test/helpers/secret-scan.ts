/**
 * Guarantee: every secret an e2e stack was given is looked for after every test, and again
 * when the stack is disposed, in every file under the stack's file backend (stacks, history,
 * backups, retained checkpoints, locks: the whole directory, recursively, as bytes), in its
 * stack config file and in everything the CLI printed for it; a hit fails the test, naming
 * the file (or "CLI output of `pulumi <cmd>`") and the secret's label, never its value.
 *
 * A secret is looked for as given, JSON-escaped (once, twice, and the way Go escapes it) and
 * base64-encoded (standard and URL alphabets, at every byte alignment, so a secret inside a
 * longer encoded text is found too). Gzipped files are also read unpacked.
 *
 * Stacks register themselves (`watch`) when they are made: jest hooks installed when this
 * module loads scan every watched stack after each test and, after the file, scan and
 * dispose any stack still watched. Outside jest no stack can be made (`watch` throws).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";

/** A value passed as a secret, with the name findings use for it. */
export interface SecretEntry {
  label: string;
  value: string;
}

/** Shorter values could turn up by coincidence: a hit would prove nothing. */
export const MIN_SECRET_LENGTH = 8;

/** The secrets of one stack; a registry may include another's (a program shared by its stacks). */
export class SecretRegistry {
  private readonly own = new Map<string, string>();
  private readonly included: SecretRegistry[] = [];

  /** Registers `value` under `label` (`label (value 2)`, … when the label names another value already); returns the value. */
  add(label: string, value: string): string {
    if (value.length < MIN_SECRET_LENGTH) {
      throw new Error(`secret "${label}" is shorter than ${MIN_SECRET_LENGTH} characters: a scan could find it by coincidence; use a distinctive value`);
    }
    if (this.own.has(value)) return value;
    const taken = [...this.own.values()].filter((l) => l === label || l.startsWith(`${label} (value `)).length;
    this.own.set(value, taken === 0 ? label : `${label} (value ${taken + 1})`);
    return value;
  }

  /** Every secret of `other`, now and later, counts as this registry's too. */
  include(other: SecretRegistry): void {
    if (other !== this && !this.included.includes(other)) this.included.push(other);
  }

  entries(seen = new Set<SecretRegistry>()): SecretEntry[] {
    seen.add(this);
    const byValue = new Map<string, string>(this.own);
    for (const r of this.included) {
      if (seen.has(r)) continue;
      for (const e of r.entries(seen)) if (!byValue.has(e.value)) byValue.set(e.value, e.label);
    }
    return [...byValue].map(([value, label]) => ({ label, value }));
  }
}

/** One way a secret may be written down. */
interface Needle {
  how: string;
  bytes: Buffer;
}

const jsonEscaped = (s: string): string => JSON.stringify(s).slice(1, -1);
/** Go's encoding/json also escapes <, >, & and U+2028/U+2029 (the Pulumi CLI writes the state with it). */
const goEscaped = (s: string): string =>
  jsonEscaped(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/**
 * The base64 of `value` wherever it sits in a longer text: for each of the three byte
 * alignments, the characters that depend on the value's bytes alone.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const forms: string[] = [];
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
    const stable = b64.slice(k === 0 ? 0 : 4, Math.floor((k + bytes.length) / 3) * 4);
    if (stable.length >= 8) forms.push(stable);
  }
  return forms;
}

/** Every form of `value` the scan looks for (distinct texts only). */
export function needlesOf(value: string): Needle[] {
  const texts = new Map<string, string>();
  const add = (how: string, text: string) => {
    if (!texts.has(text)) texts.set(text, how);
  };
  add("as given", value);
  add("JSON-escaped", jsonEscaped(value));
  add("JSON-escaped twice", jsonEscaped(jsonEscaped(value)));
  add("JSON-escaped as Go writes it", goEscaped(value));
  for (const f of base64Forms(value)) {
    add("base64-encoded", f);
    add("base64url-encoded", f.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...texts].map(([text, how]) => ({ how, bytes: Buffer.from(text, "utf8") }));
}

/** A secret found where it must not be. */
export interface Finding {
  /** A file (relative to what was scanned) or "CLI output of `pulumi …`". */
  where: string;
  label: string;
  how: string;
}

/** The secrets found in `data`, each at most once (its first form found). */
export function scanBytes(data: Buffer, secrets: readonly SecretEntry[], where: string): Finding[] {
  const found: Finding[] = [];
  for (const s of secrets) {
    const hit = needlesOf(s.value).find((n) => data.includes(n.bytes));
    if (hit) found.push({ where, label: s.label, how: hit.how });
  }
  return found;
}

/** Every regular file under `root`, recursively (symbolic links are not followed). */
function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // removed meanwhile
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

/** Scans every file under `root` (a gzipped file also unpacked); findings name `<label>/<relative path>`. */
export function scanTree(root: string, secrets: readonly SecretEntry[], label: string): { files: number; findings: Finding[] } {
  const files = filesUnder(root);
  const findings: Finding[] = [];
  for (const f of files) {
    let data: Buffer;
    try {
      data = fs.readFileSync(f);
    } catch {
      continue; // a lock released meanwhile
    }
    const where = `${label}/${path.relative(root, f)}`;
    findings.push(...scanBytes(data, secrets, where));
    if (f.endsWith(".gz")) {
      try {
        findings.push(...scanBytes(zlib.gunzipSync(data), secrets, `${where} (unpacked)`));
      } catch {
        // not gzip after all: scanned as it is
      }
    }
  }
  return { files: files.length, findings };
}

/** What the CLI printed for one command. */
export interface PrintedOutput {
  /** The command line as shown in findings (secrets typed in it masked). */
  command: string;
  text: string;
}

/** A stack the scan watches. */
export interface ScannedStack {
  readonly stack: string;
  readonly secrets: SecretRegistry;
  /** The file backend's directory: scanned whole. */
  readonly backendDir: string;
  /** Files outside the backend to scan too (the stack config file). */
  extraFiles(): string[];
  /** The CLI output printed since the last call (each is scanned once). */
  takeOutput(): PrintedOutput[];
  dispose(): Promise<void>;
}

/** Scans one stack now: its backend, its extra files, the CLI output since the last scan. */
export function scanStack(s: ScannedStack): Finding[] {
  const secrets = s.secrets.entries();
  const printed = s.takeOutput();
  if (secrets.length === 0) return [];
  const findings: Finding[] = [];
  if (fs.existsSync(s.backendDir)) findings.push(...scanTree(s.backendDir, secrets, "backend").findings);
  for (const f of s.extraFiles()) {
    if (fs.existsSync(f)) findings.push(...scanBytes(fs.readFileSync(f), secrets, path.basename(f)));
  }
  for (const p of printed) findings.push(...scanBytes(Buffer.from(p.text, "utf8"), secrets, `CLI output of \`${p.command}\``));
  return findings;
}

/** The failure for findings: where and which secret, never a value. */
export function describeFindings(stack: string, when: string, all: readonly Finding[]): string {
  const findings = [...new Map(all.map((f) => [`${f.where}\0${f.label}`, f])).values()];
  const shown = findings.slice(0, 40).map((f) => `  - secret "${f.label}" in ${f.where} (${f.how})`);
  if (findings.length > shown.length) shown.push(`  … and ${findings.length - shown.length} more`);
  return `secret scan of stack ${stack} (${when}): ${findings.length} finding(s), values not shown:\n${shown.join("\n")}`;
}

/** Throws describing the findings of scanning `s` now, if any. */
export function expectNoSecretLeak(s: ScannedStack, when: string): void {
  const findings = scanStack(s);
  if (findings.length > 0) throw new Error(describeFindings(s.stack, when, findings));
}

const watched = new Set<ScannedStack>();
let hooksInstalled = false;

/** Starts watching a stack: from now on it is scanned after every test until `unwatch`. */
export function watch(s: ScannedStack): void {
  if (!hooksInstalled) throw new Error("e2e stacks can only be made inside a jest test file: the secret scan runs in jest's hooks");
  watched.add(s);
}

export function unwatch(s: ScannedStack): void {
  watched.delete(s);
}

if (typeof afterEach === "function" && typeof afterAll === "function") {
  hooksInstalled = true;
  // Runs after the test's own afterEach hooks (a stack they disposed was scanned then).
  afterEach(() => {
    const failures: string[] = [];
    for (const s of watched) {
      const findings = scanStack(s);
      if (findings.length > 0) failures.push(describeFindings(s.stack, "after the test", findings));
    }
    if (failures.length > 0) throw new Error(failures.join("\n"));
  });
  // After the file: a stack never disposed is disposed now (which scans it).
  afterAll(async () => {
    const failures: string[] = [];
    for (const s of [...watched]) {
      console.warn(`stack ${s.stack} was never disposed: disposing it after the test file`);
      await s.dispose().catch((e: unknown) => failures.push(e instanceof Error ? e.message : String(e)));
      watched.delete(s);
    }
    if (failures.length > 0) throw new Error(failures.join("\n"));
  });
}
