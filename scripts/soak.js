#!/usr/bin/env node
/**
 * npm run soak: random ticket operations from the provider against the simulator while
 * the simulator throttles (429), fails (503), hangs past the client's timeout, and drops
 * connections before and after applying the change. Every failed operation is retried
 * the way the next `pulumi up` would (partial failures resume from what they recorded).
 *
 * Reports duplicates, lost comments and unclear errors (all must be 0) and the retries
 * spent. Usage: node scripts/soak.js [--operations 200] [--seed 1] [--fault-rate 0.3]
 */
"use strict";
const { parseArgs } = require("node:util");
const { startSimulator } = require("../dist/simulator");
const { RackspaceTicketProvider, TicketPartialFailure } = require("../dist/faces/dynamic/provider");
const { forgetProcessMemory } = require("../dist/core/process-memory");

/** Small deterministic PRNG (mulberry32) so a run can be replayed with --seed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RESOURCES = Array.from({ length: 5 }, (_, i) => `https://resources.api.rackspace.com/resources/dedicated:10${i}`);
const FAULTS = [
  { kind: "status", status: 429 },
  { kind: "status", status: 429, retryAfter: "1" },
  { kind: "status", status: 503 },
  { kind: "status", status: 502 },
  { kind: "hang", ms: 400 }, // longer than the client's timeout: the answer is lost, the change applied
  { kind: "drop-before" },
  { kind: "drop-after" },
  { kind: "status", status: 400 }, // a rejection: the operation fails clearly, the next up succeeds
  { kind: "status", status: 503, count: 6 }, // a storm longer than the attempt budget
];
const OPS = ["createTicket", "patchTicket", "addComment", "getTicket", "listTickets"];

/** An error is clear when it names the resource and the operation, and says what happened. */
function isClear(message) {
  return /RackspaceTicket/.test(message) && /(createTicket|patchTicket|addComment|getTicket|listTickets|authenticate)/.test(message) && /(HTTP \d{3}|network error|may have been|outcome is unknown)/.test(message);
}

