/** Guarantee: the model is plain data (what the program declares, what the harness expects) changed only by the pure edits below. */

export const ACCOUNT_ID = "hybrid:100001";
export const RESOURCE_URLS = ["0001", "0002", "0003", "0004"].map((n) => `https://resources.api.rackspace.com/resources/dedicated:${n}`);
export const SEVERITIES = ["Low", "Normal", "High", "Urgent"] as const;
export type Severity = (typeof SEVERITIES)[number];
/** At most this many tickets are declared at once (keeps a step a few seconds long). */
export const MAX_TICKETS = 4;
/** Separates the resource name from the rest of a subject: every ticket is attributed to a resource by it. */
export const SUBJECT_SEP = " · ";

export interface FileDecl {
  filename: string;
  content: string;
}
export type CommentDecl = string | { text: string; attachments: FileDecl[] };

export type OptionName = "retainOnDelete" | "replaceOnChanges" | "ignoreChanges" | "deleteBeforeReplace";
export const OPTION_NAMES: readonly OptionName[] = ["retainOnDelete", "replaceOnChanges", "ignoreChanges", "deleteBeforeReplace"];
export interface OptionsDecl {
  retainOnDelete?: boolean;
  replaceOnChanges?: string[];
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
}

/** One RackspaceTicket as the program declares it. */
export interface TicketDecl {
  name: string;
  subject: string;
  severity: Severity;
  description: string;
  attachments: FileDecl[];
  resources: string[];
  comments: CommentDecl[];
  /** The deployment's note (posted when it changes; every value is fresh, so none is ever posted twice). */
  note?: string;
  /** The text of a RackspaceTicketComment on this ticket (`<name>-side`), if one is declared. */
  sideComment?: string;
  adoptTicketId?: string;
  /** Whether the ticket declares the model's approval gate (program.ts GATE): fixed when it is declared. */
  gated?: boolean;
  /** The values the last replacing edit changed, so a `revert` edit can put them back. */
  prev?: ReplacedValues;
  options: OptionsDecl;
  /** Counter for fresh texts (subjects, descriptions, file contents, comments). */
  rev: number;
}

export interface Model {
  tickets: TicketDecl[];
  nextName: number;
  /**
   * Resources whose ticket Rackspace closed. `excused`: no refresh and no change to the
   * resource's resources, comments or replacing fields since, so the state may still
   * record the closed ticket.
   */
  rackerClosed: Record<string, { excused: boolean }>;
  /** The resource the last edit or Racker action touched (what pick 0 means). */
  lastTouched?: string;
}

export function emptyModel(): Model {
  return { tickets: [], nextName: 1, rackerClosed: {} };
}

export type ReplaceField = "subject" | "severity" | "description" | "attachment";
/** The fields a replacing edit changes. */
export type ReplacedValues = Pick<TicketDecl, "subject" | "severity" | "description" | "attachments">;

/**
 * A change to the program, generated as data. `pick` chooses a declared ticket: 0 is the one
 * touched last (by an edit or a Racker), so steps pile up on one resource; n > 0 is ticket
 * n modulo their number.
 */
export type Edit =
  | { kind: "add"; severity: Severity; resources: number[]; comments: number; fileComment: boolean; attachment: boolean; option?: OptionName; gated?: boolean }
  | { kind: "remove"; pick: number }
  | { kind: "comment"; pick: number; withFile: boolean }
  | { kind: "note"; pick: number; same: boolean }
  | { kind: "sideComment"; pick: number; remove: boolean }
  | { kind: "resources"; pick: number; set: number[] }
  | { kind: "replace"; pick: number; field: ReplaceField }
  | { kind: "adopt"; severity: Severity; comments: number; gated?: boolean }
  | { kind: "option"; pick: number; option: OptionName }
  | { kind: "revert"; pick: number };

export function describeEdit(e: Edit): string {
  switch (e.kind) {
    case "add":
      return `add(${e.severity}, res=[${e.resources.join("")}], comments=${e.comments}${e.fileComment ? "+file" : ""}${e.attachment ? ", attachment" : ""}${e.option ? `, ${e.option}` : ""}${e.gated ? ", gated" : ""})`;
    case "remove":
      return `remove(${pickName(e.pick)})`;
    case "comment":
      return `comment(${pickName(e.pick)}${e.withFile ? ", file" : ""})`;
    case "note":
      return `note(${pickName(e.pick)}${e.same ? ", same value" : ""})`;
    case "sideComment":
      return `sideComment(${pickName(e.pick)}${e.remove ? ", remove" : ""})`;
    case "resources":
      return `resources(${pickName(e.pick)}, [${e.set.join("")}])`;
    case "replace":
      return `replace(${pickName(e.pick)}, ${e.field})`;
    case "adopt":
      return `adopt(${e.severity}, comments=${e.comments}${e.gated ? ", gated" : ""})`;
    case "option":
      return `option(${pickName(e.pick)}, ${e.option})`;
    case "revert":
      return `revert(${pickName(e.pick)})`;
  }
}

