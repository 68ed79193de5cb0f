/**
 * Layer 3 of the XPath subset compiler: {@link Expr} → JavaScript closures over the DOM. Variables are bound to
 * slots here; paths become step appliers that keep XPath's document order (sorting only when a step may reorder
 * nodes); a `//name` from a document node is a look-up in the tree's element index; an expression that only
 * reads value sets (`doc('…')/…`) is computed once, and `=` against it is a set look-up.
 */

import { givesBoolean, isBooleanPredicate, isConstantDocumentRead, mayReorder } from './annotate.js';
import type { Axis, Expr, ExprOf, PathStep, Predicate, Step } from './ast.js';
import { compileCall } from './builtins.js';
import { type DynamicContext, type Evaluator, withFocus } from './context.js';
import { isXsDate, isXsDateTime } from './dates.js';
import {
  axisNodes,
  descendants,
  documentOrder,
  elementsByLocalName,
  type NodeMatcher,
  nodeMatcher,
  parentOf,
  REVERSE_AXES,
  type XNode,
} from './nodes.js';
import { NEED_FALLBACK, UNSUPPORTED } from './signals.js';
import {
  arithmetic,
  atomize,
  booleanSequence,
  type Comparison,
  effectiveBoolean,
  FALSE_SEQUENCE,
  generalCompare,
  type Item,
  isNode,
  type Sequence,
  str,
  stringsOnly,
  TRUE_SEQUENCE,
  Untyped,
  valueCompare,
} from './values.js';

/** What the compiler needs from the schematron around an expression. */
export interface CompileScope {
  /** Visible rule-level lets: name → slot (-1: a let outside the subset, so no expression using it compiles). */
  lets: Map<string, number>;
  /** Global variables with a literal string value. */
  literalGlobals: Record<string, string>;
  /** A global variable compiled for the fast path (evaluated once per run, on the document node); null when it cannot be. */
  compileGlobal(name: string): Evaluator | null | undefined;
}

/** Slots of `for`/`some`/`every` variables start here, above any rule's lets. */
const FIRST_BOUND_SLOT = 256;

interface Environment {
  scope: CompileScope;
  /** Variables in scope: rule lets, then bound variables shadowing them. */
  lets: Map<string, number>;
  nextSlot: number;
  /** Variables whose value is a literal (global variables not shadowed): constant for the annotations. */
  constants: ReadonlySet<string>;
}

/** A literal position, a boolean predicate (its truth), or any other (a number selects by position). */
type CompiledPredicate = { position: number } | { truth: TruthEvaluator } | { test: Evaluator };

interface CompiledStep {
  source: Step;
  /** Axis steps: the axis and node test; filter steps: the primary. */
  axis?: Axis;
  matcher?: NodeMatcher;
  primary?: Evaluator;
  predicates: CompiledPredicate[];
  allBoolean: boolean;
  reorders: boolean;
}

/**
 * Compile a parsed expression to a closure.
 *
 * @example
 * ```ts
 * const f = compileExpression(parseXPath('count(*)', {}), { lets: new Map(), literalGlobals: {}, compileGlobal: () => null });
 * f({ item: element, pos: 1, size: 1, vars: [], globals: new Map(), root: doc }); // [3]
 * ```
 * @throws Unsupported when the tree uses a function, variable or arity the compiler does not handle.
 */
export function compileExpression(e: Expr, scope: CompileScope): Evaluator {
  const constants = new Set(Object.keys(scope.literalGlobals).filter((n) => !scope.lets.has(n)));
  return compile(e, { scope, lets: scope.lets, nextSlot: FIRST_BOUND_SLOT, constants });
}

function compile(e: Expr, env: Environment): Evaluator {
  const f = compileNode(e, env);
  if (!isConstantDocumentRead(e, env.constants) || e.kind === 'parenthesized') return f;
  // value sets are read-only: the first successful answer stands (a missing file throws and is not kept)
  let memo: Sequence | undefined;
  return (c) => {
    memo ??= f(c);
    return memo;
  };
}