async function runSoak({ operations = 200, seed = 1, faultRate = 0.3, log = () => undefined } = {}) {
  const random = rng(seed);
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const sim = await startSimulator({ port: 0, windowMs: 500, limits: { create: 20, patch: 20, comment: 20, read: 200 } });
  const provider = new RackspaceTicketProvider();
  provider.log = () => undefined;
  const values = {
    "rackspace:username": "demo",
    "rackspace:apiKey": "demo-api-key",
    "rackspace:ticketingUrl": sim.ticketingUrl,
    "rackspace:identityUrl": sim.identityUrl,
    "rackspace:rateWindowMs": "500",
    "rackspace:rateLimitCreate": "20",
    "rackspace:rateLimitPatch": "20",
    "rackspace:rateLimitComment": "20",
    "rackspace:rateLimitRead": "200",
    "rackspace:timeoutMs": "250",
    "rackspace:retryBudgetMs": "20000",
    "rackspace:retryMaxAttempts": "4",
  };
  await provider.configure({ config: { get: (k) => values[k] } });

  const report = { operations: 0, attempts: 0, failedAttempts: 0, unclearErrors: [], duplicates: 0, lostComments: 0, retries: 0, faultsInjected: 0, tickets: 0 };
  /** What each resource should look like: its inputs and last recorded outputs. */
  const live = [];
  let serial = 0;

  /**
   * What the engine does for a resource it has recorded: diff, then an update, or a replacement
   * (the new ticket first, then the old record's delete). A replacement whose create fails
   * partially leaves the old record pending delete, deleted after the next successful change.
   */
  async function applyChange(entry, props) {
    const d = await provider.diff(entry.id, entry.outs, props);
    if (d.replaces && d.replaces.length > 0) {
      let created;
      try {
        created = await provider.create(props);
      } catch (e) {
        if (e instanceof TicketPartialFailure) {
          entry.pending = [...(entry.pending || []), { id: entry.id, outs: entry.outs }];
          entry.id = e.id;
          entry.outs = e.properties;
          entry.replaced = true;
        }
        throw e;
      }
      entry.pending = [...(entry.pending || []), { id: entry.id, outs: entry.outs }];
      entry.id = created.id;
      entry.outs = created.outs;
    } else {
      entry.outs = (await provider.update(entry.id, entry.outs, props)).outs;
    }
    while (entry.pending && entry.pending.length > 0) {
      await provider.delete(entry.pending[0].id, entry.pending[0].outs);
      entry.pending.shift();
    }
    return { id: entry.id, outs: entry.outs };
  }

  // Applies one logical operation, retrying it as the next `up` would, until it succeeds.
  async function converge(what, attempt) {
    for (let i = 1; ; i++) {
      report.attempts++;
      try {
        return await attempt();
      } catch (e) {
        report.failedAttempts++;
        const message = e instanceof Error ? e.message : String(e);
        if (!isClear(message)) report.unclearErrors.push(`${what}: ${message}`);
        if (e instanceof TicketPartialFailure && !live.some((x) => x.id === e.id)) live.push({ id: e.id, props: what.props, outs: e.properties });
        else if (e instanceof TicketPartialFailure) live.find((x) => x.id === e.id).outs = e.properties;
        // An unconfirmed create whose ticket was never opened (a request held and dropped): the user
        // follows the guidance, finds no ticket with the marker, and removes the record.
        const marker = /marker (pulumi-rt-[0-9a-f]{16})[^]*pulumi state delete/.exec(message)?.[1];
        if (marker && !sim.tickets().some((t) => (t.comments[0]?.text ?? "").includes(marker))) {
          const r = live.find((x) => x.outs?.unconfirmed?.marker === marker);
          if (r) {
            report.stateDeletes = (report.stateDeletes || 0) + 1;
            live.splice(live.indexOf(r), 1);
            // The next `up` is a new provider process: it knows nothing of the removed record.
            forgetProcessMemory();
          }
        }
        if (i >= 10) throw new Error(`${what.name}: did not converge after 10 attempts: ${message}`);
      }
    }
  }

  try {
    for (let n = 0; n < operations; n++) {
      report.operations++;
      if (random() < faultRate) {
        report.faultsInjected++;
        sim.injectFault({ operation: pick(OPS), count: 1, ...pick(FAULTS) });
      }
      const choice = live.length === 0 ? 0 : random();
      if (choice < 0.25) {
        const props = {
          accountId: "hybrid:100001",
          subject: `Soak change ${++serial}`,
          category: "Change",
          subcategory: "General",
          description: `Soak run ${seed}, ticket ${serial}`,
          resources: [pick(RESOURCES)],
          comments: random() < 0.5 ? [`initial note ${serial}`] : [],
          __resourceName: `soak-${serial}`,
          __project: "soak",
          __stack: `seed-${seed}`,
        };
        const what = { name: `create soak-${serial}`, props };
        const res = await converge(what, async () => {
          const existing = live.find((x) => x.props === props);
          // After a partial failure the engine has recorded the ticket: the next up diffs it.
          if (existing) return applyChange(existing, props);
          return provider.create(props);
        });
        const r = live.find((x) => x.props === props);
        if (r) r.outs = res.outs;
        else live.push({ id: res.id, props, outs: res.outs });
      } else if (choice < 0.7) {
        const r = pick(live);
        const props = { ...r.props };
        if (random() < 0.5) props.resources = RESOURCES.filter(() => random() < 0.4);
        else props.comments = [...(props.comments || []), `note ${n} on ${r.props.__resourceName}`];
        await converge({ name: `update ${r.props.__resourceName}`, props }, () => applyChange(r, props));
        r.props = props;
      } else if (choice < 0.85) {
        const r = pick(live);
        await converge({ name: `refresh ${r.props.__resourceName}` }, async () => {
          const res = await provider.read(r.id, r.outs);
          // A refresh may give an unconfirmed record its ticket's id.
          if (res.id) r.id = res.id;
          r.outs = res.props;
        });
      } else {
        const r = pick(live);
        await converge({ name: `delete ${r.props.__resourceName}` }, async () => {
          for (const old of [...(r.pending || []), { id: r.id, outs: r.outs }]) await provider.delete(old.id, old.outs);
        });
        r.deleted = true;
        live.splice(live.indexOf(r), 1);
        report.closed = (report.closed || 0) + 1;
      }
      if (n % 20 === 0) log(`  ${n}/${operations} operations, ${sim.tickets().length} tickets`);
    }
    sim.clearFaults();

    // Audit: one ticket per logical creation, and each ticket's comments exactly as declared.
    const bySubject = new Map();
    for (const t of sim.tickets()) bySubject.set(t.subject, (bySubject.get(t.subject) || 0) + 1);
    for (const count of bySubject.values()) if (count > 1) report.duplicates += count - 1;
    report.tickets = sim.tickets().length;
    for (const r of live) {
      const t = sim.getTicket(r.id);
      const want = r.props.comments || [];
      const have = t.comments.slice(1).filter((c) => c.author.type !== "racker").map((c) => c.text);
      for (const text of want) {
        const missing = have.indexOf(text);
        if (missing < 0) report.lostComments++;
        else have.splice(missing, 1);
      }
      report.duplicates += have.length; // anything left over was posted twice
    }
    const log_ = sim.requests();
    report.retries = log_.filter((e) => e.status === 429 || e.status >= 500 || e.status === 0).length;
    report.http429 = log_.filter((e) => e.status === 429).length;
    report.requests = log_.length;
    return report;
  } finally {
    await sim.close();
  }
}

module.exports = { runSoak };

if (require.main === module) {
  const { values } = parseArgs({
    options: { operations: { type: "string", default: "200" }, seed: { type: "string", default: "1" }, "fault-rate": { type: "string", default: "0.3" } },
  });
  const operations = Number(values.operations);
  const seed = Number(values.seed);
  console.log(`soak: ${operations} operations, seed ${seed}, fault rate ${values["fault-rate"]}`);
  const t0 = Date.now();
  runSoak({ operations, seed, faultRate: Number(values["fault-rate"]), log: (l) => console.log(l) })
    .then((r) => {
      console.log(`\nfinished in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      console.log(`  operations ${r.operations}, attempts ${r.attempts} (${r.failedAttempts} failed and were retried as the next up would)`);
      console.log(`  faults injected ${r.faultsInjected}; requests ${r.requests}; retried/failed requests ${r.retries} (429s: ${r.http429})`);
      console.log(`  tickets ${r.tickets}, closed ${r.closed || 0}`);
      console.log(`  duplicates ${r.duplicates}, lost comments ${r.lostComments}, unclear errors ${r.unclearErrors.length}`);
      for (const u of r.unclearErrors.slice(0, 10)) console.log(`    unclear: ${u}`);
      const ok = r.duplicates === 0 && r.lostComments === 0 && r.unclearErrors.length === 0;
      console.log(ok ? "soak: PASS" : "soak: FAIL");
      process.exit(ok ? 0 : 1);
    })
    .catch((e) => {
      console.error(`soak failed: ${e instanceof Error ? e.stack : e}`);
      process.exit(1);
    });
}
