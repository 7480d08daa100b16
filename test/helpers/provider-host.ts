/**
 * Drives the real Pulumi dynamic provider host
 * (`@pulumi/pulumi/cmd/dynamic-provider/index.js`) over gRPC, with the SDK's own
 * generated stubs, the way the Pulumi engine does: spawn it with the engine address,
 * read its port from stdout, then call Configure / Check / Diff / Create / Read /
 * Update / Delete on the ResourceProvider service.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const HOST_SCRIPT = path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");
export const IMPL_JS = path.join(REPO_ROOT, "dist", "faces", "dynamic", "impl.js");
export const STUB_JS = path.join(REPO_ROOT, "dist", "faces", "dynamic", "stub.js");
export const PACKAGE_NAME = "pulumi-rackspace-ticketing";

/** The engine's sentinel for a secret value in a Struct (what `rpc.unwrapRpcSecret` unwraps). */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_VALUE_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const secretValue = (value: unknown) => ({ [SECRET_SIG]: SECRET_VALUE_SIG, value });

export type Props = Record<string, unknown>;

function newestMtime(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds dist/ when the implementation the host loads is missing or older than any source
 * in src/. The build may report errors from files other engineers are editing; it still
 * emits, so only the presence of dist/faces/dynamic/impl.js matters.
 */
export function ensureBuilt(): void {
  const stale = () =>
    !fs.existsSync(IMPL_JS) ||
    !fs.existsSync(STUB_JS) ||
    newestMtime(path.join(REPO_ROOT, "src")) > fs.statSync(IMPL_JS).mtimeMs;
  if (!stale()) return;
  try {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: REPO_ROOT, stdio: "pipe", timeout: 120_000 });
  } catch (e) {
    if (!fs.existsSync(IMPL_JS)) throw new Error(`building dist/ failed and dist/faces/dynamic/impl.js is missing: ${String((e as { stdout?: Buffer }).stdout ?? e)}`);
  }
}

/**
 * A directory standing in for a user's Pulumi program: the package is "installed" as a
 * symlink to this repository, so its dependencies resolve from the repo's node_modules.
 */
export function makeProgramDir(packageRoot: string = REPO_ROOT): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-host-"));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(packageRoot, path.join(dir, "node_modules", PACKAGE_NAME), "dir");
  return dir;
}

/** The environment of the calling process without any RACKSPACE_* variable. */
export function envWithoutRackspace(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("RACKSPACE_") && v !== undefined) env[k] = v;
  return env;
}

/**
 * The `__provider` text exactly as the SDK produces it for a dynamic resource
 * (`serializeFunction(() => provider, { allowSecrets: true })`), from the built stub.
 * The built module is used rather than src/ so coverage instrumentation of src/ never
 * ends up inside the serialized closure.
 */
export async function serializedProvider(): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { providerStub } = require(STUB_JS) as typeof import("../../src/faces/dynamic/stub");
  const stub = providerStub();
  const serialized = await pulumi.runtime.serializeFunction(() => stub, { allowSecrets: true });
  return serialized.text;
}

export interface HostProcess {
  child: ChildProcess;
  port: number;
  /** Everything the host wrote to stderr so far (provider progress lines, errors). */
  stderr(): string;
  stop(): Promise<void>;
}

