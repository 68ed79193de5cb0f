/**
 * The two escape hatches of the XPath subset compiler; neither leaves the engine (the runner catches both).
 */

/** An expression outside the subset, found while parsing or compiling: the expression goes to fontoxpath. */
export class Unsupported extends Error {}
/** Thrown often while parsing: one shared instance, no stack trace to build. */
export const UNSUPPORTED = new Unsupported('outside the XPath subset');

/**
 * A run-time situation whose XPath semantics the subset does not model (a type error, a cast that would fail, a
 * number turned into a string, a missing `doc()` target): the runner re-evaluates the whole rule with fontoxpath,
 * which gives the XPath answer or the XPath error.
 */
export class NeedFallback extends Error {}
/** Thrown often at run time: one shared instance, no stack trace to build. */
export const NEED_FALLBACK = new NeedFallback('needs fontoxpath');
