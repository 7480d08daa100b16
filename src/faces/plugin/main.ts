/**
 * The plugin's entry (`pulumi-resource-rackspace`): the engine starts it with its own address
 * (flags such as `--logtostderr` and `-v=…` may come first), reads the port it prints, and talks
 * gRPC to it. Nothing else is printed on stdout.
 */
import { serve } from "./server";

/** The engine's address among the arguments: the first that is not a flag. */
export function engineAddressOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--tracing") {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    return a;
  }
  return undefined;
}

async function main(): Promise<void> {
  // A line nobody can read (the engine went away) is dropped, never a busy loop of EPIPE errors.
  process.stderr.on("error", () => undefined);
  process.stdout.on("error", () => undefined);
  const { port } = await serve(engineAddressOf(process.argv.slice(2)));
  process.stdout.write(`${port}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`pulumi-resource-rackspace: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
