/**
 * The field table (src/core/ticket/fields.ts) is the one list of a ticket's inputs: no other
 * source file keeps a list of input names of its own (a new input would be missed there), and
 * what the table says of each input is what the engine does with it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { COPIED_INPUTS, INPUT_FIELDS, INPUTS_NOT_IN_OUTPUTS, SECRETABLE_INPUTS, SETTING_INPUTS, TEXT_INPUTS } from "../../src/core/ticket/fields";
import { outputsFrom } from "../../src/core/ticket/outputs";
import { planChanges } from "../../src/core/ticket/plan";
import type { TicketInputs } from "../../src/core/ticket/inputs";
import type { Ticket } from "../../src/api/schemas";

const SRC = path.join(__dirname, "..", "..", "src");

/** Files allowed a literal list of input names, and why. */
const ALLOWED: Record<string, string> = {
  "core/ticket/fields.ts": "the table itself",
  "core/ticket/adopt.ts": "compares the ticket's own fields of the same names (category, subcategory, severity) on import",
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

/** Array literals in a source that name three or more ticket inputs. */
export function inputLists(text: string): string[][] {
  const names = new Set<string>(INPUT_FIELDS);
  const out: string[][] = [];
  for (const m of text.matchAll(/\[([^[\]]*)\]/g)) {
    const named = [...m[1].matchAll(/"(\w+)"/g)].map((x) => x[1]).filter((n) => names.has(n));
    if (named.length >= 3) out.push(named);
  }
  return out;
}

describe("the field table is the one list of inputs", () => {
  it("finds a list of input names where one is written (the check itself)", () => {
    expect(inputLists(`const TEXT_FIELDS = new Set(["description", "comments", "note", "closingComment"]);`)).toEqual([["description", "comments", "note", "closingComment"]]);
    expect(inputLists(`["ticketId", "status", "text"]`)).toEqual([]);
  });

  it("no source file but the allowed ones keeps a list of input names", () => {
    const found: string[] = [];
    for (const file of sources(SRC)) {
      const rel = path.relative(SRC, file).split(path.sep).join("/");
      if (ALLOWED[rel]) continue;
      for (const list of inputLists(fs.readFileSync(file, "utf8"))) found.push(`${rel}: ${list.join(", ")}`);
    }
    expect(found).toEqual([]);
  });
});

describe("what the table says is what the engine does", () => {
  const every: TicketInputs = {
    accountId: "hybrid:100001",
    subject: "s",
    category: "Change",
    subcategory: "General",
    severity: "Normal",
    description: "d",
    attachments: [{ filename: "a.txt", content: "x" }],
    recipients: ["RPN-1"],
    resources: ["https://example.com/r"],
    comments: ["c"],
    note: "n",
    closingComment: "bye",
    waitFor: { approval: "approved" },
    adoptTicketId: "260101-iad-0000001",
  } as TicketInputs;
  const ticket = {
    ticketId: "260101-iad-0000001",
    accountId: "hybrid:100001",
    subject: "s",
    status: "New",
    resources: ["https://example.com/r"],
    comments: [{ id: "c1", text: "d", created: "2026-01-01T00:00:00Z" }],
    created: "2026-01-01T00:00:00Z",
    modified: "2026-01-01T00:00:00Z",
  } as unknown as Ticket;

  it("the test sets every input", () => {
    expect(Object.keys(every).sort()).toEqual([...INPUT_FIELDS].sort());
  });

  it("outputs copy every input the table copies, and none the table keeps out", () => {
    const outs = outputsFrom(every, ticket, []) as unknown as Record<string, unknown>;
    for (const f of COPIED_INPUTS) expect({ f, value: outs[f] }).toEqual({ f, value: every[f] });
    for (const f of INPUTS_NOT_IN_OUTPUTS) expect(outs).not.toHaveProperty(f);
  });

  it("a changed setting is an update that sends nothing", () => {
    expect(SETTING_INPUTS.length).toBeGreaterThan(0);
    // Nothing else pending: no comments or note to post, the gate already met.
    const base: Record<string, unknown> = { ...every, description: undefined, comments: undefined, note: undefined, approval: { met: true } };
    for (const f of SETTING_INPUTS) {
      const news = { ...base, [f]: f === "waitFor" ? { approval: "go" } : "changed" };
      const plan = planChanges(base, news);
      expect({ f, plan }).toEqual({ f, plan: { replaces: [], newComments: [], gate: false, settings: [f], changes: true } });
    }
  });

  it("free texts are secretable; waitFor, which steers the engine, is not", () => {
    for (const f of TEXT_INPUTS) expect(SECRETABLE_INPUTS).toContain(f);
    expect(SECRETABLE_INPUTS).not.toContain("waitFor");
  });
});
