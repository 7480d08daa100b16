import { planChanges, sameResourceSet } from "../../src/core/ticket/plan";
import { UNKNOWN } from "../../src/core/ticket/inputs";
import { recordOf } from "../../src/core/history/notes";
import { pendingRecord, textDigest } from "../../src/core/history/posted";

const base = {
  accountId: "hybrid:100001",
  subject: "s",
  category: "Change",
  subcategory: "General",
  severity: "Normal",
  description: "d",
  recipients: ["RPN-1"],
  resources: ["https://r.example/1", "https://r.example/2"],
  comments: ["a"],
};
// Old outputs carry the inputs plus API fields, a record (not the text) per posted comment and the description's digest.
const { comments: _posted, description: _text, ...declared } = base;
const olds = { ...declared, descriptionDigest: textDigest(base.description), posted: base.comments.map((c) => pendingRecord(c)), ticketId: "T1", status: "Pending Rackspace", thread: [] };

describe("planChanges", () => {
  it("no change: no calls, changes=false", () => {
    expect(planChanges(olds, base)).toEqual({ replaces: [], resources: undefined, newComments: [], note: undefined, gate: false, settings: [], changes: false });
  });

  it("a note is posted when its value differs from the last note posted, never for the same value", () => {
    const first = planChanges(olds, { ...base, note: "run 1" });
    expect(first).toMatchObject({ note: "run 1", changes: true, replaces: [] });
    const posted = { ...olds, note: "run 1", notes: [recordOf("run 1", { ticketId: "T1", comments: [], resources: [], recipients: [] })] };
    expect(planChanges(posted, { ...base, note: "run 1" })).toMatchObject({ note: undefined, changes: false });
    expect(planChanges(posted, { ...base, note: "run 2" })).toMatchObject({ note: "run 2", changes: true });
    // A changed file with the same text is a new note.
    const withFile = { text: "run 1", attachments: [{ filename: "a.log", content: "x" }] };
    expect(planChanges(posted, { ...base, note: withFile }).note).toEqual(withFile);
    expect(planChanges(posted, { ...base, note: UNKNOWN })).toMatchObject({ note: undefined, changes: true });
  });

  it("the approval gate: pending until met; with onUpdate, again after a write; a changed setting alone is an update that sends nothing", () => {
    const waitFor = { approval: "approved" };
    expect(planChanges({ ...olds, waitFor }, { ...base, waitFor })).toMatchObject({ gate: true, changes: true });
    const met = { ...olds, waitFor, approval: { met: true } };
    expect(planChanges(met, { ...base, waitFor })).toMatchObject({ gate: false, changes: false });
    expect(planChanges(met, { ...base, waitFor, comments: ["a", "b"] })).toMatchObject({ gate: false, changes: true });
    const again = { ...waitFor, onUpdate: true };
    expect(planChanges({ ...met, waitFor: again }, { ...base, waitFor: again, comments: ["a", "b"] })).toMatchObject({ gate: true });
    expect(planChanges({ ...met, waitFor: again }, { ...base, waitFor: again })).toMatchObject({ gate: false, changes: false });
    // Key order is no change (a parsed value keeps the schema's order).
    expect(planChanges({ ...met, waitFor: { timeout: "5m", approval: "ok" } }, { ...base, waitFor: { approval: "ok", timeout: "5m" } }).changes).toBe(false);
    expect(planChanges(met, { ...base, waitFor: { approval: "approved", timeout: "2h" } })).toMatchObject({ gate: false, changes: true, replaces: [] });
    expect(planChanges(olds, { ...base, closingComment: "bye" })).toMatchObject({ changes: true, replaces: [] });
  });

  it.each([
    ["accountId", "hybrid:2"],
    ["subject", "other"],
    ["category", "Incident"],
    ["subcategory", "Other"],
    ["severity", "High"],
    ["description", "new text"],
    ["recipients", ["RPN-2"]],
  ])("a change to %s forces replacement", (field, value) => {
    const p = planChanges(olds, { ...base, [field]: value });
    expect(p.replaces).toEqual([field]);
    expect(p.changes).toBe(true);
  });

  it("reordering recipients is no change (the API keeps them as a set); a new recipient still replaces", () => {
    const two = { ...olds, recipients: ["RPN-1", "ops@example.com"] };
    expect(planChanges(two, { ...base, recipients: ["ops@example.com", "RPN-1"] })).toMatchObject({ replaces: [], changes: false });
    expect(planChanges(two, { ...base, recipients: ["ops@example.com", "RPN-2"] }).replaces).toEqual(["recipients"]);
  });

  it("removing an optional replace field counts; absent, null and empty are the same", () => {
    expect(planChanges(olds, { ...base, severity: undefined }).replaces).toEqual(["severity"]);
    expect(planChanges({ ...olds, severity: undefined }, { ...base, severity: null as unknown as string }).replaces).toEqual([]);
    expect(planChanges({ ...olds, recipients: undefined }, { ...base, recipients: [] }).replaces).toEqual([]);
  });

  it("a changed resource set is one PATCH with the full new list", () => {
    const p = planChanges(olds, { ...base, resources: ["https://r.example/3"] });
    expect(p).toMatchObject({ replaces: [], resources: ["https://r.example/3"], newComments: [], changes: true });
  });

  it("resource order alone is not a change", () => {
    expect(planChanges(olds, { ...base, resources: ["https://r.example/2", "https://r.example/1"] }).changes).toBe(false);
  });

  it("clearing resources PATCHes an empty list", () => {
    expect(planChanges(olds, { ...base, resources: undefined }).resources).toEqual([]);
  });

  it("comments added at the end are posted in order", () => {
    const p = planChanges(olds, { ...base, comments: ["a", "b", "c"] });
    expect(p).toMatchObject({ replaces: [], resources: undefined, newComments: ["b", "c"], changes: true });
  });

  it("comments not yet posted after a partial failure are posted next time", () => {
    const partial = { ...olds, posted: [] };
    expect(planChanges(partial, base).newComments).toEqual(["a"]);
  });

  it("unknown values are possible changes in a preview", () => {
    expect(planChanges(olds, { ...base, subject: UNKNOWN }).replaces).toEqual(["subject"]);
    expect(planChanges(olds, { ...base, resources: UNKNOWN }).changes).toBe(true);
    expect(planChanges(olds, { ...base, comments: UNKNOWN }).changes).toBe(true);
    expect(planChanges(olds, { ...base, recipients: [UNKNOWN] }).replaces).toEqual(["recipients"]);
  });
});

describe("sameResourceSet", () => {
  it("compares as sets", () => {
    expect(sameResourceSet(["a", "b"], ["b", "a"])).toBe(true);
    expect(sameResourceSet(["a"], ["a", "b"])).toBe(false);
    expect(sameResourceSet([], [])).toBe(true);
  });
});
