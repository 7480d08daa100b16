/**
 * Secrets through the real Pulumi CLI, for the secret scan (test/helpers/secret-scan.ts) to
 * look for: tickets whose description, one `comments` entry, `note` and `closingComment` are
 * pulumi.secret, on a stack whose API key is a secret of its own, taken through up → update (a
 * new note, a new secret comment) → refresh → preview --diff → destroy. Every value is
 * distinctive (a random suffix per run, quotes, a backslash, a newline, <, >, &), so a hit
 * cannot be a coincidence and the JSON-escaped forms differ from the plain one. The scan runs
 * after each test over the whole file backend (stack files, retained checkpoints, history,
 * backups), the stack config file and every CLI output: a test passes only if it finds none.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_USERS, Simulator } from "../../src/simulator";
import { describeWithPulumiCli, ensureBuilt, PulumiProject, TICKET_TYPE } from "../helpers/pulumi-cli";
import { expectNoSecretLeak, scanBytes } from "../helpers/secret-scan";
import { CommentSpec, expectOk, SpecProgram, specStack, startFastSimulator, TicketSpec } from "../helpers/spec-program";

jest.setTimeout(300_000);

const RUN = crypto.randomBytes(4).toString("hex");
const API_KEY = `rt-e2e-api-key-${RUN}`;
const S = {
  description: `Change window PIN 4711-${RUN}: "rotate" the <db> & cache\\keys\nthen reboot`,
  comment1: `Vault token hvs.${RUN}-first "quoted" <b>`,
  comment2: `Vault token hvs.${RUN}-second & more`,
  note1: `Deployed with PIN 8812-${RUN} "build 1"`,
  note2: `Deployed with PIN 9923-${RUN} "build 2"`,
  note3: `Deployed with PIN 1034-${RUN} "build 3"`,
  closing: `Closed; rotate PIN 4711-${RUN} "now"`,
  remark: `Remark: the root password is rt-${RUN}-hunter2`,
};

/** The three tickets, at version 1 (up) or 2 (update: a new note, a new secret comment, a new plain comment). */
function tickets(version: 1 | 2, note = version === 1 ? S.note1 : S.note2): TicketSpec[] {
  return [
    {
      name: "secret-description",
      args: { subject: `Secret description ${RUN}`, description: S.description, comments: version === 1 ? ["Plain step 1."] : ["Plain step 1.", "Plain step 2."] },
      secrets: ["description"],
    },
    {
      name: "secret-comment",
      args: { subject: `Secret comment ${RUN}`, description: "A plain description.", comments: version === 1 ? ["Plain first.", S.comment1] : ["Plain first.", S.comment1, S.comment2] },
      secrets: version === 1 ? ["comments[1]"] : ["comments[1]", "comments[2]"],
    },
    {
      name: "secret-note",
      args: { subject: `Secret note ${RUN}`, description: "Another plain description.", note, closingComment: S.closing },
      secrets: ["note", "closingComment"],
    },
  ];
}

