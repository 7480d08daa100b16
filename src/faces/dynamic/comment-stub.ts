/**
 * The serialized provider of RackspaceTicketComment: the same thin stub as ./stub (nothing
 * captured: no client, schema or credential in the state), except that it asks the
 * package's entry point for the comment provider: `handler("comment")`. States of
 * RackspaceTicket keep calling `handler()` and keep getting the ticket provider.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the stub's one require is resolved in the host at run time, by package name (a comment inside the function would be serialized into every state) */
import type * as dynamic from "@pulumi/pulumi/dynamic";

/** Builds the stub; only the function's text travels, so everything it uses is written out in it (short: the state holds it twice). */
export function commentProviderStub(): dynamic.ResourceProvider {
  const stub = {
    configure(this: object, req: dynamic.ConfigureRequest): Promise<void> {
      return require("module").createRequire(process.cwd() + "/")("pulumi-rackspace-ticketing/provider/impl").install(this, req, "comment");
    },
  };
  return stub as unknown as dynamic.ResourceProvider;
}
