/**
 * Drives the provider plugin over gRPC as the engine does, for tests: spawns
 * `pulumi-resource-rackspace` (the built package) with the address of a fake engine that
 * collects the lines the plugin logs, reads the port it prints, and calls its RPCs with the
 * generated client. Structs in and out are plain objects; a partial failure's
 * ErrorResourceInitFailed details are decoded.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as EnginePb from "@pulumi/pulumi/proto/engine_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import { REPO_ROOT } from "./provider-host";

const sdk = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = sdk("@grpc/grpc-js") as typeof grpcTypes;
export const pb = require("@pulumi/pulumi/proto/provider_pb") as typeof ProviderPb;
const epb = require("@pulumi/pulumi/proto/engine_pb") as typeof EnginePb;
const providerRpc = require("@pulumi/pulumi/proto/provider_grpc_pb") as { ResourceProviderClient: new (addr: string, creds: grpcTypes.ChannelCredentials) => grpcTypes.Client };
const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as { EngineService: grpcTypes.ServiceDefinition };
const structPb = sdk("google-protobuf/google/protobuf/struct_pb") as typeof StructPb;
const emptyPb = sdk("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => unknown };
const statusPb = require("@pulumi/pulumi/proto/status_pb") as { Status: { deserializeBinary(b: Uint8Array): { getDetailsList(): { getTypeUrl(): string; getValue_asU8(): Uint8Array }[] } } };

/** An empty request (GetPluginInfo, Cancel). */
export const newEmpty = () => new emptyPb.Empty();

export const SIG = "4dabf18193072939515e22adb298388d";
export const SECRET = (value: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });

export const struct = (v: Record<string, unknown>) => structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(v)) as Record<string, StructPb.JavaScriptValue>);
export const plain = (s: StructPb.Struct | undefined) => (s ? (s.toJavaScript() as Record<string, unknown>) : {});

/** A line the plugin sent to the engine's log. */
export interface LoggedLine {
  severity: number;
  message: string;
  urn: string;
}

/** What a partial failure told the engine. */
export interface InitFailed {
  id: string;
  properties: Record<string, unknown>;
  reasons: string[];
}

/** The ErrorResourceInitFailed in an error's status details, if any. */
export function initFailedOf(e: unknown): InitFailed | undefined {
  const md = (e as { metadata?: grpcTypes.Metadata }).metadata;
  const bin = md?.get("grpc-status-details-bin")?.[0];
  if (!bin) return undefined;
  const st = statusPb.Status.deserializeBinary(new Uint8Array(bin as Buffer));
  const d = st.getDetailsList().find((x) => x.getTypeUrl().endsWith("pulumirpc.ErrorResourceInitFailed"));
  if (!d) return undefined;
  const f = pb.ErrorResourceInitFailed.deserializeBinary(d.getValue_asU8());
  return { id: f.getId(), properties: plain(f.getProperties()), reasons: f.getReasonsList() };
}

export class PluginHost {
  readonly lines: LoggedLine[] = [];
  private child?: ChildProcess;
  private engine?: grpcTypes.Server;
  client!: grpcTypes.Client;
  stderr = "";

  /** Starts a fake engine and the plugin; resolves once the plugin listens. */
  async start(): Promise<void> {
    this.engine = new grpc.Server();
    this.engine.addService(engineRpc.EngineService, {
      log: (call: { request: InstanceType<typeof epb.LogRequest> }, cb: (e: null, r: unknown) => void) => {
        this.lines.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
        cb(null, new emptyPb.Empty());
      },
      getRootResource: (_c: unknown, cb: (e: null, r: unknown) => void) => cb(null, new epb.GetRootResourceResponse()),
      setRootResource: (_c: unknown, cb: (e: null, r: unknown) => void) => cb(null, new epb.SetRootResourceResponse()),
    });
    const enginePort = await new Promise<number>((res, rej) => this.engine?.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
    this.child = spawn(path.join(REPO_ROOT, "pulumi-resource-rackspace"), ["--logtostderr", "-v=9", `127.0.0.1:${enginePort}`], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stderr?.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      this.child?.stdout?.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const m = /^(\d+)\n/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      this.child?.once("exit", (code) => reject(new Error(`the plugin exited (${code}) before printing its port: ${this.stderr}`)));
    });
    this.client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  /** Calls one RPC (`method` as the generated client names it). */
  call<Res>(method: string, req: unknown): Promise<Res> {
    const fn = (this.client as unknown as Record<string, (r: unknown, cb: (e: grpcTypes.ServiceError | null, res: Res) => void) => void>)[method];
    return new Promise((resolve, reject) => fn.call(this.client, req, (e, res) => (e ? reject(e) : resolve(res))));
  }

  async stop(): Promise<void> {
    this.client?.close();
    this.child?.kill("SIGKILL");
    await new Promise<void>((r) => (this.engine ? this.engine.tryShutdown(() => r()) : r()));
  }
}
