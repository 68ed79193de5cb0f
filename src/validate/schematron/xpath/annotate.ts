/**
 * Layer 2 of the XPath subset compiler: what the compiler and the rule index need to know about a tree, computed
 * from the tree alone — does an expression always give a boolean (a predicate that is never positional), may a
 * step give nodes out of document order, does an expression depend on nothing but its text (a value set read by
 * `doc('…')`, computed once), is it in the small subset the pattern matcher interprets directly, which
 * templateIds it requires. Pure functions over {@link Expr}; results memoised per node.
 */
import type { Expr, PathStep, Predicate, Step } from './ast.js';

const HL7 = 'urn:hl7-org:v3';

/** Functions whose result is always one boolean. */
const BOOLEAN_FUNCTIONS = new Set([
  'not',
  'boolean',
  'true',
  'false',
  'exists',
  'empty',
  'contains',
  'starts-with',
  'ends-with',
  'matches',
  'doc-available',
]);

/**
 * True when the expression always gives booleans (or nothing), never a number: as a predicate it filters by
 * truth, never by position, so it can filter a flat list of candidates.
 *
 * @example
 * ```ts
 * givesBoolean(parseXPath("@root = '1.2'", {})); // true
 * givesBoolean(parseXPath('last()', {}));        // false
 * ```
 */
export function givesBoolean(e: Expr): boolean {
  switch (e.kind) {
    case 'or':
    case 'and':
    case 'general':
    case 'value':
    case 'castable':
    case 'some':
    case 'every':
      return true;
    case 'call':
      return BOOLEAN_FUNCTIONS.has(e.name);
    case 'parenthesized':
      return givesBoolean(e.expr);
    default:
      return false;
  }
}

/** True when a predicate never depends on the position of the item it filters. */
export function isBooleanPredicate(p: Predicate): boolean {
  return 'expr' in p && givesBoolean(p.expr);
}

/**
 * True when a step applied to several nodes may give its results out of document order or twice (other axes
 * than child/attribute/self, or a filter on a variable, a call or a parenthesised expression): the compiler then
 * sorts them.
 *
 * @example
 * ```ts
 * mayReorder({ kind: 'axis', axis: 'ancestor', test: { kind: 'node' }, predicates: [] }); // true
 * ```
 */
export function mayReorder(step: Step): boolean {
  if (step.kind === 'axis') return step.axis !== 'child' && step.axis !== 'attribute' && step.axis !== 'self';
  const k = step.primary.kind;
  return k === 'variable' || k === 'call' || k === 'parenthesized';
}

/** Functions that read the focus when called without arguments. */
const FOCUS_DEFAULTS = new Set([
  'string',
  'string-length',
  'normalize-space',
  'local-name',
  'name',
  'namespace-uri',
  'number',
  'position',
  'last',
]);

const constantMemo = new WeakMap<Expr, boolean>();
const NO_VARIABLES: ReadonlySet<string> = new Set();
const memoByVariables = new WeakMap<ReadonlySet<string>, WeakMap<Expr, boolean>>([
  [NO_VARIABLES, constantMemo],
]);

/**
 * True when the value depends on nothing but the expression's text and the schematron's folder: no focus, no
 * variable (but those named in `constants`: global variables with a literal value), no `current()`, and at least
 * one `doc()`/`document()` (value sets, read-only). The compiler computes such an expression once per compiled
 * closure.
 *
 * @example
 * ```ts
 * isConstantDocumentRead(parseXPath("doc('vs.xml')/*\/concept/@code", {})); // true
 * isConstantDocumentRead(parseXPath("doc(@href)", {}));                    // false
 * isConstantDocumentRead(parseXPath("document($jdv)//@code", {}), new Set(['jdv'])); // true
 * ```
 */
export function isConstantDocumentRead(e: Expr, constants: ReadonlySet<string> = NO_VARIABLES): boolean {
  let memo = memoByVariables.get(constants);
  if (!memo) {
    memo = new WeakMap();
    memoByVariables.set(constants, memo);
  }
  let known = memo.get(e);
  if (known === undefined) {
    known = readsDocument(e) && independent(e, true, constants);
    memo.set(e, known);
  }
  return known;
}

