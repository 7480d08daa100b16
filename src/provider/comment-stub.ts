/**
 * The serialized provider of RackspaceTicketComment: the same thin stub as ./stub (nothing
 * captured: no client, schema or credential in the state), except that it asks the
 * package's entry point for the comment provider: `handler("comment")`. States of
 * RackspaceTicket keep calling `handler()` and keep getting the ticket provider.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the stub's one require is resolved in the host at run time, by package name (a comment inside the function would be serialized into every state) */
import type * as dynamic from "@pulumi/pulumi/dynamic";

/** Builds the stub; only the function's text travels, so everything it uses is written out in it. */
export function commentProviderStub(): dynamic.ResourceProvider {
  const stub = {
    configure(this: Record<string, unknown>, req: dynamic.ConfigureRequest): Promise<void> {
      const impl = require("module").createRequire(`${process.cwd()}/`)("pulumi-rackspace-ticketing/provider/impl").handler("comment");
      for (const m of ["check", "diff", "create", "read", "update", "delete"]) this[m] = impl[m].bind(impl);
      return impl.configure(req);
    },
  };
  return stub as unknown as dynamic.ResourceProvider;
}
