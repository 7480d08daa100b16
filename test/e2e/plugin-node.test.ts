/**
 * The plugin in a Node.js program, through the CLI: its classes (pulumi-rackspace-ticketing/plugin)
 * beside the dynamic RackspaceTicket in one stack, and moving a stack's ticket from the dynamic
 * resource to the plugin without closing it or posting a comment again (`pulumi state delete`
 * of the dynamic record, then the plugin's Ticket with `adoptTicketId`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Simulator } from "../../src/simulator";
import { describeWithPulumiCli, ensureBuilt, makeJsProgram, PulumiProject, REPO_ROOT, TICKET_TYPE, uniqueStack } from "../helpers/pulumi-cli";
import { expectOk, FAST_LIMITS, FAST_WINDOW_MS, startFastSimulator } from "../helpers/spec-program";

jest.setTimeout(600_000);

const PROGRAM = `"use strict";
const fs = require("fs");
const path = require("path");
const { RackspaceTicket } = require("pulumi-rackspace-ticketing");
const { Ticket, TicketComment } = require("pulumi-rackspace-ticketing/plugin");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
const base = { accountId: "hybrid:100001", category: "Change", subcategory: "General" };
const out = {};
for (const t of spec.dynamic || []) out[t.name] = new RackspaceTicket(t.name, { ...base, ...t.args }, t.options || {}).ticketId;
for (const t of spec.plugin || []) {
  const ticket = new Ticket(t.name, { ...base, ...t.args }, { ...(t.options || {}), ...(t.aliasDynamic ? { aliases: [{ type: "pulumi-nodejs:dynamic/rackspace:Ticket" }] } : {}) });
  out[t.name] = ticket.ticketId;
  if (t.side) new TicketComment(t.name + "-side", { ticketId: ticket.ticketId, text: t.side });
}
module.exports = out;
`;

interface Spec {
  dynamic?: { name: string; args: Record<string, unknown>; options?: Record<string, unknown> }[];
  plugin?: { name: string; args: Record<string, unknown>; options?: Record<string, unknown>; side?: string; aliasDynamic?: boolean }[];
}

describeWithPulumiCli("e2e: the plugin in a Node.js program", () => {
  let sim: Simulator;
  let dir: string;
  let project: PulumiProject;
  let n = 0;

  const write = (spec: Spec) => fs.writeFileSync(path.join(dir, "spec.json"), `${JSON.stringify(spec)}\n`);
  const customerComments = (id: string) => (sim.getTicket(id)?.comments ?? []).slice(1).filter((c) => c.author?.type !== "racker").map((c) => c.text);
  const lastSeq = () => sim.requests().reduce((m, e) => Math.max(m, e.seq), 0);
  const writes = (since: number) => sim.requests().filter((r) => r.seq > since && ["createTicket", "patchTicket", "addComment"].includes(r.operation));

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(async () => {
    dir = makeJsProgram(`rt-e2e-plugin-node-${++n}`, PROGRAM);
    fs.appendFileSync(path.join(dir, "Pulumi.yaml"), `plugins:\n  providers:\n    - name: rackspace\n      path: ${REPO_ROOT}\n`);
    write({});
    project = await PulumiProject.create({ dir, stack: uniqueStack("plugin-node") });
    await project.configureForSimulator(sim, FAST_WINDOW_MS);
    await project.configSetAll(Object.fromEntries(Object.entries({ Create: FAST_LIMITS.create, Patch: FAST_LIMITS.patch, Comment: FAST_LIMITS.comment, Read: FAST_LIMITS.read }).map(([k, v]) => [`rackspace:rateLimit${k}`, String(v)])));
  });
  afterEach(async () => {
    try {
      await project?.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the plugin's Ticket and TicketComment beside the dynamic RackspaceTicket, in one stack: up, an update of each, destroy", async () => {
    write({ dynamic: [{ name: "dyn", args: { subject: `Both faces, dynamic ${n}`, comments: ["d1"] } }], plugin: [{ name: "plug", args: { subject: `Both faces, plugin ${n}`, comments: ["p1"] }, side: "A side comment." }] });
    expectOk(await project.up());
    const outs = (await project.outputs()) as Record<string, string>;
    expect(customerComments(outs.dyn)).toEqual(["d1"]);
    expect(customerComments(outs.plug)[0]).toBe("p1");
    expect(customerComments(outs.plug)[1]).toMatch(/^A side comment\./);
    write({ dynamic: [{ name: "dyn", args: { subject: `Both faces, dynamic ${n}`, comments: ["d1", "d2"] } }], plugin: [{ name: "plug", args: { subject: `Both faces, plugin ${n}`, comments: ["p1", "p2"] }, side: "A side comment." }] });
    const preview = await project.preview(["--diff"]);
    expectOk(preview);
    // The comment on the plugin's ticket is not replaced by the ticket's update (its id is known in the preview).
    expect(preview.output).not.toMatch(/\+-\s+rackspace:ticketing:TicketComment/);
    expectOk(await project.up());
    expect(customerComments(outs.dyn)).toEqual(["d1", "d2"]);
    expect(customerComments(outs.plug).filter((c) => !c.startsWith("A side comment."))).toEqual(["p1", "p2"]);
    expectOk(await project.destroy());
    expect([sim.getTicket(outs.dyn)?.status, sim.getTicket(outs.plug)?.status]).toEqual(["Closed", "Closed"]);
  });

  test("replacements the engine forces: the plugin's replaceOnChanges opens a new ticket and closes the old one, which names it; `up --replace` of either face keeps the ticket open (the engine asks the provider nothing first)", async () => {
    const dynArgs = { subject: `Forced, dynamic ${n}`, comments: ["d1"] };
    const plugArgs = { subject: `Forced, plugin ${n}`, comments: ["p1"] };
    const spec = (resources: string[]): Spec => ({ dynamic: [{ name: "dyn", args: dynArgs }], plugin: [{ name: "plug", args: { ...plugArgs, resources }, options: { replaceOnChanges: ["resources"] } }] });
    write(spec([]));
    expectOk(await project.up());
    const first = (await project.outputs()) as Record<string, string>;
    // The plugin's diff plans an update of `resources`; the engine applies replaceOnChanges itself.
    write(spec(["https://resources.api.rackspace.com/resources/dedicated:0003"]));
    expectOk(await project.up());
    const second = (await project.outputs()) as Record<string, string>;
    expect(second.dyn).toBe(first.dyn);
    expect(second.plug).not.toBe(first.plug);
    expect(sim.getTicket(first.plug)?.status).toBe("Closed");
    expect(sim.getTicket(first.plug)?.comments.map((c) => c.text)).toContain(`Replaced by ticket ${second.plug}.`);
    expect(sim.getTicket(second.plug)?.resources).toEqual(["https://resources.api.rackspace.com/resources/dedicated:0003"]);
    expect(customerComments(second.plug)).toEqual(["p1"]);
    // `pulumi up --replace` skips the provider's diff (and gives its check no old inputs): the
    // create finds the resource's own ticket by its marker and takes it, and the delete of the
    // old record leaves it open. Nothing is closed, posted again or opened.
    const urns = [...(await project.resources(TICKET_TYPE)), ...(await project.resources("rackspace:ticketing:Ticket"))].map((r) => r.urn);
    expect(urns).toHaveLength(2);
    const since = lastSeq();
    const replaced = await project.up(urns.flatMap((u) => ["--replace", u]));
    expectOk(replaced);
    expect(replaced.output).toContain("a resource of this deployment took this ticket: the record is removed, the ticket stays open");
    expect(writes(since)).toEqual([]);
    const third = (await project.outputs()) as Record<string, string>;
    expect(third).toEqual(second);
    expect([sim.getTicket(third.dyn)?.status, sim.getTicket(third.plug)?.status].filter((st) => st === "Closed")).toEqual([]);
    expectOk(await project.refresh());
    expectOk(await project.destroy());
    expect([sim.getTicket(third.dyn)?.status, sim.getTicket(third.plug)?.status]).toEqual(["Closed", "Closed"]);
  });

  test("moving a ticket from the dynamic resource to the plugin: state delete, then adoptTicketId; the ticket stays open and no comment or note is posted again", async () => {
    const args = { subject: `Moving ${n}`, description: "Moves to the plugin.", comments: ["first", "second"], note: "Deployed build 7." };
    write({ dynamic: [{ name: "moving", args }] });
    expectOk(await project.up());
    const [dyn] = await project.resources(TICKET_TYPE);
    const id = dyn.id as string;
    expect(customerComments(id)).toEqual(["first", "second", "Deployed build 7."]);
    // 1. The stack forgets the dynamic record (nothing is sent: the ticket stays open).
    expectOk(await project.run(["state", "delete", dyn.urn, "--yes"]));
    // 2. The program declares the plugin's Ticket, adopting the same ticket.
    write({ plugin: [{ name: "moving", args: { ...args, adoptTicketId: id } }] });
    const since = lastSeq();
    expectOk(await project.up());
    expect(writes(since)).toEqual([]);
    expect(sim.getTicket(id)?.status).not.toBe("Closed");
    const [plug] = await project.resources("rackspace:ticketing:Ticket");
    expect(plug.id).toBe(id);
    // From now on the plugin posts what is new, once.
    write({ plugin: [{ name: "moving", args: { ...args, adoptTicketId: id, comments: ["first", "second", "third"] } }] });
    expectOk(await project.up());
    expect(customerComments(id)).toEqual(["first", "second", "Deployed build 7.", "third"]);
    expectOk(await project.destroy());
    expect(sim.getTicket(id)?.status).toBe("Closed");
  });

  test("moving with an alias instead: the preview plans no change, the record keeps its ticket under the plugin, nothing is posted again", async () => {
    const args = { subject: `Aliased ${n}`, description: "Moves by an alias.", comments: ["first"], note: "Deployed build 8." };
    write({ dynamic: [{ name: "aliased", args }] });
    expectOk(await project.up());
    const [dyn] = await project.resources(TICKET_TYPE);
    const id = dyn.id as string;
    write({ plugin: [{ name: "aliased", args, aliasDynamic: true }] });
    const preview = await project.preview();
    expectOk(preview);
    expect(preview.output).not.toMatch(/to replace|to create|to delete/);
    const since = lastSeq();
    expectOk(await project.up());
    expect(writes(since)).toEqual([]);
    const [plug] = await project.resources("rackspace:ticketing:Ticket");
    expect([plug.id, await project.resources(TICKET_TYPE)]).toEqual([id, []]);
    write({ plugin: [{ name: "aliased", args: { ...args, comments: ["first", "second"] }, aliasDynamic: true }] });
    expectOk(await project.up());
    expect(customerComments(id)).toEqual(["first", "Deployed build 8.", "second"]);
    expect(sim.getTicket(id)?.status).not.toBe("Closed");
    expectOk(await project.destroy());
  });
});