/** Whether an edit can apply to the model (fast-check skips commands whose edit cannot). */
export function editApplies(m: Readonly<Model>, e: Edit): boolean {
  if (e.kind === "add" || e.kind === "adopt") return m.tickets.length < MAX_TICKETS;
  return m.tickets.length > 0;
}

/** The gated tickets (a pick among them: 0 is the one touched last if it is gated). */
export function gatedTickets(m: Readonly<Model>): TicketDecl[] {
  return m.tickets.filter((t) => t.gated === true);
}

/** A gated ticket chosen by `pick` (as `picked` chooses among all), marked as touched last so pick 0 means it; undefined when none is gated. */
export function pickGated(m: Model, pick: number): TicketDecl | undefined {
  const gated = gatedTickets(m);
  if (gated.length === 0) return undefined;
  const last = gated.find((t) => t.name === m.lastTouched);
  const t = pick === 0 && last ? last : gated[pick % gated.length];
  m.lastTouched = t.name;
  return t;
}

export const pickName = (pick: number): string => (pick === 0 ? "@last" : `#${pick}`);

/** The declared ticket a pick means (see Edit); marks it as the one touched last. */
export function picked(m: Model, pick: number): TicketDecl {
  const last = m.tickets.find((t) => t.name === m.lastTouched);
  const t = pick === 0 && last ? last : m.tickets[pick % m.tickets.length];
  m.lastTouched = t.name;
  return t;
}

export const entryText = (c: CommentDecl): string => (typeof c === "string" ? c : c.text);

function nextComment(t: TicketDecl, withFile: boolean): CommentDecl {
  t.rev += 1;
  const text = `${t.name} comment r${t.rev}`;
  return withFile ? { text, attachments: [{ filename: `${t.name}-r${t.rev}.txt`, content: `log of ${t.name} r${t.rev}` }] } : text;
}

