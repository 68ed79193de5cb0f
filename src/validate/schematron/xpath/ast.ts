/**
 * The abstract syntax tree of the XPath 2.0 subset the engine compiles (layer 2 of three: text → {@link Expr} →
 * closures). Plain JSON: pattern predicates keep their tree in the compiled-schematron cache. Prefixes are already
 * resolved to namespace URIs by the parser; variables are still names (bound when compiled).
 */

/** Name or kind test of a step. `ns` undefined: any namespace; `local` null: any local name. */
export type NodeTest =
  | { kind: 'name'; ns?: string | null; local: string | null }
  | { kind: 'node' }
  | { kind: 'text' }
  | { kind: 'comment' }
  | { kind: 'pi' };

export type Axis =
  | 'child'
  | 'attribute'
  | 'self'
  | 'parent'
  | 'descendant'
  | 'descendant-or-self'
  | 'ancestor'
  | 'ancestor-or-self'
  | 'following-sibling'
  | 'preceding-sibling';

/** A predicate `[…]`: a literal position (`[2]`) is kept apart, it needs no evaluation. */
export type Predicate = { position: number } | { expr: Expr };

/** One step of a path: an axis step, or a filter expression (a primary with predicates). */
export type Step =
  | { kind: 'axis'; axis: Axis; test: NodeTest; predicates: Predicate[] }
  | { kind: 'filter'; primary: Expr; predicates: Predicate[] };

/** A step and the separator before it (`/` or `//`); the first step of a relative path has none. */
export interface PathStep {
  step: Step;
  descendant: boolean;
}

export type GeneralOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ValueOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
export type ArithmeticOp = '+' | '-' | '*' | 'div' | 'mod';
export type CastType = 'integer' | 'decimal' | 'dateTime' | 'date' | 'anyURI';

export type Expr =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'empty' }
  | { kind: 'context' }
  | { kind: 'variable'; name: string }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'sequence'; items: Expr[] }
  /** `( expr )`: kept so that the compiler knows a filter on it may see nodes out of document order. */
  | { kind: 'parenthesized'; expr: Expr }
  | { kind: 'if'; condition: Expr; then: Expr; else: Expr }
  | { kind: 'for' | 'some' | 'every'; bindings: Array<{ name: string; in: Expr }>; body: Expr }
  | { kind: 'or' | 'and'; left: Expr; right: Expr }
  | { kind: 'general'; op: GeneralOp; left: Expr; right: Expr }
  | { kind: 'value'; op: ValueOp; left: Expr; right: Expr }
  | { kind: 'arithmetic'; op: ArithmeticOp; left: Expr; right: Expr }
  | { kind: 'union' | 'intersect' | 'except'; left: Expr; right: Expr }
  | { kind: 'castable'; type: CastType; optional: boolean; operand: Expr }
  /** A path: `root` `'/'` (from the root of the context node's tree), `'//'`, or `''` (relative). */
  | { kind: 'path'; root: '' | '/' | '//'; steps: PathStep[] };

export type ExprKind = Expr['kind'];
export type ExprOf<K extends ExprKind> = Extract<Expr, { kind: K }>;
