/**
 * Describes what a Racker does to a ticket: at once, after a delay, or by rule on every new ticket.
 */

/** What a Racker does to a ticket at once: a comment, a status change, or both. */
export interface RackerAction {
  /** Comment text to add as a Racker. */
  comment?: string;
  /** New status, any string (e.g. "Pending Customer", "Solved", "Closed"). */
  status?: string;
  /** Racker display name. Default "Jane D.". */
  name?: string;
}
