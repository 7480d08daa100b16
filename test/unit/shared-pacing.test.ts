/**
 * Fleet-wide pacing (src/api/shared-pacing.ts), the parts that need no Redis: the schedule's
 * math, keys, URL checks and redaction, configuration, the clock offset's check, and the fall-back to in-process
 * pacing with one warning when the Redis cannot be reached. (With a real Redis:
 * test/integration/fleet-pacing.test.ts.)
 */
import * as net from "node:net";
import { TicketingClient } from "../../src/api/client";
import { resolveConfig } from "../../src/api/config";
import { defaultMargin } from "../../src/api/limiter";
import {
  checkRedisUrl,
  clockOffsetMs,
  describeRedisError,
  fleetMargin,
  KEY_SLACK_MS,
  LATE_TOLERANCE_MS,
  paceKey,
  paceStep,
  redactRedisUrl,
  RedisCoordinator,
  redisTimeMs,
  resetSharedPacing,
  setSharedPacingLog,
  sharedCoordinator,
  sharedPacer,
  slotSpacingMs,
} from "../../src/api/shared-pacing";
import { optionsFromConfig } from "../../src/config/client-options";
import { CONFIG_KEYS } from "../../src/config/keys";
import type { Simulator } from "../../src/simulator";
import { clientOptions, resetClientState, startSim } from "../helpers/sim";

const PASSWORD = "s3cr3t-redis-pass";
const USER = "fleet-user";

/** The send times paceStep hands out to `n` callers arriving at `arrivals` (Redis ms), one after another. */
function schedule(arrivals: number[], spacing: number): number[] {
  let tat: number | undefined;
  return arrivals.map((now) => {
    const step = paceStep(tat, now, spacing);
    tat = step.tat;
    return step.at;
  });
}

describe("the schedule's math", () => {
  it("spaces sends by (W + fleet margin) / N; the fleet margin is 10 ms + 0.25 % of W plus twice the late tolerance", () => {
    expect(LATE_TOLERANCE_MS).toBe(25);
    // Larger than the in-process margin: the grid counts from send times, not from answers.
    expect(fleetMargin(1000)).toBeGreaterThan(defaultMargin(1000) + 2 * LATE_TOLERANCE_MS);
    expect([fleetMargin(1000), fleetMargin(10_000), fleetMargin(60_000)]).toEqual([63, 85, 210]);
    expect(slotSpacingMs(1000, 1)).toBe(1000 + fleetMargin(1000));
    expect(slotSpacingMs(60_000, 5)).toBe((60_000 + fleetMargin(60_000)) / 5);
    expect(slotSpacingMs(60_000, 60)).toBeCloseTo(60_210 / 60, 9);
    expect(() => slotSpacingMs(1000, 0)).toThrow(RangeError);
    expect(() => slotSpacingMs(0, 1)).toThrow(RangeError);
  });

  it("sends at once on an idle schedule, then S apart however many arrive at once", () => {
    const s = slotSpacingMs(1000, 1);
    expect(schedule([5000], s)).toEqual([5000]);
    expect(schedule([5000, 5000, 5000, 5001], s)).toEqual([5000, 5000 + s, 5000 + 2 * s, 5000 + 3 * s]);
    // Idle again once the last send time has passed: the next one goes at once.
    expect(schedule([5000, 5000 + s + 1], s)).toEqual([5000, 5000 + s + 1]);
  });

  it("never lets more than N sends into any window W, even with a send late by the whole tolerance", () => {
    for (const [w, n] of [
      [1000, 1],
      [1000, 5],
      [60_000, 1],
      [60_000, 5],
      [60_000, 60],
      [1234, 7],
    ]) {
      const s = slotSpacingMs(w, n);
      // A burst, a pause, a trickle: any N + 1 consecutive send times are at least W + margin apart.
      const arrivals = [...Array.from({ length: 3 * n }, () => 0), 10 * w, 10 * w + 1, ...Array.from({ length: 2 * n }, (_, i) => 20 * w + i * (s / 2))];
      const at = schedule(arrivals, s);
      for (let i = 0; i + n < at.length; i++) {
        expect(at[i + n] - at[i]).toBeGreaterThanOrEqual(w + fleetMargin(w) - 1e-6);
        // The first of them late by the tolerance, the last on time: still more than W apart, with the in-process margin to spare.
        expect(at[i + n] - (at[i] + LATE_TOLERANCE_MS) - w).toBeGreaterThanOrEqual(defaultMargin(w) + LATE_TOLERANCE_MS - 1e-6);
      }
      // …and no slower than that: N sends of a burst fit in W + margin.
      expect(at[n] - at[0]).toBeCloseTo(w + fleetMargin(w), 6);
    }
  });

  it("keeps the key until its last send time has come, plus a few seconds, however far ahead it is", () => {
    const s = 1063;
    expect(paceStep(undefined, 10_000, s).ttlMs).toBe(s + KEY_SLACK_MS);
    // 100 sends queued ahead: the key outlives the wait for the last.
    const far = paceStep(10_000 + 100 * s, 10_000, s);
    expect(far.ttlMs).toBeGreaterThanOrEqual(far.tat - 10_000 + KEY_SLACK_MS);
  });

  it("reads Redis's TIME and estimates the clock offset at the round trip's midpoint", () => {
    expect(redisTimeMs(["1750000000", "123456"])).toBeCloseTo(1_750_000_000_123.456, 3);
    expect(redisTimeMs([1, 500])).toBe(1000.5);
    expect(() => redisTimeMs(["x", "1"])).toThrow(/not a time/);
    // Sent at 1000, back at 1010 (local); Redis read 6005 → Redis is 5000 ahead.
    expect(clockOffsetMs(1000, 1010, 6005)).toBe(5000);
    expect(clockOffsetMs(1000, 1000, 400)).toBe(-600);
  });
});

