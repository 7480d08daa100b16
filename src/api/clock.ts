/**
 * The client's clock for waits, windows, deadlines and budgets: monotonic, so a wall-clock jump (an NTP step, a VM resumed, a date changed by hand) neither stretches a wait nor opens a window early.
 *
 * - `monotonicNow()` is performance.now(): milliseconds since this process started, never going
 *   back and never jumping with the date. setTimeout runs on the same kind of clock.
 * - Its readings mean something in this process only: never store, send or compare them with a
 *   server's or another process's times. Those stay on the wall clock (Date.now()), each with a
 *   comment saying why: a Retry-After HTTP-date, an Identity token's `expires`.
 * - Looked up at each call, so jest's fake timers (which fake `performance` too) drive it in tests.
 */

/** Milliseconds on this process's monotonic clock (performance.now()). */
export function monotonicNow(): number {
  return performance.now();
}
