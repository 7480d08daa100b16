/**
 * The plugin face: a Pulumi ResourceProvider gRPC server over the same core as the dynamic face.
 * GetPluginInfo, GetSchema, CheckConfig, DiffConfig, Configure, Check, Diff (element by element:
 * `detailedDiff`), Create, Read (a refresh, or `pulumi import`: inputs from the ticket), Update,
 * Delete, Invoke and Cancel (a gate's wait ends cleanly) are served; the rest answers
 * UNIMPLEMENTED. Partial failures carry ErrorResourceInitFailed. Lines go to the engine's log on
 * the resource's row.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import { TicketingClient } from "../../api/client";
import { optionsFromConfig } from "../../config/client-options";
import { CommentEngine } from "../../core/comment/engine";
import type { PropertyChange } from "../../core/ticket/detailed-diff";
import { TicketEngine } from "../../core/ticket/engine";
import { WRITING_INPUTS } from "../../core/ticket/fields";
import { engineSink } from "../engine-log";
import { changedConfig, configSource } from "./config";
import { invoke } from "./functions";
import { COMMENT_SHAPE, PluginResource, TICKET_SHAPE } from "./resources";
import { failed, unimplemented } from "./rpc-errors";
import { COMMENT_TOKEN, TICKET_TOKEN } from "./schema";
import { unwrapSecrets } from "./struct";
import { empty, fromStruct, grpc, plugin, provider, services, toStruct } from "./wire";

type Call<Req> = { request: Req };
type Callback<Res> = (err: grpcTypes.ServiceError | grpcTypes.ServerErrorResponse | null, res?: Res) => void;

/** The package's root (schema.json and package.json are there). */
const ROOT = path.resolve(__dirname, "..", "..", "..");

/** A unary handler from an async function: its result or its error goes back once. */
function unary<Req, Res>(fn: (req: Req) => Promise<Res>): (call: Call<Req>, cb: Callback<Res>) => void {
  return (call, cb) => {
    fn(call.request).then(
      (res) => cb(null, res),
      (e: unknown) => cb(e && typeof e === "object" && "code" in e ? (e as grpcTypes.ServerErrorResponse) : failed(e)),
    );
  };
}

const KINDS: Record<PropertyChange["kind"], number> = {
  add: provider.PropertyDiff.Kind.ADD,
  "add-replace": provider.PropertyDiff.Kind.ADD_REPLACE,
  delete: provider.PropertyDiff.Kind.DELETE,
  "delete-replace": provider.PropertyDiff.Kind.DELETE_REPLACE,
  update: provider.PropertyDiff.Kind.UPDATE,
  "update-replace": provider.PropertyDiff.Kind.UPDATE_REPLACE,
};

export class RackspaceProviderServer {
  private readonly version: string;
  private readonly ticketEngine: TicketEngine;
  private readonly commentEngine: CommentEngine;
  private readonly resources: Record<string, PluginResource>;
  private client?: TicketingClient;

  constructor(private readonly engineAddress: string | undefined) {
    this.version = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    const sink = (fallback: (line: string) => void) => engineSink(this.engineAddress, fallback);
    this.ticketEngine = new TicketEngine(TICKET_TOKEN, sink);
    this.commentEngine = new CommentEngine(COMMENT_TOKEN, sink);
    this.resources = { [TICKET_TOKEN]: new PluginResource(this.ticketEngine, TICKET_SHAPE), [COMMENT_TOKEN]: new PluginResource(this.commentEngine, COMMENT_SHAPE) };
  }

  private resource(urn: string): PluginResource {
    const type = urn.split("::")[2]?.split("$").pop() ?? "";
    const r = this.resources[type];
    if (!r) throw new Error(`the rackspace provider has no resource type ${JSON.stringify(type)} (it has ${Object.keys(this.resources).join(", ")})`);
    return r;
  }

