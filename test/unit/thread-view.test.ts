/**
 * The state keeps each text once, and the program sees the whole thread: for any thread, the recorded form (./outputs threadOf) expanded with the declared inputs (./thread-view) gives back every text and author the API showed.
 */
import fc from "fast-check";
import type { Ticket } from "../../src/api/schemas";
import { describeWithMarker } from "../../src/core/ticket/marker";
import { descriptionDigestOf, threadOf } from "../../src/core/ticket/outputs";
import { recordsFor } from "../../src/core/history/posted";
import { expandThread } from "../../src/core/history/thread-view";

const CREATOR = "Demo User";
type Step = { kind: "comment" | "racker" | "portal"; text: string };

/** A ticket whose thread is the description, then `steps` in order; the stack's comments are the "comment" steps. */
function ticketOf(description: string, steps: Step[]): { ticket: Ticket; comments: string[] } {
  const comments: string[] = [];
  const thread: Ticket["comments"] = [
    { id: "T-c0", text: describeWithMarker(description, "pulumi-rt-0123456789abcdef", { project: "p", stack: "s", name: "r" }, true), created: "t0", author: { name: CREATOR, type: "customer" } },
  ];
  steps.forEach((s, i) => {
    if (s.kind === "comment") comments.push(s.text);
    const author = s.kind === "racker" ? { name: "Sam R.", type: "racker" } : { name: s.kind === "portal" ? "Pat (portal)" : CREATOR, type: "customer" };
    thread.push({ id: `T-c${i + 1}`, text: s.text, created: `t${i + 1}`, author });
  });
  return { ticket: { ticketId: "T", created: "t0", comments: thread, resources: [], recipients: [], createdBy: { id: "RPN-1", name: CREATOR, type: "customer" } }, comments };
}

describe("the recorded thread and the program's view of it", () => {
  it("keeps no text of the stack's own entries, and gives every text and author back with the declared inputs", () => {
    const text = fc.constantFrom("deployed", "rolled back", "Looks good.", "approved", "deployed again");
    const step = fc.record({ kind: fc.constantFrom("comment" as const, "racker" as const, "portal" as const), text });
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.array(step, { maxLength: 8 }), (description, steps) => {
        const { ticket, comments } = ticketOf(description, steps);
        const posted = recordsFor(comments, ticket);
        const recorded = threadOf(ticket, descriptionDigestOf(description), posted);
        // The stack's own entries carry no text and no id (their record's). (A text someone else
        // posted too may be taken for the stack's: the author is then recorded, and the view stays right.)
        for (const e of recorded) if (e.entry !== undefined) expect(e.text).toBeUndefined();
        for (const e of recorded) if (e.entry?.startsWith("comments[")) expect(e.id).toBeUndefined();
        expect(recorded.filter((e) => e.entry !== undefined).length).toBeGreaterThanOrEqual(1 + comments.length);
        const view = expandThread(recorded, description, comments, { creator: CREATOR, created: ticket.created ?? undefined, posted });
        const want = ticket.comments.map((c, i) => ({ id: c.id, created: c.created, text: i === 0 ? description : c.text, authorName: c.author!.name, authorType: c.author!.type }));
        expect(view.map((v) => ({ id: v.id, created: v.created, text: v.text, authorName: v.authorName, authorType: v.authorType }))).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it("records the author of an own entry only when it is not the ticket's creator", () => {
    const { ticket, comments } = ticketOf("d", [{ kind: "comment", text: "by the creator" }]);
    ticket.comments.push({ id: "T-c9", text: "by the CI user", created: "t9", author: { name: "CI bot", type: "customer" } });
    comments.push("by the CI user");
    const posted = recordsFor(comments, ticket);
    const recorded = threadOf(ticket, descriptionDigestOf("d"), posted);
    expect(recorded.map((e) => [e.entry, e.authorName])).toEqual([
      ["description", undefined],
      ["comments[0]", undefined],
      ["comments[1]", "CI bot"],
    ]);
    expect(expandThread(recorded, "d", comments, { creator: CREATOR, posted }).map((e) => e.authorName)).toEqual([CREATOR, CREATOR, "CI bot"]);
  });

  it("keeps the text of a description that is not the declared one (a ticket adopted with another description)", () => {
    const { ticket } = ticketOf("opened by hand", []);
    expect(threadOf(ticket, descriptionDigestOf("something else"))[0]).toMatchObject({ text: expect.stringContaining("opened by hand"), authorName: CREATOR });
  });
});
