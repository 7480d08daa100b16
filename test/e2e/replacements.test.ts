/**
 * Replacements and resource options through the real Pulumi CLI: a replacement never
 * adopts the ticket it replaces (a changed description file, adoptTicketId), every
 * replacement ends with exactly one open ticket, and the engine's resource options
 * (replaceOnChanges, ignoreChanges, protect, retainOnDelete, deleteBeforeReplace,
 * --target) do what they do for any resource.
 */
import type { Simulator } from "../../src/simulator";
import { describeWithPulumiCli, ensureBuilt, PulumiProject } from "../helpers/pulumi-cli";
import { openTicketByHand } from "../helpers/sim";
import { expectOk, SpecProgram, specStack, startFastSimulator, TicketSpec } from "../helpers/spec-program";

jest.setTimeout(300_000);

const R1 = "https://resources.api.rackspace.com/resources/dedicated:0001";
const R2 = "https://resources.api.rackspace.com/resources/dedicated:0002";

const ticket = (name: string, args: Record<string, unknown> = {}, extra: Partial<TicketSpec> = {}): TicketSpec => ({
  name,
  args: { subject: `Replacement ${name}`, description: `Change ${name}.`, ...args },
  ...extra,
});

describeWithPulumiCli("e2e: replacements and resource options", () => {
  let sim: Simulator;
  let program: SpecProgram;
  let project: PulumiProject;

  const open = () => sim.tickets().filter((t) => t.status !== "Closed");
  const idOf = async (name: string) => (await project.resources()).find((r) => r.urn.endsWith(`::${name}`))?.id as string | undefined;

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(async () => {
    sim.reset();
    program = new SpecProgram("rt-e2e-replacements");
    project = await specStack(program, sim, "repl");
  });
  afterEach(async () => {
    try {
      await project?.dispose();
    } finally {
      program?.dispose();
    }
  });

  test("a changed description file opens a new ticket with the new file; the old one is closed (0.2.0 adopted the old ticket, then closed it)", async () => {
    program.write([ticket("file", { attachments: [{ filename: "plan.txt", content: "version one" }] })]);
    expectOk(await project.up());
    const first = (await idOf("file")) as string;
    program.write([ticket("file", { attachments: [{ filename: "plan.txt", content: "version two" }] })]);
    expectOk(await project.up());
    const second = (await idOf("file")) as string;
    expect(second).not.toBe(first);
    expect(sim.getTicket(first)?.status).toBe("Closed");
    expect(open().map((t) => t.ticketId)).toEqual([second]);
    const file = sim.getTicket(second)!.comments[0].attachments![0];
    expect(sim.attachmentContent(file.uuid!)?.toString()).toBe("version two");
    expect(sim.getTicket(second)!.comments[0].text).toContain(`Replaces ticket ${first}.`);
  });

  test("adoptTicketId plus a change that forces replacement opens a new ticket; the adopted one is closed, never left as the only ticket", async () => {
    const adopted = await openTicketByHand(sim, { accountId: "hybrid:100001", subject: "Replacement adopted", category: "Change", subcategory: "General", severity: "Normal", comment: { text: "Opened by hand." } });
    program.write([ticket("adopted", { subject: "Replacement adopted", severity: "Normal", adoptTicketId: adopted })]);
    expectOk(await project.up());
    expect(await idOf("adopted")).toBe(adopted);
    program.write([ticket("adopted", { subject: "Replacement adopted", severity: "High", adoptTicketId: adopted })]);
    const up = await project.up();
    expectOk(up);
    const now = (await idOf("adopted")) as string;
    expect(now).not.toBe(adopted);
    expect(sim.getTicket(now)?.severity).toBe("High");
    expect(sim.getTicket(adopted)?.status).toBe("Closed");
    expect(open().map((t) => t.ticketId)).toEqual([now]);
    expect(up.output).toMatch(/adoptTicketId names .*opening a new ticket instead/);
  });

  test("replaceOnChanges: a change to resources opens a new ticket (0.2.0 updated in place: the engine got no changed keys)", async () => {
    program.write([ticket("roc", { resources: [R1] }, { options: { replaceOnChanges: ["resources"] } })]);
    expectOk(await project.up());
    const first = (await idOf("roc")) as string;
    program.write([ticket("roc", { resources: [R1, R2] }, { options: { replaceOnChanges: ["resources"] } })]);
    const preview = await project.preview(["--diff"]);
    expectOk(preview);
    expect(preview.output).toMatch(/\+-.*roc|replace/);
    expectOk(await project.up());
    const second = (await idOf("roc")) as string;
    expect(second).not.toBe(first);
    expect(sim.getTicket(second)?.resources).toEqual([R1, R2]);
    expect(sim.getTicket(first)?.status).toBe("Closed");
    expect(sim.requests().filter((r) => r.operation === "patchTicket" && r.ticketId === first).map((r) => r.body)).toEqual([{ status: "Closed" }]);
  });

  test("ignoreChanges keeps resources as they are; deleteBeforeReplace closes first; protect refuses; --target touches one; retainOnDelete leaves the ticket open", async () => {
    program.write([
      ticket("ignored", { resources: [R1] }, { options: { ignoreChanges: ["resources"] } }),
      ticket("dbr", {}, { options: { deleteBeforeReplace: true } }),
      ticket("kept", {}, { options: { protect: true } }),
      ticket("retained", {}, { options: { retainOnDelete: true } }),
    ]);
    expectOk(await project.up());
    const ids = { ignored: (await idOf("ignored")) as string, dbr: (await idOf("dbr")) as string, kept: (await idOf("kept")) as string, retained: (await idOf("retained")) as string };

    // ignoreChanges: no PATCH.
    const before = sim.requests().length;
    program.write([
      ticket("ignored", { resources: [R1, R2] }, { options: { ignoreChanges: ["resources"] } }),
      ticket("dbr", { severity: "High" }, { options: { deleteBeforeReplace: true } }),
      ticket("kept", {}, { options: { protect: true } }),
      ticket("retained", {}, { options: { retainOnDelete: true } }),
    ]);
    // --target: only dbr is replaced in this up; ignored is not even diffed for writes.
    expectOk(await project.up(["--target", (await project.resources()).find((r) => r.urn.endsWith("::dbr"))!.urn]));
    const after = sim.requests().slice(before);
    expect(after.filter((r) => r.operation === "patchTicket" && r.ticketId === ids.ignored)).toEqual([]);
    const dbrNow = (await idOf("dbr")) as string;
    expect(dbrNow).not.toBe(ids.dbr);
    // deleteBeforeReplace: the old ticket was closed before the new one was opened.
    const closeSeq = after.find((r) => r.operation === "patchTicket" && r.ticketId === ids.dbr)!.seq;
    const createSeq = after.find((r) => r.operation === "createTicket")!.seq;
    expect(closeSeq).toBeLessThan(createSeq);
    expectOk(await project.up());
    expect(sim.getTicket(ids.ignored)?.resources).toEqual([R1]);

    // protect: destroy refuses and closes nothing.
    const protectedDestroy = await project.destroy();
    expect(protectedDestroy.code).not.toBe(0);
    expect(sim.getTicket(ids.kept)?.status).not.toBe("Closed");
    expectOk(await project.run(["state", "unprotect", (await project.resources()).find((r) => r.urn.endsWith("::kept"))!.urn, "--yes"]));

    // retainOnDelete: removed from the program, the ticket stays open.
    program.write([ticket("ignored", { resources: [R1] }, { options: { ignoreChanges: ["resources"] } }), ticket("dbr", { severity: "High" }), ticket("kept")]);
    expectOk(await project.up());
    expect(sim.getTicket(ids.retained)?.status).not.toBe("Closed");
    expectOk(await project.destroy());
    expect(open().map((t) => t.ticketId)).toEqual([ids.retained]);
  });

  test("a strict import that does not match prints no secret and no description text (0.2.0 printed both texts)", async () => {
    const secret = "SECRET-runbook-passphrase-7f3a";
    const byHand = await openTicketByHand(sim, { accountId: "hybrid:100001", subject: "Replacement import", category: "Change", subcategory: "General", comment: { text: "Text typed in the portal." } });
    program.write([ticket("imported", { subject: "Replacement import", description: secret }, { secretDescription: true, options: { import: byHand } })]);
    const up = await project.up();
    expect(up.code).not.toBe(0);
    expect(up.output).toMatch(/cannot import the ticket: description differs from the ticket's first comment/);
    expect(up.output).not.toContain(secret);
    expect(up.output).not.toContain("Text typed in the portal.");
    expect(sim.getTicket(byHand)?.status).not.toBe("Closed");
  });
});