describeWithPulumiCli("e2e: secrets stay out of the backend and the CLI output", () => {
  let sim: Simulator;
  let program: SpecProgram;
  let project: PulumiProject;

  /** A command that must succeed, then a scan of everything so far (the hooks scan again after the test): a leak is pinned to its step. */
  const step = async (name: string, command: Promise<{ code: number | null; output: string }>) => {
    const r = await command;
    expectOk(r);
    expectNoSecretLeak(project, `after ${name}`);
    return r;
  };
  const ids = async () => new Map((await project.resources()).map((r) => [r.urn.split("::").pop() as string, r.id as string]));
  const texts = (id: string) => (sim.getTicket(id)?.comments ?? []).map((c) => c.text);

  beforeAll(async () => {
    ensureBuilt();
    // The demo user with a key of this run's own: the scan looks for it everywhere.
    sim = await startFastSimulator({ users: [{ ...DEFAULT_USERS[0], apiKey: API_KEY }] });
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(async () => {
    program = new SpecProgram("rt-e2e-secrets");
    project = await specStack(program, sim, "secrets", { apiKey: API_KEY });
  });
  afterEach(async () => {
    try {
      await project?.dispose();
    } finally {
      program?.dispose();
    }
  });

  test("a secret description, comment entry, note and closing comment and the API key: up → update → refresh → preview --diff → destroy", async () => {
    expect(project.secrets.entries().map((e) => e.label)).toEqual(["rackspace:apiKey"]);
    program.write(tickets(1));
    expect(project.secrets.entries().map((e) => e.label).sort()).toEqual(
      ["rackspace:apiKey", "secret-comment.comments[1]", "secret-description.description", "secret-note.closingComment", "secret-note.note"].sort(),
    );

    await step("the first up", project.up());
    const id = await ids();
    expect(texts(id.get("secret-description") as string)[0]).toContain(S.description);
    expect(texts(id.get("secret-comment") as string)).toEqual(expect.arrayContaining([expect.stringContaining(S.comment1)]));
    expect(texts(id.get("secret-note") as string)).toEqual(expect.arrayContaining([expect.stringContaining(S.note1)]));

    // The update: a new note and a new secret comment (and a plain one on the first ticket).
    program.write(tickets(2));
    await step("the update", project.up());
    expect(texts(id.get("secret-comment") as string)).toEqual(expect.arrayContaining([expect.stringContaining(S.comment2)]));
    expect(texts(id.get("secret-note") as string)).toEqual(expect.arrayContaining([expect.stringContaining(S.note2)]));

    await step("refresh", project.refresh());
    // A diff of a secret: the next note, previewed and not deployed.
    program.write(tickets(2, S.note3));
    const diff = await step("preview --diff", project.preview(["--diff"]));
    expect(diff.output).toMatch(/note/);
    program.write(tickets(2));

    // The scan has something to find: the simulator's copy of the tickets holds every text.
    const everything = Buffer.from(JSON.stringify(sim.tickets()));
    expect(scanBytes(everything, project.secrets.entries(), "simulator").map((f) => f.label).sort()).toEqual(
      ["secret-comment.comments[1]", "secret-comment.comments[2]", "secret-description.description", "secret-note.note", "secret-note.note (value 2)"].sort(),
    );
    // The backend keeps what the scan reads: history, backups and every checkpoint.
    const files = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: "utf8" }) : []);
    const pulumiDir = path.join(project.backendDir, ".pulumi");
    expect(files(path.join(pulumiDir, "history")).filter((f) => f.endsWith(".checkpoint.json")).length).toBeGreaterThanOrEqual(3);
    expect(files(path.join(pulumiDir, "backups")).filter((f) => f.endsWith(".json")).length).toBeGreaterThanOrEqual(3);
    expect(files(path.join(pulumiDir, "stacks")).filter((f) => /\.json\.\d+$/.test(f)).length).toBeGreaterThan(3);

    await step("destroy", project.destroy());
    for (const name of ["secret-description", "secret-comment", "secret-note"]) expect(sim.getTicket(id.get(name) as string)?.status).toBe("Closed");
    expect(texts(id.get("secret-note") as string).some((t) => t.includes(S.closing))).toBe(true);
    expect(await project.resources(TICKET_TYPE)).toEqual([]);
  });

  test("a RackspaceTicketComment with a secret text on a ticket of the stack: up → refresh → up → destroy", async () => {
    const plain: TicketSpec = { name: "host", args: { subject: `Host ticket ${RUN}`, description: "Nothing secret here." } };
    const remark: CommentSpec = { name: "remark", args: { ticketId: "$host", text: S.remark }, secrets: ["text"] };
    program.write([plain], [remark]);
    await step("up", project.up());
    const id = (await ids()).get("host") as string;
    expect(texts(id).some((t) => t.includes(S.remark))).toBe(true);
    // The ticket reads its thread again: the comment is on it now.
    await step("refresh", project.refresh());
    await step("the next up", project.up());
    await step("destroy", project.destroy());
    expect(sim.getTicket(id)?.status).toBe("Closed");
  });
});
