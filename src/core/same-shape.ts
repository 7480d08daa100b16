/**
 * A compile-time check that two types are the same (TypeScript's identity relation: the same
 * properties, optional or not, with the same types, at every depth): how a plain public type is
 * tied to the zod schema or client type it mirrors (the build fails when they part).
 */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
