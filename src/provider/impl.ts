/**
 * Entry point the serialized stub loads by package name at run time
 * (`pulumi-rackspace-ticketing/provider/impl`). Keep it tiny: it only hands out the
 * real provider, and keeps a broken stderr from turning the host into a busy loop.
 */
import { RackspaceTicketProvider } from "./provider";

let guarded = false;

/**
 * Progress lines go to stderr. When the engine has gone (a CI timeout that killed only the
 * CLI), a write fails with EPIPE; without a listener that is an uncaught error, which the
 * SDK's host logs to stderr again, forever. The listener ends that loop: a line nobody can
 * read is dropped.
 */
function guardStderr(): void {
  if (guarded) return;
  guarded = true;
  process.stderr.on("error", () => undefined);
}

/** A fresh provider; the dynamic provider host caches and configures it. */
export function handler(): RackspaceTicketProvider {
  guardStderr();
  return new RackspaceTicketProvider();
}

export { RackspaceTicketProvider };
