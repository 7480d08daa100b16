/**
 * A Pulumi program for the end-to-end tests of the README's promises: tickets and
 * RackspaceTicketComments from a spec.json beside it, rewritten by the test between CLI
 * commands. A ticket names its args, which of them are secrets (`description`, `note`,
 * `comments[i]`), and its resource options; a comment names its ticket (by resource name) and
 * whether its text is a secret. Each ticket's id is a stack output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { makeJsProgram } from "./pulumi-cli";

export interface PromiseTicket {
  name: string;
  args: Record<string, unknown>;
  /** Inputs passed as `pulumi.secret`: `description`, `note`, `closingComment`, or `comments[i]`. */
  secret?: string[];
  options?: Record<string, unknown>;
}

export interface PromiseComment {
  name: string;
  /** The RackspaceTicket (by resource name) it comments on. */
  ticket: string;
  text: string;
  secretText?: boolean;
}

const PROGRAM = `"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const { RackspaceTicket, RackspaceTicketComment } = require("pulumi-rackspace-ticketing");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
const tickets = {};
const out = {};
for (const t of spec.tickets) {
  const args = { accountId: "hybrid:100001", category: "Change", subcategory: "General", ...t.args };
  for (const s of t.secret || []) {
    const m = /^comments\\[(\\d+)\\]$/.exec(s);
    if (m) args.comments = args.comments.map((c, i) => (i === Number(m[1]) ? pulumi.secret(c) : c));
    else args[s] = pulumi.secret(args[s]);
  }
  tickets[t.name] = new RackspaceTicket(t.name, args, t.options || {});
  out[t.name] = tickets[t.name].ticketId;
}
for (const c of spec.comments || []) {
  const text = c.secretText ? pulumi.secret(c.text) : c.text;
  out[c.name] = new RackspaceTicketComment(c.name, { ticketId: tickets[c.ticket].ticketId, text }).commentId;
}
module.exports = out;
`;

export class PromiseProgram {
  readonly dir: string;
  constructor(name: string) {
    this.dir = makeJsProgram(name, PROGRAM);
    this.write([]);
  }

  write(tickets: PromiseTicket[], comments: PromiseComment[] = []): void {
    fs.writeFileSync(path.join(this.dir, "spec.json"), `${JSON.stringify({ tickets, comments }, null, 2)}\n`);
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