function compileNode(e: Expr, env: Environment): Evaluator {
  switch (e.kind) {
    case 'string':
    case 'number': {
      const v = e.value;
      return () => [v];
    }
    case 'empty':
      return () => [];
    case 'context':
      return (c) => [c.item];
    case 'variable':
      return variable(e.name, env);
    case 'call':
      return compileCall(
        e.name,
        e.args.map((a) => compile(a, env)),
      );
    case 'parenthesized':
      return compile(e.expr, env);
    case 'sequence': {
      const parts = e.items.map((x) => compile(x, env));
      return (c) => parts.flatMap((p) => p(c));
    }
    case 'if': {
      const cond = compile(e.condition, env);
      const a = compile(e.then, env);
      const b = compile(e.else, env);
      return (c) => (effectiveBoolean(cond(c)) ? a(c) : b(c));
    }
    case 'for':
    case 'some':
    case 'every':
      return quantified(e, env);
    case 'or':
    case 'and':
      return logical(e, env);
    case 'general':
      return general(e, env);
    case 'value': {
      const op = VALUE_OPS[e.op];
      const l = compile(e.left, env);
      const r = compile(e.right, env);
      return (c) => valueCompare(op, l(c), r(c));
    }
    case 'arithmetic': {
      const f = ARITHMETIC[e.op];
      const l = compile(e.left, env);
      const r = compile(e.right, env);
      return (c) => arithmetic(l(c), r(c), f);
    }
    case 'union':
    case 'intersect':
    case 'except':
      return nodeSetOperation(e, env);
    case 'castable':
      return castable(e, env);
    case 'path':
      return path(e, env);
  }
}

const VALUE_OPS: Record<ExprOf<'value'>['op'], Comparison> = {
  eq: '=',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
};

const ARITHMETIC: Record<ExprOf<'arithmetic'>['op'], (x: number, y: number) => number> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  div: (x, y) => x / y,
  mod: (x, y) => x % y,
};

function variable(name: string, env: Environment): Evaluator {
  const slot = env.lets.get(name);
  if (slot !== undefined && slot < 0) throw UNSUPPORTED; // a let the fast path could not compile
  if (slot !== undefined) return (c) => c.vars[slot] as Sequence;
  const literals = env.scope.literalGlobals;
  if (Object.hasOwn(literals, name)) {
    const v = literals[name] as string;
    return () => [v];
  }
  const g = env.scope.compileGlobal(name);
  if (!g) throw UNSUPPORTED;
  return (c) => {
    let v = c.globals.get(name);
    if (!v) {
      v = g({ item: c.root, pos: 1, size: 1, vars: [], globals: c.globals, root: c.root });
      c.globals.set(name, v);
    }
    return v;
  };
}

function quantified(e: ExprOf<'for' | 'some' | 'every'>, env: Environment): Evaluator {
  const lets = new Map(env.lets);
  const constants = new Set(env.constants);
  for (const b of e.bindings) constants.delete(b.name);
  const inner: Environment = { scope: env.scope, lets, nextSlot: env.nextSlot, constants };
  const bindings = e.bindings.map((b) => {
    const seq = compile(b.in, inner);
    const slot = inner.nextSlot++;
    lets.set(b.name, slot);
    return { slot, seq };
  });
  const body = compile(e.body, inner);
  env.nextSlot = inner.nextSlot;
  const loop = (c: DynamicContext, k: number, visit: () => boolean): boolean => {
    if (k === bindings.length) return visit();
    const b = bindings[k] as { slot: number; seq: Evaluator };
    for (const item of b.seq(c)) {
      c.vars[b.slot] = [item];
      if (loop(c, k + 1, visit)) return true;
    }
    return false;
  };
  if (e.kind === 'some') return (c) => [loop(c, 0, () => effectiveBoolean(body(c)))];
  if (e.kind === 'every') return (c) => [!loop(c, 0, () => !effectiveBoolean(body(c)))];
  return (c) => {
    const out: Sequence = [];
    loop(c, 0, () => {
      out.push(...body(c));
      return false;
    });
    return out;
  };
}

