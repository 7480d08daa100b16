/**
 * Redis URLs are checked without echoing them, and only their host:port is ever printed: a password in the URL never reaches a message or a log line.
 */

const NOT_SHOWN = "the value is not repeated here: it may hold a password";

/**
 * Checks a Redis URL: redis:// or rediss:// with a host. Error messages never echo the
 * value (it may carry a password).
 */
export function checkRedisUrl(name: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new RangeError(`${name} must be a redis:// or rediss:// URL; this one does not parse (${NOT_SHOWN})`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new RangeError(`${name} must be a redis:// or rediss:// URL, not ${/^[a-z][a-z0-9+.-]*:$/i.test(u.protocol) ? u.protocol : "another scheme"} (${NOT_SHOWN})`);
  }
  if (!u.hostname) throw new RangeError(`${name} must name a host, as in redis://host:6379 (${NOT_SHOWN})`);
  return value;
}

/** host:port of a Redis URL, the only part of it ever printed (no user, no password, no database). */
export function redactRedisUrl(value: string): string {
  try {
    const u = new URL(value);
    return `${u.hostname}:${u.port || "6379"}`;
  } catch {
    return "(an unparseable URL)";
  }
}

/**
 * One line about a Redis failure, safe to print: the first line of the message, with the
 * URL, user and password scrubbed should a driver ever echo them.
 */
export function describeRedisError(e: unknown, url: string): string {
  let text = (e instanceof Error ? e.message : String(e)).split("\n")[0].trim() || "unknown error";
  const secrets = [url];
  try {
    const u = new URL(url);
    for (const s of [u.password, u.username]) {
      if (!s) continue;
      secrets.push(s);
      try {
        secrets.push(decodeURIComponent(s));
      } catch {
        // not percent-encoded
      }
    }
  } catch {
    // an unparseable URL: scrub the whole value only
  }
  for (const s of secrets.filter((x) => x.length >= 3).sort((a, b) => b.length - a.length)) text = text.split(s).join("***");
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
