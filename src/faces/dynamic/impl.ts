/**
 * Entry point the serialized stub loads by package name at run time
 * (`pulumi-rackspace-ticketing/provider/impl`). Keep it tiny: it only hands out the
 * real provider, and keeps a broken stderr from turning the host into a busy loop.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { RackspaceTicketCommentProvider } from "./comment-provider";
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

/**
 * A fresh provider; the dynamic provider host caches and configures it. `kind` is what
 * the resource's stub asks for: none (every RackspaceTicket state, old ones included) is
 * the ticket provider, `"comment"` the RackspaceTicketComment provider.
 */
export function handler(): RackspaceTicketProvider;
export function handler(kind: "comment"): RackspaceTicketCommentProvider;
export function handler(kind?: string): RackspaceTicketProvider | RackspaceTicketCommentProvider;
export function handler(kind?: string): RackspaceTicketProvider | RackspaceTicketCommentProvider {
  guardStderr();
  if (kind === undefined) return new RackspaceTicketProvider();
  if (kind === "comment") return new RackspaceTicketCommentProvider();
  throw new Error(
    `pulumi-rackspace-ticketing: the stack asks for a provider of kind ${JSON.stringify(String(kind).slice(0, 40))}, which this version does not have; ` +
      "it was probably written by a newer version: install that version in the program's package.json, then run the command again.",
  );
}

/** The methods a stub gets from its provider. */
const METHODS = ["check", "diff", "create", "read", "update", "delete"] as const;

/**
 * What a stub of 0.5.0 or later calls from its `configure`: puts the methods of a fresh
 * provider of `kind` (see handler) on `stub`, bound to it, and configures it. Stubs written
 * by earlier versions call handler() and bind the methods themselves.
 */
export function install(stub: object, req: dynamic.ConfigureRequest, kind?: string): Promise<void> {
  const provider = handler(kind);
  const target = stub as Record<string, unknown>;
  for (const m of METHODS) target[m] = provider[m].bind(provider);
  return provider.configure(req);
}

export { RackspaceTicketCommentProvider, RackspaceTicketProvider };
