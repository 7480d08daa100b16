/**
 * Fallback when no Pulumi CLI can be had: the same workload through the real dynamic
 * provider host (@pulumi/pulumi/cmd/dynamic-provider), driven over gRPC with the SDK's
 * generated stubs the way the engine drives it (as test/helpers/provider-host.ts does):
 * Check + Create for N tickets with up to --parallel RPCs in flight, Check + Diff (no-op
 * up, plus Create of any ticket the create phase failed, as `up` would), Read (refresh),
 * Check + Diff + Update, Delete.
 *
 * There is no CLI overhead here, so makespans are close to the rate-limited spans;
 * the state size is that of {urn, type, id, inputs, outputs} (what `stack export` holds
 * for a resource, minus the engine's own bookkeeping fields).
 */
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const grpc = require("@grpc/grpc-js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const { startSimulator } = require("../../dist/simulator");
const { ROOT, makeProgramDir, envWithoutRackspace, recorder, summarize } = require("./common");
const { rssSampler } = require("./metrics");
const { ticketInputs } = require("../program/spec");

const HOST_SCRIPT = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");
const STUB_JS = path.join(ROOT, "dist", "provider", "stub.js");
const TYPE = "pulumi-nodejs:dynamic/rackspace:Ticket";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE_SIG = "1b47061264138c4ac30d75fd1eb44270";
const PROJECT = "rackspace-bench";
const STACK = "bench";

/** The `__provider` text the SDK would store for RackspaceTicket. */
async function serializedProvider() {
  const pulumi = require("@pulumi/pulumi");
  const { providerStub } = require(STUB_JS);
  const stub = providerStub();
  return (await pulumi.runtime.serializeFunction(() => stub, { allowSecrets: true })).text;
}

function spawnHost(cwd, env, timeoutMs = 30_000) {
  const child = spawn(process.execPath, [HOST_SCRIPT, "127.0.0.1:1"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  let out = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (err += d));
  const exited = new Promise((resolve) => child.once("exit", () => resolve()));
  const port = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the provider host printed no port within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (d) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
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

const struct = (v) => Struct.fromJavaScript(v);
const js = (s) => (s ? s.toJavaScript() : {});
const call = (start) => new Promise((resolve, reject) => start((e, r) => (e ? reject(e) : resolve(r))));

function hostClient(port) {
  const raw = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const urn = (name) => `urn:pulumi:${STACK}::${PROJECT}::${TYPE}::${name}`;
  return {
    raw,
    ready: () => new Promise((resolve, reject) => raw.waitForReady(Date.now() + 10_000, (e) => (e ? reject(e) : resolve()))),
    close: () => raw.close(),
    async configure(args, variables) {
      const req = new provproto.ConfigureRequest();
      req.setArgs(struct(args));
      const vars = req.getVariablesMap();
      for (const [k, v] of Object.entries(variables)) vars.set(k, v);
      req.setAcceptsecrets(true);
      req.setAcceptresources(true);
      return call((cb) => raw.configure(req, cb));
    },
    async check(name, olds, news) {
      const req = new provproto.CheckRequest();
      req.setUrn(urn(name));
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call((cb) => raw.check(req, cb));
      const failures = res.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`);
      if (failures.length) throw new Error(`check ${name} failed: ${failures.join("; ")}`);
      return js(res.getInputs());
    },
    async diff(name, id, olds, news) {
      const req = new provproto.DiffRequest();
      req.setId(id);
      req.setUrn(urn(name));
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call((cb) => raw.diff(req, cb));
      return res.getChanges() === provproto.DiffResponse.DiffChanges.DIFF_NONE ? "none" : "some";
    },
    async create(name, props) {
      const req = new provproto.CreateRequest();
      req.setUrn(urn(name));
      req.setProperties(struct(props));
      const res = await call((cb) => raw.create(req, cb));
      return { id: res.getId(), outs: js(res.getProperties()) };
    },
    async read(name, id, props) {
      const req = new provproto.ReadRequest();
      req.setId(id);
      req.setUrn(urn(name));
      req.setProperties(struct(props));
      const res = await call((cb) => raw.read(req, cb));
      return { id: res.getId(), outs: js(res.getProperties()) };
    },
    async update(name, id, olds, news) {
      const req = new provproto.UpdateRequest();
      req.setId(id);
      req.setUrn(urn(name));
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call((cb) => raw.update(req, cb));
      return { outs: js(res.getProperties()) };
    },
    async delete(name, id, props) {
      const req = new provproto.DeleteRequest();
      req.setId(id);
      req.setUrn(urn(name));
      req.setProperties(struct(props));
      await call((cb) => raw.delete(req, cb));
    },
  };
}

/** Runs `fn` over 0..n-1 with at most `limit` in flight (the engine's --parallel); settles all. */
async function forEachLimit(n, limit, fn) {
  const results = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await fn(i) };
      } catch (e) {
        results[i] = { ok: false, error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  return results;
}

async function runHost({ mode, opts, tag, log }) {
  const { work, prog } = makeProgramDir();
  const sim = await startSimulator({ port: 0, windowMs: opts.windowMs });
  const host = spawnHost(prog, envWithoutRackspace());
  let client;
  const rss = rssSampler({ pids: () => [String(host.child.pid)] });
  try {
    client = hostClient(await host.port);
    await client.ready();
    const providerText = await serializedProvider();
    const variables = {
      "rackspace:username": "demo",
      "rackspace:apiKey": "demo-api-key",
      "rackspace:ticketingUrl": sim.ticketingUrl,
      "rackspace:identityUrl": sim.identityUrl,
      "rackspace:rateWindowMs": String(opts.windowMs),
    };
    if (mode === "baseline") variables["rackspace:pacing"] = "off";
    await client.configure({ ...variables, "rackspace:apiKey": { [SECRET_SIG]: SECRET_VALUE_SIG, value: "demo-api-key" } }, variables);

    const rec = recorder(sim, rss, opts.windowMs);
    const spec = (comments, resources) => ({ tickets: opts.tickets, comments, resources, tag });
    const name = (i) => `ticket-${i}`;
    const props = (s, i) => ({
      ...ticketInputs(s, i),
      __provider: providerText,
      __resourceName: name(i),
      __project: PROJECT,
      __stack: STACK,
      thread: [],
    });
    /** What the engine would hold per resource: inputs, outputs and id. */
    const state = Array.from({ length: opts.tickets }, () => ({ id: "", inputs: {}, outs: {} }));
    const failed = (results) => results.filter((r) => !r.ok);
    const exitOf = (results, what) => {
      const bad = failed(results);
      for (const r of bad.slice(0, 3)) log(`    ${what} failed: ${String(r.error.details || r.error.message).split("\n")[0]}`);
      return bad.length ? 1 : 0;
    };
    const bytes = () => {
      const sizes = state.filter((s) => s.id).map((s, i) => Buffer.byteLength(JSON.stringify({ urn: `urn:pulumi:${STACK}::${PROJECT}::${TYPE}::${name(i)}`, custom: true, id: s.id, type: TYPE, inputs: s.inputs, outputs: s.outs })));
      return sizes.length ? Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length) : null;
    };

    const created = spec(0, 1);
    log(`    create: ${opts.tickets} Check+Create RPCs, ${opts.parallel} in flight`);
    await rec.phase("create", created, async () => {
      const results = await forEachLimit(opts.tickets, opts.parallel, async (i) => {
        const inputs = await client.check(name(i), {}, props(created, i));
        const res = await client.create(name(i), inputs);
        state[i] = { id: res.id, inputs, outs: res.outs };
      });
      return { exitCode: exitOf(results, "Create") };
    });
    const afterCreate = bytes();

    log("    no-op: Check+Diff of unchanged inputs (and Create of any ticket the create phase failed, as `up` would)");
    await rec.phase("noop", created, async () => {
      const results = await forEachLimit(opts.tickets, opts.parallel, async (i) => {
        if (!state[i].id) {
          const inputs = await client.check(name(i), {}, props(created, i));
          const res = await client.create(name(i), inputs);
          state[i] = { id: res.id, inputs, outs: res.outs };
          return;
        }
        const inputs = await client.check(name(i), state[i].inputs, props(created, i));
        if ((await client.diff(name(i), state[i].id, state[i].outs, inputs)) !== "none") throw new Error(`${name(i)}: diff of unchanged inputs is not empty`);
      });
      return { exitCode: exitOf(results, "Diff") };
    });
    log("    refresh: Read");
    await rec.phase("refresh", created, async () => {
      const results = await forEachLimit(opts.tickets, opts.parallel, async (i) => {
        if (!state[i].id) return;
        const res = await client.read(name(i), state[i].id, state[i].outs);
        state[i].outs = res.outs;
      });
      return { exitCode: exitOf(results, "Read") };
    });

    const updated = spec(opts.comments, 2);
    log(`    update: Check+Diff+Update (+${opts.comments} comments and a new resource list per ticket)`);
    await rec.phase("update", updated, async () => {
      const results = await forEachLimit(opts.tickets, opts.parallel, async (i) => {
        if (!state[i].id) throw new Error(`${name(i)} was never created`);
        const inputs = await client.check(name(i), state[i].inputs, props(updated, i));
        await client.diff(name(i), state[i].id, state[i].outs, inputs);
        const res = await client.update(name(i), state[i].id, state[i].outs, inputs);
        state[i] = { id: state[i].id, inputs, outs: res.outs };
      });
      return { exitCode: exitOf(results, "Update") };
    });
    const afterUpdate = bytes();

    log("    destroy: Delete");
    await rec.phase("destroy", updated, async () => {
      const results = await forEachLimit(opts.tickets, opts.parallel, async (i) => {
        if (state[i].id) await client.delete(name(i), state[i].id, state[i].outs);
      });
      return { exitCode: exitOf(results, "Delete") };
    });

    const report = summarize({ mode, driver: "provider-host", opts, phases: rec.phases, sim, tag, stateBytes: { afterCreate, afterUpdate }, rss: rss.stop() });
    if (opts.keep) {
      fs.writeFileSync(path.join(work, "simulator-requests.json"), `${JSON.stringify(sim.requests(), null, 1)}\n`);
      fs.writeFileSync(path.join(work, "provider-host.stderr.log"), host.stderr());
      report.logs = work;
    }
    return report;
  } finally {
    rss.stop();
    client?.close();
    await host.stop();
    await sim.close();
    if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { runHost, spawnHost, hostClient, serializedProvider, SECRET_SIG, SECRET_VALUE_SIG };