/** Does `e` depend on no variable (but `constants`), no `current()` and — when `outerFocus` — not on the focus? */
function independent(e: Expr, outerFocus: boolean, constants: ReadonlySet<string>): boolean {
  const inner = (a: Expr) => independent(a, outerFocus, constants);
  switch (e.kind) {
    case 'string':
    case 'number':
    case 'empty':
      return true;
    case 'context':
      return !outerFocus;
    case 'variable':
      return constants.has(e.name);
    case 'call':
      if (e.name === 'current') return false;
      if (outerFocus && e.args.length === 0 && FOCUS_DEFAULTS.has(e.name)) return false;
      return e.args.every(inner);
    case 'sequence':
      return e.items.every(inner);
    case 'parenthesized':
      return inner(e.expr);
    case 'if':
      return [e.condition, e.then, e.else].every(inner);
    case 'for':
    case 'some':
    case 'every':
      return false;
    case 'castable':
      return inner(e.operand);
    case 'path':
      return e.root === '' && pathIndependent(e.steps, outerFocus, constants);
    default:
      return inner(e.left) && inner(e.right);
  }
}

function pathIndependent(steps: PathStep[], outerFocus: boolean, constants: ReadonlySet<string>): boolean {
  return steps.every(({ step }, k) => {
    // only the first step sees the outer focus; later steps and every predicate have their own
    const focus = k === 0 && outerFocus;
    if (step.kind === 'axis') {
      if (focus) return false;
    } else if (!independent(step.primary, focus, constants)) return false;
    return step.predicates.every((p) => !('expr' in p) || independent(p.expr, false, constants));
  });
}

const DOCUMENT_FUNCTIONS = new Set(['doc', 'document', 'doc-available']);
const readsMemo = new WeakMap<Expr, boolean>();

function readsDocument(e: Expr): boolean {
  let known = readsMemo.get(e);
  if (known === undefined) {
    known = (e.kind === 'call' && DOCUMENT_FUNCTIONS.has(e.name)) || subExpressions(e).some(readsDocument);
    readsMemo.set(e, known);
  }
  return known;
}

/** The expressions directly inside `e` (operands, arguments, step primaries and predicates). */
export function subExpressions(e: Expr): Expr[] {
  switch (e.kind) {
    case 'string':
    case 'number':
    case 'empty':
    case 'context':
    case 'variable':
      return [];
    case 'call':
      return e.args;
    case 'sequence':
      return e.items;
    case 'parenthesized':
      return [e.expr];
    case 'if':
      return [e.condition, e.then, e.else];
    case 'for':
    case 'some':
    case 'every':
      return [...e.bindings.map((b) => b.in), e.body];
    case 'castable':
      return [e.operand];
    case 'path':
      return e.steps.flatMap(({ step }) => [
        ...(step.kind === 'filter' ? [step.primary] : []),
        ...step.predicates.flatMap((p) => ('expr' in p ? [p.expr] : [])),
      ]);
    default:
      return [e.left, e.right];
  }
}

// ---- the subset the pattern matcher interprets directly ----

/**
 * True when `e` is in the small subset of rule-context predicates that the pattern matcher evaluates without a
 * dynamic context (`cda:templateId/@root = 'X'`, `not(@nullFlavor)`, `hl7:typeId[@root = '…'][@extension = '…']`):
 * `and`/`or`/`not()`/`true()`/`false()`, string literals, relative child/attribute paths with name tests and
 * such predicates, `=`/`!=` between literals and paths. Its answers never need fontoxpath.
 *
 * @example
 * ```ts
 * isSimplePredicate(parseXPath("hl7:templateId/@root = '1.2'", { hl7: 'urn:hl7-org:v3' })); // true
 * isSimplePredicate(parseXPath('count(*) > 1', {}));                                        // false
 * ```
 */
