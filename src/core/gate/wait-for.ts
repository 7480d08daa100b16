/**
 * The `waitFor` input (the approval gate): its schema, its durations and patterns (read by
 * ./reply-match), and its defaults. A gate always ends: met, rejected, closed, or its timeout.
 */
import { z } from "zod";
import { approvalMatcher, rejectionMatcher, ReplyMatcher } from "./reply-match";
import type { WaitForInput } from "../public-types";
import type { Same } from "../same-shape";

export const DEFAULT_TIMEOUT = "1h";
export const DEFAULT_POLL_INTERVAL = "30s";
const MIN_POLL_MS = 1_000;
const MAX_TIMEOUT_MS = 7 * 24 * 3_600_000;

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/;

/** Milliseconds of a duration such as `90s`, `45m`, `2h` (undefined when it is not one). */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
  return Math.round(n * unit);
}

const duration = (what: string, min: number) =>
  z
    .string({ error: `${what} must be a duration such as "30s", "45m" or "2h"` })
    .refine((s) => durationMs(s) !== undefined, { error: `${what} must be a duration such as "30s", "45m" or "2h"`, abort: true })
    .refine((s) => (durationMs(s) as number) >= min, { error: `${what} must be at least ${min / 1000}s` })
    .refine((s) => (durationMs(s) as number) <= MAX_TIMEOUT_MS, { error: `${what} must be at most 168h` });

const pattern = (what: string, matcher: (p: string) => ReplyMatcher | undefined) =>
  z
    .string({ error: `${what} must be a string (a phrase, or a /regular expression/)` })
    .refine((s) => s.trim().length > 0, { error: `${what} must not be empty`, abort: true })
    .max(500, { error: `${what} must be at most 500 characters` })
    .refine((s) => matcher(s) !== undefined, { error: `${what} is not a valid regular expression` });

export const WaitForSchema = z
  .strictObject(
    {
      statuses: z
        .array(z.string({ error: "a status must be a string" }).trim().min(1, { error: "a status must not be empty" }), { error: "statuses must be a list" })
        .max(20, { error: "statuses may hold at most 20 entries" })
        .optional(),
      approval: pattern("approval", approvalMatcher).optional(),
      rejection: pattern("rejection", rejectionMatcher).optional(),
      timeout: duration("timeout", MIN_POLL_MS).optional(),
      onTimeout: z.enum(["fail", "continue"], { error: "onTimeout must be fail or continue" }).optional(),
      pollInterval: duration("pollInterval", MIN_POLL_MS).optional(),
      onUpdate: z.boolean({ error: "onUpdate must be true or false" }).optional(),
    },
    { error: (i) => (i.code === "unrecognized_keys" ? "unknown property; waitFor accepts statuses, approval, rejection, timeout, onTimeout, pollInterval, onUpdate" : undefined) },
  )
  .refine((w) => (w.statuses?.length ?? 0) > 0 || w.approval !== undefined, { error: "waitFor needs `statuses` or an `approval` pattern (or both): without one it could never be met" });

/** The gate as declared and validated: the schema's output (each field is documented on WaitForArgs). */
export type { WaitForInput } from "../public-types";
const _schemaMatchesPublicType: Same<z.output<typeof WaitForSchema>, WaitForInput> = true;
void _schemaMatchesPublicType;

/** The gate with its defaults applied. */
export interface Gate {
  statuses: string[];
  approval?: ReplyMatcher;
  rejection?: ReplyMatcher;
  timeoutMs: number;
  onTimeout: "fail" | "continue";
  pollMs: number;
  onUpdate: boolean;
}

/** The gate a validated `waitFor` declares. */
export function gateOf(w: WaitForInput): Gate {
  return {
    statuses: w.statuses ?? [],
    approval: w.approval !== undefined ? approvalMatcher(w.approval) : undefined,
    rejection: w.rejection !== undefined ? rejectionMatcher(w.rejection) : undefined,
    timeoutMs: durationMs(w.timeout ?? DEFAULT_TIMEOUT) as number,
    onTimeout: w.onTimeout ?? "fail",
    pollMs: durationMs(w.pollInterval ?? DEFAULT_POLL_INTERVAL) as number,
    onUpdate: w.onUpdate ?? false,
  };
}
