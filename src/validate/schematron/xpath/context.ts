/** The dynamic context a compiled closure runs in. */
import type { XNode } from './nodes.js';
import type { Item, Sequence } from './values.js';

export interface DynamicContext {
  /** The focus: context item, position and size. */
  item: Item;
  pos: number;
  size: number;
  /** Values of the rule's lets and of `for`/`some`/`every` variables, by slot. */
  vars: Sequence[];
  /** Per-run values of the schematron's global variables, computed on first use. */
  globals: Map<string, Sequence>;
  /** The document the rules run on. */
  root: XNode;
}

/** A compiled expression. */
export type Evaluator = (c: DynamicContext) => Sequence;

/** The same context with another focus. */
export function withFocus(base: DynamicContext, item: Item, pos: number, size: number): DynamicContext {
  return { item, pos, size, vars: base.vars, globals: base.globals, root: base.root };
}
