/**
 * Names every operation the simulator serves and the rate-limit class each write or read draws from.
 */

/** Operation names as they appear in the request log and in fault injection. */
export type SimOperation =
  | "token"
  | "getAccounts"
  | "getCategories"
  | "createTicket"
  | "patchTicket"
  | "addComment"
  | "getTicket"
  | "listTickets"
  | "createAttachment"
  | "getResources"
  | "unknown";

export const SIM_OPERATIONS: readonly SimOperation[] = [
  "token",
  "getAccounts",
  "getCategories",
  "createTicket",
  "patchTicket",
  "addComment",
  "getTicket",
  "listTickets",
  "createAttachment",
  "getResources",
  "unknown",
];

/** Rate-limit classes (requests per window per token). Identity is not limited. */
export interface RateLimits {
  /** POST /tickets. Default 1 (docs §5, operation page). */
  create: number;
  /** PATCH or PUT /tickets/{id}. Default 5. */
  patch: number;
  /** POST /tickets/{id}/comments. Default 5. */
  comment: number;
  /** Every ticketing GET. Default 60. */
  read: number;
  /** POST /attachment (upload slots). Default 5 (docs §5 give none; a comment-sized budget). */
  attachment: number;
  /** GET /resources and GET /resources/{id} on the resources host. Default 60 (docs §5 give none). */
  resources: number;
}

export type RateClass = keyof RateLimits;
