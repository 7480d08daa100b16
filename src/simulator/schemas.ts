/**
 * The simulator's own request validation (zod), independent of src/api's schemas so that a client bug is caught here, not mirrored.
 *
 * Ticketing request bodies are strict: unknown fields are rejected with 400 (docs §4.3–4.5
 * list every field). Identity requests are lenient about extra fields, like Identity itself.
 */
import { z } from "zod";
import { SIM_OPERATIONS } from "./types/operations";
import { MAX_RACKER_DELAY_MS } from "./types/racker";

const nonEmpty = z.string().regex(/\S/, "must not be empty");

/** A resource URL (docs §4.3, §4.8): absolute http(s) URL. */
export const ResourceUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

export const AttachmentRef = z.strictObject({
  filename: nonEmpty,
  uuid: nonEmpty.optional(),
});

export const CommentInput = z.strictObject({
  text: nonEmpty,
  attachments: z.array(AttachmentRef).optional(),
});

/** POST /tickets (docs §4.3). */
export const CreateTicketBody = z.strictObject({
  accountId: nonEmpty,
  subject: nonEmpty,
  category: nonEmpty,
  subcategory: nonEmpty,
  severity: nonEmpty.optional(),
  comment: CommentInput.optional(),
  resources: z.array(ResourceUrl).optional(),
  recipients: z.array(nonEmpty).optional(),
});
export type CreateTicketBody = z.infer<typeof CreateTicketBody>;

/** PATCH/PUT /tickets/{id} (docs §4.4): exactly one of status or resources. */
export const PatchTicketBody = z
  .strictObject({
    status: z.string().optional(),
    resources: z.array(ResourceUrl).optional(),
  })
  .refine((b) => (b.status === undefined) !== (b.resources === undefined), {
    message: "send exactly one of 'status' or 'resources'",
  })
  .refine((b) => b.status === undefined || b.status === "Closed", {
    message: "the only status that can be set is 'Closed'",
    path: ["status"],
  });
export type PatchTicketBody = z.infer<typeof PatchTicketBody>;

/** POST /tickets/{id}/comments (docs §4.5). */
export const AddCommentBody = z.strictObject({ comment: CommentInput });
export type AddCommentBody = z.infer<typeof AddCommentBody>;

/** POST /v2.0/tokens (docs §2): only API-key credentials are supported by the simulator. */
export const TokenRequestBody = z.object({
  auth: z.object({
    "RAX-KSKEY:apiKeyCredentials": z.object({
      username: nonEmpty,
      apiKey: nonEmpty,
    }),
    tenantId: z.string().optional(),
    tenantName: z.string().optional(),
  }),
});

// ---------------------------------------------------------------- admin API

const OperationName = z.enum(["*", ...SIM_OPERATIONS]);
const count = z.number().int().min(1).optional();

export const FaultSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("status"),
    operation: OperationName,
    count,
    status: z.number().int().min(100).max(599),
    retryAfter: z.string().optional(),
    body: z.unknown().optional(),
    contentType: z.string().optional(),
  }),
  z.strictObject({ kind: z.literal("hang"), operation: OperationName, count, ms: z.number().int().min(0).optional() }),
  z.strictObject({ kind: z.literal("drop-before"), operation: OperationName, count }),
  z.strictObject({ kind: z.literal("drop-after"), operation: OperationName, count }),
]);

const rackerShape = {
  comment: nonEmpty.optional(),
  status: nonEmpty.optional(),
  name: nonEmpty.optional(),
};
const commentOrStatus = { message: "give a comment and/or a status" };
const hasEffect = (a: { comment?: string; status?: string }) => a.comment !== undefined || a.status !== undefined;
const afterMs = z.number().int().min(0).max(MAX_RACKER_DELAY_MS);

export const RackerActionSchema = z.strictObject(rackerShape).refine(hasEffect, commentOrStatus);

/** POST /_sim/tickets/{id}/racker: at once, or `afterMs` from now. */
export const RackerRequestSchema = z.strictObject({ ...rackerShape, afterMs: afterMs.optional() }).refine(hasEffect, commentOrStatus);

