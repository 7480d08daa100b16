/** Guarantee: one plain-JS Pulumi program declares exactly the tickets of the spec.json the harness wrote beside it, nothing else, through the run's face (the same args and options on both). */
import * as fs from "node:fs";
import * as path from "node:path";
import { makeJsProgram, REPO_ROOT } from "../helpers/pulumi-cli";
import { Face, FACE_SPECS } from "./face";
import { ACCOUNT_ID, Model, TicketDecl } from "./model";

/** The spec file's shape: the declarations and resource options, as JSON. */
export interface ProgramSpec {
  tickets: Array<{ name: string; args: Record<string, unknown>; options: Record<string, unknown>; sideComment?: string }>;
}

/**
 * The approval gate of a gated ticket: plain-text phrases (docs/approval-gate.md), a fast poll
 * and a short timeout that fails the `up` (onTimeout "fail", the default), so a wait the
 * harness answers with a reply that does not approve ends within seconds.
 */
export const GATE = { approval: "approved", rejection: "rejected", pollInterval: "1s", timeout: "10s" } as const;
/** The gate's timeout in ms (GATE.timeout). */
export const GATE_TIMEOUT_MS = 10_000;

/** The program of a face: only the module and the two classes differ. */
const programOf = (face: Face): string => {
  const f = FACE_SPECS[face];
  return `"use strict";
const fs = require("fs");
const path = require("path");
const { ${f.ticketClass}: Ticket, ${f.commentClass}: TicketComment } = require(${JSON.stringify(f.require)});
const specFile = process.env.MODEL_SPEC_FILE || path.join(__dirname, "spec.json");
const spec = JSON.parse(fs.readFileSync(specFile, "utf8"));
const out = {};
for (const t of spec.tickets) {
  const ticket = new Ticket(t.name, t.args, t.options);
  out[t.name] = ticket.ticketId;
  if (t.sideComment !== undefined) new TicketComment(t.name + "-side", { ticketId: ticket.ticketId, text: t.sideComment });
}
module.exports = out;
`;
};

export function specOf(m: Readonly<Model>): ProgramSpec {
  return { tickets: m.tickets.map(declToSpec) };
}

function declToSpec(t: TicketDecl): ProgramSpec["tickets"][number] {
  const args: Record<string, unknown> = {
    accountId: ACCOUNT_ID,
    subject: t.subject,
    category: "Change",
    subcategory: "General",
    severity: t.severity,
    description: t.description,
    resources: [...t.resources],
    comments: t.comments.map((c) => (typeof c === "string" ? c : { text: c.text, attachments: c.attachments.map((a) => ({ ...a })) })),
  };
  if (t.attachments.length > 0) args.attachments = t.attachments.map((a) => ({ ...a }));
  if (t.adoptTicketId !== undefined) args.adoptTicketId = t.adoptTicketId;
  if (t.note !== undefined) args.note = t.note;
  if (t.gated) args.waitFor = { ...GATE };
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t.options)) if (v !== undefined) options[k] = v;
  return { name: t.name, args, options, ...(t.sideComment !== undefined ? { sideComment: t.sideComment } : {}) };
}

/**
 * The program directory (Pulumi.yaml, index.js, node_modules links) and its spec file. With the
 * plugin face, Pulumi.yaml points the engine at the repository's `pulumi-resource-rackspace`
 * (as a user's project does with `plugins.providers`).
 */
export class ModelProgram {
  readonly dir: string;
  constructor(readonly face: Face) {
    this.dir = makeJsProgram("rt-model", programOf(face));
    if (FACE_SPECS[face].plugin) fs.appendFileSync(path.join(this.dir, "Pulumi.yaml"), `plugins:\n  providers:\n    - name: rackspace\n      path: ${REPO_ROOT}\n`);
    this.write({ tickets: [] });
  }

  get specFile(): string {
    return path.join(this.dir, "spec.json");
  }

  write(spec: ProgramSpec): void {
    fs.writeFileSync(this.specFile, `${JSON.stringify(spec, null, 2)}\n`);
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
