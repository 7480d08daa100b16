import { optionsFromConfig } from "../../src/config/client-options";

const source = (values: Record<string, string>) => ({ get: (k: string) => values[k] });

describe("optionsFromConfig", () => {
  it.each([
    ["0.5", "1"],
    ["2.5", "2"],
    ["1e-1", "1"],
  ])("refuses rackspace:rateLimitCreate %s: rate limits are whole numbers ≥ 1", (v, suggested) => {
    expect(() => optionsFromConfig(source({ "rackspace:rateLimitCreate": v }))).toThrow(/rackspace:rateLimitCreate must be a whole number ≥ 1/);
    expect(() => optionsFromConfig(source({ "rackspace:rateLimitCreate": v }))).toThrow(`pulumi config set rackspace:rateLimitCreate ${suggested}`);
    expect(() => optionsFromConfig(source({ "rackspace:rateLimitCreate": v }))).toThrow(/rackspace:rateWindowMs/);
  });

  it("refuses fractional limits on every rate-limit key", () => {
    for (const key of ["rackspace:rateLimitPatch", "rackspace:rateLimitComment", "rackspace:rateLimitRead"]) {
      expect(() => optionsFromConfig(source({ [key]: "1.5" }))).toThrow(new RegExp(`${key} must be a whole number`));
    }
  });

  it("takes whole rate limits, and positive (fractional) windows, timeouts and budgets", () => {
    const o = optionsFromConfig(
      source({ "rackspace:rateLimitCreate": "3", "rackspace:rateWindowMs": "1500.5", "rackspace:timeoutMs": "250.5", "rackspace:retryBudgetMs": "999.9" }),
    );
    expect(o.limits).toEqual({ create: 3 });
    expect(o.windowMs).toBe(1500.5);
    expect(o.timeoutMs).toBe(250.5);
    expect(o.retry?.budgetMs).toBe(999.9);
  });
});
