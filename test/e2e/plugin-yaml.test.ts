/**
 * The provider plugin through the real Pulumi CLI with YAML programs (Pulumi's YAML language
 * host, built from the Go module proxy): the three uses (a change ticket whose approval gates
 * what depends on it; a change record with a note per deployment, closed on destroy; an audit
 * trail where `preview --diff` shows only the new entry), refresh, `pulumi import` with
 * generated code, a replacement and destroy. Every stack is scanned for its secrets.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Simulator } from "../../src/simulator";
import { describeWithPulumiCli, ensureBuilt, PulumiProject } from "../helpers/pulumi-cli";
import { openTicketByHand } from "../helpers/sim";
import { expectOk, startFastSimulator } from "../helpers/spec-program";
import { YamlProgram, yamlStack } from "../helpers/yaml-program";

jest.setTimeout(600_000);

const TICKET = "rackspace:ticketing:Ticket";
const base = { accountId: "hybrid:100001", category: "Change", subcategory: "General" };

describeWithPulumiCli("e2e: the plugin with YAML programs", () => {
  let sim: Simulator;
  let program: YamlProgram;
  let project: PulumiProject;
  let n = 0;

  const customerComments = (id: string) => (sim.getTicket(id)?.comments ?? []).slice(1).filter((c) => c.author?.type !== "racker").map((c) => c.text);
  const ids = async () => (await project.resources(TICKET)).filter((r) => !(r as { delete?: boolean }).delete).map((r) => r.id as string);

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(async () => {
    program = new YamlProgram(`rt-e2e-yaml-${++n}`);
    project = await yamlStack(program, sim, "yaml");
  });
  afterEach(async () => {
    sim.clearFaults();
    sim.setRackerRules([]);
    try {
      await project?.dispose();
    } finally {
      program?.dispose();
    }
  });

  test("a change ticket beside what it touches: what depends on it is created only after Rackspace approves", async () => {
    const subject = `YAML gated change ${n}`;
    sim.setRackerRules([{ match: { subject: `^${subject}$` }, afterMs: 1500, comment: "Approved: change window confirmed.", name: "Jane D." }]);
    program.write(
      {
        change: { type: TICKET, properties: { ...base, subject, description: "Fail over tonight.", waitFor: { approval: "approved", rejection: "rejected", pollInterval: "1s", timeout: "60s" } } },
        cutover: { type: "rackspace:ticketing:TicketComment", properties: { ticketId: "${change.ticketId}", text: "Cut-over started." }, options: { dependsOn: ["${change}"] } },
      },
      { ticketId: "${change.ticketId}", approvedBy: "${change.approval.by}" },
    );
    const up = await project.up();
    expectOk(up);
    const [id] = await ids();
    const thread = sim.getTicket(id)?.comments.map((c) => c.text) ?? [];
    // The approval comes before the comment the dependent resource posted.
    expect(thread.findIndex((t) => t.startsWith("Approved"))).toBeLessThan(thread.findIndex((t) => t.startsWith("Cut-over started.")));
    expect((await project.outputs()).approvedBy).toBe("Jane D.");
    expectOk(await project.destroy());
    expect(sim.getTicket(id)?.status).toBe("Closed");
  });

  test("a change record kept by CI: a note per deployment (once each), a secret description, the closing comment on destroy", async () => {
    const secret = project.secret(`Change record of prod ${process.pid}-${n} "quoted" \\ secret`, "change.description");
    const record = (note: string) => ({
      record: { type: TICKET, properties: { ...base, subject: `YAML change record ${n}`, description: { "fn::secret": secret }, note, closingComment: "Environment destroyed; closing its change record." } },
    });
    program.write(record("Deployed build 41."), { ticketId: "${record.ticketId}" });
    expectOk(await project.up());
    const [id] = await ids();
    program.write(record("Deployed build 42."), { ticketId: "${record.ticketId}" });
    expectOk(await project.up());
    expectOk(await project.up()); // the same note: nothing posted
    expect(customerComments(id)).toEqual(["Deployed build 41.", "Deployed build 42."]);
    expectOk(await project.destroy());
    expect(customerComments(id).at(-1)).toBe("Environment destroyed; closing its change record.");
    expect(sim.getTicket(id)?.status).toBe("Closed");
  });

  test("an audit trail: preview --diff shows only the new entry; refresh; a replacement opens the new ticket, then closes the old one naming it", async () => {
    const ticket = (subject: string, comments: string[]) => ({ audit: { type: TICKET, properties: { ...base, subject, description: "Reviewed in the pull request.", comments } } });
    const comments = Array.from({ length: 30 }, (_, i) => `Step ${i + 1} of the runbook.`);
    program.write(ticket(`YAML audit ${n}`, comments));
    expectOk(await project.up());
    const [first] = await ids();
    program.write(ticket(`YAML audit ${n}`, [...comments, "Step 31: the new one."]));
    const preview = await project.preview(["--diff"]);
    expectOk(preview);
    // pulumi/pulumi#3080: a dynamic provider's diff printed the whole list; the plugin's names the element.
    expect(preview.output).toMatch(/\+ \[30\]: "Step 31: the new one\."/);
    expect(preview.output).not.toMatch(/Step 1 of the runbook/);
    expect(preview.output.split("\n").length).toBeLessThan(40);
    expectOk(await project.up());
    expect(customerComments(first)).toHaveLength(31);
    sim.actAsRacker(first, { comment: "Looking at it." });
    expectOk(await project.refresh());
    const [rec] = await project.resources(TICKET);
    expect(JSON.stringify(rec.outputs?.thread)).toContain("Looking at it.");
    // A new subject opens a new ticket (its preview names the field).
    program.write(ticket(`YAML audit ${n} (renamed)`, [...comments, "Step 31: the new one."]));
    const replacing = await project.preview(["--diff"]);
    expect(replacing.output).toMatch(/\+-.*rackspace:ticketing:Ticket.*replace/);
    expect(replacing.output).toMatch(/subject/);
    expectOk(await project.up());
    const [second] = await ids();
    expect(second).not.toBe(first);
    expect(sim.getTicket(second)?.comments[0].text).toContain(`Replaces ticket ${first}.`);
    expect(sim.getTicket(first)?.status).toBe("Closed");
    expect(customerComments(first).at(-1)).toBe(`Replaced by ticket ${second}.`);
    expectOk(await project.destroy());
    expect(sim.getTicket(second)?.status).toBe("Closed");
  });

  test("pulumi import adopts a ticket opened by hand and writes its code; the declared import then plans nothing", async () => {
    const subject = `YAML imported ${n}`;
    const hand = await openTicketByHand(sim, { ...base, subject, severity: "Low", comment: { text: "Opened in the portal." }, resources: ["https://resources.api.rackspace.com/resources/dedicated:0002"] });
    const out = path.join(program.dir, "imported.yaml");
    const imported = await project.import(TICKET, "handmade", hand, ["--out", out]);
    expectOk(imported);
    const code = fs.readFileSync(out, "utf8");
    expect(code).toMatch(/type: rackspace:ticketing:Ticket/);
    expect(code).toContain(`subject: ${subject}`);
    expect(code).toMatch(/description: Opened in the portal\./);
    // The imported resource, declared as the generated code says: nothing to change, nothing sent.
    program.write({ handmade: { type: TICKET, properties: { ...base, subject, severity: "Low", description: "Opened in the portal.", resources: ["https://resources.api.rackspace.com/resources/dedicated:0002"] }, options: { protect: true } } });
    const before = sim.requests().length;
    const preview = await project.preview();
    expectOk(preview);
    expect(preview.output).not.toMatch(/to update|to replace|to create/);
    expect(sim.requests().slice(before).filter((r) => ["createTicket", "patchTicket", "addComment"].includes(r.operation))).toEqual([]);
    expectOk(await project.run(["state", "unprotect", "--all", "--yes"]));
    expectOk(await project.destroy());
    expect(sim.getTicket(hand)?.status).toBe("Closed");
  });

  test("an explicit provider: one program, two endpoints (the default provider's and another account's simulator)", async () => {
    const other = await startFastSimulator();
    try {
      program.write(
        {
          staging: {
            type: "pulumi:providers:rackspace",
            properties: { username: "demo", apiKey: { "fn::secret": project.secret("demo-api-key", "staging.apiKey") }, ticketingUrl: other.ticketingUrl, identityUrl: other.identityUrl, rateWindowMs: "1000", rateLimitCreate: "10", rateLimitComment: "20" },
          },
          prod: { type: TICKET, properties: { ...base, subject: `YAML two endpoints, default ${n}` } },
          stage: { type: TICKET, properties: { ...base, subject: `YAML two endpoints, explicit ${n}` }, options: { provider: "${staging}" } },
        },
        { prod: "${prod.ticketId}", stage: "${stage.ticketId}" },
      );
      expectOk(await project.up());
      const outs = (await project.outputs()) as Record<string, string>;
      expect(sim.getTicket(outs.prod)?.subject).toBe(`YAML two endpoints, default ${n}`);
      expect(other.getTicket(outs.stage)?.subject).toBe(`YAML two endpoints, explicit ${n}`);
      expect(sim.tickets().some((t) => t.subject === `YAML two endpoints, explicit ${n}`)).toBe(false);
      expectOk(await project.destroy());
      expect([sim.getTicket(outs.prod)?.status, other.getTicket(outs.stage)?.status]).toEqual(["Closed", "Closed"]);
    } finally {
      await other.close();
    }
  });
});
