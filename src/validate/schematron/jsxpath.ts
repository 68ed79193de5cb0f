/**
 * The names the runner (`run.ts`) uses for the XPath subset compiler, whose layers live in `xpath/` (parse →
 * annotate → compile). Two escape hatches keep it exact: a construct outside the subset is refused at compile
 * time ({@link Unsupported}, the expression goes to fontoxpath), and a run-time situation whose XPath semantics
 * the subset does not model throws {@link NeedFallback}, and the runner re-evaluates the whole rule with
 * fontoxpath, which then gives the XPath answer or the XPath error.
 */
import {
  compileXPath,
  type DynamicContext,
  type Evaluator,
  Unsupported,
  type XPathScope,
} from './xpath/index.js';

export { effectiveBoolean as ebv, NeedFallback, Unsupported, type XNode } from './xpath/index.js';

/** A compiled expression. */
export type Compiled = Evaluator;
/** The dynamic context of a compiled expression. */
export type Ctx = DynamicContext;

/** The schematron around an expression: namespaces, visible lets, global variables. */
export interface Scope extends XPathScope {
  /** Global variables compiled so far (the runner's cache; not read by the compiler). */
  globalFns?: Map<string, Evaluator | null>;
}

/**
 * Compile an expression of the subset.
 *
 * @example
 * ```ts
 * const f = compileJs('count(hl7:id) >= 1', scope);
 * ebv(f({ item: element, pos: 1, size: 1, vars: [], globals: new Map(), root: doc })); // true
 * ```
 * @throws Unsupported otherwise.
 */
export function compileJs(expr: string, scope: Scope): Compiled {
  if (FONTOXPATH_ONLY) throw new Unsupported('CISIS_SCH_FONTOXPATH_ONLY');
  return compileXPath(expr, scope);
}

/**
 * Development measure (`CISIS_SCH_FONTOXPATH_ONLY=checks` or `=all`): every check, let and rule-context predicate
 * evaluated by fontoxpath, as if the subset compiler did not exist (`all`: the simple predicates of rule
 * contexts too, and with them the templateId index). docs/decisions.md records what it costs.
 */
export const FONTOXPATH_ONLY = process.env.CISIS_SCH_FONTOXPATH_ONLY;
