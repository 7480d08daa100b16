/**
 * The plugin's Pulumi package schema, built from one source: the field table of the ticket's
 * inputs (../../core/ticket/fields: their zod schemas, descriptions and whether a change opens a
 * new ticket), the comment resource's schema, the config keys (../../config/keys) and the
 * outputs described below. scripts/gen-schema.js writes it to schema.json, which the plugin
 * serves (GetSchema) and the SDK generator reads; a test fails when the committed file is stale.
 */
import { z } from "zod";
import { CONFIG_KEYS } from "../../config/keys";
import { CommentResourceSchema } from "../../core/comment/inputs";
import { AttachmentSchema } from "../../core/history/entry-schema";
import { WaitForSchema } from "../../core/gate/wait-for";
import { FieldSpec, INPUT_FIELDS, INPUTS_NOT_IN_OUTPUTS, REQUIRED_INPUTS, TICKET_FIELDS } from "../../core/ticket/fields";

/** A property or type as the Pulumi schema spells it. */
export type SchemaType = Record<string, unknown>;

export const PACKAGE = "rackspace";
export const TICKET_TOKEN = "rackspace:ticketing:Ticket";
export const COMMENT_TOKEN = "rackspace:ticketing:TicketComment";
export const FUNCTION_TOKENS = { getAccounts: "rackspace:ticketing:getAccounts", getCategories: "rackspace:ticketing:getCategories", getResources: "rackspace:ticketing:getResources" } as const;

const ref = (name: string): SchemaType => ({ $ref: `#/types/${PACKAGE}:ticketing:${name}` });
const str = (description: string): SchemaType => ({ type: "string", description });
const arr = (items: SchemaType, description: string): SchemaType => ({ type: "array", items, description });

/** A comment entry: a text, or a text with files. */
const ENTRY: SchemaType = { oneOf: [{ type: "string" }, ref("CommentEntry")] };

/** A property of a JSON schema (from zod) as a Pulumi schema type; objects become the named types given. */
function fromJson(js: Record<string, unknown>, named: Record<string, string> = {}, path = ""): SchemaType {
  if (named[path]) return ref(named[path]);
  const t = js.type;
  if (t === "array") return { type: "array", items: fromJson((js.items ?? {}) as Record<string, unknown>, named, `${path}[]`) };
  if (t === "string" || t === "boolean" || t === "number") return { type: t };
  if (t === "integer") return { type: "integer" };
  if (t === "object") return { type: "object", additionalProperties: { type: "string" } };
  return { $ref: "pulumi.json#/Any" };
}

/** The properties and required names of an object type from a zod object schema, with descriptions. */
function objectType(schema: z.ZodType, descriptions: Record<string, string>, named: Record<string, string> = {}): { properties: Record<string, SchemaType>; required: string[] } {
  const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const properties: Record<string, SchemaType> = {};
  for (const [k, v] of Object.entries(js.properties ?? {})) {
    properties[k] = { ...fromJson(v, named, k), ...(descriptions[k] ? { description: descriptions[k] } : {}) };
  }
  return { properties, required: js.required ?? [] };
}