describe("keys in Redis", () => {
  const key = `https://ticketing.example.com|user:${USER}|create`;

  it("hold a SHA-256 of the limiter key, never the user name or the endpoint", () => {
    const prefix = paceKey(key, 1025);
    expect(prefix).toMatch(/^rackspace-ticketing:pace:v2:[0-9a-f]{64}:1025$/);
    expect(prefix).not.toContain(USER);
    expect(prefix).not.toContain("example.com");
  });

  it("are the same for every runner with the same endpoint, credential, class and limits", () => {
    expect(paceKey(key, 1025)).toBe(paceKey(key, 1025));
    expect(paceKey(key, 1025)).not.toBe(paceKey(key.replace("create", "patch"), 1025));
    expect(paceKey(key, 1025)).not.toBe(paceKey(key, 205));
    expect(paceKey(key, 1020 / 3)).toMatch(/:340$/);
  });
});

describe("Redis URLs", () => {
  const url = `redis://${USER}:${PASSWORD}@cache.internal:6390/2`;

  it("accepts redis:// and rediss:// with a host", () => {
    expect(checkRedisUrl("x", url)).toBe(url);
    expect(checkRedisUrl("x", "rediss://cache.internal")).toBe("rediss://cache.internal");
  });

  it("rejects anything else without echoing the value", () => {
    for (const bad of [`http://${USER}:${PASSWORD}@cache.internal:6379`, `${PASSWORD}`, `redis://:${PASSWORD}@`, `cache.internal:${PASSWORD}`]) {
      let message = "";
      try {
        checkRedisUrl("rateLimitRedisUrl", bad);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^rateLimitRedisUrl must /);
      expect(message).toContain("not repeated here");
      expect(message).not.toContain(PASSWORD);
      expect(message).not.toContain(USER);
    }
  });

  it("are printed as host:port only", () => {
    expect(redactRedisUrl(url)).toBe("cache.internal:6390");
    expect(redactRedisUrl(`rediss://:${PASSWORD}@10.0.0.5`)).toBe("10.0.0.5:6379");
    expect(redactRedisUrl("redis://[::1]:7000")).toBe("[::1]:7000");
    expect(redactRedisUrl(`not a url ${PASSWORD}`)).toBe("(an unparseable URL)");
  });

  it("never reach an error description", () => {
    const enc = "p@ss/wörd";
    const u = `redis://${USER}:${encodeURIComponent(enc)}@cache.internal:6390`;
    const text = describeRedisError(new Error(`WRONGPASS for ${USER} ${enc} ${encodeURIComponent(enc)} at ${u}\nsecond line`), u);
    expect(text).not.toContain(enc);
    expect(text).not.toContain(USER);
    expect(text).not.toContain("second line");
    expect(text).toContain("***");
    expect(describeRedisError("x".repeat(500), u)).toHaveLength(200);
    expect(describeRedisError(new Error(""), "nonsense")).toBe("unknown error");
  });
});