/** Spawns the real dynamic provider host and waits for the port it prints. */
export async function spawnHost(cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<HostProcess> {
  const child = spawn(process.execPath, [HOST_SCRIPT, "127.0.0.1:1"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  let out = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the provider host printed no port within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
    const onData = (d: string) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.setEncoding("utf8").on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the provider host exited (code ${code}, signal ${signal}) before printing its port; stderr: ${err}`));
    });
  });
  return {
    child,
    port,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A gRPC error from the host, with the status details it may carry. */
export type HostError = grpc.ServiceError;

/** What an ErrorResourceInitFailed detail says (a resource created but not fully initialised). */
export interface InitFailure {
  typeName: string;
  message: string;
  id: string;
  properties: Props;
  reasons: string[];
}

/** Unpacks `grpc-status-details-bin` into the ErrorResourceInitFailed the host packed, if any. */
export function initFailureOf(err: HostError): InitFailure | undefined {
  const raw = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (raw === undefined) return undefined;
  const status = Status.deserializeBinary(typeof raw === "string" ? Buffer.from(raw, "base64") : new Uint8Array(raw));
  const any = status.getDetailsList()[0];
  if (!any) return undefined;
  const detail = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
  return {
    typeName: any.getTypeName(),
    message: status.getMessage(),
    id: detail.getId(),
    properties: (detail.getProperties()?.toJavaScript() ?? {}) as Props,
    reasons: detail.getReasonsList(),
  };
}

type Callback<Res> = (e: grpc.ServiceError | null, r: Res) => void;

/** One unary call as a promise. */
function call<Res>(start: (cb: Callback<Res>) => grpc.ClientUnaryCall): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    start((e, r) => (e ? reject(e) : resolve(r)));
  });
}

const struct = (v: Props) => Struct.fromJavaScript(v as Parameters<typeof Struct.fromJavaScript>[0]);
const js = (s: Struct | undefined): Props => (s?.toJavaScript() ?? {}) as Props;

export interface CheckOutcome {
  inputs: Props;
  failures: { property: string; reason: string }[];
}

export type DiffChanges = "DIFF_UNKNOWN" | "DIFF_NONE" | "DIFF_SOME";

export interface DiffOutcome {
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** Promise wrappers over the SDK's ResourceProviderClient, speaking plain JS objects. */
export class HostClient {
  readonly raw: ResourceProviderClient;

  constructor(
    port: number,
    readonly type = "pulumi-nodejs:dynamic:Resource",
  ) {
    this.raw = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  urn(name: string): string {
    return `urn:pulumi:test::rackspace-host::${this.type}::${name}`;
  }

  async ready(timeoutMs = 10_000): Promise<void> {
    await new Promise<void>((resolve, reject) => this.raw.waitForReady(Date.now() + timeoutMs, (e) => (e ? reject(e) : resolve())));
  }

  close(): void {
    this.raw.close();
  }

  async configure(args: Props, variables: Record<string, string> = {}): Promise<provproto.ConfigureResponse> {
    const req = new provproto.ConfigureRequest();
    req.setArgs(struct(args));
    const vars = req.getVariablesMap();
    for (const [k, v] of Object.entries(variables)) vars.set(k, v);
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    return call((cb: Callback<provproto.ConfigureResponse>) => this.raw.configure(req, cb));
  }

  async check(name: string, olds: Props, news: Props): Promise<CheckOutcome> {
    const req = new provproto.CheckRequest();
    req.setUrn(this.urn(name));
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    const res = await call((cb: Callback<provproto.CheckResponse>) => this.raw.check(req, cb));
    return {
      inputs: js(res.getInputs()),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(name: string, id: string, olds: Props, news: Props): Promise<DiffOutcome> {
    const req = new provproto.DiffRequest();
    req.setId(id);
    req.setUrn(this.urn(name));
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    const res = await call((cb: Callback<provproto.DiffResponse>) => this.raw.diff(req, cb));
    const names: Record<number, DiffChanges> = {
      [provproto.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "DIFF_UNKNOWN",
      [provproto.DiffResponse.DiffChanges.DIFF_NONE]: "DIFF_NONE",
      [provproto.DiffResponse.DiffChanges.DIFF_SOME]: "DIFF_SOME",
    };
    return { changes: names[res.getChanges()], replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
  }

  async create(name: string, props: Props): Promise<{ id: string; properties: Props }> {
    const req = new provproto.CreateRequest();
    req.setUrn(this.urn(name));
    req.setProperties(struct(props));
    const res = await call((cb: Callback<provproto.CreateResponse>) => this.raw.create(req, cb));
    return { id: res.getId(), properties: js(res.getProperties()) };
  }

  async read(name: string, id: string, props: Props): Promise<{ id: string; properties: Props; inputs?: Props }> {
    const req = new provproto.ReadRequest();
    req.setId(id);
    req.setUrn(this.urn(name));
    req.setProperties(struct(props));
    const res = await call((cb: Callback<provproto.ReadResponse>) => this.raw.read(req, cb));
    return { id: res.getId(), properties: js(res.getProperties()), inputs: res.getInputs() ? js(res.getInputs()) : undefined };
  }

  async update(name: string, id: string, olds: Props, news: Props): Promise<{ properties: Props }> {
    const req = new provproto.UpdateRequest();
    req.setId(id);
    req.setUrn(this.urn(name));
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    const res = await call((cb: Callback<provproto.UpdateResponse>) => this.raw.update(req, cb));
    return { properties: js(res.getProperties()) };
  }

  async delete(name: string, id: string, props: Props): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setId(id);
    req.setUrn(this.urn(name));
    req.setProperties(struct(props));
    await call((cb: Callback<unknown>) => this.raw.delete(req, cb));
  }
}
