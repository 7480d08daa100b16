/**
 * Runs delayed Racker actions — by rule on every matching new ticket, or scheduled on one — each once, on an unref'd timer, never on a Closed ticket, all cancelled by cancelAll().
 *
 * Assumptions: pending actions live in memory only (a restart with a data file forgets them);
 * a rule is matched when the ticket is created (changing the rules later does not touch actions
 * already pending); an action whose ticket has gone (e.g. removed by reset) is recorded as
 * skipped "missing".
 */
import { ticketNotFound } from "./errors";
import { RackerRuleSchema, ScheduledRackerActionSchema } from "./schemas";
import { DEFAULT_RACKER_NAME } from "./seed";
import type { Ticket } from "./types/entities";
import type { PendingRackerAction, RackerAction, RackerActionRecord, RackerRule, ScheduledRackerAction } from "./types/racker";
import type { z } from "zod";

export interface RackerDeps {
  /** Applies a Racker action at once (TicketService.racker). */
  act(ticketId: string, action: RackerAction): Ticket;
  /** The stored ticket, if any. */
  ticket(id: string): Ticket | undefined;
  readonly logger?: (line: string) => void;
}

interface Compiled {
  rule: RackerRule;
  subject?: RegExp;
  category?: string;
}

/** Parses with `schema`, or throws a RangeError naming the first problem (as FaultQueue.inject does). */
function check<T>(what: string, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new RangeError(`invalid ${what}: ${where}${issue.message}`);
}

/** Checks every rule (RangeError naming the bad one) and returns copies. */
export function checkRackerRules(rules: readonly RackerRule[]): RackerRule[] {
  if (!Array.isArray(rules)) throw new RangeError("Racker rules must be an array");
  return rules.map((r, i) => check(`Racker rule [${i}]`, RackerRuleSchema, r) as RackerRule);
}

function describe(a: { comment?: string; status?: string }): string {
  return [a.comment !== undefined ? `comment ${JSON.stringify(a.comment)}` : "", a.status !== undefined ? `status → ${a.status}` : ""].filter(Boolean).join(", ");
}

export class RackerScheduler {
  private compiled: Compiled[] = [];
  private readonly timers = new Map<number, { pending: PendingRackerAction; timer: NodeJS.Timeout }>();
  private history: RackerActionRecord[] = [];
  private nextId = 1;

  constructor(
    private readonly deps: RackerDeps,
    rules: readonly RackerRule[] = [],
  ) {
    this.setRules(rules);
  }

  /** Replaces the rules applied to tickets created from now on. */
  setRules(rules: readonly RackerRule[]): void {
    this.compiled = checkRackerRules(rules).map((rule) => ({
      rule,
      subject: rule.match?.subject !== undefined ? new RegExp(rule.match.subject, "i") : undefined,
      category: rule.match?.category?.toLowerCase(),
    }));
  }

  rules(): RackerRule[] {
    return this.compiled.map((c) => structuredClone(c.rule));
  }

  /** Schedules every matching rule's action for a ticket just created, timed from its `created`. */
  ticketCreated(ticket: Ticket): void {
    const created = Date.parse(ticket.created);
    // One clock reading for all: equal afterMs give equal delays, and Node runs those in order.
    const now = Date.now();
    this.compiled.forEach((c, index) => {
      if (c.subject && !c.subject.test(ticket.subject)) return;
      if (c.category !== undefined && c.category !== ticket.category.toLowerCase()) return;
      this.arm(ticket.ticketId, c.rule, created, now, { source: "rule", rule: index });
    });
  }

  /** Schedules one action on an existing ticket, `afterMs` from now. */
  schedule(ticketId: string, action: ScheduledRackerAction): PendingRackerAction {
    const checked = check("Racker action", ScheduledRackerActionSchema, action);
    if (!this.deps.ticket(ticketId)) throw ticketNotFound();
    const now = Date.now();
    return this.arm(ticketId, checked, now, now, { source: "schedule" });
  }

  pending(): PendingRackerAction[] {
    return [...this.timers.values()].map((t) => ({ ...t.pending })).sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.id - b.id));
  }

  actions(): RackerActionRecord[] {
    return this.history.map((r) => ({ ...r }));
  }

  /** Cancels every pending action; with `forget`, also clears the history of those that ran. */
  cancelAll(forget = false): void {
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    if (forget) this.history = [];
  }

  private arm(ticketId: string, action: ScheduledRackerAction, from: number, now: number, source: Pick<PendingRackerAction, "source" | "rule">): PendingRackerAction {
    const pending: PendingRackerAction = {
      id: this.nextId++,
      ticketId,
      name: action.name ?? DEFAULT_RACKER_NAME,
      afterMs: action.afterMs,
      scheduledAt: new Date(from).toISOString(),
      dueAt: new Date(from + action.afterMs).toISOString(),
      ...source,
    };
    if (action.comment !== undefined) pending.comment = action.comment;
    if (action.status !== undefined) pending.status = action.status;
    const delay = Math.max(0, from + action.afterMs - now);
    const timer = setTimeout(() => this.run(pending), delay);
    timer.unref();
    this.timers.set(pending.id, { pending, timer });
    return { ...pending };
  }

  private run(pending: PendingRackerAction): void {
    if (!this.timers.delete(pending.id)) return;
    const ticket = this.deps.ticket(pending.ticketId);
    const skipped = !ticket ? "missing" : ticket.status === "Closed" ? "closed" : undefined;
    let at = new Date().toISOString();
    if (skipped === undefined) {
      const action: RackerAction = { name: pending.name };
      if (pending.comment !== undefined) action.comment = pending.comment;
      if (pending.status !== undefined) action.status = pending.status;
      try {
        at = this.deps.act(pending.ticketId, action).modified;
      } catch (e) {
        this.deps.logger?.(`racker ${pending.ticketId}: failed: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
    }
    this.history.push(skipped === undefined ? { ...pending, at } : { ...pending, at, skipped });
    this.deps.logger?.(`racker ${pending.ticketId}: ${skipped ? `skipped (${skipped === "closed" ? "ticket Closed" : "no such ticket"})` : describe(pending)} [${pending.source === "rule" ? `rule ${pending.rule}` : "scheduled"}, after ${pending.afterMs} ms]`);
  }
}
