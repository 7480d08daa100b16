import { parseRetryAfter } from "../../src/api/retry-after";

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00.000Z");

  it.each([
    ["0", 0],
    ["1", 1000],
    ["30", 30_000],
    ["  7 ", 7000],
    ["1.5", 1500],
  ])("reads delay-seconds %j", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it("reads an IMF-fixdate", () => {
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
  });

  it("reads the obsolete RFC 850 form", () => {
    expect(parseRetryAfter("Thursday, 01-Jan-26 00:00:09 GMT", now)).toBe(9000);
  });

  it("never returns a negative wait for a date in the past", () => {
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
  });

  it("takes the first value of a repeated header", () => {
    expect(parseRetryAfter(["2", "9"], now)).toBe(2000);
  });

  it.each([undefined, null, "", "soon", "-1", "1e3", "12abc"])("returns undefined for %j", (value) => {
    expect(parseRetryAfter(value as string | undefined, now)).toBeUndefined();
  });
});
