/**
 * Lines for the Pulumi engine's own log: a provider process (the dynamic provider host, the
 * plugin) is started with the engine's address, and a line sent there with the resource's URN
 * shows on that resource's row, with its severity (a warning is a warning). Where no engine
 * can be reached (a test, an engine that went away) the line goes to the fallback, a warning
 * prefixed `warning: `. Sending never blocks or throws.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the gRPC stubs ship with @pulumi/pulumi and load only when an engine address is given */

import { LineSink, plainSink } from "../core/log";

export type { LineMeta, LineSink } from "../core/log";

/** The engine's address a provider process was started with (the first argument), if it looks like one. */
export function engineAddressFromArgv(argv: readonly string[] = process.argv): string | undefined {
  const a = argv[2];
  return a && /^(?:[\w.-]+|\[[0-9a-fA-F:]+\]):\d{2,5}$/.test(a) ? a : undefined;
}

interface EngineStub {
  log(req: unknown, cb: (err: Error | null) => void): void;
}

/** A sink writing to the engine at `address`, or to `fallback` when there is none or it fails. */
export function engineSink(address: string | undefined, fallback: (line: string) => void): LineSink {
  const plain = plainSink(fallback);
  if (!address) return plain;
  type Pb = typeof import("@pulumi/pulumi/proto/engine_pb");
  let engine: { client: EngineStub; pb: Pb } | undefined;
  let broken = false;
  const connect = (): { client: EngineStub; pb: Pb } => {
    const pulumiDir = require.resolve("@pulumi/pulumi");
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as typeof import("@grpc/grpc-js");
    const stubs = require("@pulumi/pulumi/proto/engine_grpc_pb") as { EngineClient: new (addr: string, creds: unknown) => EngineStub };
    return { client: new stubs.EngineClient(address, grpc.credentials.createInsecure()), pb: require("@pulumi/pulumi/proto/engine_pb") as Pb };
  };
  return (line, meta) => {
    if (broken) return plain(line, meta);
    try {
      engine ??= connect();
      const { client, pb } = engine;
      const req = new pb.LogRequest();
      req.setSeverity(meta.severity === "warning" ? pb.LogSeverity.WARNING : pb.LogSeverity.INFO);
      req.setMessage(line);
      if (meta.urn) req.setUrn(meta.urn);
      client.log(req, (err) => {
        if (err) {
          broken = true;
          plain(line, meta);
        }
      });
    } catch {
      broken = true;
      plain(line, meta);
    }
  };
}
