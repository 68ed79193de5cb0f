/**
 * The pattern matcher's direct interpreter for the simple subset of rule-context predicates
 * (`cda:templateId/@root = '…'`, `not(@nullFlavor)`, `hl7:typeId[@root = '…'][@extension = '…']`; see
 * `isSimplePredicate`): parsed by the same parser as every other expression (`xpath/parse.ts`), interpreted on
 * the tree without a dynamic context, and stored as that tree in the compiled-schematron cache. Semantics are
 * XPath 2.0's for this subset (string comparison of untyped values, existential general comparison), so the
 * closures of the general path and fontoxpath give the same answers.
 */
import {
  type Expr,
  isSimplePredicate,
  templateIdKeys as keysOf,
  parseXPath,
  Unsupported,
} from './xpath/index.js';

export interface FastNode {
  nodeType: number;
  namespaceURI: string | null;
  localName: string | null;
  firstChild: FastNode | null;
  nextSibling: FastNode | null;
  parentNode: FastNode | null;
  textContent: string | null;
  attributes?: ArrayLike<FastNode>;
  value?: string;
}

/** The stored form of a simple predicate: its tree (plain JSON). */
export type FastAst = Expr;

export type FastPredicate = ((node: FastNode) => boolean) & { ast: FastAst; source: string };

const XMLNS = 'http://www.w3.org/2000/xmlns/';

type PathExpr = Extract<Expr, { kind: 'path' }>;

function nameMatches(test: { ns?: string | null; local: string | null }, n: FastNode): boolean {
  if (test.local !== null && n.localName !== test.local) return false;
  if (test.ns !== undefined && (n.namespaceURI ?? null) !== test.ns) return false;
  return true;
}

function stepNodes(path: PathExpr, k: number, ctx: FastNode[]): FastNode[] {
  const step = (path.steps[k] as PathExpr['steps'][number]).step;
  if (step.kind !== 'axis' || step.test.kind !== 'name') return ctx; // `.` as the first step
  const test = step.test;
  const keep = (n: FastNode) =>
    nameMatches(test, n) && step.predicates.every((p) => 'expr' in p && truth(p.expr, n));
  const out: FastNode[] = [];
  for (const c of ctx) {
    if (step.axis === 'child') {
      for (let k2 = c.firstChild; k2; k2 = k2.nextSibling) if (k2.nodeType === 1 && keep(k2)) out.push(k2);
    } else if (c.nodeType === 1 && c.attributes) {
      const attrs = c.attributes;
      for (let i = 0; i < attrs.length; i++) {
        const a = attrs[i] as FastNode;
        if (a.namespaceURI !== XMLNS && keep(a)) out.push(a);
      }
    }
  }
  return out;
}

function nodes(path: PathExpr, ctx: FastNode): FastNode[] {
  let cur = [ctx];
  for (let k = 0; k < path.steps.length && cur.length; k++) cur = stepNodes(path, k, cur);
  return cur;
}

function stringValue(n: FastNode): string {
  return n.nodeType === 2 ? (n.value ?? '') : (n.textContent ?? '');
}

function strings(e: Expr, ctx: FastNode): string[] {
  if (e.kind === 'string') return [e.value];
  if (e.kind === 'context') return [stringValue(ctx)];
  return nodes(e as PathExpr, ctx).map(stringValue);
}

function truth(e: Expr, ctx: FastNode): boolean {
  switch (e.kind) {
    case 'or':
      return truth(e.left, ctx) || truth(e.right, ctx);
    case 'and':
      return truth(e.left, ctx) && truth(e.right, ctx);
    case 'parenthesized':
      return truth(e.expr, ctx);
    case 'call':
      return e.name === 'true' || (e.name === 'not' && !truth(e.args[0] as Expr, ctx));
    case 'string':
      return e.value.length > 0;
    case 'context':
      return true;
    case 'path':
      return nodes(e, ctx).length > 0;
    case 'general': {
      const xs = strings(e.left, ctx);
      if (xs.length === 0) return false;
      const ys = strings(e.right, ctx);
      if (e.op === '=') return xs.some((x) => ys.includes(x));
      return xs.some((x) => ys.some((y) => x !== y));
    }
    default:
      return false; // not in the simple subset: never stored as a fast predicate
  }
}

