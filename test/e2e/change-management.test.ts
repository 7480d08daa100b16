/**
 * Change management through the real Pulumi CLI: a resource that depends on the ticket
 * deploys only after the Racker's approval; a rejection fails the up with the Racker's
 * words; a timeout warns and goes on when asked; a CLI killed while waiting resumes on the
 * same ticket; five CI runs in fresh directories post one note each and nothing on a
 * re-run; destroy posts the closing comment, then closes; a replacement names both tickets.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Simulator, Ticket } from "../../src/simulator";
import { killTree } from "../helpers/process-tree";
import { describeWithPulumiCli, ensureBuilt, makeJsProgram, PulumiProject } from "../helpers/pulumi-cli";
import { expectOk, specStack, startFastSimulator } from "../helpers/spec-program";

const PROGRAM = `"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const { RackspaceTicket } = require("pulumi-rackspace-ticketing");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
const ticket = new RackspaceTicket("change", { accountId: "hybrid:100001", category: "Change", subcategory: "General", ...spec.args });
// The risky part: a resource that records when the engine created it.
const stamp = { async create() { return { id: "risky-" + Date.now(), outs: { createdAt: new Date().toISOString() } }; } };
const risky = spec.dependent ? new pulumi.dynamic.Resource(stamp, "risky-part", { createdAt: undefined }, { dependsOn: [ticket] }) : undefined;
module.exports = { ticketId: ticket.ticketId, approval: ticket.approval, notes: ticket.notes, riskyCreatedAt: risky ? risky.createdAt : undefined };
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const GATE = { approval: "approved", rejection: "/rejected|denied/i", pollInterval: "1s", timeout: "2m" };
const customerTexts = (t: Ticket | undefined) => (t?.comments ?? []).filter((c) => c.author.type !== "racker").map((c) => c.text);

describeWithPulumiCli("e2e: change management", () => {
  let sim: Simulator;
  const dirs: string[] = [];
  const projects: PulumiProject[] = [];

  /** A program directory with its spec. */
  function program(spec: Record<string, unknown>, dir?: string): string {
    const d = dir ?? makeJsProgram("rt-e2e-change", PROGRAM);
    if (!dir) dirs.push(d);
    fs.writeFileSync(path.join(d, "spec.json"), JSON.stringify(spec));
    return d;
  }
  async function stack(dir: string, purpose: string): Promise<PulumiProject> {
    const p = await specStack({ dir }, sim, purpose);
    projects.push(p);
    return p;
  }
  const bySubject = (subject: string) => () => sim.tickets().find((t) => t.subject === subject);

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
  });
  afterAll(async () => {
    for (const p of projects) await p.dispose().catch(() => undefined);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    await sim?.close();
  });

  test("the risky part deploys only after the Racker approves; a rejection fails the up with the Racker's words", async () => {
    const subject = `Gate ${Date.now()}`;
    const dir = program({ args: { subject, description: "Database failover tonight.", waitFor: GATE }, dependent: true });
    const project = await stack(dir, "gate");
    const up = project.up();
    const t = await until("the ticket", bySubject(subject));
    await sleep(2500); // a few polls: still waiting
    sim.actAsRacker(t.ticketId, { comment: "Approved: change window confirmed.", name: "Jane D." });
    const approvedAt = sim.getTicket(t.ticketId)!.comments.at(-1)!.created;
    const r = await up;
    expectOk(r);
    expect(r.output).toContain(`RackspaceTicket "change" (ticket ${t.ticketId}): waiting for a Racker reply saying the phrase "approved"`);
    const outs = await project.outputs();
    expect(outs.approval).toMatchObject({ met: true, how: "comment", by: "Jane D.", at: approvedAt });
    expect(Date.parse(outs.riskyCreatedAt as string)).toBeGreaterThanOrEqual(Date.parse(approvedAt));
    // Another up: met, nothing to wait for, nothing sent.
    sim.clearRequests();
    expectOk(await project.up());
    expect(sim.writeCalls()).toEqual([]);

    // A second change ticket, rejected.
    const rejectedSubject = `Gate rejected ${Date.now()}`;
    const dir2 = program({ args: { subject: rejectedSubject, description: "Kernel upgrade.", waitFor: GATE }, dependent: true });
    const p2 = await stack(dir2, "gate-rejected");
    const up2 = p2.up();
    const t2 = await until("the ticket", bySubject(rejectedSubject));
    sim.actAsRacker(t2.ticketId, { comment: "Rejected: overlaps the freeze window.", name: "Sam K." });
    const r2 = await up2;
    expect(r2.code).not.toBe(0);
    expect(r2.output).toContain('Rackspace rejected the change: "Rejected: overlaps the freeze window." (Sam K.,');
    // The ticket is in the stack; the risky part is not.
    const resources = (await p2.exportState()).state.deployment.resources ?? [];
    expect(resources.filter((x) => x.type.endsWith("rackspace:Ticket")).map((x) => x.id)).toEqual([t2.ticketId]);
    expect(resources.some((x) => x.urn.endsWith("risky-part"))).toBe(false);
    expectOk(await p2.destroy());
    expect(sim.getTicket(t2.ticketId)?.status).toBe("Closed");
  }, 240_000);

  test("a timeout with onTimeout continue warns and deploys, with fail it fails the up; the CLI killed while waiting resumes on the same ticket", async () => {
    const subject = `Gate timeout ${Date.now()}`;
    const dir = program({ args: { subject, waitFor: { ...GATE, timeout: "3s", onTimeout: "continue" } }, dependent: true });
    const project = await stack(dir, "gate-timeout");
    const r = await project.up();
    expectOk(r);
    expect(r.output).toMatch(/warning: approval gate timed out: nothing met it within \ds \(waiting for a Racker reply saying the phrase "approved"/);
    expect((await project.outputs()).approval).toMatchObject({ met: false, how: "timeout" });
    // The same gate with onTimeout fail (the default): the up fails naming the ticket and the wait; the risky part is not deployed.
    program({ args: { subject, waitFor: { ...GATE, timeout: "3s" } }, dependent: true }, dir);
    const ticketId = (await project.outputs()).ticketId as string;
    const failed = await project.up();
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain(`RackspaceTicket "change" (ticket ${ticketId}): approval gate timed out: nothing met it within 3s (waiting for a Racker reply saying the phrase "approved";`);
    expect(failed.output).toContain("the resources that depend on it were not deployed");

    const killedSubject = `Gate killed ${Date.now()}`;
    const dir2 = program({ args: { subject: killedSubject, comments: ["step 1"], waitFor: GATE }, dependent: true });
    const p2 = await stack(dir2, "gate-killed");
    let pid = 0;
    let tag = "";
    const first = p2.up([], {
      onSpawn: (p, t) => {
        pid = p;
        tag = t;
      },
    });
    const t = await until("the ticket", bySubject(killedSubject));
    await until("the comment", () => (customerTexts(sim.getTicket(t.ticketId)).includes("step 1") ? true : undefined));
    await sleep(1500);
    await killTree(pid, { tag }); // the CI runner dies while the gate waits: the CLI and everything it started
    expect((await first).code).not.toBe(0);
    expect((await p2.run(["cancel", "--yes"])).code).toBe(0);
    const second = p2.up();
    await sleep(3000);
    sim.actAsRacker(t.ticketId, { comment: "approved", name: "Jane D." });
    const r2 = await second;
    expectOk(r2);
    expect(r2.output).toMatch(/adopting the open ticket this resource already created/);
    expect(sim.tickets().filter((x) => x.subject === killedSubject)).toHaveLength(1);
    expect(customerTexts(sim.getTicket(t.ticketId)).filter((x) => x === "step 1")).toHaveLength(1);
    expect((await p2.outputs()).riskyCreatedAt).toEqual(expect.any(String));
  }, 240_000);

  test("five CI runs in fresh directories post one note each, and a re-run posts nothing; destroy posts the closing comment, then closes", async () => {
    const subject = `CI record ${Date.now()}`;
    const args = (run: number) => ({ subject, description: "Change record of the staging environment.", note: `Deployed build ${run}.`, closingComment: "Environment removed." });
    const first = program({ args: args(1) });
    const project = await stack(first, "ci-record");
    expectOk(await project.up());
    for (const run of [2, 3, 4, 5]) {
      // A fresh runner: a new checkout (the program and its committed stack config), the same backend.
      const dir = program({ args: args(run) });
      fs.copyFileSync(project.stackConfigFile, path.join(dir, path.basename(project.stackConfigFile)));
      const runner = project.runnerIn(dir);
      if (run === 5) {
        // The review: the preview shows this run's note, not the history before it.
        const preview = await runner.run(["preview", "--diff"]);
        expectOk(preview);
        expect(preview.output).toMatch(/~ note\s*: "Deployed build 4\." => "Deployed build 5\."/);
        expect(preview.output).not.toMatch(/Deployed build [123]\./);
      }
      expectOk(await runner.run(["up", "--yes", "--skip-preview"]));
      if (run === 5) {
        sim.clearRequests();
        expectOk(await runner.run(["up", "--yes", "--skip-preview"]));
        expect(sim.writeCalls()).toEqual([]);
      }
    }
    const t = sim.tickets().find((x) => x.subject === subject)!;
    expect(customerTexts(t).slice(1)).toEqual([1, 2, 3, 4, 5].map((n) => `Deployed build ${n}.`));
    const notes = (await project.outputs()).notes as { commentId: string }[];
    expect(notes).toHaveLength(5);
    expect(notes.map((n) => n.commentId)).toEqual(t.comments.slice(1).map((c) => c.id));
    expectOk(await project.destroy());
    const closed = sim.getTicket(t.ticketId)!;
    expect(closed.status).toBe("Closed");
    expect(customerTexts(closed).at(-1)).toBe("Environment removed.");
  }, 300_000);

  test("a replacement: the new ticket names the old one; the old one names the new one, then is closed", async () => {
    const subject = `Replace ${Date.now()}`;
    const dir = program({ args: { subject, severity: "Normal", comments: ["step 1"] } });
    const project = await stack(dir, "cross-ref");
    expectOk(await project.up());
    const oldId = sim.tickets().find((x) => x.subject === subject)!.ticketId;
    program({ args: { subject, severity: "High", comments: ["step 1"] } }, dir);
    expectOk(await project.up());
    const newId = (await project.outputs()).ticketId as string;
    expect(newId).not.toBe(oldId);
    expect(sim.getTicket(newId)!.comments[0].text).toContain(`Replaces ticket ${oldId}.`);
    const old = sim.getTicket(oldId)!;
    expect(old.status).toBe("Closed");
    expect(customerTexts(old).at(-1)).toBe(`Replaced by ticket ${newId}.`);
    // The declared comments are carried onto the new ticket (each ticket reads whole on its own).
    expect(customerTexts(sim.getTicket(newId)).slice(1)).toEqual(["step 1"]);
    expectOk(await project.destroy());
  }, 240_000);
});
