/**
 * zod schemas: the single source of the Rackspace Identity and Ticketing API types.
 *
 * Requests are strict (validated before anything is sent); responses are tolerant:
 * unknown fields are kept, optional fields may be missing, and the shapes the
 * official docs contradict themselves on (see docs section 8) are accepted both ways.
 */
import { z } from "zod";

/** The media type every request pins (docs §3: never float on "latest"). */
export const TICKETING_MEDIA_TYPE = "application/vnd.ticketing.v2+json";

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------

/** Ids are opaque strings; some examples show plain numbers, so accept both. */
const OpaqueId = z.union([z.string(), z.number()]).transform((v) => String(v));

/** A non-blank string, sent exactly as given (no trimming: texts must round-trip unchanged). */
const nonEmpty = (what: string) =>
  z.string({ error: `${what} must be a string` }).refine((s) => s.trim().length > 0, { error: `${what} must not be empty` });

/** A resource URL as accepted by the Ticketing API (docs §4.3, §4.8). */
export const ResourceUrl = z
  .string({ error: "a resource must be a URL string" })
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        return (u.protocol === "https:" || u.protocol === "http:") && u.hostname.length > 0;
      } catch {
        return false;
      }
    },
    { error: "must be an absolute http(s) resource URL, e.g. https://resources.api.rackspace.com/resources/dedicated:0001" },
  );

// ---------------------------------------------------------------------------
// Requests (strict)
// ---------------------------------------------------------------------------

export const AttachmentRef = z.strictObject({
  filename: nonEmpty("filename"),
  uuid: nonEmpty("uuid"),
});
export type AttachmentRef = z.infer<typeof AttachmentRef>;

export const CommentBody = z.strictObject({
  text: nonEmpty("comment text"),
  attachments: z.array(AttachmentRef).optional(),
});
export type CommentBody = z.infer<typeof CommentBody>;

export const CreateTicketRequest = z.strictObject({
  accountId: nonEmpty("accountId"),
  subject: nonEmpty("subject"),
  category: nonEmpty("category"),
  subcategory: nonEmpty("subcategory"),
  severity: nonEmpty("severity").optional(),
  comment: CommentBody.optional(),
  resources: z.array(ResourceUrl).optional(),
  /** Contact ids (RPN-…) or e-mail addresses: strings on the way in (docs §8.14). */
  recipients: z.array(nonEmpty("recipient")).optional(),
});
export type CreateTicketRequest = z.infer<typeof CreateTicketRequest>;

/** PATCH /tickets/{id}: exactly one of a close or a full resources replacement. */
export const PatchTicketRequest = z.union([
  z.strictObject({ status: z.literal("Closed") }),
  z.strictObject({ resources: z.array(ResourceUrl) }),
]);
export type PatchTicketRequest = z.infer<typeof PatchTicketRequest>;

export const AddCommentRequest = z.strictObject({ comment: CommentBody });
export type AddCommentRequest = z.infer<typeof AddCommentRequest>;

export const TokenRequest = z.strictObject({
  auth: z.strictObject({
    "RAX-KSKEY:apiKeyCredentials": z.strictObject({ username: nonEmpty("username"), apiKey: nonEmpty("apiKey") }),
  }),
});
export type TokenRequest = z.infer<typeof TokenRequest>;

// ---------------------------------------------------------------------------
// Responses (tolerant)
// ---------------------------------------------------------------------------

export const Person = z.looseObject({
  id: z.string().nullish(),
  name: z.string().nullish(),
  roles: z.array(z.string()).nullish(),
  /** Declared a List in the docs, a string in every example (docs §8.13). */
  type: z.union([z.string(), z.array(z.string()).transform((a) => a.join(","))]).nullish(),
});
export type Person = z.infer<typeof Person>;

export const ResponseAttachment = z.looseObject({
  filename: z.string().nullish(),
  uuid: z.string().nullish(),
  url: z.string().nullish(),
  upload_url: z.string().nullish(),
});

export const Comment = z.looseObject({
  id: OpaqueId.nullish(),
  text: z.string().nullish().transform((t) => t ?? ""),
  created: z.string().nullish(),
  author: Person.nullish(),
  attachments: z.array(ResponseAttachment).nullish(),
});
export type Comment = z.infer<typeof Comment>;

/** `{type, value}` on the way out; a bare string is tolerated and classified. */
export const Recipient = z.union([
  z.looseObject({ type: z.string(), value: z.string() }),
  z.string().transform((value) => ({ type: value.includes("@") ? "email" : "contact", value })),
]);
export type Recipient = z.infer<typeof Recipient>;

export const Ticket = z.looseObject({
  ticketId: OpaqueId,
  accountId: z.string().nullish(),
  subject: z.string().nullish(),
  status: z.string().nullish(),
  severity: z.string().nullish(),
  classification: z.string().nullish(),
  category: z.string().nullish(),
  subcategory: z.string().nullish(),
  resources: z
    .union([z.array(z.string()), z.string().transform((s) => (s ? [s] : []))])
    .nullish()
    .transform((r) => r ?? []),
  created: z.string().nullish(),
  modified: z.string().nullish(),
  createdBy: Person.nullish(),
  modifiedBy: Person.nullish(),
  comments: z
    .array(Comment)
    .nullish()
    .transform((c) => c ?? []),
  recipients: z
    .array(Recipient)
    .nullish()
    .transform((r) => r ?? []),
});
export type Ticket = z.infer<typeof Ticket>;

