/**
 * Parses an HTTP Retry-After header (RFC 9110 §10.2.3): either delay-seconds or an
 * HTTP-date. Returns the wait in milliseconds (never negative), or undefined when the
 * header is absent or unparseable.
 *
 * `now` stays the wall clock (Date.now()): an HTTP-date is a time on the server's clock, and only
 * the wall clock is comparable with it. What comes out is a duration, waited on timers.
 */
export function parseRetryAfter(value: string | string[] | undefined | null, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) {
    return Math.max(0, Math.round(Number(raw) * 1000));
  }
  // An HTTP-date has a weekday or month name and a year; Date.parse handles IMF-fixdate,
  // RFC 850 and asctime forms. Reject anything that is not clearly a date.
  if (!/[a-z]{3}/i.test(raw)) return undefined;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