function resourceSet(indexes: number[]): string[] {
  return [...new Set(indexes)].sort().map((i) => RESOURCE_URLS[i % RESOURCE_URLS.length]);
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** What a new adopted ticket will be declared as (the harness opens it by hand with these values first). */
export function adoptedDecl(m: Readonly<Model>, e: Extract<Edit, { kind: "adopt" }>): Omit<TicketDecl, "adoptTicketId"> {
  const name = `t${m.nextName}`;
  const t: TicketDecl = { name, subject: `${name}${SUBJECT_SEP}adopted`, severity: e.severity, description: `${name}: change opened by hand`, attachments: [], resources: [RESOURCE_URLS[0]], comments: [], options: {}, rev: 0, ...(e.gated ? { gated: true } : {}) };
  for (let i = 0; i < e.comments; i++) t.comments.push(nextComment(t, false));
  return t;
}

/** Resources whose change makes the engine act, unless ignoreChanges covers them. */
const resourcesIgnored = (t: TicketDecl) => (t.options.ignoreChanges ?? []).includes("resources");

/**
 * Applies an edit to the model (in place) and returns the resource it touched and a
 * one-line description with the resolved names. `adoptTicketId` is the id of the ticket
 * the harness opened by hand for an `adopt` edit.
 */
export function applyEdit(m: Model, e: Edit, adoptTicketId?: string): { name: string; detail: string } {
  const excuseEnds = (t: TicketDecl) => {
    if (m.rackerClosed[t.name]) m.rackerClosed[t.name].excused = false;
  };
  switch (e.kind) {
    case "add": {
      const name = `t${m.nextName++}`;
      const t: TicketDecl = {
        name,
        subject: `${name}${SUBJECT_SEP}maintenance window`,
        severity: e.severity,
        description: `${name}: planned change`,
        attachments: e.attachment ? [{ filename: "plan.txt", content: `plan of ${name} r0` }] : [],
        resources: resourceSet(e.resources),
        comments: [],
        options: e.option ? toggled({}, e.option) : {},
        rev: 0,
        ...(e.gated ? { gated: true } : {}),
      };
      for (let i = 0; i < e.comments; i++) t.comments.push(nextComment(t, e.fileComment && i === 0));
      m.tickets.push(t);
      m.lastTouched = name;
      return { name, detail: `declares ${name}` };
    }
    case "adopt": {
      const t: TicketDecl = { ...adoptedDecl(m, e), adoptTicketId };
      m.nextName++;
      m.tickets.push(t);
      m.lastTouched = t.name;
      return { name: t.name, detail: `declares ${t.name} adopting ${adoptTicketId ?? "?"}` };
    }
    case "remove": {
      const t = picked(m, e.pick);
      m.tickets = m.tickets.filter((x) => x !== t);
      delete m.rackerClosed[t.name];
      return { name: t.name, detail: `removes ${t.name}` };
    }
    case "comment": {
      const t = picked(m, e.pick);
      t.comments.push(nextComment(t, e.withFile));
      excuseEnds(t);
      return { name: t.name, detail: `appends comments[${t.comments.length - 1}] to ${t.name}` };
    }
    case "note": {
      const t = picked(m, e.pick);
      if (e.same && t.note !== undefined) return { name: t.name, detail: `keeps ${t.name}.note (the same value posts nothing)` };
      t.rev += 1;
      t.note = `${t.name} note r${t.rev}`;
      excuseEnds(t);
      return { name: t.name, detail: `sets ${t.name}.note to r${t.rev}` };
    }
    case "sideComment": {
      const t = picked(m, e.pick);
      // A closed ticket accepts no comment (documented: the up fails until a refresh replaces the ticket); the model keeps off it.
      if (m.rackerClosed[t.name]) return { name: t.name, detail: `leaves ${t.name}-side alone (Rackspace closed its ticket)` };
      if (e.remove) {
        delete t.sideComment;
        return { name: t.name, detail: `removes ${t.name}-side (its comment stays on the ticket)` };
      }
      t.rev += 1;
      t.sideComment = `${t.name} side comment r${t.rev}`;
      return { name: t.name, detail: `sets ${t.name}-side's text to r${t.rev}` };
    }
    case "resources": {
      const t = picked(m, e.pick);
      let set = resourceSet(e.set);
      if (sameSet(set, t.resources)) set = t.resources.includes(RESOURCE_URLS[3]) ? t.resources.filter((r) => r !== RESOURCE_URLS[3]) : [...t.resources, RESOURCE_URLS[3]];
      t.resources = set;
      if (!resourcesIgnored(t)) excuseEnds(t);
      return { name: t.name, detail: `sets ${t.name}.resources to [${set.map((r) => r.slice(-4)).join(",")}]` };
    }
    case "replace": {
      const t = picked(m, e.pick);
      t.prev = { subject: t.subject, severity: t.severity, description: t.description, attachments: t.attachments };
      t.rev += 1;
      if (e.field === "subject") t.subject = `${t.name}${SUBJECT_SEP}maintenance window r${t.rev}`;
      if (e.field === "severity") t.severity = SEVERITIES[(SEVERITIES.indexOf(t.severity) + 1) % SEVERITIES.length];
      if (e.field === "description") t.description = `${t.name}: planned change r${t.rev}`;
      if (e.field === "attachment") {
        t.attachments = t.attachments.length > 0 ? t.attachments.map((a, i) => (i === 0 ? { ...a, content: `plan of ${t.name} r${t.rev}` } : a)) : [{ filename: "plan.txt", content: `plan of ${t.name} r${t.rev}` }];
      }
      excuseEnds(t);
      return { name: t.name, detail: `changes ${t.name}.${e.field} (forces a new ticket)` };
    }
    case "option": {
      const t = picked(m, e.pick);
      t.options = toggled(t.options, e.option);
      return { name: t.name, detail: `toggles ${t.name}.${e.option} → ${JSON.stringify(t.options[e.option] ?? null)}` };
    }
    case "revert": {
      const t = picked(m, e.pick);
      if (!t.prev) return { name: t.name, detail: `leaves ${t.name} alone (no replacing edit to revert)` };
      const back = t.prev;
      t.prev = { subject: t.subject, severity: t.severity, description: t.description, attachments: t.attachments };
      Object.assign(t, back);
      excuseEnds(t);
      return { name: t.name, detail: `reverts ${t.name}'s last replacing edit (subject ${JSON.stringify(t.subject)}, severity ${t.severity}) (forces a new ticket)` };
    }
  }
}

function toggled(o: OptionsDecl, k: OptionName): OptionsDecl {
  const out: OptionsDecl = { ...o };
  if (k === "retainOnDelete" || k === "deleteBeforeReplace") {
    if (out[k]) delete out[k];
    else out[k] = true;
  } else if (out[k]) delete out[k];
  else out[k] = ["resources"];
  return out;
}

/** Whether the declared resources must equal the ticket's (ignoreChanges may freeze them). */
export const resourcesChecked = (t: TicketDecl): boolean => !resourcesIgnored(t);

/** Whether a thread text was posted by a RackspaceTicketComment (`<name> side comment r<n>` and its marker footer). */
export const isSideText = (text: string): boolean => / side comment r\d+\n/.test(text);

/** Whether a thread text is one of the model's notes (they read `<name> note r<n>`). */
export const isNoteText = (text: string): boolean => / note r\d+$/.test(text);

/** The resource a ticket belongs to, from its subject. */
export const nameOfSubject = (subject: string): string => subject.split(SUBJECT_SEP)[0];
