/**
 * What a resource learns in the program, for its provider: which inputs were passed as
 * secrets (names only: messages never print those values) and the organization the stack
 * belongs to (where the SDK can tell it). Program side only; loads nothing but the SDK.
 */
import * as pulumi from "@pulumi/pulumi";

/** The names among `fields` whose values in `args` are secrets (the list itself holds only names). */
export function secretInputs<T extends object>(args: T, fields: readonly (keyof T & string)[]): pulumi.Output<string[]> {
  const checks = fields.map(async (f): Promise<string | undefined> => ((await pulumi.isSecret(pulumi.output(args?.[f] as pulumi.Input<unknown>))) ? f : undefined));
  return pulumi.output(Promise.all(checks)).apply((names) => names.filter((n): n is string => n !== undefined));
}

/** The organization, where the SDK can tell it (markers keep two organizations' stacks of the same name apart). */
export function organization(): string | undefined {
  try {
    return pulumi.getOrganization();
  } catch {
    return undefined;
  }
}