describe("configuration", () => {
  const url = `redis://:${PASSWORD}@127.0.0.1:6390`;

  it("reads rateLimitRedisUrl from the options, then RACKSPACE_RATE_LIMIT_REDIS_URL; unset by default", () => {
    expect(resolveConfig({}, {}).rateLimitRedisUrl).toBeUndefined();
    expect(resolveConfig({}, { RACKSPACE_RATE_LIMIT_REDIS_URL: url }).rateLimitRedisUrl).toBe(url);
    expect(resolveConfig({ rateLimitRedisUrl: "redis://a:1" }, { RACKSPACE_RATE_LIMIT_REDIS_URL: url }).rateLimitRedisUrl).toBe("redis://a:1");
    expect(resolveConfig({ rateLimitRedisUrl: "  " }, { RACKSPACE_RATE_LIMIT_REDIS_URL: " " }).rateLimitRedisUrl).toBeUndefined();
  });

  it("rejects a URL that is not redis:// or rediss://, naming the settings and not the value", () => {
    const bad = `https://:${PASSWORD}@127.0.0.1:6390`;
    expect(() => resolveConfig({}, { RACKSPACE_RATE_LIMIT_REDIS_URL: bad })).toThrow(/rackspace:rateLimitRedisUrl, RACKSPACE_RATE_LIMIT_REDIS_URL/);
    expect(() => resolveConfig({ rateLimitRedisUrl: bad }, {})).toThrow(/must be a redis:\/\/ or rediss:\/\/ URL, not https:/);
    try {
      resolveConfig({ rateLimitRedisUrl: bad }, {});
    } catch (e) {
      expect((e as Error).message).not.toContain(PASSWORD);
    }
  });

  it("maps stack config rackspace:rateLimitRedisUrl, documented as a secret", () => {
    const values: Record<string, string> = { "rackspace:rateLimitRedisUrl": url };
    expect(optionsFromConfig({ get: (k) => values[k] }).rateLimitRedisUrl).toBe(url);
    expect(optionsFromConfig({ get: () => undefined }).rateLimitRedisUrl).toBeUndefined();
    const entry = CONFIG_KEYS.find((k) => k.key === "rackspace:rateLimitRedisUrl");
    expect(entry?.env).toBe("RACKSPACE_RATE_LIMIT_REDIS_URL");
    expect(entry?.doc).toMatch(/--secret/);
  });
});

