/**
 * Shapes of what the simulated APIs hold and serve: users, accounts, categories, tickets, devices, upload slots.
 *
 * Shapes follow the API reference kept with the project, §2 (identity) and §4 (ticketing).
 * These are the simulator's own definitions: nothing here is shared with `src/api`, so the
 * simulator validates requests independently and can catch client bugs.
 */

/** A user who can authenticate (POST /v2.0/tokens) with its API key and act on the accounts it is given. */
export interface SimUser {
  username: string;
  apiKey: string;
  /** Identity tenant id (`access.token.tenant.id`). Default "100002". */
  tenantId?: string | undefined;
  /** Display name used in Person objects on tickets. */
  name: string;
  /** Rackspace Person Number, used as Person.id. */
  rpn: string;
  /** Person roles shown on tickets (`createdBy.roles`). Default ["Administrative"]. */
  roles?: string[] | undefined;
  /** Accounts this user may see and use. Default: every configured account. */
  accountIds?: string[] | undefined;
}

export interface Account {
  name: string;
  id: string;
  rcn: string;
  serviceLevel?: string | undefined;
  severities: string[];
  type: { id: string; name: string };
  /** "admin" or "observer". Observers can read but not create or change tickets (403). */
  permission: string;
  tags: string[];
  npsOptOut: boolean;
}

export interface Subcategory {
  name: string;
  allowedProducts: string[];
}

export interface Category {
  id: number;
  name: string;
  description: string;
  classification: string;
  subcategories: Subcategory[];
}

export interface Person {
  id: string;
  name: string;
  roles: string[];
  type: string;
}

export interface Attachment {
  filename: string;
  uuid?: string | undefined;
  url?: string | undefined;
  upload_url?: string | undefined;
}

/**
 * A device on the resources host (docs §4.8), as configured (SimulatorOptions `resources`).
 * The wire form adds `_links.self` = `{resourcesUrl}/resources/{id}`.
 */
export interface SimResource {
  /** Device id, e.g. "dedicated:0001". Unique. */
  id: string;
  /** Account the device belongs to; only users with that account see it. */
  accountId: string;
  /** Device name (docs §8.23: not the account name). */
  name: string;
  platform: string;
  type: string;
  location: string;
  /**
   * "online" (active) and "offline" (inactive) are listed per the `status` query;
   * "decommissioned" stands for the internal statuses the API always excludes (never listed,
   * 404 by id).
   */
  status: "online" | "offline" | "decommissioned";
  network: { ips: string[] };
}

/** An upload slot from POST /attachment, as listed by `sim.attachments()` / GET /_sim/attachments. */
export interface SimAttachmentInfo {
  uuid: string;
  /** File name given at POST /attachment (or in a ticket/comment without uuid). */
  filename: string;
  /** Username that asked for the slot. */
  user: string;
  /** When the slot was handed out (ISO). */
  created: string;
  /** When the upload URL stops accepting PUTs (ISO). */
  expires: string;
  maxFileSize: number;
  uploaded: boolean;
  /** Bytes uploaded (0 until uploaded). */
  size: number;
  /** Content-Type the upload was sent with, if any. */
  contentType?: string | undefined;
  uploadedAt?: string | undefined;
  /** True when the (last) upload carried an X-Auth-Token header: a client should not send its token to object storage. */
  uploadSentToken: boolean;
  /** The comment the file is attached to, once a ticket or comment named it. */
  referencedBy?: { ticketId: string; commentId: string } | undefined;
}

export interface Comment {
  id: string;
  text: string;
  created: string;
  author: Person;
  attachments: Attachment[];
}

export interface Recipient {
  type: "contact" | "email";
  value: string;
}

export interface Ticket {
  ticketId: string;
  accountId: string;
  subject: string;
  status: string;
  severity: string;
  classification: string;
  category: string;
  subcategory: string;
  resources: string[];
  created: string;
  modified: string;
  createdBy: Person;
  modifiedBy: Person;
  comments: Comment[];
  recipients: Recipient[];
}