function logical(e: ExprOf<'or' | 'and'>, env: Environment): Evaluator {
  const truth = compileTruth(e, env);
  return (c) => booleanSequence(truth(c));
}

type TruthEvaluator = (c: DynamicContext) => boolean;

/**
 * An expression where only its effective boolean value counts (operands of `and`/`or`/`not`, boolean
 * predicates): `@a`, `hl7:b`, `not(…)` and the logical operators answer without building sequences — the
 * `not(@nullFlavor) or …` of most ANS checks.
 */
function compileTruth(e: Expr, env: Environment): TruthEvaluator {
  if (e.kind === 'or' || e.kind === 'and') {
    const l = compileTruth(e.left, env);
    const r = compileTruth(e.right, env);
    return e.kind === 'or' ? (c) => l(c) || r(c) : (c) => l(c) && r(c);
  }
  if (e.kind === 'parenthesized') return compileTruth(e.expr, env);
  if (e.kind === 'call' && e.name === 'not' && e.args.length === 1) {
    const a = compileTruth(e.args[0] as Expr, env);
    return (c) => !a(c);
  }
  const step = e.kind === 'path' && e.root === '' && e.steps.length === 1 ? e.steps[0]?.step : undefined;
  if (
    step?.kind === 'axis' &&
    !step.predicates.length &&
    (step.axis === 'attribute' || step.axis === 'child')
  ) {
    const matcher = nodeMatcher(step.test, step.axis === 'attribute' ? 2 : 1);
    const axis = step.axis;
    return (c) => hasOnAxis(axis, c.item, matcher);
  }
  const f = compile(e, env);
  return (c) => effectiveBoolean(f(c));
}

/** Does the focus have an attribute or a child passing the test? (`@a`, `b` as booleans.) */
function hasOnAxis(axis: 'attribute' | 'child', item: Item, matcher: NodeMatcher): boolean {
  if (!isNode(item)) throw NEED_FALLBACK;
  if (axis === 'child') {
    for (let n = item.firstChild; n; n = n.nextSibling) if (matcher(n)) return true;
    return false;
  }
  if (item.nodeType !== 1 || !item.attributes) return false;
  const list = item.attributes;
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as XNode;
    if (a.namespaceURI !== XMLNS && matcher(a)) return true;
  }
  return false;
}

const XMLNS = 'http://www.w3.org/2000/xmlns/';

/** `=` against a value set read by `doc()`: the set's strings in a `Set`, built once. */
function general(e: ExprOf<'general'>, env: Environment): Evaluator {
  const op = e.op;
  const l = compile(e.left, env);
  const r = compile(e.right, env);
  const constantSide =
    op !== '='
      ? 0
      : isConstantDocumentRead(e.right, env.constants)
        ? 2
        : isConstantDocumentRead(e.left, env.constants)
          ? 1
          : 0;
  if (constantSide === 0) return (c) => booleanSequence(generalCompare(op, l(c), r(c)));
  let set: Set<string> | null | undefined;
  return (c) => {
    const a = l(c);
    const b = r(c);
    const [other, constant] = constantSide === 2 ? [a, b] : [b, a];
    set ??= stringsOnly(constant) ?? null;
    if (!set || !other.every(isStringLike)) return booleanSequence(generalCompare(op, a, b));
    for (const i of other) if (set.has(str(i))) return TRUE_SEQUENCE;
    return FALSE_SEQUENCE;
  };
}

function isStringLike(i: Item): boolean {
  return typeof i === 'string' || i instanceof Untyped || isNode(i);
}