/** GET /tickets is undocumented (docs §4.6): accept `{tickets: [...]}` or a bare array. */
export const TicketList = z.union([
  z.looseObject({ tickets: z.array(Ticket) }).transform((r) => r.tickets),
  z.array(Ticket),
]);

export const Account = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  rcn: z.string().nullish(),
  serviceLevel: z.string().nullish(),
  severities: z
    .array(z.string())
    .nullish()
    .transform((s) => s ?? []),
  type: z.looseObject({ id: z.string().nullish(), name: z.string().nullish() }).nullish(),
  permission: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  npsOptOut: z.boolean().nullish(),
});
export type Account = z.infer<typeof Account>;
export const AccountsResponse = z.looseObject({ accounts: z.array(Account) });

export const Subcategory = z.looseObject({
  name: z.string(),
  /** Declared String, an array in every example (docs §8.13). */
  allowedProducts: z
    .union([z.array(z.string()), z.string().transform((s) => [s])])
    .nullish()
    .transform((p) => p ?? []),
});
export const Category = z.looseObject({
  id: OpaqueId.nullish(),
  name: z.string(),
  description: z.string().nullish(),
  classification: z.string().nullish(),
  subcategories: z
    .array(Subcategory)
    .nullish()
    .transform((s) => s ?? []),
});
export type Category = z.infer<typeof Category>;
export const CategoriesResponse = z.looseObject({ categories: z.array(Category) });

/**
 * POST /attachment (docs §4.7): only `attachment_data` is documented; the upload URL and
 * the file's uuid are "named in prose" with no key, so they are read defensively.
 */
export const AttachmentSlotResponse = z
  .looseObject({
    attachment_data: z
      .looseObject({
        expires: z.union([z.number(), z.string()]).nullish(),
        max_file_count: z.number().nullish(),
        max_file_size: z.number().nullish(),
        signature: z.string().nullish(),
        redirect_url: z.string().nullish(),
        uuid: z.string().nullish(),
        upload_url: z.string().nullish(),
      })
      .nullish(),
    uuid: z.string().nullish(),
    file_uuid: z.string().nullish(),
    upload_url: z.string().nullish(),
    uploadUrl: z.string().nullish(),
  })
  .transform((r, ctx) => {
    const uuid = r.uuid ?? r.file_uuid ?? r.attachment_data?.uuid;
    const uploadUrl = r.upload_url ?? r.uploadUrl ?? r.attachment_data?.upload_url;
    if (!uuid || !uploadUrl) {
      ctx.addIssue({ code: "custom", message: "the answer names no uuid or upload URL" });
      return z.NEVER;
    }
    const exp = r.attachment_data?.expires;
    const expiresSec = typeof exp === "string" ? Number(exp) : exp;
    return {
      uuid,
      uploadUrl,
      /** Epoch ms when the upload URL stops working, if the server said. */
      expiresAt: expiresSec && Number.isFinite(expiresSec) ? expiresSec * 1000 : undefined,
      maxFileSize: r.attachment_data?.max_file_size ?? undefined,
    };
  });
export type AttachmentSlot = z.infer<typeof AttachmentSlotResponse>;

/** GET /resources query (docs §4.8). */
export const ResourcesQuery = z.strictObject({
  /** Substring search over id, name, IP addresses, type, location. */
  q: z.string().optional(),
  offset: z.number().int().min(0).optional(),
  /** Page size, at most 500. */
  limit: z.number().int().min(1).max(500).optional(),
  status: z.enum(["online", "offline", "all"]).optional(),
  sortBy: z.enum(["id", "name"]).optional(),
  sort: z.enum(["asc", "desc"]).optional(),
});
export type ResourcesQuery = z.infer<typeof ResourcesQuery>;

/** A device the user may attach to tickets; `_links.self` is the URL tickets take. */
export const Resource = z.looseObject({
  id: OpaqueId,
  accountId: z.string().nullish(),
  name: z.string().nullish(),
  platform: z.string().nullish(),
  type: z.string().nullish(),
  location: z.string().nullish(),
  status: z.string().nullish(),
  network: z.unknown().optional(),
  _links: z.looseObject({ self: z.union([z.string(), z.looseObject({ href: z.string() }).transform((l) => l.href)]).nullish() }).nullish(),
});
export type Resource = z.infer<typeof Resource>;
export const ResourcesResponse = z.looseObject({ resources: z.array(Resource) });

export const Fault = z.looseObject({
  status: z.number().optional(),
  message: z.string().optional(),
  faultCode: z.string().optional(),
  moreInfo: z.string().optional(),
});
export type Fault = z.infer<typeof Fault>;

export const TokenResponse = z.looseObject({
  access: z.looseObject({
    token: z.looseObject({
      id: z.string().min(1),
      expires: z.string().optional(),
      tenant: z.looseObject({ id: z.string().nullish(), name: z.string().nullish() }).nullish(),
    }),
  }),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** Formats zod issues as "path: reason" lines, never echoing values (they may be secret). */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const path = i.path.length ? i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") : "(body)";
    return `${path}: ${i.message}`;
  });
}
