/**
 * Fallback when no Pulumi CLI can be had: the same workload through the real dynamic
 * provider host (@pulumi/pulumi/cmd/dynamic-provider), driven over gRPC by
 * test/helpers/provider-host.ts the way the engine drives it: Check + Create for N tickets
 * with up to --parallel RPCs in flight, Check + Diff (no-op up, plus Create of any ticket
 * the create phase failed, as `up` would), Read (refresh), Check + Diff + Update, Delete.
 *
 * There is no CLI overhead here, so makespans are close to the rate-limited spans;
 * the state size is that of {urn, type, id, inputs, outputs} (what `stack export` holds
 * for a resource, minus the engine's own bookkeeping fields).
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { startSimulator } = require("../../dist/simulator");
const { makeProgramDir, recorder, summarize } = require("./common");
const { rssSampler } = require("./metrics");
const { providerHost } = require("./helpers");
const { ticketInputs } = require("../program/spec");

const TYPE = "pulumi-nodejs:dynamic/rackspace:Ticket";
const PROJECT = "rackspace-bench";
const STACK = "bench";

/**
 * The helper's HostClient with the bench's conventions: Check throws on failures and
 * returns the inputs, Create/Read/Update return `outs`.
 */
function hostClient(port) {
  const { HostClient } = providerHost();
  const c = new HostClient(port, TYPE);
  return {
    ready: () => c.ready(),
    close: () => c.close(),
    configure: (args, variables) => c.configure(args, variables),
    async check(name, olds, news) {
      const res = await c.check(name, olds, news);
      if (res.failures.length) throw new Error(`check ${name} failed: ${res.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
      return res.inputs;
    },
    diff: async (name, id, olds, news) => ((await c.diff(name, id, olds, news)).changes === "DIFF_NONE" ? "none" : "some"),
    create: async (name, props) => {
      const r = await c.create(name, props);
      return { id: r.id, outs: r.properties };
    },
    read: async (name, id, props) => {
      const r = await c.read(name, id, props);
      return { id: r.id, outs: r.properties };
    },
    update: async (name, id, olds, news) => ({ outs: (await c.update(name, id, olds, news)).properties }),
    delete: (name, id, props) => c.delete(name, id, props),
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
  const { spawnHost, serializedProvider, secretValue, envWithoutRackspace } = providerHost();
  let host;
  let client;
  let rss;
  try {
    host = await spawnHost(prog, envWithoutRackspace());
    rss = rssSampler({ pids: () => [String(host.child.pid)] });
    client = hostClient(host.port);
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
    await client.configure({ ...variables, "rackspace:apiKey": secretValue("demo-api-key") }, variables);

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
    rss?.stop();
    client?.close();
    await host?.stop();
    await sim.close();
    if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { runHost, hostClient, forEachLimit };