/** `|`, `intersect`, `except` on node sequences. */
function nodeSetOperation(e: ExprOf<'union' | 'intersect' | 'except'>, env: Environment): Evaluator {
  const l = compile(e.left, env);
  const r = compile(e.right, env);
  const nodesOnly = (s: Sequence): XNode[] => {
    if (!s.every(isNode)) throw NEED_FALLBACK;
    return s as XNode[];
  };
  if (e.kind === 'union') {
    const ordered = givesOrderedNodes(e.left) && givesOrderedNodes(e.right);
    return (c) => {
      const x = nodesOnly(l(c));
      const y = nodesOnly(r(c));
      if (ordered && y.length === 0) return x;
      if (ordered && x.length === 0) return y;
      return documentOrder([...x, ...y]);
    };
  }
  const except = e.kind === 'except';
  // a subset of nodes in document order is in document order
  const leftOrdered = givesOrderedNodes(e.left);
  return (c) => {
    const x = nodesOnly(l(c));
    const y = nodesOnly(r(c));
    if (x.length === 0) return x;
    if (y.length === 0 && leftOrdered) return except ? x : y;
    const ys = new Set(y);
    const kept = x.filter((n) => (except ? !ys.has(n) : ys.has(n)));
    return leftOrdered ? kept : documentOrder(kept);
  };
}

/** Expressions whose nodes come in document order, each once (what paths and node-set operations give). */
function givesOrderedNodes(e: Expr): boolean {
  switch (e.kind) {
    case 'path': {
      const last = e.steps[e.steps.length - 1];
      return !last || last.step.kind === 'axis';
    }
    case 'union':
    case 'intersect':
    case 'except':
    case 'context':
    case 'empty':
      return true;
    case 'parenthesized':
      return givesOrderedNodes(e.expr);
    default:
      return false;
  }
}

function castable(e: ExprOf<'castable'>, env: Environment): Evaluator {
  const a = compile(e.operand, env);
  const optional = e.optional;
  const test: (s: string) => boolean =
    e.type === 'integer'
      ? (s) => /^\s*[+-]?\d+\s*$/.test(s)
      : e.type === 'decimal'
        ? (s) => /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(s)
        : e.type === 'anyURI'
          ? () => true // XSD 1.1 and Saxon accept any string as xs:anyURI (fontoxpath too)
          : e.type === 'date'
            ? isXsDate
            : isXsDateTime;
  return (c) => {
    const v = atomize(a(c));
    if (v.length === 0) return [optional];
    if (v.length > 1) return [false];
    const x = v[0] as Item;
    if (typeof x !== 'string' && !(x instanceof Untyped)) throw NEED_FALLBACK;
    return [test(str(x))];
  };
}

// ---- paths ----

type StepsApplier = (input: Sequence, c: DynamicContext) => Sequence;

/**
 * What is known of a node list between steps: `flat` — in document order and no node inside another (children
 * of such nodes come out in document order by concatenation); `sorted` — in document order, maybe nested;
 * `unknown` — any order (a variable, a call).
 */
type Order = 'flat' | 'sorted' | 'unknown';

/** The order of a first step's result (applied to one node, or the focus's own value). */
function orderAfterFirst(first: CompiledStep): Order {
  if (!first.reorders) return 'flat';
  return first.primary ? 'unknown' : 'sorted';
}

function path(e: ExprOf<'path'>, env: Environment): Evaluator {
  if (e.root !== '' && e.steps.length === 0) return (c) => [rootOf(c)];
  const [head, ...tail] = e.steps as [PathStep, ...PathStep[]];
  const first = compileStep(head.step, env);
  if (e.root !== '') {
    const descendant = e.root === '//';
    const rest = continuation(tail, env, descendant ? 'sorted' : orderAfterFirst(first));
    return (c) => {
      const start = [rootOf(c)];
      const out = descendant ? descendantStep(first, start, c) : applyStep(first, start, c, false);
      return rest ? rest(out, c) : out;
    };
  }
  const rest = continuation(tail, env, orderAfterFirst(first));
  return (c) => {
    const base =
      first.primary !== undefined
        ? filter(first.primary(c), first.predicates, c) // the first filter keeps the focus
        : stepFromOne(first, c.item, c);
    return rest ? rest(base, c) : base;
  };
}

/** An axis step from one node (the focus): axis order is document order once reversed. */
function stepFromOne(step: CompiledStep, item: Item, base: DynamicContext): Sequence {
  if (!isNode(item)) throw NEED_FALLBACK;
  const axis = step.axis as Axis;
  let nodes: Sequence = axisNodes(axis, item, step.matcher as NodeMatcher);
  if (step.predicates.length) nodes = filter(nodes, step.predicates, base);
  return nodes.length > 1 && REVERSE_AXES.has(axis) ? nodes.reverse() : nodes;
}

