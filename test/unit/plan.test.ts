import { planChanges, sameResourceSet } from "../../src/provider/plan";
import { UNKNOWN } from "../../src/provider/inputs";

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
// Old outputs carry the inputs plus API fields.
const olds = { ...base, ticketId: "T1", status: "Pending Rackspace", thread: [] };

describe("planChanges", () => {
  it("no change: no calls, changes=false", () => {
    expect(planChanges(olds, base)).toEqual({ replaces: [], resources: undefined, newComments: [], changes: false });
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
    const partial = { ...olds, comments: [] };
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
