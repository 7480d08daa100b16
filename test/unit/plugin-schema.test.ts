/**
 * The plugin's schema.json comes from one source (src/faces/plugin/schema.ts over the field
 * table): the committed file is what it builds now, every ticket input is in it with its
 * description and whether it forces a replacement, and the credentials are secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { INPUT_FIELDS, REPLACE_FIELDS, TICKET_FIELDS } from "../../src/core/ticket/fields";
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
