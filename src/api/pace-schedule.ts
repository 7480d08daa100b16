/**
 * The fleet-wide schedule's arithmetic: send times S = (W + fleetMargin(W)) / N ms apart on Redis's clock, so no window of W ms holds more than N sends.
 *
 * A GCRA kept in one Redis key per limiter key (as go-redis/redis_rate does, in one small Lua
 * script): each caller is handed the next send time, read on Redis's own clock (TIME), so the
 * runners' clock skew does not matter. Keys hold only a SHA-256 of the limiter key (which may
 * name the user) and expire a few seconds after the last send they scheduled.
 */
import { createHash } from "node:crypto";
import { MARGIN_FRACTION, rateLimitProblem } from "./limiter";

/** How late a send may leave after its slot started before the slot is given up for a later one (a busy runner's timer). */
export const LATE_TOLERANCE_MS = 25;

/** The fleet's allowance for latency differences between runners and the error of the measured clock offset (ms). */
export const FLEET_JITTER_MS = 10;

/**
 * The grid's margin: FLEET_JITTER_MS + 0.25 % of the window (as ./limiter's MARGIN_FRACTION) + twice
 * the late tolerance, at most 2 s before the tolerance. Sends k and k + N are W + margin apart by their
 * slots; unlike the in-process rule, which counts from answers, the grid counts from send times, so
 * the first may leave up to LATE_TOLERANCE_MS late and the rest covers the runners' latency differences.
 */
export function fleetMargin(windowMs: number): number {
  return Math.min(2_000, Math.round(FLEET_JITTER_MS + windowMs * MARGIN_FRACTION)) + 2 * LATE_TOLERANCE_MS;
}

/** Spacing of the fleet-wide send times: S = (W + fleetMargin(W)) / N ms, so that any W holds at most N sends. */
export function slotSpacingMs(windowMs: number, limit: number): number {
  const problem = rateLimitProblem(limit);
  if (problem) throw new RangeError(problem);
  if (!Number.isFinite(windowMs) || windowMs < 1) throw new RangeError(`rate window must be ≥ 1 ms, got ${windowMs}`);
  return (windowMs + fleetMargin(windowMs)) / limit;
}

/** Milliseconds a pace key outlives the last send it scheduled (cleanup only). */
export const KEY_SLACK_MS = 5_000;

/** One GCRA step: the send time handed out at `nowMs`, the next theoretical arrival time, and the key's TTL. */
export interface PaceStep {
  /** When this send may go (Redis's clock, ms): no earlier than now, and S after the previous one. */
  at: number;
  /** What the key holds afterwards: the earliest instant the next send may go. */
  tat: number;
  /** The key's TTL: until `tat`, plus slack. */
  ttlMs: number;
}

/**
 * GCRA with no burst (τ = 0): send times S apart, the first at once on an idle key. A burst
 * allowance would let up to 2N − 1 sends into one sliding window; spacing by S = (W + margin) / N
 * keeps any N + 1 consecutive sends W + margin apart. PACE_SCRIPT does exactly this in Redis.
 */
export function paceStep(tatMs: number | undefined, nowMs: number, spacingMs: number): PaceStep {
  const at = Math.max(tatMs ?? 0, nowMs);
  const tat = at + spacingMs;
  return { at, tat, ttlMs: Math.ceil(tat - nowMs) + KEY_SLACK_MS };
}

/**
 * paceStep, atomic, on Redis's own clock: KEYS[1] the pace key, ARGV[1] the spacing (ms),
 * ARGV[2] the slack (ms). Returns {at, redis now} as strings (ms with 3 decimals).
 */
export const PACE_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1]) or '')
local at = now
if tat and tat > now then at = tat end
local nxt = at + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.3f', nxt), 'PX', math.ceil(nxt - now) + tonumber(ARGV[2]))
return { string.format('%.3f', at), string.format('%.3f', now) }
`;

/**
 * The key of one pace schedule in Redis. The limiter key (`${ticketingUrl}|account:${accountId}|${cls}`,
 * or `${ticketingUrl}|${credentialId}|${cls}`, which may name the user) goes in as its SHA-256
 * only; the spacing is part of it, so runners configured with different limits do not misread
 * each other's schedule.
 */
export function paceKey(limiterKey: string, spacingMs: number): string {
  const hash = createHash("sha256").update(limiterKey).digest("hex");
  return `rackspace-ticketing:pace:v2:${hash}:${Number(spacingMs.toFixed(3))}`;
}

/** Redis's TIME reply ([seconds, microseconds]) in ms. */
export function redisTimeMs(reply: readonly (string | number)[]): number {
  const [s, us] = reply;
  const ms = Number(s) * 1000 + Number(us) / 1000;
  if (!Number.isFinite(ms)) throw new Error("Redis answered TIME with something that is not a time");
  return ms;
}

/**
 * The offset of Redis's clock from the local one (redis − local), from one TIME round trip
 * that left at `sentAt` and came back at `receivedAt` (local ms): Redis read its clock
 * somewhere in between, best estimated at the midpoint.
 */
export function clockOffsetMs(sentAt: number, receivedAt: number, redisMs: number): number {
  return redisMs - (sentAt + receivedAt) / 2;
}
