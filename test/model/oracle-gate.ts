/**
 * Guarantee: the approval gate is never met by a reply that does not approve, nor by one posted
 * before its wait began, and an `up` whose waits got only replies that do not approve fails.
 * Checked after every CLI command from what the harness posted (racker.ts) and what the state records.
 *
 * When a wait begins (docs/approval-gate.md, README "Change management"), as the harness knows it:
 * - a ticket the command opened, or took by its marker: at its opening (every reply on it counts);
 * - a ticket the command adopted by `adoptTicketId`: when the command read it (replies posted
 *   before the command began do not count);
 * - an update of a recorded ticket whose gate was not met: at the update's first write when it
 *   writes (a comment, a note, the resources), else where the last wait began.
 * The provider re-baselines on the writes it plans, even when the thread shows they are already
 * there and nothing is sent; the harness sees only what was sent, so there it keeps the earlier
 * baseline: more replies count for the harness than for the provider, never fewer, and no check
 * below can fire on a correct provider.
 */
import type { Model } from "./model";
import { violate } from "./oracle";
import type { ReplyRecord } from "./racker";
import { isSideText } from "./model";
import type { CommandFacts, StateRecord, World } from "./world";

const j = (v: unknown) => JSON.stringify(v);
const where = (name: string, id: string) => `resource ${name}, ticket ${id}`;

/** Whether the stack wrote to the ticket during the command (its own comment or note, or a PATCH; a RackspaceTicketComment's post is not the ticket's). */
function wroteTo(w: World, f: CommandFacts, id: string): boolean {
  return w.sim
    .requests({ ticketId: id, since: f.from })
    .some((e) => e.seq <= f.to && (e.operation === "patchTicket" || (e.operation === "addComment" && !isSideText(String((e.body as { text?: unknown } | undefined)?.text ?? "")))));
}

/** The harness clock from which replies count for the wait that ended in this command on `rec` (see the file comment). */
function waitBegan(w: World, f: CommandFacts, rec: StateRecord): number {
  const before = f.before.records.find((r) => r.id === rec.id);
  if (!before) return w.ledger.handOpened.has(rec.id) ? f.start : 0;
  if (wroteTo(w, f, rec.id)) return f.start;
  return w.ledger.countsFrom.get(rec.id) ?? 0;
}

/** The replies on a ticket that count for its gate from `from` on (the harness clock). */
const counting = (w: World, id: string, from: number): ReplyRecord[] => w.ledger.replies.filter((r) => r.ticketId === id && r.clock >= from);

/** After every command: the gate checks (the runner installs this as World.afterCommand). */
export function checkGateCommand(w: World, f: CommandFacts): void {
  const after = `\`pulumi ${f.label}\``;
  for (const rec of f.after.records) {
    if (!rec.approval || rec.unconfirmedMarker) continue;
    const old = f.before.records.find((r) => r.id === rec.id)?.approval;
    if (j(old) === j(rec.approval)) continue; // no wait ended here (the same record as before)
    if (old?.met && rec.approval.met && old.how === rec.approval.how && old.commentId === rec.approval.commentId) continue; // met before, by the same reply
    const from = waitBegan(w, f, rec);
    w.ledger.countsFrom.set(rec.id, from);
    if (!rec.approval.met) continue;
    const at = `after ${after}: ${where(rec.name, rec.id)}`;
    if (rec.approval.how !== "comment") violate("G", "gate-met-only-by-approving-reply", `${at}: the state records the gate met by ${j(rec.approval.how)} (status ${j(rec.approval.status)}), but the gate waits for no status, only a Racker reply saying "approved"`);
    const reply = w.ledger.replies.find((r) => r.ticketId === rec.id && r.commentId === rec.approval?.commentId);
    if (!reply) {
      const text = w.sim.getTicket(rec.id)?.comments.find((c) => c.id === rec.approval?.commentId)?.text;
      violate("G", "gate-met-only-by-approving-reply", `${at}: the state records the gate met by comment ${j(rec.approval.commentId)} (${text === undefined ? "not on the ticket" : j(text)}), which is no approving reply the harness posted`);
    }
    if (reply.meaning !== "approve") violate("G", "gate-met-only-by-approving-reply", `${at}: the state records the gate met by the Racker reply ${j(reply.text)} (posted ${reply.when}), which does not approve by the documented rule`);
    if (reply.clock < from) violate("G", "gate-counts-only-replies-after-its-baseline", `${at}: the state records the gate met by the Racker reply ${j(reply.text)}, posted ${reply.when}, before the wait began (${describeBegan(w, f, rec)})`);
  }
  if (f.result.code !== 0) return;
  for (const [id, answer] of f.answered) {
    if (answer.meaning === "approve") continue;
    const rec = f.after.records.find((r) => r.id === id);
    const from = w.ledger.countsFrom.get(id) ?? 0;
    const decisive = counting(w, id, from).filter((r) => r.meaning !== "none").pop();
    if (decisive?.meaning === "approve") continue;
    const seen = counting(w, id, from).map((r) => `${j(r.text)} (${r.when})`);
    violate("G", "up-fails-without-approval", `after ${after}: ${where(rec?.name ?? "?", id)}: the up waited on the gate and succeeded, but the Racker replies that count were only ${seen.join(", ")}: none approves${decisive ? " after the last rejection" : ""}, so the up had to fail (rejected or timed out)`);
  }
}

function describeBegan(w: World, f: CommandFacts, rec: StateRecord): string {
  if (!f.before.records.some((r) => r.id === rec.id)) return `the command adopted the ticket by adoptTicketId: the wait began when it read it`;
  return wroteTo(w, f, rec.id) ? "the command's update wrote to the ticket: the wait began at its first write" : "where the last wait on it began";
}

/** After a successful up: every gated declared ticket's gate is met (the gate has no `continue` on timeout). */
export async function checkGatesMet(m: Model, w: World, after: string): Promise<void> {
  const { records } = await w.state();
  for (const t of m.tickets.filter((x) => x.gated)) {
    const rec = records.find((r) => r.live && r.name === t.name);
    if (rec && rec.approval?.met !== true) violate("G", "gated-up-succeeds-only-when-met", `after ${after}: ${where(t.name, rec.id)}: the up succeeded but the state records the gate as ${j(rec.approval ?? null)}`);
  }
}
