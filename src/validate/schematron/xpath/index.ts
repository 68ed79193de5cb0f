/**
 * The XPath subset compiler, in three layers like fontoxpath's: {@link parseXPath} (text → tree),
 * `annotate.ts` (what the tree gives: booleans, document order, constants, the simple subset, templateId keys),
 * {@link compileExpression} (tree → closures over the DOM).
 *
 * @example
 * ```ts
 * const f = compileXPath("count(hl7:id) >= 1", { namespaces: { hl7: 'urn:hl7-org:v3' }, lets: new Map(),
 *   literalGlobals: {}, compileGlobal: () => null });
 * effectiveBoolean(f({ item: element, pos: 1, size: 1, vars: [], globals: new Map(), root: doc }));
 * ```
 */

import { type CompileScope, compileExpression } from './compile.js';
import type { Evaluator } from './context.js';
import { parseXPath } from './parse.js';

export { isSimplePredicate, templateIdKeys } from './annotate.js';
export type { Expr, NodeTest } from './ast.js';
export type { CompileScope } from './compile.js';
export { compileExpression } from './compile.js';
export type { DynamicContext, Evaluator } from './context.js';
export type { XNode } from './nodes.js';
export { parseXPath } from './parse.js';
export { NeedFallback, Unsupported } from './signals.js';
export { effectiveBoolean, type Sequence } from './values.js';

/** What {@link compileXPath} needs: the schematron's namespaces and the variables around the expression. */
export interface XPathScope extends CompileScope {
  namespaces: Record<string, string>;
}

/**
 * Parse and compile an expression of the subset in one call.
 *
 * @throws Unsupported when the expression is outside the subset (the caller then uses fontoxpath).
 */
export function compileXPath(text: string, scope: XPathScope): Evaluator {
  return compileExpression(parseXPath(text, scope.namespaces), scope);
}
