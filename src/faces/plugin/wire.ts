/**
 * The gRPC and protobuf modules the plugin speaks with, loaded from @pulumi/pulumi's own folder
 * (the SDK ships the generated provider stubs; its grpc-js and google-protobuf are the ones those
 * stubs were made with, so a Struct built here is one they accept). Loaded when the plugin starts,
 * never by a program.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- resolved from @pulumi/pulumi's folder at run time */
import { createRequire } from "node:module";
import type * as GrpcModule from "@grpc/grpc-js";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as PluginPb from "@pulumi/pulumi/proto/plugin_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import type * as AnyPb from "google-protobuf/google/protobuf/any_pb";

const sdk = createRequire(require.resolve("@pulumi/pulumi/package.json"));

export const grpc = sdk("@grpc/grpc-js") as typeof GrpcModule;
export const provider = require("@pulumi/pulumi/proto/provider_pb") as typeof ProviderPb;
export const plugin = require("@pulumi/pulumi/proto/plugin_pb") as typeof PluginPb;
export const services = require("@pulumi/pulumi/proto/provider_grpc_pb") as { ResourceProviderService: GrpcModule.ServiceDefinition };
export const struct = sdk("google-protobuf/google/protobuf/struct_pb") as typeof StructPb;
export const empty = sdk("google-protobuf/google/protobuf/empty_pb") as typeof EmptyPb;
export const any = sdk("google-protobuf/google/protobuf/any_pb") as typeof AnyPb;
export const status = require("@pulumi/pulumi/proto/status_pb") as { Status: new () => { setCode(c: number): void; setMessage(m: string): void; addDetails(a: unknown): void; serializeBinary(): Uint8Array } };

/** A Struct from plain values (undefined dropped). */
export function toStruct(values: Record<string, unknown>): StructPb.Struct {
  return struct.Struct.fromJavaScript(JSON.parse(JSON.stringify(values)) as Record<string, StructPb.JavaScriptValue>);
}

/** Plain values from a Struct (an absent one is empty). */
export function fromStruct(s: StructPb.Struct | undefined): Record<string, unknown> {
  return s ? (s.toJavaScript() as Record<string, unknown>) : {};
}
