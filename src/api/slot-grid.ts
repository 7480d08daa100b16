/**
 * The fleet-wide grid's arithmetic, pure: slots S = (W + fleetMargin(W)) / N ms apart on Redis's clock, so no window of W ms holds more than N slot starts.
 *
 * Slot k starts at k·S on Redis's own clock (read with TIME, so the runners' clock skew does not
 * matter): any N + 1 consecutive slots span W + margin. Keys hold only a SHA-256 of the limiter
 * key (which may name the user) and expire after their slot has ended.
 */
import { createHash } from "node:crypto";
import { defaultMargin, rateLimitProblem } from "./limiter";

/** How late a send may leave after its slot started before the slot is given up for a later one (a busy runner's timer). */
export const LATE_TOLERANCE_MS = 25;

/**
 * The grid's margin: the in-process one (./limiter defaultMargin) plus twice the late tolerance.
 * Sends k and k + N are W + margin apart by their slots; the first may leave up to
 * LATE_TOLERANCE_MS late, and the rest covers latency differences between runners and the error
 * of the measured clock offset.
 */
export function fleetMargin(windowMs: number): number {
  return defaultMargin(windowMs) + 2 * LATE_TOLERANCE_MS;
}

/** Spacing of the fleet-wide slots: S = (W + fleetMargin(W)) / N ms, so that any W holds at most N sends. */
export function slotSpacingMs(windowMs: number, limit: number): number {
  const problem = rateLimitProblem(limit);
  if (problem) throw new RangeError(problem);
  if (!Number.isFinite(windowMs) || windowMs < 1) throw new RangeError(`rate window must be ≥ 1 ms, got ${windowMs}`);
  return (windowMs + fleetMargin(windowMs)) / limit;
}

/** The first slot a caller may claim at `redisNowMs`: the first one that has not started yet (or starts right now). */
export function firstSlotIndex(redisNowMs: number, spacingMs: number): number {
  return Math.ceil(redisNowMs / spacingMs);
}

/** When slot `k` starts, in ms on Redis's clock. */
export function slotStartMs(k: number, spacingMs: number): number {
  return k * spacingMs;
}

/** Seconds of slack kept on a slot key after its slot ended (cleanup only). */
export const SLOT_KEY_SLACK_S = 5;

/**
 * TTL of a slot key, in whole seconds: until the slot has ended, plus a few seconds.
 * A slot claimed far ahead (a long queue) must stay claimed until it starts, or another
 * runner could claim it again once the key expired.
 */
export function slotTtlSeconds(k: number, spacingMs: number, redisNowMs: number): number {
  const untilEnd = slotStartMs(k + 1, spacingMs) - redisNowMs;
  return Math.max(1, Math.ceil(untilEnd / 1000)) + SLOT_KEY_SLACK_S;
}

/**
 * Key prefix of one grid in Redis. The limiter key (`${ticketingUrl}|account:${accountId}|${cls}`,
 * or `${ticketingUrl}|${credentialId}|${cls}`, which may name the user) goes in as its SHA-256
 * only; the spacing is part of it, so runners configured with different limits do not misread
 * each other's slots.
 */
export function slotKeyPrefix(limiterKey: string, spacingMs: number): string {
  const hash = createHash("sha256").update(limiterKey).digest("hex");
  return `rackspace-ticketing:pace:v1:${hash}:${Number(spacingMs.toFixed(3))}`;
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
