import { describeWithMarker, findMarker, markerFor, replacedTicket, stripMarker } from "../../src/core/ticket/marker";

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
    const withLists: Parameters<typeof markerFor>[1] & Record<string, unknown> = { ...inputs, resources: ["https://r.example/1"], comments: ["c"] };
    expect(markerFor(ref, withLists)).toBe(m);
  });

  it("differs for a changed attachment, another parent or another organization; not for reordered recipients", () => {
    const m = markerFor(ref, inputs);
    const file = { filename: "a.conf", content: "one" };
    const withFile = markerFor(ref, { ...inputs, attachments: [file] });
    expect(withFile).not.toBe(m);
    expect(markerFor(ref, { ...inputs, attachments: [{ ...file, content: "two" }] })).not.toBe(withFile);
    expect(markerFor({ ...ref, parent: "urn:pulumi:prod::ops::my:Component::a" }, inputs)).not.toBe(m);
    expect(markerFor({ ...ref, organization: "other-org" }, inputs)).not.toBe(m);
    expect(markerFor(ref, { ...inputs, recipients: ["a@x.io", "b@x.io"] })).toBe(markerFor(ref, { ...inputs, recipients: ["b@x.io", "a@x.io"] }));
  });

  it("names the ticket a replacement replaces, and still strips back to the description", () => {
    const m = markerFor(ref, inputs);
    for (const footer of [true, false]) {
      const t = describeWithMarker("Deploying v2.", m, ref, footer, "181024-iad-0000123");
      expect(t).toContain("Replaces ticket 181024-iad-0000123.");
      expect(replacedTicket(t)).toBe("181024-iad-0000123");
      expect(stripMarker(t)).toBe("Deploying v2.");
      expect(findMarker(t)).toBe(m);
    }
    expect(replacedTicket(describeWithMarker("x", m, ref, true))).toBeUndefined();
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
