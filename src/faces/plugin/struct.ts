/**
 * Property values between the engine's wire form and plain values: a protobuf Struct to and from
 * a JavaScript object, secrets unwrapped (noting which top-level properties held one, so messages
 * and markers never use them and the outputs stay secret) and wrapped again, and the URN taken
 * apart into what the core calls a resource (../../core/ref).
 */
import type { ResourceRef } from "../../core/ref";

/** The engine's signature key and value of a secret. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Obj = Record<string, unknown>;

const isSecret = (v: unknown): v is { value: unknown } => !!v && typeof v === "object" && !Array.isArray(v) && (v as Obj)[SIG_KEY] === SECRET_SIG;

/** `v` with every secret unwrapped, and whether it held one. */
function unwrap(v: unknown): { value: unknown; secret: boolean } {
  if (isSecret(v)) return { value: unwrap(v.value).value, secret: true };
  if (Array.isArray(v)) {
    let secret = false;
    const value = v.map((x) => {
      const r = unwrap(x);
      secret ||= r.secret;
      return r.value;
    });
    return { value, secret };
  }
  if (v && typeof v === "object") {
    let secret = false;
    const value: Obj = {};
    for (const [k, x] of Object.entries(v as Obj)) {
      const r = unwrap(x);
      secret ||= r.secret;
      value[k] = r.value;
    }
    return { value, secret };
  }
  return { value: v, secret: false };
}

/** Plain properties, and the names of the top-level ones that held a secret anywhere. */
export function unwrapSecrets(props: Obj): { values: Obj; secrets: Set<string> } {
  const values: Obj = {};
  const secrets = new Set<string>();
  for (const [k, v] of Object.entries(props)) {
    const r = unwrap(v);
    values[k] = r.value;
    if (r.secret) secrets.add(k);
  }
  return { values, secrets };
}

/** A value as the engine takes a secret. */
export function secret(value: unknown): Obj {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** `props` with each property named in `secrets` wrapped as a secret. */
export function wrapSecrets(props: Obj, secrets: Iterable<string>): Obj {
  const out: Obj = { ...props };
  for (const k of secrets) if (k in out && out[k] !== undefined) out[k] = secret(out[k]);
  return out;
}

/** `props` without undefined values (a Struct cannot hold them). */
export function defined(props: Obj): Obj {
  return JSON.parse(JSON.stringify(props)) as Obj;
}

/** The parts of a URN: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
export interface UrnParts {
  stack: string;
  project: string;
  /** The types of the parents and the resource, `$`-joined. */
  qualifiedType: string;
  type: string;
  name: string;
}

export function parseUrn(urn: string): UrnParts {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) throw new Error(`not a URN: ${urn.slice(0, 200)}`);
  const qualifiedType = parts[2];
  return { stack: parts[0].slice("urn:pulumi:".length), project: parts[1], qualifiedType, type: qualifiedType.split("$").pop() ?? qualifiedType, name: parts.slice(3).join("::") };
}

/** The resource a URN names, as the core keys it: its parents' types stand for the parent (a URN is unique). */
export function refOfUrn(urn: string): ResourceRef {
  const u = parseUrn(urn);
  const parents = u.qualifiedType.split("$").slice(0, -1);
  return { project: u.project, stack: u.stack, name: u.name, ...(parents.length > 0 ? { parent: parents.join("$") } : {}) };
}
