/**
 * What a record and a marker may carry: no marker is a function of a secret (an unsalted hash
 * of a short secret gives it back: "PIN 4711" from 10,000 candidates), the thread keeps no text
 * of an entry another resource of this package posted, and no signed or upload URL of a file.
 */
import type { Ticket } from "../../src/api/schemas";
import { commentMarker, commentTextWithMarker } from "../../src/core/comment/marker";
import { matchesMarker } from "../../src/core/ticket/lookup";
import { describeWithMarker, markerFor } from "../../src/core/ticket/marker";
import { descriptionDigestOf, postedByThisPackage, threadOf } from "../../src/core/ticket/outputs";

const ref = { organization: "org", project: "ops", stack: "prod", name: "vault-change" };
const inputs = { accountId: "hybrid:1", subject: "Rotate the vault", category: "Change", subcategory: "General", description: "PIN 4711" };

describe("markers are never a function of a secret", () => {
  it("a ticket's marker leaves out an input passed as a secret: no candidate text can be tried against it", () => {
    const secret = new Set(["description"]);
    const m = markerFor(ref, inputs, secret);
    // Before: markerFor hashed the description, so trying "PIN 0000" … "PIN 9999" found it.
    const hits = Array.from({ length: 10_000 }, (_, i) => `PIN ${String(i).padStart(4, "0")}`).filter((c) => markerFor(ref, { ...inputs, description: c }) === m);
    expect(hits).toEqual([]);
    expect(markerFor(ref, { ...inputs, description: "anything else" }, secret)).toBe(m);
    // Without secrets the marker is what it always was (stacks of earlier versions find their tickets).
    expect(markerFor(ref, inputs)).not.toBe(m);
    expect(markerFor(ref, inputs, new Set())).toBe(markerFor(ref, inputs));
  });

  it("a comment's marker leaves out a secret text (and a secret ticket id)", () => {
    const c = { ticketId: "261201-dfw-0000001", text: "PIN 4711" };
    const m = commentMarker(ref, c, new Set(["text"]));
    expect(commentMarker(ref, { ...c, text: "PIN 4712" }, new Set(["text"]))).toBe(m);
    expect(commentMarker(ref, c)).not.toBe(m);
    expect(commentMarker(ref, { ...c, ticketId: "other" }, new Set(["text", "ticketId"]))).toBe(commentMarker(ref, c, new Set(["text", "ticketId"])));
  });

  it("two creations that share a marker (a secret description changed) are told apart by the description's digest", () => {
    const m = markerFor(ref, inputs, new Set(["description"]));
    const ticket = (description: string): Ticket => ({ ticketId: "T1", subject: inputs.subject, status: "Pending Rackspace", comments: [{ id: "c1", text: describeWithMarker(description, m, ref, true) }], resources: [], recipients: [] });
    const q = { accountId: inputs.accountId, marker: m, subject: inputs.subject, descriptionDigest: descriptionDigestOf("PIN 4711") };
    expect(matchesMarker(ticket("PIN 4711"), q)).toBe(true);
    expect(matchesMarker(ticket("PIN 1234"), q)).toBe(false);
    expect(matchesMarker(ticket("PIN 4711"), { ...q, exclude: ["T1"] })).toBe(false);
    expect(matchesMarker({ ...ticket("PIN 4711"), status: "Closed" }, q)).toBe(false);
  });
});

describe("the recorded thread", () => {
  const posted = (text: string) => commentTextWithMarker(text, commentMarker(ref, { ticketId: "T1", text }, new Set(["text"])), ref, true);
  const t = (comments: Ticket["comments"]): Ticket => ({ ticketId: "T1", created: "2026-12-01T00:00:00Z", createdBy: { name: "ops" }, status: "Pending Rackspace", comments, resources: [], recipients: [] });

  it("keeps no text of an entry a RackspaceTicketComment posted (it may be a secret there), and keeps Racker replies and other comments", () => {
    const thread = threadOf(
      t([
        { id: "c1", text: "Declared.", created: "2026-12-01T00:00:00Z", author: { name: "ops", type: "customer" } },
        { id: "c2", text: posted("PIN 4711"), created: "2026-12-01T00:01:00Z", author: { name: "ops", type: "customer" } },
        { id: "c3", text: "Looking at it.", created: "2026-12-01T00:02:00Z", author: { name: "Jane", type: "racker" } },
        { id: "c4", text: "By hand, in the portal.", created: "2026-12-01T00:03:00Z", author: { name: "ops", type: "customer" } },
      ]),
      descriptionDigestOf("Declared."),
    );
    expect(JSON.stringify(thread)).not.toContain("PIN 4711");
    expect(thread[1]).toEqual({ id: "c2", created: "2026-12-01T00:01:00Z", authorName: "ops", authorType: "customer", withheld: true });
    expect(thread[2]).toMatchObject({ text: "Looking at it." });
    expect(thread[3]).toMatchObject({ text: "By hand, in the portal." });
    // The footer off: only the token ends the text; still recognised.
    expect(postedByThisPackage(commentTextWithMarker("x", "pulumi-rt-0123456789abcdef", ref, false))).toBe(true);
    expect(postedByThisPackage("I quoted pulumi-rt-0123456789abcdef in the middle of a sentence.")).toBe(false);
  });

  it("records a file's plain download URL, never an upload URL or a signed one", () => {
    const [entry] = threadOf(
      t([
        {
          id: "c1",
          text: "Files.",
          created: "2026-12-01T00:00:00Z",
          author: { name: "ops", type: "customer" },
          attachments: [
            { filename: "a.log", uuid: "u1", url: "https://files.example.invalid/a.log" },
            { filename: "b.log", uuid: "u2", upload_url: "https://objects.example.invalid/b.log?temp_url_sig=abc&temp_url_expires=1" },
            { filename: "c.log", uuid: "u3", url: "https://bucket.example.invalid/c.log?X-Amz-Credential=k&X-Amz-Signature=abc" },
          ],
        },
      ]),
    );
    expect(entry.attachments).toEqual([
      { filename: "a.log", uuid: "u1", url: "https://files.example.invalid/a.log" },
      { filename: "b.log", uuid: "u2" },
      { filename: "c.log", uuid: "u3" },
    ]);
    expect(JSON.stringify(entry)).not.toMatch(/sig|Signature/);
  });
});