/**
 * The predicate of a tree made by {@link compileFast} (restored from the cache: no parsing). A tree stored by an
 * older engine (another shape) is parsed again from its source text.
 *
 * @example
 * ```ts
 * const p = fastPredicate(stored.ast, stored.expr);
 * p(element); // true or false
 * ```
 */
export function fastPredicate(ast: FastAst, source: string): FastPredicate {
  const tree =
    typeof (ast as { kind?: unknown }).kind === 'string'
      ? ast
      : fromEarlierForm(ast as unknown as EarlierAst);
  const fn = ((node: FastNode) => truth(tree, node)) as FastPredicate;
  fn.ast = tree;
  fn.source = source;
  return fn;
}

/** The tree of engine forms ≤ 6 (fast.ts's own parser), still found in disk caches written by them. */
type EarlierAst =
  | { t: 'or' | 'and'; a: EarlierAst; b: EarlierAst }
  | { t: 'not'; a: EarlierAst }
  | { t: 'lit'; v: string }
  | { t: 'bool'; v: boolean }
  | {
      t: 'path';
      steps: Array<{
        axis: 'child' | 'attribute' | 'self';
        test: { ns?: string | null; local: string | null };
        preds: EarlierAst[];
      }>;
    }
  | { t: 'cmp'; op: '=' | '!='; a: EarlierAst; b: EarlierAst };

function fromEarlierForm(a: EarlierAst): Expr {
  switch (a.t) {
    case 'or':
    case 'and':
      return { kind: a.t, left: fromEarlierForm(a.a), right: fromEarlierForm(a.b) };
    case 'not':
      return { kind: 'call', name: 'not', args: [fromEarlierForm(a.a)] };
    case 'lit':
      return { kind: 'string', value: a.v };
    case 'bool':
      return { kind: 'call', name: a.v ? 'true' : 'false', args: [] };
    case 'cmp':
      return { kind: 'general', op: a.op, left: fromEarlierForm(a.a), right: fromEarlierForm(a.b) };
    case 'path':
      if (a.steps.length === 1 && a.steps[0]?.axis === 'self') return { kind: 'context' };
      return {
        kind: 'path',
        root: '',
        steps: a.steps.map((s) => ({
          descendant: false,
          step: {
            kind: 'axis',
            axis: s.axis,
            test: { kind: 'name', ...s.test },
            predicates: s.preds.map((p) => ({ expr: fromEarlierForm(p) })),
          },
        })),
      };
  }
}

/**
 * Compile an XPath boolean expression of the simple subset, else `undefined`.
 *
 * @example
 * ```ts
 * compileFast("hl7:templateId/@root = '1.2'", { hl7: 'urn:hl7-org:v3' })?.(element);
 * compileFast('count(*) > 1', {}); // undefined: the general compiler handles it
 * ```
 */
export function compileFast(expr: string, namespaces: Record<string, string>): FastPredicate | undefined {
  if (process.env.CISIS_SCH_FONTOXPATH_ONLY === 'all') return undefined; // development measure (jsxpath.ts)
  let ast: Expr;
  try {
    ast = parseXPath(expr, namespaces);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  return isSimplePredicate(ast) ? fastPredicate(ast, expr) : undefined;
}

/**
 * When a predicate requires `templateId/@root = 'X'` (alone or in a conjunction), the `X`s it may need: rules
 * are indexed on them so only elements carrying such a templateId are tried.
 */
export function templateIdKeys(p: FastPredicate): string[] | undefined {
  return keysOf(p.ast);
}