/** The steps after the first, applied to a node list of the given order. */
function continuation(steps: PathStep[], env: Environment, initial: Order): StepsApplier | undefined {
  if (steps.length === 0) return undefined;
  const compiled = steps.map((s) => ({ step: compileStep(s.step, env), descendant: s.descendant }));
  return (input, c) => {
    let cur = input;
    let order = initial;
    for (const { step, descendant } of compiled) {
      if (!cur.every(isNode)) throw NEED_FALLBACK;
      if (descendant) {
        cur = descendantStep(step, cur, c);
        order = 'sorted';
      } else if (step.primary || step.reorders) {
        cur = applyStep(step, cur, c, true);
        if (step.reorders) order = step.primary ? 'unknown' : 'sorted';
      } else if (step.axis !== 'child' && order !== 'unknown') {
        // attributes come right after their element, so those of a sorted list are sorted (and never nest)
        cur = applyStep(step, cur, c, false);
        if (step.axis === 'attribute') order = 'flat';
      } else {
        const flat = order === 'flat' || (order === 'sorted' && !hasNesting(cur as XNode[]));
        cur = applyStep(step, cur, c, !flat);
        order = flat ? 'flat' : 'sorted';
      }
      if (cur.length === 0) break;
    }
    return cur;
  };
}

/** In a document-ordered list, is some node inside another? (Then one is inside the node just before it.) */
function hasNesting(nodes: XNode[]): boolean {
  for (let k = 1; k < nodes.length; k++) {
    const before = nodes[k - 1];
    for (let p = parentOf(nodes[k] as XNode); p; p = parentOf(p)) if (p === before) return true;
  }
  return false;
}

function compileStep(step: Step, env: Environment): CompiledStep {
  const predicates = step.predicates.map((p) => compilePredicate(p, env));
  const common = {
    source: step,
    predicates,
    allBoolean: step.predicates.every(isBooleanPredicate),
    reorders: mayReorder(step),
  };
  if (step.kind === 'filter') return { ...common, primary: compile(step.primary, env) };
  return { ...common, axis: step.axis, matcher: nodeMatcher(step.test, step.axis === 'attribute' ? 2 : 1) };
}

function compilePredicate(p: Predicate, env: Environment): CompiledPredicate {
  if ('position' in p) return { position: p.position };
  return givesBoolean(p.expr) ? { truth: compileTruth(p.expr, env) } : { test: compile(p.expr, env) };
}

function rootOf(c: DynamicContext): XNode {
  const i = c.item;
  if (!isNode(i)) throw NEED_FALLBACK;
  let n: XNode = i;
  for (
    let p = n.nodeType === 2 ? n.ownerElement : n.parentNode;
    p;
    p = p.nodeType === 2 ? p.ownerElement : p.parentNode
  )
    n = p;
  if (n.nodeType !== 9) throw NEED_FALLBACK;
  return n;
}

/** Filter a sequence by predicates, each seeing the items of the previous one (positions from 1). */
function filter(items: Sequence, predicates: CompiledPredicate[], base: DynamicContext): Sequence {
  let cur = items;
  for (const p of predicates) {
    if ('position' in p) {
      const pick = cur[p.position - 1];
      cur = pick === undefined ? [] : [pick];
      continue;
    }
    const out: Sequence = [];
    const size = cur.length;
    // one focus object moved along the items: closures never keep their context
    const focus = withFocus(base, base.item, 0, size);
    for (let j = 0; j < size; j++) {
      const item = cur[j] as Item;
      focus.item = item;
      focus.pos = j + 1;
      if ('truth' in p) {
        if (p.truth(focus)) out.push(item);
        continue;
      }
      const r = p.test(focus);
      if (r.length === 1 && typeof r[0] === 'number') {
        if (r[0] === j + 1) out.push(item);
      } else if (effectiveBoolean(r)) out.push(item);
    }
    cur = out;
  }
  return cur;
}