  /** The handlers, as grpc-js takes them for the ResourceProvider service. */
  handlers(): grpcTypes.UntypedServiceImplementation {
    const p = provider;
    return {
      getPluginInfo: unary(async () => new plugin.PluginInfo().setVersion(this.version)),
      getSchema: unary(async () => new p.GetSchemaResponse().setSchema(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8"))),
      checkConfig: unary(async (req: InstanceType<typeof p.CheckRequest>) => new p.CheckResponse().setInputs(req.getNews())),
      diffConfig: unary(async (req: InstanceType<typeof p.DiffRequest>) => {
        const changed = changedConfig(fromStruct(req.getOlds()), fromStruct(req.getNews()));
        return new p.DiffResponse().setChanges(changed.length > 0 ? p.DiffResponse.DiffChanges.DIFF_SOME : p.DiffResponse.DiffChanges.DIFF_NONE).setDiffsList(changed);
      }),
      configure: unary(async (req: InstanceType<typeof p.ConfigureRequest>) => {
        const variables = new Map<string, string>();
        req.getVariablesMap().forEach((v: string, k: string) => variables.set(k, v));
        const config = configSource(variables, fromStruct(req.getArgs()));
        await this.ticketEngine.configure({ config });
        await this.commentEngine.configure({ config });
        this.client = new TicketingClient(optionsFromConfig(config));
        return new p.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(false).setAcceptoutputs(false);
      }),
      check: unary(async (req: InstanceType<typeof p.CheckRequest>) => {
        const r = await this.resource(req.getUrn()).check(req.getUrn(), fromStruct(req.getOlds()), fromStruct(req.getNews()));
        const resp = new p.CheckResponse().setInputs(toStruct(r.inputs));
        resp.setFailuresList(r.failures.map((f) => new p.CheckFailure().setProperty(f.property).setReason(f.reason)));
        return resp;
      }),
      diff: unary(async (req: InstanceType<typeof p.DiffRequest>) => {
        const oldInputs = req.hasOldInputs() ? fromStruct(req.getOldInputs()) : undefined;
        const d = await this.resource(req.getUrn()).diff(req.getId(), req.getUrn(), fromStruct(req.getOlds()), fromStruct(req.getNews()), oldInputs);
        const resp = new p.DiffResponse()
          .setChanges(d.changes ? p.DiffResponse.DiffChanges.DIFF_SOME : p.DiffResponse.DiffChanges.DIFF_NONE)
          .setReplacesList(d.replaces)
          .setStablesList(d.stables)
          .setDeletebeforereplace(d.deleteBeforeReplace)
          .setDiffsList([...new Set(Object.keys(d.detailedDiff).map((k) => k.replace(/[[.].*$/, "")))])
          .setHasdetaileddiff(true);
        const detailed = resp.getDetaileddiffMap();
        for (const [k, c] of Object.entries(d.detailedDiff)) detailed.set(k, new p.PropertyDiff().setKind(KINDS[c.kind] as never).setInputdiff(c.inputDiff));
        return resp;
      }),
      create: unary(async (req: InstanceType<typeof p.CreateRequest>) => {
        const r = await this.resource(req.getUrn()).create(req.getUrn(), fromStruct(req.getProperties()), req.getPreview());
        return new p.CreateResponse().setId(r.id).setProperties(toStruct(r.properties));
      }),
      read: unary(async (req: InstanceType<typeof p.ReadRequest>) => {
        const r = await this.resource(req.getUrn()).read(req.getId(), req.getUrn(), fromStruct(req.getProperties()), fromStruct(req.getInputs()));
        if (!r.id) return new p.ReadResponse();
        return new p.ReadResponse().setId(r.id).setProperties(toStruct(r.properties)).setInputs(toStruct(r.inputs));
      }),
      update: unary(async (req: InstanceType<typeof p.UpdateRequest>) => {
        const olds = fromStruct(req.getOlds());
        const news = fromStruct(req.getNews());
        const writes = this.writes(olds, news, req.hasOldInputs() ? fromStruct(req.getOldInputs()) : undefined);
        const props = await this.resource(req.getUrn()).update(req.getId(), req.getUrn(), olds, news, req.getPreview(), writes);
        return new p.UpdateResponse().setProperties(toStruct(props));
      }),
      delete: unary(async (req: InstanceType<typeof p.DeleteRequest>) => {
        await this.resource(req.getUrn()).delete(req.getId(), req.getUrn(), fromStruct(req.getProperties()));
        return new empty.Empty();
      }),
      invoke: unary(async (req: InstanceType<typeof p.InvokeRequest>) => {
        if (!this.client) throw new Error("the rackspace provider was not configured");
        const out = await invoke(this.client, req.getTok(), unwrapSecrets(fromStruct(req.getArgs())).values);
        if (out === undefined) throw unimplemented(`the function ${req.getTok()}`);
        return new p.InvokeResponse().setReturn(toStruct(out));
      }),
      cancel: unary(async () => {
        this.ticketEngine.cancel();
        return new empty.Empty();
      }),
      getMapping: unary(async () => new p.GetMappingResponse().setProvider("").setData(new Uint8Array())),
      getMappings: unary(async () => new p.GetMappingsResponse()),
      handshake: unary(async () => {
        throw unimplemented("Handshake");
      }),
      parameterize: unary(async () => {
        throw unimplemented("Parameterize");
      }),
      construct: unary(async () => {
        throw unimplemented("Construct");
      }),
      call: unary(async () => {
        throw unimplemented("Call");
      }),
      attach: unary(async () => {
        throw unimplemented("Attach");
      }),
    };
  }

  /** Whether an update writes to the ticket (its preview then cannot know the thread or status). */
  private writes(olds: Record<string, unknown>, news: Record<string, unknown>, oldInputs: Record<string, unknown> | undefined): boolean {
    const before = unwrapSecrets(oldInputs ?? olds).values;
    const after = unwrapSecrets(news).values;
    return [...WRITING_INPUTS, "text"].some((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  }
}

/** Serves the provider on 127.0.0.1 (a free port); resolves with the port, which the caller prints for the engine. */
export async function serve(engineAddress: string | undefined): Promise<{ port: number; server: grpcTypes.Server }> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 1024 * 1024 * 400 });
  server.addService(services.ResourceProviderService, new RackspaceProviderServer(engineAddress).handlers());
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return { port, server };
}