/** A ticket input's type: comment entries are the union of a text and CommentEntry; objects are named types. */
function inputType(name: string, spec: FieldSpec): SchemaType {
  if (spec.entries === "list") return { type: "array", items: ENTRY };
  if (spec.entries === "one") return ENTRY;
  return fromJson(z.toJSONSchema(spec.schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>, { "": name === "waitFor" ? "WaitFor" : "", "[]": name === "attachments" ? "Attachment" : "" });
}

const ATTACHMENT_DOCS = {
  filename: "The name Rackspace shows. Forbidden extensions (exe, js, bat, …) are refused at preview.",
  path: "A file to upload, relative to the project directory (where Pulumi.yaml is); read at apply time.",
  content: "Inline content; stored in the state like every input (pass it as a secret if it is one).",
  encoding: "How `content` is encoded: `utf8` (default) or `base64`.",
  sha256: "Filled in by the provider: the SHA-256 of the file's bytes, so a changed file shows in the diff.",
};
const WAIT_FOR_DOCS = {
  statuses: "Statuses that meet the gate (open strings; compared without case, `In Progess` counts as `In Progress`).",
  approval: "A Racker reply after the wait began that says it meets the gate: plain text is a literal phrase matched as whole words, outside quotes, questions and negations; `/source/flags` is a regular expression tested as written.",
  rejection: "A Racker reply after the wait began that says it fails the deployment with the Racker's words (plain text counts anywhere in the reply).",
  timeout: "How long to wait at most (default `1h`).",
  onTimeout: "What a timeout does: `fail` (default) or `continue` (warn and go on; the next `up` waits again).",
  pollInterval: "How often to read the ticket (default `30s`, at least `1s`): one GET /tickets/{id} each time, from the read budget.",
  onUpdate: "Wait again after an update that wrote to the ticket (a PATCH, a comment, a note). Default false: only the create waits.",
};

/** The outputs beside the inputs: what the API reports and what the state keeps of the ticket's history. */
const TICKET_OUTPUTS: Record<string, SchemaType> = {
  ticketId: str("The ticket id the API assigned (also the resource id)."),
  status: str("Ticket status as last read, e.g. `Pending Rackspace`, `Pending Customer`, `Closed`."),
  classification: str("`Service Request`, `Change` or `Incident`."),
  created: str("When the ticket was opened."),
  modified: str("When the ticket last changed."),
  createdBy: { ...ref("Person"), description: "Who opened the ticket." },
  modifiedBy: { ...ref("Person"), description: "Who changed the ticket last, when it is not `createdBy`." },
  descriptionDigest: str("64 bits of SHA-256 of the declared description, in hex (the text is in the inputs); secret when the description is."),
  thread: arr(ref("ThreadEntry"), "Every comment on the ticket as last read, Racker replies included. The stack's own entries name the input that holds their text (`entry`) instead of repeating it; an entry another resource of this package posted is `withheld`. Secret when a text is."),
  posted: arr(ref("EntryRecord"), "A record per entry of `comments` posted so far, in order: a digest of its text and files and its thread entry's id."),
  notes: arr(ref("EntryRecord"), "Every note posted on this ticket, oldest first: its digest and thread entry id."),
  approval: { ...ref("Approval"), description: "How the approval gate ended: met (when, by whom, the Racker comment's id), rejected, closed or timed out." },
  replaces: arr({ type: "string" }, "The tickets this one replaced whose close may still be pending."),
  unconfirmed: { ...ref("UnconfirmedCreate"), description: "Set on a create that could not be confirmed: the marker its ticket carries, if it exists." },
};

const OUTPUT_TYPES: Record<string, { description: string; properties: Record<string, SchemaType>; required?: string[] }> = {
  Person: { description: "A person as the API names them.", properties: { id: str("Their id."), name: str("Their name."), type: str("`customer` or `racker`.") }, required: ["id", "name", "type"] },
  ThreadAttachment: { description: "A file on a thread entry.", properties: { filename: str("The file's name."), uuid: str("The API's uuid of the file."), url: str("Its plain download URL (a signed or upload URL is never recorded).") }, required: ["filename", "uuid"] },
  ThreadEntry: {
    description: "One comment on the ticket as last read.",
    properties: {
      id: str("The API's id (absent on a `comments[i]` entry: its record in `posted` holds it)."),
      text: str("The text (absent for an entry the stack posted: see `entry`)."),
      created: str("When it was posted (absent on the description's entry when it is the ticket's `created`)."),
      authorName: str("Who wrote it (absent on an `entry` the ticket's creator wrote)."),
      authorType: str("`customer` or `racker` (absent on an `entry`: the stack's own, a customer's)."),
      entry: str("For an entry the stack posted: `description` or `comments[i]`, the input that holds its text."),
      withheld: { type: "boolean", description: "True for an entry another resource of this package posted: its text is not recorded here." },
      attachments: arr(ref("ThreadAttachment"), "Files attached to this entry."),
    },
  },
  EntryRecord: {
    description: "What the state keeps of an entry the stack posted.",
    properties: { digest: str("Digest of its text and files."), textDigest: str("Digest of its text alone, when it had files."), commentId: str("The thread entry's id."), files: arr({ type: "string" }, "Its files' names.") },
    required: ["digest", "commentId"],
  },
  GateBaseline: { description: "Where a wait began.", properties: { entries: { type: "integer", description: "Thread entries before the waiting operation's first write." }, status: str("The status then, when it was one waited for.") }, required: ["entries", "status"] },
  Approval: {
    description: "How the approval gate ended.",
    properties: {
      met: { type: "boolean", description: "Whether the gate was met." },
      how: str("`status`, `comment`, `rejected`, `closed` or `timeout`."),
      at: str("When it was met or ended."),
      by: str("Who met or ended it."),
      commentId: str("The Racker comment that met or rejected it."),
      status: str("The status when it was met or ended."),
      baseline: { ...ref("GateBaseline"), description: "Where the wait began, while the gate is not met." },
    },
    required: ["met", "how", "at", "by", "commentId", "status"],
  },
  UnconfirmedCreate: { description: "A create whose outcome is unknown.", properties: { marker: str("The marker its ticket carries, if it exists."), at: str("When the create was sent.") }, required: ["marker", "at"] },
};

/** The provider's configuration: every `rackspace:*` key; credentials are secret. */
function configVariables(): Record<string, SchemaType> {
  const secret = new Set(["rackspace:apiKey", "rackspace:authToken", "rackspace:rateLimitRedisUrl"]);
  return Object.fromEntries(CONFIG_KEYS.map((k) => [k.key.slice("rackspace:".length), { type: "string", description: `${k.doc} (environment: \`${k.env}\`)`, ...(secret.has(k.key) ? { secret: true } : {}) }]));
}

/** The whole schema, for a package version. */
export function buildSchema(version: string): Record<string, unknown> {
  const inputProperties: Record<string, SchemaType> = {};
  const requiredInputs: string[] = [];
  for (const f of INPUT_FIELDS) {
    const spec = TICKET_FIELDS[f] as FieldSpec;
    inputProperties[f] = { ...inputType(f, spec), description: spec.description, ...(spec.replaces ? { replaceOnChanges: true } : {}) };
    if (spec.required) requiredInputs.push(f);
  }
  const attachment = objectType(AttachmentSchema, ATTACHMENT_DOCS);
  const waitFor = objectType(WaitForSchema, WAIT_FOR_DOCS);
  const comment = objectType(CommentResourceSchema, {
    ticketId: "The ticket to comment on. Changing it posts the comment on the new ticket (the old one keeps its copy).",
    text: "The comment's text (may be a secret). Changing it posts a NEW comment: the old one stays on the ticket, since the API cannot edit or remove a comment.",
    attachments: "Files attached to the comment. Changing them posts a new comment.",
    accountId: "The ticket's account, if known: the first read is then paced under the account's limits, and it is checked against the ticket.",
  }, { "attachments[]": "Attachment" });
  const commentInputs = Object.fromEntries(Object.entries(comment.properties).map(([k, v]) => [k, ["ticketId", "text", "attachments"].includes(k) ? { ...v, replaceOnChanges: true } : v]));
  const types: Record<string, unknown> = {
    [`${PACKAGE}:ticketing:Attachment`]: { type: "object", description: "A file to attach: `{ filename, path }` or `{ filename, content }`.", ...attachment },
    [`${PACKAGE}:ticketing:CommentEntry`]: {
      type: "object",
      description: "A comment with files (an entry may also be just its text).",
      properties: { text: str("The comment's text."), attachments: arr(ref("Attachment"), "Files attached to the comment.") },
      required: ["text"],
    },
    [`${PACKAGE}:ticketing:WaitFor`]: { type: "object", description: "The approval gate.", ...waitFor },
    [`${PACKAGE}:ticketing:Account`]: { type: "object", description: "An account the credentials can see.", properties: { id: str("As tickets take it, e.g. `hybrid:12345`."), name: str("Its name."), severities: arr({ type: "string" }, "Severities it allows.") }, required: ["id"] },
    [`${PACKAGE}:ticketing:Category`]: {
      type: "object",
      description: "A ticket category and its subcategories.",
      properties: { name: str("Its name."), classification: str("Its classification."), subcategories: arr({ type: "string" }, "Its subcategories' names.") },
      required: ["name"],
    },
    [`${PACKAGE}:ticketing:ResourceInfo`]: {
      type: "object",
      description: "A device tickets can name.",
      properties: { id: str("Its id."), name: str("Its name."), accountId: str("Its account."), platform: str("Its platform."), type: str("Its type."), location: str("Where it is."), status: str("`online` or `offline`."), url: str("The URL a ticket's `resources` takes.") },
      required: ["id", "url"],
    },
  };
  for (const [name, t] of Object.entries(OUTPUT_TYPES)) types[`${PACKAGE}:ticketing:${name}`] = { type: "object", ...t };
  // The outputs repeat the inputs (without the replacement flag, which belongs to inputs), but
  // for the texts the state keeps once, in the inputs: description and comments. Declaring them
  // would give every SDK a `description` and `comments` that never resolve after a create.
  const repeated = Object.entries(inputProperties).filter(([k]) => !(INPUTS_NOT_IN_OUTPUTS as readonly string[]).includes(k));
  const outputs = { ...Object.fromEntries(repeated.map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([key]) => key !== "replaceOnChanges"))])), ...TICKET_OUTPUTS };
  return {
    name: PACKAGE,
    displayName: "Rackspace Ticketing",
    version,
    description: "Rackspace support and change tickets as Pulumi resources.",
    keywords: ["pulumi", "rackspace", "tickets", "change management", "kind/native"],
    license: "MIT",
    repository: "https://github.com/pulumi-rackspace-ticketing/pulumi-rackspace-ticketing",
    publisher: "pulumi-rackspace-ticketing",
    config: { variables: configVariables() },
    provider: { description: "An explicit provider: one program can use two accounts or endpoints.", inputProperties: configVariables() },
    types,
    resources: {
      [TICKET_TOKEN]: {
        description: "A Rackspace support or change ticket: opened on create, its resources kept in step, comments and a note per deployment posted once each and in order, closed on delete.",
        inputProperties,
        requiredInputs,
        properties: outputs,
        required: [...REQUIRED_INPUTS, "ticketId", "status", "thread", "posted", "notes", "resources"],
      },
      [COMMENT_TOKEN]: {
        description: "One comment on a ticket the stack does not manage, posted once; a changed text posts a new comment and the old one stays.",
        inputProperties: commentInputs,
        requiredInputs: comment.required,
        properties: {
          ...comment.properties,
          commentId: str("The thread entry's id."),
          created: str("When Rackspace recorded the comment."),
          authorName: str("The comment's author as the thread names it."),
          status: str("The ticket's status as last read."),
          marker: str("The correlation marker at the end of the posted text."),
        },
        required: ["ticketId", "text", "commentId", "marker", "status"],
      },
    },
    functions: {
      [FUNCTION_TOKENS.getAccounts]: {
        description: "The accounts the credentials can see (GET /accounts).",
        outputs: { properties: { accounts: arr(ref("Account"), "The accounts.") }, required: ["accounts"] },
      },
      [FUNCTION_TOKENS.getCategories]: {
        description: "The categories and subcategories of the API (GET /categories).",
        outputs: { properties: { categories: arr(ref("Category"), "The categories.") }, required: ["categories"] },
      },
      [FUNCTION_TOKENS.getResources]: {
        description: "Devices matching a query (GET /resources, every page unless one is asked for).",
        inputs: {
          properties: {
            q: str("Substring search over id, name, IP addresses, type, location."),
            status: str("`online`, `offline` or `all`."),
            offset: { type: "integer", description: "Start of a page." },
            limit: { type: "integer", description: "Page size, at most 500." },
          },
        },
        outputs: { properties: { resources: arr(ref("ResourceInfo"), "The devices.") }, required: ["resources"] },
      },
    },
    // supportPack: the generators write each SDK's package metadata with this version (the Go SDK
    // its own go.mod, so a program can point a `replace` directive at sdk/go).
    meta: { supportPack: true },
    language: {
      nodejs: { respectSchemaVersion: true, packageName: "@pulumi-rackspace-ticketing/rackspace" },
      // pyproject: `pip install ./sdk/python` builds it with setuptools' PEP 517 backend, no setup.py.
      python: { respectSchemaVersion: true, packageName: "pulumi_rackspace", pyproject: { enabled: true } },
      go: { respectSchemaVersion: true, importBasePath: "github.com/pulumi-rackspace-ticketing/pulumi-rackspace-ticketing/sdk/go/rackspace", generateResourceContainerTypes: true },
    },
  };
}
