/**
 * The plugin's schema.json comes from one source (src/faces/plugin/schema.ts over the field
 * table): the committed file is what it builds now, every ticket input is in it with its
 * description and whether it forces a replacement, and the credentials are secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Ticket } from "../../src/api/schemas";
import { INPUT_FIELDS, REPLACE_FIELDS, TICKET_FIELDS } from "../../src/core/ticket/fields";
import type { TicketInputs } from "../../src/core/ticket/inputs";
import { outputsFrom } from "../../src/core/ticket/outputs";
import { buildSchema, TICKET_TOKEN } from "../../src/faces/plugin/schema";

const ROOT = path.resolve(__dirname, "..", "..");
const committed = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8")) as Record<string, unknown>;
const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;

describe("schema.json", () => {
  it("is what the field table builds (else: npm run schema)", () => {
    expect(committed).toEqual(buildSchema(version));
  });

  it("has every input with its description, and marks the fields that open a new ticket", () => {
    const ticket = (committed.resources as Record<string, { inputProperties: Record<string, { description: string; replaceOnChanges?: boolean }>; requiredInputs: string[] }>)[TICKET_TOKEN];
    expect(Object.keys(ticket.inputProperties)).toEqual(INPUT_FIELDS);
    for (const f of INPUT_FIELDS) expect(ticket.inputProperties[f].description).toBe((TICKET_FIELDS[f] as { description: string }).description);
    expect(INPUT_FIELDS.filter((f) => ticket.inputProperties[f].replaceOnChanges === true)).toEqual(REPLACE_FIELDS);
    expect(ticket.requiredInputs).toEqual(["accountId", "subject", "category", "subcategory"]);
  });

  it("keeps the credentials secret and asks each SDK for the plugin version it was made for", () => {
    const vars = (committed.config as { variables: Record<string, { secret?: boolean }> }).variables;
    expect(Object.keys(vars).filter((k) => vars[k].secret)).toEqual(["apiKey", "authToken", "rateLimitRedisUrl"]);
    const language = committed.language as Record<string, { respectSchemaVersion?: boolean }>;
    for (const l of ["nodejs", "python", "go"]) expect(language[l].respectSchemaVersion).toBe(true);
  });
});

describe("the Ticket's outputs in schema.json (what every generated SDK exposes)", () => {
  it("are exactly what the plugin returns: every input but the texts kept only in the inputs (description, comments)", () => {
    const inputs = {
      accountId: "hybrid:1",
      subject: "s",
      category: "Change",
      subcategory: "General",
      severity: "Low",
      description: "d",
      attachments: [{ filename: "a.txt", content: "x" }],
      recipients: ["ops@example.com"],
      resources: ["https://resources.api.rackspace.com/resources/dedicated:0001"],
      comments: ["c"],
      note: "n",
      closingComment: "bye",
      waitFor: { approval: "approved" },
      adoptTicketId: "260101-iad-0000001",
    };
    expect(Object.keys(inputs).sort()).toEqual([...INPUT_FIELDS].sort()); // a new input joins this test
    const person = (name: string) => ({ id: name, name, type: "customer" });
    const ticket = { ticketId: "t", status: "Open", classification: "Change", created: "c", modified: "m", createdBy: person("a"), modifiedBy: person("b"), comments: [], resources: [], recipients: [] } as unknown as Ticket;
    const approval = { met: true, how: "comment" as const, at: "t", by: "Jane", commentId: "x", status: "Open" };
    const outs = outputsFrom(inputs as TicketInputs, ticket, [], { notes: [], approval, replaces: ["old"], unconfirmed: { marker: "m", at: "t" } });
    const ticketSchema = (committed.resources as Record<string, { properties: Record<string, unknown> }>)[TICKET_TOKEN];
    expect(Object.keys(ticketSchema.properties).sort()).toEqual(Object.keys(outs).sort());
    expect(Object.keys(outs)).not.toContain("description");
    expect(Object.keys(outs)).not.toContain("comments");
  });
});

describe("RackspaceTicketArgs (the dynamic face's args)", () => {
  it("documents each input with the field table's description, word for word", () => {
    const src = fs.readFileSync(path.join(ROOT, "src", "faces", "args.ts"), "utf8");
    const body = src.slice(src.indexOf("export interface RackspaceTicketArgs {"), src.indexOf("\n}\n", src.indexOf("export interface RackspaceTicketArgs {")));
    const documented: Record<string, string> = {};
    for (const m of body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*(\w+)\??:/g)) {
      documented[m[2]] = m[1]
        .split("\n")
        .map((l) => l.replace(/^\s*\*\s?/, "").trim())
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
    }
    expect(Object.keys(documented).sort()).toEqual([...INPUT_FIELDS].sort());
    for (const f of INPUT_FIELDS) expect([f, documented[f]]).toEqual([f, (TICKET_FIELDS[f] as { description: string }).description]);
  });
});