export const ScheduledRackerActionSchema = z.strictObject({ ...rackerShape, afterMs }).refine(hasEffect, commentOrStatus);

const subjectPattern = z.string().refine(
  (src) => {
    try {
      new RegExp(src, "i");
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be a valid regular expression" },
);

export const RackerRuleSchema = z
  .strictObject({
    ...rackerShape,
    afterMs,
    match: z.strictObject({ subject: subjectPattern.optional(), category: nonEmpty.optional() }).optional(),
  })
  .refine(hasEffect, commentOrStatus);

/** PUT /_sim/racker-rules and the --racker-rules file: `{rules: [...]}` or the bare array. */
export const RackerRulesBody = z.union([z.array(RackerRuleSchema), z.strictObject({ rules: z.array(RackerRuleSchema) })]);

const limit = z.number().int().min(0);
export const LimitsSchema = z.strictObject({
  create: limit.optional(),
  patch: limit.optional(),
  comment: limit.optional(),
  read: limit.optional(),
  attachment: limit.optional(),
  resources: limit.optional(),
});

/** A configured device (SimulatorOptions `resources`). */
export const SimResourceSchema = z.strictObject({
  id: nonEmpty,
  accountId: nonEmpty,
  name: z.string(),
  platform: z.string(),
  type: z.string(),
  location: z.string(),
  status: z.enum(["online", "offline", "decommissioned"]),
  network: z.strictObject({ ips: z.array(z.string()) }),
});

export const LimitsUpdate = z.strictObject({
  windowMs: z.number().int().positive().optional(),
  limits: LimitsSchema.optional(),
});

export const IssueTokenBody = z.strictObject({ username: nonEmpty.optional() });

// ---------------------------------------------------------------- persistence

const PersonSchema = z.object({ id: z.string(), name: z.string(), roles: z.array(z.string()), type: z.string() });
const TicketSchema = z.object({
  ticketId: z.string(),
  accountId: z.string(),
  subject: z.string(),
  status: z.string(),
  severity: z.string(),
  classification: z.string(),
  category: z.string(),
  subcategory: z.string(),
  resources: z.array(z.string()),
  created: z.string(),
  modified: z.string(),
  createdBy: PersonSchema,
  modifiedBy: PersonSchema,
  comments: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      created: z.string(),
      author: PersonSchema,
      attachments: z.array(z.object({ filename: z.string(), uuid: z.string().optional(), url: z.string().optional(), upload_url: z.string().optional() })),
    }),
  ),
  recipients: z.array(z.object({ type: z.enum(["contact", "email"]), value: z.string() })),
});

const StoredAttachment = z.object({
  uuid: z.string().min(1),
  filename: z.string(),
  user: z.string(),
  created: z.number(),
  expiresAt: z.number(),
  maxBytes: z.number().int().min(0),
  uploadSig: z.string(),
  formSig: z.string(),
  /** base64 */
  content: z.string().optional(),
  contentType: z.string().optional(),
  uploadedAt: z.number().optional(),
  uploadSentToken: z.boolean().optional(),
  referencedBy: z.object({ ticketId: z.string(), commentId: z.string() }).optional(),
});

export const PersistedState = z.object({
  version: z.literal(1),
  counter: z.number().int().min(0),
  tickets: z.array(TicketSchema),
  /** Added with attachments; absent in older files. */
  attachments: z.array(StoredAttachment).optional(),
});
export type PersistedState = z.infer<typeof PersistedState>;

/** "field: message; other.field: message" for the first few issues of a zod error. */
export function describeIssues(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((i) => {
    const where = i.path.length > 0 ? i.path.map((p, n) => (typeof p === "number" ? `[${p}]` : `${n > 0 ? "." : ""}${String(p)}`)).join("") : "";
    return where ? `${where}: ${i.message}` : i.message;
  });
  if (error.issues.length > max) parts.push(`and ${error.issues.length - max} more`);
  return parts.join("; ");
}
