/**
 * Compile-time helpers (not exported by the package): each model file checks that the type a zod schema infers is
 * **identical** to the hand-written interface it is annotated with, so the two cannot drift. A mismatch (field
 * missing, extra, of another type, optional vs required) makes `npm run typecheck` and `npm run build` fail with
 * "Type 'false' does not satisfy the constraint 'true'" on the offending line.
 * @internal
 */

/** `true` when `A` and `B` are identical types (the compiler's identity relation, not mere assignability). */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Fails to compile unless `T` is `true`. */
export type Assert<T extends true> = T;
