/**
 * The Rackspace Identity + Ticketing API client (no Pulumi dependency).
 */
export * from "./client";
export * from "./config";
export * from "./errors";
export { parseRetryAfter } from "./retry-after";
export { backoffDelay, isRetryable, withRetries } from "./retry";
export type { RetryPolicy, RetryHooks, RetryStats } from "./retry";
export { DEFAULT_LIMITS, DEFAULT_WINDOW_MS, SlidingWindowLimiter, sharedLimiter, resetSharedLimiters, defaultMargin, rateLimitProblem, LimiterQueueFullError, LimiterHoldError } from "./limiter";
export type { OperationClass, RateLimits, LimiterSettings, AcquireOptions } from "./limiter";
export { IdentityClient, resetTokenCache, fingerprint, refreshMargin } from "./identity";
export * from "./schemas";
export { FORBIDDEN_EXTENSIONS, UPLOAD_WINDOW_MS, attachmentNameProblem } from "./attachments";