/**
 * One step applied to every node of `input`; the results sorted into document order when they may not be in it
 * (`mayDisorder`: the input may be nested or out of order; or the step's axis reorders).
 */
function applyStep(
  step: CompiledStep,
  input: Sequence,
  base: DynamicContext,
  mayDisorder: boolean,
): Sequence {
  if (step.primary) return applyFilterStep(step, step.primary, input, base);
  const axis = step.axis as Axis;
  const matcher = step.matcher as NodeMatcher;
  const reverse = REVERSE_AXES.has(axis);
  let out: XNode[] = [];
  for (const i of input) {
    if (!isNode(i)) throw NEED_FALLBACK;
    let nodes: Sequence = axisNodes(axis, i, matcher);
    if (step.predicates.length) nodes = filter(nodes, step.predicates, base);
    if (out.length === 0) out = nodes as XNode[];
    else for (const x of nodes) out.push(x as XNode);
  }
  if (reverse && out.length > 1) return input.length === 1 ? out.reverse() : documentOrder(out);
  if (input.length > 1 && (mayDisorder || step.reorders) && out.length > 1) return documentOrder(out);
  return out;
}

function applyFilterStep(
  step: CompiledStep,
  primary: Evaluator,
  input: Sequence,
  base: DynamicContext,
): Sequence {
  const out: Sequence = [];
  for (const i of input) out.push(...filter(primary(withFocus(base, i, 1, 1)), step.predicates, base));
  if (input.length > 1 && out.length > 1) {
    if (out.every(isNode)) return documentOrder(out as XNode[]);
    if (out.some(isNode)) throw NEED_FALLBACK;
  }
  return out;
}

/** Predicate-free `//name` results, per tree (trees are read-only while rules run). */
const descendantMemo = new WeakMap<XNode, Map<CompiledStep, Sequence>>();

/**
 * `input//step`. From one document node, for a child step with a name test and boolean predicates, the answer
 * is the tree's elements of that local name (an index built once per tree) filtered by the test and predicates.
 */
function descendantStep(step: CompiledStep, input: Sequence, base: DynamicContext): Sequence {
  const one = input.length === 1 ? (input[0] as XNode) : undefined;
  const source = step.source;
  if (one?.nodeType === 9 && source.kind === 'axis' && source.axis === 'child' && step.allBoolean) {
    const predicateFree = step.predicates.length === 0;
    let memo = predicateFree ? descendantMemo.get(one) : undefined;
    if (predicateFree && !memo) {
      memo = new Map();
      descendantMemo.set(one, memo);
    }
    const known = memo?.get(step);
    if (known) return known;
    const matcher = step.matcher as NodeMatcher;
    let nodes: Sequence;
    if (source.test.kind === 'name') nodes = elementsByLocalName(one, source.test.local).filter(matcher);
    else {
      const all: XNode[] = [];
      descendants(one, matcher, all);
      nodes = all;
    }
    if (!predicateFree) nodes = filter(nodes, step.predicates, base);
    memo?.set(step, nodes);
    return nodes;
  }
  if (source.kind === 'axis' && (source.axis === 'attribute' || source.axis === 'self'))
    return applyStep(step, descendantOrSelf(input), base, false); // sorted input: sorted output
  if (one && source.kind === 'axis' && source.axis === 'child' && step.allBoolean) {
    // `.//name[…]` from one node: its descendants, already in document order
    const all: XNode[] = [];
    descendants(one, step.matcher as NodeMatcher, all);
    return step.predicates.length ? filter(all, step.predicates, base) : all;
  }
  return applyStep(step, descendantOrSelf(input), base, true);
}

function descendantOrSelf(input: Sequence): XNode[] {
  const out: XNode[] = [];
  for (const i of input) {
    if (!isNode(i)) throw NEED_FALLBACK;
    out.push(i);
    descendants(i, () => true, out);
  }
  return input.length > 1 ? documentOrder(out) : out;
}
