/**
 * Every input of a RackspaceTicket, once: its schema (what `check` accepts), its description
 * (the dynamic face's RackspaceTicketArgs and the plugin's schema.json both say it), and
 * whether a change of it opens a new ticket; whether it is free text, shows in the thread, is a
 * setting only the stack sees, or is left out of the outputs. TicketInputsSchema,
 * INPUT_FIELDS, REPLACE_FIELDS and the lists below are derived from this table, and so is
 * schema.json (scripts/gen-schema.js): adding an input is one entry here, its planner rule
 * (./plan), and its property on RackspaceTicketArgs (faces/args.ts, documented with this
 * description word for word, a test checks).
 */
import { z } from "zod";
import { ResourceUrl } from "../../api/schemas";
import { attachmentList, CommentSchema, LIMITS, list, text } from "../history/entry-schema";
import { WaitForSchema } from "../gate/wait-for";

/** Severities a request may carry (docs §7); accounts allow a subset (checked by the API). */
export const SEVERITIES = ["Low", "Normal", "High", "Urgent"] as const;
/** Severities that appear only in responses (docs §8, item 9): refused in a request. */
const RESPONSE_ONLY_SEVERITIES = ["Emergency"];

const ACCOUNT_ID = /^(?:[a-z][a-z_]*:)?[A-Za-z0-9][A-Za-z0-9._-]*$/;
const CONTACT_ID = /^RPN-[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** One input: its schema, what it means to a user, and whether a change of it opens a new ticket. */
export interface FieldSpec {
  schema: z.ZodType;
  description: string;
  required?: boolean;
  replaces?: boolean;
  /** The input holds comment entries (a text, or `{ text, attachments }`): the schema's union of both. */
  entries?: "list" | "one";
  /** Free text a person wrote: messages show its length, never its value (secret or not). */
  text?: true;
  /** Its value shows in the ticket's thread (texts, file names): the outputs that record the thread are secret when it is. */
  inThread?: true;
  /** A change of it may write to the ticket (a PATCH, a comment): an update's preview cannot know the thread or the status then. */
  writes?: true;
  /** A setting the ticket does not see: a change is recorded by an update that sends nothing. */
  setting?: true;
  /** Where the outputs get it: copied from the inputs when set (default), from the API (`api`), or not at all (`none`: the text is kept once, in the inputs). */
  output?: "api" | "none";
  /** False: a program may not pass it as a secret (its values steer the engine and are printed). */
  secretable?: false;
}

export const TICKET_FIELDS = {
  accountId: {
    required: true,
    replaces: true,
    schema: text("accountId", LIMITS.shortText).refine((s) => ACCOUNT_ID.test(s), {
      error: "accountId must look like hybrid:12345, faws:123456789012, managed_gcp:project or 12345 (as GET /accounts returns it)",
    }),
    description: "Account the ticket is opened in, as GET /accounts returns it (e.g. `hybrid:12345`). Changing it opens a new ticket.",
  },
  subject: { required: true, replaces: true, schema: text("subject", LIMITS.subject), description: "Subject line. Changing it opens a new ticket." },
  category: { required: true, replaces: true, schema: text("category", LIMITS.shortText), description: "Category name (e.g. `Change`, `Incident`). Changing it opens a new ticket." },
  subcategory: {
    required: true,
    replaces: true,
    schema: text("subcategory", LIMITS.shortText),
    description: "Subcategory name valid for the account's product (e.g. `General` for hybrid accounts). Changing it opens a new ticket.",
  },
  severity: {
    replaces: true,
    schema: z.enum(SEVERITIES, {
      error: (i) =>
        RESPONSE_ONLY_SEVERITIES.includes(String(i.input))
          ? `severity ${String(i.input)} appears only in the API's responses (it cannot be requested); use one of ${SEVERITIES.join(", ")}`
          : `severity must be one of ${SEVERITIES.join(", ")}`,
    }),
    description: "`Low`, `Normal`, `High` or `Urgent` (without regard to case), as the account allows (`Emergency` appears only in responses). Changing it opens a new ticket.",
  },
  description: { replaces: true, text: true, inThread: true, output: "none", schema: text("description", LIMITS.text), description: "The ticket's description (its first comment). May be a secret. Changing it opens a new ticket." },
  attachments: {
    replaces: true,
    inThread: true,
    schema: attachmentList("attachments"),
    description:
      "Files attached to the description: `{ filename, path }` (read at apply time, relative to the program's directory) or `{ filename, content }`. Forbidden extensions (exe, js, bat, …) are refused at preview. Changing them opens a new ticket.",
  },
  recipients: {
    replaces: true,
    schema: list(
      "recipients",
      z.string({ error: "a recipient must be a string" }).refine((s) => CONTACT_ID.test(s) || EMAIL.test(s), {
        error: "a recipient must be a contact id (RPN-…) or an e-mail address",
      }),
    ).refine((a) => new Set(a).size === a.length, { error: "recipients must not repeat an entry" }),
    description: "Contact ids (RPN-…) or e-mail addresses to notify. Changing them opens a new ticket.",
  },
  resources: {
    output: "api",
    writes: true,
    schema: list("resources", ResourceUrl).refine((a) => new Set(a).size === a.length, { error: "resources must not repeat a URL" }),
    description: "Resource URLs the ticket is about. A change is one PATCH with the full new list.",
  },
  comments: {
    entries: "list",
    text: true,
    writes: true,
    inThread: true,
    output: "none",
    schema: list("comments", CommentSchema),
    description:
      "Comments to post, in order. Entries added at the end are posted on the next `up`; entries already posted cannot be edited, removed or reordered (the ticket's history is append-only). Entries may be secrets. An entry is a text, or `{ text, attachments }` to attach files to it; the files of a posted entry cannot change either.",
  },
  note: {
    entries: "one",
    text: true,
    writes: true,
    inThread: true,
    schema: CommentSchema,
    description:
      "The deployment's note, e.g. `Deployed ${commit} by run ${runId}`: posted as one comment each time its value changes (an `up` with the same value posts nothing). The history stays in the state (`notes`), so a CI job declares only the current note. A text, or `{ text, attachments }`. May be a secret. A replacement ticket gets the current note only.",
  },
  closingComment: {
    text: true,
    inThread: true,
    setting: true,
    schema: text("closingComment", LIMITS.text),
    description: "Posted on the ticket right before the stack closes it (destroy, or the old ticket of a replacement).",
  },
  waitFor: {
    setting: true,
    secretable: false,
    schema: WaitForSchema,
    description:
      "The approval gate: create returns (and resources that depend on this ticket deploy) only once Rackspace meets it: one of `statuses` reached, or a Racker reply saying `approval`, after the wait began (where the waiting create or update first wrote to the ticket; a reply before your own answer on the ticket does not count). A reply saying `rejection` fails the deployment with the Racker's words; `timeout` (default `1h`) fails it, or warns and goes on with `onTimeout: \"continue\"`. Each check is one GET /tickets/{id} every `pollInterval` (default `30s`) from the read budget.",
  },
  adoptTicketId: {
    schema: text("adoptTicketId", LIMITS.shortText),
    description:
      "Adopt this existing ticket instead of opening a new one: the ticket must match `accountId` and `subject`; declared resources are applied and declared comments not yet on it are posted (a ticket Rackspace closed is followed by a new ticket naming it). The `import` resource option (and, with the plugin, `pulumi import`) adopts strictly instead. Only used when the resource is created.",
  },
} satisfies Record<string, FieldSpec>;

export type TicketFieldName = keyof typeof TICKET_FIELDS;

/** Every input a user may set, in the order messages list them. */
export const INPUT_FIELDS = Object.keys(TICKET_FIELDS) as TicketFieldName[];

const where = (test: (spec: FieldSpec) => boolean): TicketFieldName[] => INPUT_FIELDS.filter((f) => test(TICKET_FIELDS[f] as FieldSpec));

/** Fields that cannot change on an existing ticket: a change opens a new one. */
export const REPLACE_FIELDS = where((s) => s.replaces === true);

/** Free-text inputs: messages show their length only. */
export const TEXT_INPUTS: ReadonlySet<string> = new Set(where((s) => s.text === true));

/** Inputs whose values show in the thread: the outputs recording it are secret when one of them is. */
export const THREAD_INPUTS = where((s) => s.inThread === true);

/** Inputs whose change may write to the ticket (what the planner then sends is ./plan's). */
export const WRITING_INPUTS = where((s) => s.writes === true);

/** Required inputs. */
export const REQUIRED_INPUTS = where((s) => s.required === true);

/** Settings the ticket does not see: a change is an update that records it and sends nothing. */
export const SETTING_INPUTS = where((s) => s.setting === true);

/** The inputs the outputs never repeat (their texts are kept once, in the inputs). */
export const INPUTS_NOT_IN_OUTPUTS = where((s) => s.output === "none");

/** The inputs the outputs copy when set. */
export const COPIED_INPUTS = where((s) => s.output === undefined);

/** The inputs a program may pass as secrets: messages never print their values. */
export const SECRETABLE_INPUTS = where((s) => s.secretable !== false);

type Shape = { [K in TicketFieldName]: (typeof TICKET_FIELDS)[K] extends { required: true } ? (typeof TICKET_FIELDS)[K]["schema"] : z.ZodOptional<(typeof TICKET_FIELDS)[K]["schema"]> };

/** The schema's shape: required fields as declared, the others optional. */
export function shapeOf(): Shape {
  const out: Record<string, z.ZodType> = {};
  for (const f of INPUT_FIELDS) {
    const spec = TICKET_FIELDS[f] as FieldSpec;
    out[f] = spec.required ? spec.schema : spec.schema.optional();
  }
  return out as Shape;
}
