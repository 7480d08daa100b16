import { describeWithMarker, findMarker, markerFor, stripMarker } from "../../src/provider/marker";

const inputs = { accountId: "hybrid:1", subject: "s", category: "Change", subcategory: "General" };
const ref = { project: "ops", stack: "prod", name: "web-change" };

describe("correlation marker", () => {
  it("is stable for the same creation and differs for another stack, resource or replacing input", () => {
    const m = markerFor(ref, inputs);
    expect(m).toMatch(/^pulumi-rt-[0-9a-f]{16}$/);
    expect(markerFor({ ...ref }, { ...inputs })).toBe(m);
    expect(markerFor({ ...ref, stack: "dev" }, inputs)).not.toBe(m);
    expect(markerFor({ ...ref, name: "other" }, inputs)).not.toBe(m);
    expect(markerFor(ref, { ...inputs, subject: "s2" })).not.toBe(m);
    expect(markerFor(ref, { ...inputs, description: "d" })).not.toBe(m);
  });

  it("does not change with resources or comments (they update in place)", () => {
    const m = markerFor(ref, inputs);
    expect(markerFor(ref, { ...inputs, resources: ["https://r.example/1"], comments: ["c"] })).toBe(m);
  });

  it("footer on: names project, stack and resource; off: only the marker; both round-trip", () => {
    const m = markerFor(ref, inputs);
    const on = describeWithMarker("Deploying v2.", m, ref, true);
    expect(on).toBe(`Deploying v2.\n\n-- \nManaged by Pulumi (pulumi-rackspace-ticketing): project ops, stack prod, resource web-change. Marker: ${m}`);
    const off = describeWithMarker("Deploying v2.", m, ref, false);
    expect(off).toBe(`Deploying v2.\n\n${m}`);
    for (const t of [on, off]) {
      expect(findMarker(t)).toBe(m);
      expect(stripMarker(t)).toBe("Deploying v2.");
    }
    expect(describeWithMarker(undefined, m, ref, false)).toBe(m);
    expect(stripMarker(m)).toBe("");
  });

  it("leaves text without a marker alone", () => {
    expect(findMarker("plain text")).toBeUndefined();
    expect(stripMarker("plain text\n\n-- \nsignature")).toBe("plain text\n\n-- \nsignature");
  });
});