export function isSimplePredicate(e: Expr): boolean {
  switch (e.kind) {
    case 'or':
    case 'and':
      return isSimplePredicate(e.left) && isSimplePredicate(e.right);
    case 'parenthesized':
      return isSimplePredicate(e.expr);
    case 'call':
      if (e.name === 'true' || e.name === 'false') return e.args.length === 0;
      return e.name === 'not' && e.args.length === 1 && isSimplePredicate(e.args[0] as Expr);
    case 'string':
    case 'context':
      return true;
    case 'path':
      return isSimplePath(e);
    case 'general':
      return (e.op === '=' || e.op === '!=') && isSimpleOperand(e.left) && isSimpleOperand(e.right);
    default:
      return false;
  }
}

function isSimpleOperand(e: Expr): boolean {
  return e.kind === 'string' || e.kind === 'context' || (e.kind === 'path' && isSimplePath(e));
}

function isSimplePath(e: Expr): boolean {
  if (e.kind !== 'path' || e.root !== '') return false;
  const steps = e.steps;
  const first = steps[0]?.step;
  const from =
    first?.kind === 'filter' && first.primary.kind === 'context' && !first.predicates.length ? 1 : 0;
  if (from === steps.length) return false;
  return steps.every(({ step, descendant }, k) => {
    if (k < from) return true;
    if (descendant || step.kind !== 'axis' || step.test.kind !== 'name') return false;
    if (step.axis === 'attribute') {
      if (k !== steps.length - 1) return false;
    } else if (step.axis !== 'child') return false;
    return step.predicates.every((p) => 'expr' in p && p.expr.kind !== 'string' && isSimplePredicate(p.expr));
  });
}

/**
 * When a simple predicate requires `hl7:templateId/@root = 'X'` (alone or in a conjunction), the `X`s it may
 * need: rules are indexed on them, so only elements carrying such a templateId are tried.
 *
 * @example
 * ```ts
 * templateIdKeys(parseXPath("hl7:templateId/@root = '1.2'", { hl7: 'urn:hl7-org:v3' })); // ['1.2']
 * ```
 */
export function templateIdKeys(e: Expr): string[] | undefined {
  if (e.kind === 'and') return templateIdKeys(e.left) ?? templateIdKeys(e.right);
  if (e.kind === 'general' && e.op === '=') {
    const [path, lit] = e.left.kind === 'path' ? [e.left, e.right] : [e.right, e.left];
    if (path.kind !== 'path' || lit.kind !== 'string' || path.root !== '' || path.steps.length !== 2)
      return undefined;
    const [s1, s2] = path.steps.map((s) => s.step);
    return isTemplateIdStep(s1) && isRootAttribute(s2) ? [lit.value] : undefined;
  }
  if (e.kind === 'path' && e.root === '' && e.steps.length === 1) {
    const s1 = e.steps[0]?.step;
    if (s1?.kind !== 'axis' || s1.predicates.length !== 1 || !isTemplateIdStep({ ...s1, predicates: [] }))
      return undefined;
    const inner = s1.predicates[0] as Predicate;
    if (!('expr' in inner)) return undefined;
    const p = inner.expr;
    if (p.kind !== 'general' || p.op !== '=' || p.left.kind !== 'path' || p.right.kind !== 'string')
      return undefined;
    const st = p.left.steps;
    return p.left.root === '' && st.length === 1 && isRootAttribute(st[0]?.step)
      ? [p.right.value]
      : undefined;
  }
  return undefined;
}

function isTemplateIdStep(s: Step | undefined): boolean {
  return (
    s?.kind === 'axis' &&
    s.axis === 'child' &&
    s.test.kind === 'name' &&
    s.test.ns === HL7 &&
    s.test.local === 'templateId' &&
    s.predicates.length === 0
  );
}

function isRootAttribute(s: Step | undefined): boolean {
  return (
    s?.kind === 'axis' &&
    s.axis === 'attribute' &&
    s.test.kind === 'name' &&
    s.test.ns === null &&
    s.test.local === 'root' &&
    s.predicates.length === 0
  );
}
