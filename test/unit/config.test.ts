import { DEFAULT_IDENTITY_URL, DEFAULT_TICKETING_URL, resolveConfig } from "../../src/api/config";

describe("resolveConfig", () => {
  it("defaults to the production hosts, the strictest limits and a 60 s window", () => {
    const c = resolveConfig({}, {});
    expect(c.ticketingUrl).toBe(DEFAULT_TICKETING_URL);
    expect(c.identityUrl).toBe(DEFAULT_IDENTITY_URL);
    expect(c.limits).toEqual({ create: 1, patch: 5, comment: 5, read: 60 });
    expect(c.windowMs).toBe(60_000);
    expect(c.pacing).toBe(true);
    expect(c.username).toBeUndefined();
  });

  it("reads the RACKSPACE_* environment", () => {
    const c = resolveConfig(
      {},
      {
        RACKSPACE_TICKETING_URL: "http://127.0.0.1:9/",
        RACKSPACE_IDENTITY_URL: "http://127.0.0.1:8",
        RACKSPACE_USERNAME: "u",
        RACKSPACE_API_KEY: "k",
        RACKSPACE_AUTH_TOKEN: "t",
        RACKSPACE_RATE_WINDOW_MS: "1000",
        RACKSPACE_RATE_LIMIT_CREATE: "5",
        RACKSPACE_PACING: "off",
        RACKSPACE_RETRY_BUDGET_MS: "1234",
        RACKSPACE_TIMEOUT_MS: "50",
      },
    );
    expect(c.ticketingUrl).toBe("http://127.0.0.1:9");
    expect(c.identityUrl).toBe("http://127.0.0.1:8");
    expect([c.username, c.apiKey, c.authToken]).toEqual(["u", "k", "t"]);
    expect(c.windowMs).toBe(1000);
    expect(c.limits.create).toBe(5);
    expect(c.pacing).toBe(false);
    expect(c.retry.budgetMs).toBe(1234);
    expect(c.timeoutMs).toBe(50);
  });

  it("prefers explicit options over the environment", () => {
    const c = resolveConfig({ username: "opt", windowMs: 10, limits: { patch: 2 }, pacing: true }, { RACKSPACE_USERNAME: "env", RACKSPACE_RATE_WINDOW_MS: "99", RACKSPACE_PACING: "off" });
    expect(c.username).toBe("opt");
    expect(c.windowMs).toBe(10);
    expect(c.limits.patch).toBe(2);
    expect(c.pacing).toBe(true);
  });

  it("rejects nonsense with the name of the setting", () => {
    expect(() => resolveConfig({}, { RACKSPACE_RATE_WINDOW_MS: "soon" })).toThrow(/RACKSPACE_RATE_WINDOW_MS/);
    expect(() => resolveConfig({ ticketingUrl: "ftp://x" }, {})).toThrow(/ticketingUrl/);
    expect(() => resolveConfig({ limits: { create: 0 } }, {})).toThrow(/limits.create/);
  });

  it("accepts the identity URL as the docs print it (/v2.0), with /v2.0/tokens, or with a trailing slash", () => {
    for (const v of [
      "https://identity.api.rackspacecloud.com",
      "https://identity.api.rackspacecloud.com/",
      "https://identity.api.rackspacecloud.com/v2.0",
      "https://identity.api.rackspacecloud.com/v2.0/",
      "https://identity.api.rackspacecloud.com/v2.0/tokens",
      "https://identity.api.rackspacecloud.com/v2.0/tokens/",
      "https://identity.api.rackspacecloud.com/V2.0//",
    ]) {
      expect(resolveConfig({ identityUrl: v }, {}).identityUrl).toBe("https://identity.api.rackspacecloud.com");
      expect(resolveConfig({}, { RACKSPACE_IDENTITY_URL: v }).identityUrl).toBe("https://identity.api.rackspacecloud.com");
    }
    // A proxy path in front of Identity is kept.
    expect(resolveConfig({ identityUrl: "http://127.0.0.1:8/identity/v2.0" }, {}).identityUrl).toBe("http://127.0.0.1:8/identity");
  });

  it("refuses fractional rate limits, naming the setting", () => {
    expect(() => resolveConfig({ limits: { create: 0.5 } }, {})).toThrow(/limits\.create must be a whole number/);
    expect(() => resolveConfig({}, { RACKSPACE_RATE_LIMIT_PATCH: "2.5" })).toThrow(/RACKSPACE_RATE_LIMIT_PATCH must be a whole number/);
    expect(resolveConfig({}, { RACKSPACE_RATE_WINDOW_MS: "1500.5" }).windowMs).toBe(1500.5);
  });
});
