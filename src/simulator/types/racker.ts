/**
 * Describes what a Racker does to a ticket: at once, after a delay, or by rule on every new ticket — and the record of each delayed action once it came due.
 */

/** Longest delay a Node.js timer takes (about 24.8 days); beyond it setTimeout fires at once. The most `afterMs` may be. */
export const MAX_RACKER_DELAY_MS = 2_147_483_647;

/** What a Racker does to a ticket at once: a comment, a status change, or both. */
export interface RackerAction {
  /** Comment text to add as a Racker. */
  comment?: string | undefined;
  /** New status, any string (e.g. "Pending Customer", "Solved", "Closed"). */
  status?: string | undefined;
  /** Racker display name. Default "Jane D.". */
  name?: string | undefined;
}

/** A Racker action to run later (`sim.scheduleRacker`, POST /_sim/tickets/{id}/racker with `afterMs`). */
export interface ScheduledRackerAction extends RackerAction {
  /** Delay in ms, a whole number ≥ 0: from now (scheduleRacker) or from the ticket's creation (a rule). */
  afterMs: number;
}

/**
 * A Racker action applied to every new ticket that matches (SimulatorOptions `racker`,
 * `sim.setRackerRules`, PUT /_sim/racker-rules), `afterMs` after the ticket was created.
 * Several matching rules give several actions; those with the same `afterMs` run in rule order.
 */
export interface RackerRule extends ScheduledRackerAction {
  /** Which tickets the rule applies to; every condition given must hold. Default: every ticket. */
  match?: {
    /** Regular expression source, tested case-insensitively against the subject (e.g. "^change:"). */
    subject?: string | undefined;
    /** Category name, compared case-insensitively (e.g. "Request for Information"). */
    category?: string | undefined;
  } | undefined;
}

/** A delayed Racker action waiting for its time (`sim.pendingRackerActions()`). */
export interface PendingRackerAction {
  /** Unique within the simulator run. */
  id: number;
  ticketId: string;
  comment?: string | undefined;
  status?: string | undefined;
  /** Racker display name the action will use. */
  name: string;
  afterMs: number;
  /** When it was scheduled (ISO): the ticket's creation for a rule, the call for scheduleRacker. */
  scheduledAt: string;
  /** When it is due (ISO): scheduledAt + afterMs. */
  dueAt: string;
  /** "rule": from a RackerRule (index in `rule`); "schedule": from scheduleRacker. */
  source: "rule" | "schedule";
  /** Index of the rule in the rule list it came from, for source "rule". */
  rule?: number | undefined;
}

/**
 * A delayed Racker action that came due (`sim.rackerActions()`): applied — its comment is in the
 * ticket's thread with author type "racker" and `created` = `at` — or skipped.
 */
export interface RackerActionRecord extends PendingRackerAction {
  /** When it ran (ISO); for an applied action, the comment's `created` and the ticket's `modified`. */
  at: string;
  /** Set when nothing was done: the ticket was already Closed, or no longer exists. */
  skipped?: "closed" | "missing" | undefined;
}
