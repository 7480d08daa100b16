/**
 * The serialized dynamic provider: a thin stub that loads the real implementation
 * from the installed package *by name* when the dynamic provider host configures it.
 * Nothing is captured: no client, schema, limiter or credential ends up in the
 * `__provider` text stored in the state (a few hundred bytes).
 *
 * The host always calls `configure` on a freshly deserialized provider before any
 * other method (@pulumi/pulumi ≥ 3.139; this package requires ^3.248), so `configure`
 * loads the implementation and installs its methods on the stub. The name is resolved
 * from the program's directory (the host's working directory), the way the program
 * itself resolves it: from its node_modules or, inside this package's own repository,
 * by self-reference through package.json "exports".
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the stub's one require is resolved in the host at run time, by package name (a comment inside the function would be serialized into every state) */
import type * as dynamic from "@pulumi/pulumi/dynamic";

/**
 * Builds the stub. Its only code references `require`, `process` and the module name
 * (`pulumi-rackspace-ticketing/provider/impl`, the package's own exports entry); they are
 * written out in the function because only its text travels. `install` (./impl) puts the
 * provider's methods on the stub and configures it; the text is kept short because the
 * state holds it twice per resource (inputs and outputs).
 */
export function providerStub(): dynamic.ResourceProvider {
  const stub = {
    configure(this: object, req: dynamic.ConfigureRequest): Promise<void> {
      return require("module").createRequire(process.cwd() + "/")("pulumi-rackspace-ticketing/provider/impl").install(this, req);
    },
  };
  return stub as unknown as dynamic.ResourceProvider;
}