describe("registry", () => {
  afterEach(() => resetSharedPacing());

  it("keeps one connection per URL and one grid per limiter key, updated to the newest limits", () => {
    const a = sharedPacer("redis://127.0.0.1:1", "k|create", { limit: 1, windowMs: 1000 });
    const b = sharedPacer("redis://127.0.0.1:1", "k|create", { limit: 2, windowMs: 1000 });
    const c = sharedPacer("redis://127.0.0.1:1", "k|patch", { limit: 5, windowMs: 1000 });
    expect(b).toBe(a);
    expect(a.spacingMs).toBe(slotSpacingMs(1000, 2));
    expect(c).not.toBe(a);
    expect(c.coordinator).toBe(a.coordinator);
    expect(sharedCoordinator("redis://127.0.0.1:1")).toBe(a.coordinator);
    expect(a.coordinator.status).toBe("idle");
    expect(a.active).toBe(true);
    expect(a.redisKey).toBe(paceKey("k|create", slotSpacingMs(1000, 2)));
  });
});

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", () => resolve()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe("falling back when Redis cannot be reached", () => {
  let sim: Simulator;
  let lines: string[];
  let previousLog: (line: string) => void;

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 1, patch: 5, comment: 5, read: 60 } });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    resetClientState();
    sim.clearRequests();
    lines = [];
    previousLog = setSharedPacingLog((l) => lines.push(l));
  });
  afterEach(async () => {
    setSharedPacingLog(previousLog);
    await resetSharedPacing();
  });

  it("a deployment goes on, paced in-process, after ONE warning naming host:port only", async () => {
    const port = await closedPort();
    const url = `redis://${USER}:${PASSWORD}@127.0.0.1:${port}`;
    const client = new TicketingClient(clientOptions(sim, { rateLimitRedisUrl: url }), {});
    expect(client.sharedPacer("create")?.active).toBe(true);
    const started = Date.now();
    await Promise.all([client.getAccounts(), client.getCategories(), client.listTickets()]);
    await client.listTickets();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sim.requests().filter((r) => r.status === 429)).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^rackspace: shared rate limiting via Redis at 127\\.0\\.0\\.1:${port} is unreachable \\(.+\\); pacing in this process only until it answers again\\. Other runners may see 429s, which are retried\\.$`),
    );
    expect(lines[0]).not.toContain(PASSWORD);
    expect(lines[0]).not.toContain(USER);
    const pacer = client.sharedPacer("read")!;
    expect(pacer.active).toBe(false);
    expect(pacer.coordinator.status).toBe("down");
    // Down: the local limiter keeps its margin again.
    expect(client.limiter("read").settings.marginMs).toBe(defaultMargin(1000));
    // A second client in the same process does not warn again.
    await new TicketingClient(clientOptions(sim, { rateLimitRedisUrl: url }), {}).getAccounts();
    expect(lines).toHaveLength(1);
  });

  it("keeps paced creates spaced by the window in-process when Redis is down", async () => {
    const port = await closedPort();
    const client = new TicketingClient(clientOptions(sim, { rateLimitRedisUrl: `redis://127.0.0.1:${port}` }), {});
    const req = { accountId: "hybrid:100001", subject: "fallback", category: "Change", subcategory: "General", severity: "Normal" as const, comment: { text: "x" } };
    await Promise.all([client.createTicket(req), client.createTicket({ ...req, subject: "fallback 2" })]);
    const creates = sim.requests({ operation: "createTicket" });
    expect(creates.map((r) => r.status)).toEqual([200, 200]);
    expect(lines).toHaveLength(1);
  });

  it("without the setting, nothing changes and ioredis is never loaded", async () => {
    let loaded = false;
    await jest.isolateModulesAsync(async () => {
      jest.doMock("ioredis", () => {
        loaded = true;
        return {};
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { TicketingClient: Isolated } = require("../../src/api/client") as typeof import("../../src/api/client");
      const c = new Isolated(clientOptions(sim), {});
      expect(c.sharedPacer("read")).toBeUndefined();
      await c.getAccounts();
      expect(c.limiter("read").settings.marginMs).toBe(defaultMargin(1000));
    });
    expect(loaded).toBe(false);
    expect(lines).toEqual([]);
  });

  it("with pacing off, the setting is ignored", () => {
    const c = new TicketingClient(clientOptions(sim, { pacing: false, rateLimitRedisUrl: "redis://127.0.0.1:1" }), {});
    expect(c.sharedPacer("create")).toBeUndefined();
  });
});

describe("RedisCoordinator.observe: a pacing reply's Redis time checks the clock offset (a suspended process, a Redis clock step)", () => {
  const HOUR = 3_600_000;
  const coordinator = () => {
    const c = new RedisCoordinator("redis://127.0.0.1:1", { warned: false, recovered: false, log: () => undefined }, () => 0);
    const internals = c as unknown as { offsetMs: number; bestRttMs: number; calibratedAt: number };
    Object.assign(internals, { offsetMs: 1000, bestRttMs: 4, calibratedAt: 50 });
    return { c, internals };
  };

  it("a Redis time inside its round trip (within the offset's error and the fleet jitter) keeps the offset", () => {
    const { c, internals } = coordinator();
    // Round trip 100..110 on this process's clock; slack 2 ms (half the best round trip) + 10 ms: 88..122 fits.
    for (const redisMs of [1100, 1105, 1110, 1088, 1122]) expect(c.observe(100, 110, redisMs)).toBe(false);
    expect(internals).toMatchObject({ offsetMs: 1000, calibratedAt: 50 });
  });

  it.each([
    ["an hour late (this process was suspended)", 1105 + HOUR],
    ["an hour early (Redis's clock stepped back)", 1105 - HOUR],
    ["just past the slack", 1123],
    ["just before the slack", 1087],
  ])("a Redis time %s: the offset is taken from the reply (at the round trip's midpoint), and measured again before the next claim", (_name, redisMs) => {
    const { c, internals } = coordinator();
    expect(c.observe(100, 110, redisMs)).toBe(true);
    expect(internals.offsetMs).toBe(redisMs - 105);
    expect(internals.bestRttMs).toBe(10);
    expect(internals.calibratedAt).toBe(-Infinity);
  });

  it("before any calibration nothing is judged stale (no error bound yet)", () => {
    const c = new RedisCoordinator("redis://127.0.0.1:1", { warned: false, recovered: false, log: () => undefined }, () => 0);
    expect(c.observe(100, 110, 5 * HOUR)).toBe(false);
  });
});
