/**
 * A compiler from a subset of XPath 2.0 to JavaScript closures: the fast path for the asserts, reports and
 * lets most schematrons are made of (`count(hl7:x[...]) >= 1`, `not(@nullFlavor) or ...`, `matches()`,
 * `string(@a) = ('A','B')`, `resolve-QName(@xsi:type, .) = QName(...)`, value sets through `doc()`).
 *
 * Two escape hatches keep it exact: a construct outside the subset is refused at compile time
 * ({@link Unsupported}, the expression goes to fontoxpath), and a run-time situation whose XPath semantics
 * the subset does not model (a type error, a cast that would fail, a number turned into a string) throws
 * {@link NeedFallback}, and the runner re-evaluates the whole rule with fontoxpath, which then gives the
 * XPath answer or the XPath error.
 */
import { currentNode, docAvailable, docForFunction } from './functions.js';
import { xpathMatches, xpathReplace, xpathTokenize } from './regex.js';
import { readName } from './xpath-text.js';

export class Unsupported extends Error {}
/** Thrown often during compilation: one shared instance, no stack trace to build. */
const UNSUPPORTED = new Unsupported();
export class NeedFallback extends Error {}
/** Thrown often during compilation: one shared instance, no stack trace to build. */
const NEEDFALLBACK = new NeedFallback();

export interface XNode {
  nodeType: number;
  namespaceURI: string | null;
  localName: string | null;
  nodeName: string;
  firstChild: XNode | null;
  nextSibling: XNode | null;
  previousSibling: XNode | null;
  parentNode: XNode | null;
  textContent: string | null;
  attributes?: ArrayLike<XNode>;
  value?: string;
  ownerElement?: XNode | null;
  compareDocumentPosition?(other: XNode): number;
}

class Untyped {
  constructor(readonly v: string) {}
}
class QNameVal {
  constructor(
    readonly uri: string,
    readonly local: string,
  ) {}
}
/** An xs:dateTime as an instant (ms, fractional ms kept) and whether it carried a timezone. */
class DateTimeVal {
  constructor(
    readonly ms: number,
    readonly tz: boolean,
  ) {}
}
type Item = XNode | string | number | boolean | Untyped | QNameVal | DateTimeVal;
type Seq = Item[];

export interface Ctx {
  item: Item;
  pos: number;
  size: number;
  vars: Seq[];
  /** Lazily evaluated inline globals of this run. */
  globals: Map<string, Seq>;
  root: XNode;
}

type Fn = (c: Ctx) => Seq;

const XMLNS = 'http://www.w3.org/2000/xmlns/';

function isNode(i: Item): i is XNode {
  // Untyped, QNameVal and DateTimeVal have no nodeType
  return typeof i === 'object' && i !== null && (i as XNode).nodeType !== undefined;
}

/** @xmldom keeps the XML declaration as a processing instruction named `xml`; XPath has no such node. */
function isXmlDecl(n: XNode): boolean {
  return n.nodeType === 7 && n.nodeName.toLowerCase() === 'xml';
}

function stringValue(n: XNode): string {
  if (n.nodeType === 2) return n.value ?? '';
  if (n.nodeType === 9) {
    let s = '';
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) s += c.textContent ?? '';
    return s;
  }
  return n.textContent ?? '';
}

/** Atomize one item to a string-like value (string or untyped), refusing what needs XPath number formatting. */
function str(i: Item): string {
  if (typeof i === 'string') return i;
  if (i instanceof Untyped) return i.v;
  if (typeof i === 'boolean') return i ? 'true' : 'false';
  if (typeof i === 'number') throw NEEDFALLBACK;
  if (i instanceof QNameVal || i instanceof DateTimeVal) throw NEEDFALLBACK;
  return stringValue(i);
}

function atomize(s: Seq): Seq {
  return s.map((i) => (isNode(i) ? new Untyped(stringValue(i)) : i));
}

function single(s: Seq): Item | undefined {
  if (s.length > 1) throw NEEDFALLBACK; // XPTY0004 in XPath: let fontoxpath report it
  return s[0];
}

function optString(s: Seq): string {
  const i = single(s);
  return i === undefined ? '' : str(i);
}

export function ebv(s: Seq): boolean {
  if (s.length === 0) return false;
  const f = s[0] as Item;
  if (isNode(f)) return true;
  if (s.length > 1) throw NEEDFALLBACK;
  if (typeof f === 'boolean') return f;
  if (typeof f === 'string') return f.length > 0;
  if (f instanceof Untyped) return f.v.length > 0;
  if (typeof f === 'number') return f !== 0 && !Number.isNaN(f);
  throw NEEDFALLBACK;
}

function toDouble(v: string): number {
  const t = v.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (t === 'INF' || t === '+INF') return Infinity;
  if (t === '-INF') return -Infinity;
  if (t === 'NaN') return NaN;
  throw NEEDFALLBACK; // FORG0001
}

function numberFn(i: Item | undefined): number {
  if (i === undefined) return NaN;
  if (typeof i === 'number') return i;
  if (typeof i === 'boolean') return i ? 1 : 0;
  if (i instanceof QNameVal || i instanceof DateTimeVal) throw NEEDFALLBACK;
  const s = typeof i === 'string' ? i : i instanceof Untyped ? i.v : stringValue(i);
  try {
    return toDouble(s);
  } catch {
    return NaN;
  }
}

type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';

function cmpValues(op: Op, a: number | string, b: number | string): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function compareAtoms(op: Op, x: Item, y: Item): boolean {
  if (x instanceof QNameVal || y instanceof QNameVal) {
    if (!(x instanceof QNameVal && y instanceof QNameVal) || (op !== '=' && op !== '!=')) throw NEEDFALLBACK;
    const eq = x.uri === y.uri && x.local === y.local;
    return op === '=' ? eq : !eq;
  }
  if (typeof x === 'boolean' || typeof y === 'boolean') throw NEEDFALLBACK;
  const xu = x instanceof Untyped;
  const yu = y instanceof Untyped;
  if (typeof x === 'number' || typeof y === 'number') {
    const a = typeof x === 'number' ? x : xu ? toDouble((x as Untyped).v) : NaN;
    const b = typeof y === 'number' ? y : yu ? toDouble((y as Untyped).v) : NaN;
    if (typeof x === 'string' || typeof y === 'string') throw NEEDFALLBACK; // XPTY0004
    if (Number.isNaN(a) || Number.isNaN(b)) return op === '!=';
    return cmpValues(op, a, b);
  }
  const a = xu ? (x as Untyped).v : (x as string);
  const b = yu ? (y as Untyped).v : (y as string);
  if (op === '<' || op === '<=' || op === '>' || op === '>=') {
    // codepoint order (JS compares UTF-16 units; identical for the BMP)
    return cmpValues(op, a, b);
  }
  return cmpValues(op, a, b);
}

function generalCompare(op: Op, l: Seq, r: Seq): boolean {
  const a = atomize(l);
  const b = atomize(r);
  for (const x of a) for (const y of b) if (compareAtoms(op, x, y)) return true;
  return false;
}

// ---- node tests and axes ----

type NodeTest = (n: XNode) => boolean;

function children(n: XNode, test: NodeTest, out: XNode[]): void {
  for (let c = n.firstChild; c; c = c.nextSibling) if (test(c)) out.push(c);
}

function attributes(n: XNode, test: NodeTest, out: XNode[]): void {
  if (n.nodeType !== 1 || !n.attributes) return;
  const a = n.attributes;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as XNode;
    if (x.namespaceURI !== XMLNS && test(x)) out.push(x);
  }
}

function descendants(n: XNode, test: NodeTest, out: XNode[]): void {
  for (let c = n.firstChild; c; c = c.nextSibling) {
    if (test(c)) out.push(c);
    if (c.firstChild) descendants(c, test, out);
  }
}

function parentOf(n: XNode): XNode | null {
  return n.nodeType === 2 ? (n.ownerElement ?? null) : n.parentNode;
}

/**
 * Document-order positions, numbered once per tree on first need: sorting by them costs a map look-up per
 * comparison, where `compareDocumentPosition` (@xmldom's walks both ancestor chains) made sorting the node sets of
 * value-set look-ups the largest cost of a cold run. Trees are read-only while the rules run. Each tree gets its
 * own range, so nodes of different documents (`doc()`) keep a stable order, as XPath requires.
 */
const positions = new WeakMap<XNode, number>();
let treesNumbered = 0;
const TREE_RANGE = 2 ** 32;

function numberTree(n: XNode): void {
  let root = n;
  for (let p = parentOf(root); p; p = parentOf(p)) root = p;
  let next = ++treesNumbered * TREE_RANGE;
  const visit = (node: XNode): void => {
    positions.set(node, next++);
    const attrs = node.nodeType === 1 ? node.attributes : undefined;
    if (attrs) for (let i = 0; i < attrs.length; i++) positions.set(attrs[i] as XNode, next++);
    for (let c = node.firstChild; c; c = c.nextSibling) visit(c);
  };
  visit(root);
}

function positionOf(n: XNode): number | undefined {
  const known = positions.get(n);
  if (known !== undefined) return known;
  numberTree(n);
  return positions.get(n);
}

function docOrder(nodes: XNode[]): XNode[] {
  const uniq = [...new Set(nodes)];
  if (uniq.length < 2) return uniq;
  const keys = new Map<XNode, number>();
  for (const n of uniq) {
    const k = positionOf(n);
    if (k === undefined) return sortByComparison(uniq); // not reachable from its root: ask the DOM
    keys.set(n, k);
  }
  return uniq.sort((a, b) => (keys.get(a) as number) - (keys.get(b) as number));
}

function sortByComparison(uniq: XNode[]): XNode[] {
  return uniq.sort((a, b) => {
    const p = a.compareDocumentPosition?.(b) ?? 0;
    if (p & 4) return -1; // b follows a
    if (p & 2) return 1;
    return 0;
  });
}

type Axis =
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

function axisNodes(axis: Axis, n: XNode, test: NodeTest): XNode[] {
  const out: XNode[] = [];
  switch (axis) {
    case 'child':
      children(n, test, out);
      break;
    case 'attribute':
      attributes(n, test, out);
      break;
    case 'self':
      if (test(n)) out.push(n);
      break;
    case 'parent': {
      const p = parentOf(n);
      if (p && test(p)) out.push(p);
      break;
    }
    case 'descendant':
      descendants(n, test, out);
      break;
    case 'descendant-or-self':
      if (test(n)) out.push(n);
      descendants(n, test, out);
      break;
    case 'ancestor':
    case 'ancestor-or-self': {
      const chain: XNode[] = [];
      for (let p = axis === 'ancestor' ? parentOf(n) : n; p; p = parentOf(p)) if (test(p)) chain.push(p);
      out.push(...chain); // reverse axis: nearest first (positions count from the node)
      break;
    }
    case 'following-sibling':
      if (n.nodeType !== 2) for (let s = n.nextSibling; s; s = s.nextSibling) if (test(s)) out.push(s);
      break;
    case 'preceding-sibling':
      if (n.nodeType !== 2)
        for (let s = n.previousSibling; s; s = s.previousSibling) if (test(s)) out.push(s);
      break;
  }
  return out;
}

const REVERSE = new Set<Axis>(['parent', 'ancestor', 'ancestor-or-self', 'preceding-sibling']);

// ---- parser / compiler ----

export interface Scope {
  namespaces: Record<string, string>;
  /** Visible rule-level lets: name → slot. */
  lets: Map<string, number>;
  /** Global variables with a literal string value. */
  literalGlobals: Record<string, string>;
  /** Global variables compiled for the fast path (evaluated once per run, on the document node). */
  globalFns: Map<string, Fn | null>;
  /** Compile a global on demand (null when it cannot be compiled). */
  compileGlobal(name: string): Fn | null | undefined;
}

const FN_KEYWORDS = new Set([
  'if',
  'for',
  'some',
  'every',
  'let',
  'return',
  'then',
  'else',
  'satisfies',
  'in',
]);
const KIND_TESTS = new Set([
  'node',
  'text',
  'comment',
  'processing-instruction',
  'element',
  'attribute',
  'document-node',
  'schema-element',
  'schema-attribute',
]);

const STICKY = new Map<string, RegExp>();

class P {
  i = 0;
  constructor(
    readonly s: string,
    readonly scope: Scope,
  ) {}

  ws(): void {
    for (;;) {
      let c = this.s.charCodeAt(this.i);
      while (c === 32 || c === 10 || c === 13 || c === 9) c = this.s.charCodeAt(++this.i);
      if (this.s.startsWith('(:', this.i)) throw UNSUPPORTED;
      return;
    }
  }

  /** Match a regex at the current position without copying the rest of the text. */
  at(re: RegExp): RegExpExecArray | null {
    let sticky = STICKY.get(re.source);
    if (!sticky) {
      sticky = new RegExp(re.source.replace(/^\^/, ''), `${re.flags}y`);
      STICKY.set(re.source, sticky);
    }
    sticky.lastIndex = this.i;
    return sticky.exec(this.s);
  }
  peek(t: string): boolean {
    this.ws();
    return this.s.startsWith(t, this.i);
  }
  eat(t: string): boolean {
    if (this.peek(t)) {
      this.i += t.length;
      return true;
    }
    return false;
  }
  expect(t: string): void {
    if (!this.eat(t)) throw UNSUPPORTED;
  }
  kw(k: string): boolean {
    this.ws();
    if (this.s.startsWith(k, this.i) && !/[\w.\-:]/.test(this.s[this.i + k.length] ?? '')) {
      // a keyword is not followed by '(' for function-like names (e.g. an element named `or`)
      this.i += k.length;
      return true;
    }
    return false;
  }

  top(): Fn {
    const e = this.expr();
    this.ws();
    if (this.i !== this.s.length) throw UNSUPPORTED;
    return e;
  }

  expr(): Fn {
    const parts = [this.exprSingle()];
    while (this.eat(',')) parts.push(this.exprSingle());
    if (parts.length === 1) return parts[0] as Fn;
    return (c) => parts.flatMap((p) => p(c));
  }

  exprSingle(): Fn {
    this.ws();
    const save = this.i;
    if (this.kw('if')) {
      if (!this.peek('(')) {
        this.i = save;
      } else {
        this.expect('(');
        const cond = this.expr();
        this.expect(')');
        if (!this.kw('then')) throw UNSUPPORTED;
        const a = this.exprSingle();
        if (!this.kw('else')) throw UNSUPPORTED;
        const b = this.exprSingle();
        return (c) => (ebv(cond(c)) ? a(c) : b(c));
      }
    }
    for (const k of ['for', 'some', 'every', 'let']) {
      const s2 = this.i;
      if (this.kw(k) && this.peek('$')) {
        if (k === 'let') throw UNSUPPORTED;
        return this.quantified(k as 'for' | 'some' | 'every');
      }
      this.i = s2;
    }
    return this.or();
  }

  private nextSlot = 256;

  quantified(kind: 'for' | 'some' | 'every'): Fn {
    const bindings: Array<{ slot: number; seq: Fn }> = [];
    const saved = this.scope.lets;
    const lets = new Map(saved);
    do {
      this.expect('$');
      const end = readName(this.s, this.i);
      if (end === this.i) throw UNSUPPORTED;
      const name = this.s.slice(this.i, end);
      this.i = end;
      if (!this.kw('in')) throw UNSUPPORTED;
      this.scope.lets = lets;
      const seq = this.exprSingle();
      const slot = this.nextSlot++;
      lets.set(name, slot);
      bindings.push({ slot, seq });
    } while (this.eat(','));
    if (!this.kw(kind === 'for' ? 'return' : 'satisfies')) throw UNSUPPORTED;
    this.scope.lets = lets;
    const body = this.exprSingle();
    this.scope.lets = saved;
    const loop = (c: Ctx, k: number, visit: () => boolean): boolean => {
      if (k === bindings.length) return visit();
      const b = bindings[k] as { slot: number; seq: Fn };
      for (const item of b.seq(c)) {
        c.vars[b.slot] = [item];
        if (loop(c, k + 1, visit)) return true;
      }
      return false;
    };
    if (kind === 'for') {
      return (c) => {
        const out: Seq = [];
        loop(c, 0, () => {
          out.push(...body(c));
          return false;
        });
        return out;
      };
    }
    if (kind === 'some') return (c) => [loop(c, 0, () => ebv(body(c)))];
    return (c) => [!loop(c, 0, () => !ebv(body(c)))];
  }

  or(): Fn {
    let a = this.and();
    while (this.kw('or')) {
      const l = a;
      const r = this.and();
      a = bool((c) => [ebv(l(c)) || ebv(r(c))]);
    }
    return a;
  }

  and(): Fn {
    let a = this.comparison();
    while (this.kw('and')) {
      const l = a;
      const r = this.comparison();
      a = bool((c) => [ebv(l(c)) && ebv(r(c))]);
    }
    return a;
  }

  comparison(): Fn {
    const a = this.additive();
    this.ws();
    let op: Op | undefined;
    for (const o of ['!=', '<=', '>=', '=', '<', '>'] as const) {
      if (this.s.startsWith(o, this.i)) {
        op = o;
        this.i += o.length;
        break;
      }
    }
    if (!op) {
      // keywords that may follow an operand here all start with one of these letters
      if (!/[eniltgc]/.test(this.s[this.i] ?? '')) return a;
      for (const [k, vop] of [
        ['eq', '='],
        ['ne', '!='],
        ['lt', '<'],
        ['le', '<='],
        ['gt', '>'],
        ['ge', '>='],
      ] as const) {
        if (this.kw(k)) {
          const b = this.additive();
          return (c) => {
            const x = single(atomize(a(c)));
            const y = single(atomize(b(c)));
            if (x === undefined || y === undefined) return [];
            if (x instanceof DateTimeVal || y instanceof DateTimeVal) {
              // instants compare exactly when both or neither carry a timezone (else the implicit one matters)
              if (!(x instanceof DateTimeVal && y instanceof DateTimeVal) || x.tz !== y.tz)
                throw NEEDFALLBACK;
              return [compareAtoms(vop, x.ms, y.ms)];
            }
            const xv = x instanceof Untyped ? x.v : x;
            const yv = y instanceof Untyped ? y.v : y;
            if (typeof xv !== typeof yv || (typeof xv !== 'string' && typeof xv !== 'number'))
              throw NEEDFALLBACK;
            return [compareAtoms(vop, xv, yv)];
          };
        }
      }
      for (const k of ['is', 'instance', 'cast', 'treat', 'to']) {
        const save = this.i;
        if (this.kw(k)) throw UNSUPPORTED;
        this.i = save;
      }
      return a;
    }
    const b = this.additive();
    const o = op;
    return bool((c) => [generalCompare(o, a(c), b(c))]);
  }

  additive(): Fn {
    let a = this.multiplicative();
    for (;;) {
      this.ws();
      const ch = this.s[this.i];
      if (ch === '+' || (ch === '-' && !/[\w]/.test(this.s[this.i - 1] ?? ''))) {
        this.i++;
        const l = a;
        const r = this.multiplicative();
        const plus = ch === '+';
        a = (c) => arith(l(c), r(c), (x, y) => (plus ? x + y : x - y));
      } else return a;
    }
  }

  multiplicative(): Fn {
    let a = this.union();
    for (;;) {
      this.ws();
      let f: ((x: number, y: number) => number) | undefined;
      if (this.s[this.i] === '*') {
        this.i++;
        f = (x, y) => x * y;
      } else if (this.kw('div')) f = (x, y) => x / y;
      else if (this.kw('mod')) f = (x, y) => x % y;
      else if (this.kw('idiv')) throw UNSUPPORTED;
      if (!f) return a;
      const l = a;
      const r = this.union();
      const g = f;
      a = (c) => arith(l(c), r(c), g);
    }
  }

  union(): Fn {
    let a = this.intersectExcept();
    for (;;) {
      this.ws();
      if (this.s[this.i] === '|' || this.kw('union')) {
        if (this.s[this.i] === '|') this.i++;
        const l = a;
        const r = this.intersectExcept();
        a = (c) => {
          const x = l(c);
          const y = r(c);
          if (!x.every(isNode) || !y.every(isNode)) throw NEEDFALLBACK;
          return docOrder([...(x as XNode[]), ...(y as XNode[])]);
        };
      } else return a;
    }
  }

  intersectExcept(): Fn {
    let a = this.castable();
    for (;;) {
      const except = this.kw('except');
      if (!except && !this.kw('intersect')) return a;
      const l = a;
      const r = this.castable();
      a = (c) => {
        const x = l(c);
        const y = r(c);
        if (!x.every(isNode) || !y.every(isNode)) throw NEEDFALLBACK;
        const ys = new Set(y);
        return docOrder((x as XNode[]).filter((n) => (except ? !ys.has(n) : ys.has(n))));
      };
    }
  }

  castable(): Fn {
    const a = this.unary();
    if (!this.kw('castable')) return a;
    if (!this.kw('as')) throw UNSUPPORTED;
    this.ws();
    const m = this.at(/^xs:(integer|decimal|dateTime|date|anyURI)(\s*\?)?/);
    if (!m) throw UNSUPPORTED;
    this.i += m[0].length;
    const optional = !!m[2];
    const re =
      m[1] === 'integer'
        ? /^\s*[+-]?\d+\s*$/
        : m[1] === 'decimal'
          ? /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/
          : m[1] === 'anyURI'
            ? { test: () => true } // XSD 1.1 and Saxon accept any string as xs:anyURI (fontoxpath too)
            : { test: m[1] === 'date' ? isXsDate : isXsDateTime };
    return (c) => {
      const v = atomize(a(c));
      if (v.length === 0) return [optional];
      if (v.length > 1) return [false];
      const x = v[0] as Item;
      if (typeof x !== 'string' && !(x instanceof Untyped)) throw NEEDFALLBACK;
      return [re.test(str(x))];
    };
  }

  unary(): Fn {
    this.ws();
    if (this.s[this.i] === '-' || this.s[this.i] === '+') throw UNSUPPORTED;
    return this.path();
  }

  path(): Fn {
    this.ws();
    if (this.s.startsWith('//', this.i)) {
      this.i += 2;
      const rest = this.relative(true);
      return (c) => rest([rootOf(c)]);
    }
    if (this.s[this.i] === '/') {
      this.i++;
      this.ws();
      // `/` alone
      const nxt = this.s[this.i];
      if (nxt === undefined || /[)\],=!<>|]/.test(nxt) || this.peekKeyword()) return (c) => [rootOf(c)];
      const rest = this.relative(false);
      return (c) => rest([rootOf(c)]);
    }
    // relative path: first step can be a filter expression
    const first = this.step(true);
    const rest = this.continuation(first.nested);
    return (c) => {
      const base =
        first.kind === 'filter'
          ? filterPreds(first.fn(c), first.preds, false, c)
          : applyStep(first, [c.item]);
      return rest ? rest(base) : base;
    };
  }

  peekKeyword(): boolean {
    const save = this.i;
    for (const k of ['and', 'or', 'div', 'mod', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'then', 'else']) {
      if (this.kw(k)) {
        this.i = save;
        return true;
      }
    }
    return false;
  }

  /** Steps after a leading `/` or `//` (applied to a node list). */
  relative(descendant: boolean): (input: Seq) => Seq {
    const first = this.step(false);
    const rest = this.continuation(true);
    return (input) => {
      const out = descendant ? descendantStep(first, input) : applyStep(first, input);
      return rest ? rest(out) : out;
    };
  }

  continuation(nested: boolean): ((input: Seq) => Seq) | undefined {
    const steps: Array<{ step: StepC; desc: boolean }> = [];
    for (;;) {
      this.ws();
      if (this.s.startsWith('//', this.i)) {
        this.i += 2;
        steps.push({ step: this.step(false), desc: true });
      } else if (this.s[this.i] === '/') {
        this.i++;
        steps.push({ step: this.step(false), desc: false });
      } else break;
    }
    if (steps.length === 0) return undefined;
    return (input) => {
      let cur = input;
      let mayNest = nested;
      for (const { step, desc } of steps) {
        if (!cur.every(isNode)) throw NEEDFALLBACK;
        if (desc) {
          cur = descendantStep(step, cur);
          mayNest = true;
        } else cur = applyStep(step, cur, mayNest);
        if (step.nested) mayNest = true;
        if (cur.length === 0) break;
      }
      return cur;
    };
  }

  step(allowFilter: boolean): StepC {
    this.ws();
    const c = this.s[this.i];
    // filter expressions (primary + predicates)
    if (
      allowFilter ||
      c === '(' ||
      c === '$' ||
      c === '.' ||
      c === "'" ||
      c === '"' ||
      /[0-9A-Za-z_]/.test(c ?? '')
    ) {
      const prim = this.primary(allowFilter);
      if (prim) {
        const preds = this.predicates();
        return { kind: 'filter', fn: prim.fn, preds, nested: prim.nested };
      }
    }
    // axis step
    let axis: Axis = 'child';
    if (this.s.startsWith('..', this.i)) {
      this.i += 2;
      return { kind: 'axis', axis: 'parent', test: () => true, preds: this.predicates(), nested: true };
    }
    if (this.s[this.i] === '@') {
      this.i++;
      axis = 'attribute';
    } else {
      const m = this.at(/^([a-z-]+)\s*::/);
      if (m) {
        const a = m[1] as Axis;
        if (
          ![
            'child',
            'attribute',
            'self',
            'parent',
            'descendant',
            'descendant-or-self',
            'ancestor',
            'ancestor-or-self',
            'following-sibling',
            'preceding-sibling',
          ].includes(a)
        ) {
          throw UNSUPPORTED;
        }
        axis = a;
        this.i += m[0].length;
      }
    }
    const test = this.nodeTest(axis);
    const preds = this.predicates();
    return {
      kind: 'axis',
      axis,
      test,
      preds,
      nested: axis !== 'child' && axis !== 'attribute' && axis !== 'self',
    };
  }

  nodeTest(axis: Axis): NodeTest {
    this.ws();
    const principal = axis === 'attribute' ? 2 : 1;
    const m = this.at(/^(node|text|comment|processing-instruction)\s*\(\s*\)/);
    if (m) {
      this.i += m[0].length;
      switch (m[1]) {
        case 'node':
          return (n) => !isXmlDecl(n);
        case 'text':
          return (n) => n.nodeType === 3 || n.nodeType === 4;
        case 'comment':
          return (n) => n.nodeType === 8;
        default:
          return (n) => n.nodeType === 7 && !isXmlDecl(n);
      }
    }
    if (this.s[this.i] === '*') {
      this.i++;
      if (this.s[this.i] === ':') {
        const end = readName(this.s, this.i + 1, false);
        if (end === this.i + 1) throw UNSUPPORTED;
        const local = this.s.slice(this.i + 1, end);
        this.i = end;
        return (n) => n.nodeType === principal && n.localName === local;
      }
      return (n) => n.nodeType === principal;
    }
    const end = readName(this.s, this.i, false);
    if (end === this.i) throw UNSUPPORTED;
    const first = this.s.slice(this.i, end);
    this.i = end;
    let uri: string | null = null;
    let local = first;
    if (this.s[this.i] === ':' && this.s[this.i + 1] === '*') {
      this.i += 2;
      const u = this.scope.namespaces[first];
      if (u === undefined) throw UNSUPPORTED;
      return (n) => n.nodeType === principal && (n.namespaceURI ?? null) === (u || null);
    }
    if (this.s[this.i] === ':' && this.s[this.i + 1] !== ':') {
      const end2 = readName(this.s, this.i + 1, false);
      if (end2 === this.i + 1) throw UNSUPPORTED;
      const u = this.scope.namespaces[first];
      if (u === undefined) throw UNSUPPORTED;
      uri = u || null;
      local = this.s.slice(this.i + 1, end2);
      this.i = end2;
    }
    this.ws();
    if (this.s[this.i] === '(') throw UNSUPPORTED; // function call in step position
    if (KIND_TESTS.has(local) && this.s[this.i] === '(') throw UNSUPPORTED;
    const ns = uri;
    return (n) => n.nodeType === principal && n.localName === local && (n.namespaceURI ?? null) === ns;
  }

  predicates(): Pred[] {
    const out: Pred[] = [];
    while (this.eat('[')) {
      this.ws();
      const m = this.at(/^(\d+)\s*\]/);
      if (m) {
        this.i += m[0].length;
        const n = Number(m[1]);
        out.push({ fn: () => [n], literal: n });
        continue;
      }
      const e = this.expr();
      this.expect(']');
      out.push({ fn: e, bool: BOOL.has(e) });
    }
    return out;
  }

  primary(allowFilter: boolean): { fn: Fn; nested: boolean } | undefined {
    this.ws();
    const c = this.s[this.i];
    if (c === "'" || c === '"') {
      let j = this.i + 1;
      let v = '';
      for (;;) {
        if (j >= this.s.length) throw UNSUPPORTED;
        if (this.s[j] === c) {
          if (this.s[j + 1] === c) {
            v += c;
            j += 2;
            continue;
          }
          break;
        }
        v += this.s[j];
        j++;
      }
      this.i = j + 1;
      const val = v;
      return { fn: () => [val], nested: false };
    }
    if (c !== undefined && /[0-9]/.test(c)) {
      const m = this.at(/^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/);
      if (!m) throw UNSUPPORTED;
      this.i += m[0].length;
      const n = Number(m[0]);
      return { fn: () => [n], nested: false };
    }
    if (c === '$') {
      this.i++;
      this.ws();
      const end = readName(this.s, this.i);
      if (end === this.i) throw UNSUPPORTED;
      const name = this.s.slice(this.i, end);
      this.i = end;
      return { fn: this.variable(name), nested: true };
    }
    if (c === '(') {
      this.i++;
      if (this.eat(')')) return { fn: () => [], nested: false };
      const e = this.expr();
      this.expect(')');
      return { fn: e, nested: true };
    }
    if (c === '.' && this.s[this.i + 1] !== '.') {
      this.i++;
      return { fn: (cx) => [cx.item], nested: false };
    }
    if (c === undefined || !/[A-Za-z_]/.test(c)) return undefined;
    void allowFilter;
    // function call?
    const end = readName(this.s, this.i);
    if (end === this.i) return undefined;
    const name = this.s.slice(this.i, end);
    let k = end;
    while (k < this.s.length && /\s/.test(this.s[k] as string)) k++;
    if (this.s[k] !== '(' || KIND_TESTS.has(name) || FN_KEYWORDS.has(name)) return undefined;
    this.i = k + 1;
    const args: Fn[] = [];
    if (!this.eat(')')) {
      args.push(this.exprSingle());
      while (this.eat(',')) args.push(this.exprSingle());
      this.expect(')');
    }
    return { fn: this.call(name.startsWith('fn:') ? name.slice(3) : name, args), nested: true };
  }

  variable(name: string): Fn {
    const slot = this.scope.lets.get(name);
    if (slot !== undefined && slot < 0) throw UNSUPPORTED; // a let the fast path could not compile
    if (slot !== undefined) return (c) => c.vars[slot] as Seq;
    if (Object.hasOwn(this.scope.literalGlobals, name)) {
      const v = this.scope.literalGlobals[name] as string;
      return () => [v];
    }
    const g = this.scope.compileGlobal(name);
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

  call(name: string, args: Fn[]): Fn {
    const n = args.length;
    const a0 = args[0] as Fn;
    const a1 = args[1] as Fn;
    const a2 = args[2] as Fn;
    const ctxItem = (c: Ctx): Seq => [c.item];
    const arg0 = n === 0 ? ctxItem : a0;
    const need = (ok: boolean) => {
      if (!ok) throw UNSUPPORTED;
    };
    switch (name) {
      case 'not':
        need(n === 1);
        return bool((c) => [!ebv(a0(c))]);
      case 'boolean':
        need(n === 1);
        return (c) => [ebv(a0(c))];
      case 'true':
        need(n === 0);
        return () => [true];
      case 'false':
        need(n === 0);
        return () => [false];
      case 'count':
        need(n === 1);
        return (c) => [a0(c).length];
      case 'empty':
        need(n === 1);
        return (c) => [a0(c).length === 0];
      case 'exists':
        need(n === 1);
        return (c) => [a0(c).length > 0];
      case 'string':
        need(n <= 1);
        return (c) => [optString(arg0(c))];
      case 'string-length':
        need(n <= 1);
        return (c) => [[...optString(arg0(c))].length];
      case 'normalize-space':
        need(n <= 1);
        return (c) => [
          optString(arg0(c))
            .replace(/[ \t\n\r]+/g, ' ')
            .replace(/^ | $/g, ''),
        ];
      case 'upper-case':
        need(n === 1);
        return (c) => [optString(a0(c)).toUpperCase()];
      case 'lower-case':
        need(n === 1);
        return (c) => [optString(a0(c)).toLowerCase()];
      case 'contains':
        need(n === 2);
        return (c) => [optString(a0(c)).includes(optString(a1(c)))];
      case 'starts-with':
        need(n === 2);
        return (c) => [optString(a0(c)).startsWith(optString(a1(c)))];
      case 'ends-with':
        need(n === 2);
        return (c) => [optString(a0(c)).endsWith(optString(a1(c)))];
      case 'substring-before':
        need(n === 2);
        return (c) => {
          const s = optString(a0(c));
          const t = optString(a1(c));
          const k = s.indexOf(t);
          return [k < 0 ? '' : s.slice(0, k)];
        };
      case 'substring-after':
        need(n === 2);
        return (c) => {
          const s = optString(a0(c));
          const t = optString(a1(c));
          const k = s.indexOf(t);
          return [k < 0 ? '' : s.slice(k + t.length)];
        };
      case 'substring':
        need(n === 2 || n === 3);
        return (c) => {
          const s = [...optString(a0(c))];
          const start = numArg(a1(c));
          const len = n === 3 ? numArg(a2(c)) : Infinity;
          const from = xround(start);
          const to = n === 3 ? from + xround(len) : Infinity;
          let out = '';
          for (let p = 1; p <= s.length; p++) if (p >= from && p < to) out += s[p - 1];
          return [out];
        };
      case 'concat':
        need(n >= 2);
        return (c) => [args.map((f) => optString(f(c))).join('')];
      case 'translate':
        need(n === 3);
        return (c) => {
          const s = [...optString(a0(c))];
          const from = [...optString(a1(c))];
          const to = [...optString(a2(c))];
          let out = '';
          for (const ch of s) {
            const k = from.indexOf(ch);
            if (k < 0) out += ch;
            else if (k < to.length) out += to[k];
          }
          return [out];
        };
      case 'string-join':
        need(n === 2);
        return (c) => [
          a0(c)
            .map(str)
            .join(optString(a1(c))),
        ];
      case 'local-name':
      case 'name':
      case 'namespace-uri':
        need(n <= 1);
        return (c) => {
          const i = single(arg0(c));
          if (i === undefined) return [''];
          if (!isNode(i)) throw NEEDFALLBACK;
          if (name === 'namespace-uri') return [i.namespaceURI ?? ''];
          if (i.nodeType === 1 || i.nodeType === 2)
            return [name === 'name' ? i.nodeName : (i.localName ?? '')];
          return [''];
        };
      case 'matches':
        need(n === 2 || n === 3);
        return (c) => [xpathMatches(optString(a0(c)), strArg(a1(c)), n === 3 ? strArg(a2(c)) : '')];
      case 'replace':
        need(n === 3 || n === 4);
        return (c) => [
          xpathReplace(
            optString(a0(c)),
            strArg(a1(c)),
            strArg(a2(c)),
            n === 4 ? strArg(args[3] as Fn)(c) : '',
          ),
        ];
      case 'tokenize':
        need(n === 2 || n === 3);
        return (c) => xpathTokenize(optString(a0(c)), strArg(a1(c)), n === 3 ? strArg(a2(c)) : '');
      case 'distinct-values':
        need(n === 1);
        return (c) => {
          const seen = new Set<string>();
          const out: Seq = [];
          for (const i of atomize(a0(c))) {
            if (typeof i !== 'string' && !(i instanceof Untyped)) throw NEEDFALLBACK;
            const v = str(i);
            if (!seen.has(v)) {
              seen.add(v);
              out.push(i);
            }
          }
          return out;
        };
      case 'xs:dateTime':
        need(n === 1);
        return (c) => {
          const v = single(atomize(a0(c)));
          if (v === undefined) return [];
          if (typeof v !== 'string' && !(v instanceof Untyped)) throw NEEDFALLBACK;
          const d = parseDateTime(str(v));
          if (!d) throw NEEDFALLBACK; // FORG0001, reported by fontoxpath
          return [d];
        };
      case 'iri-to-uri':
        need(n === 1);
        return (c) => [iriToUri(optString(a0(c)))];
      case 'number':
        need(n <= 1);
        return (c) => [numberFn(single(arg0(c)))];
      case 'doc':
      case 'document':
        need(n === 1);
        return (c) => {
          const u = a0(c);
          if (u.length === 0) return [];
          if (name === 'doc' && u.length > 1) throw NEEDFALLBACK;
          const docs: XNode[] = [];
          for (const i of u) {
            const d = docForFunction(str(i));
            if (!d) throw NEEDFALLBACK; // FODC0002, reported by the fontoxpath path
            docs.push(d as unknown as XNode);
          }
          return [...new Set(docs)];
        };
      case 'doc-available':
        need(n === 1);
        return (c) => {
          const u = single(a0(c));
          return [u === undefined ? false : docAvailable(str(u))];
        };
      case 'current':
        need(n === 0);
        return () => {
          const cur = currentNode();
          return cur ? [cur as unknown as XNode] : [];
        };
      case 'position':
        need(n === 0);
        return (c) => [c.pos];
      case 'last':
        need(n === 0);
        return (c) => [c.size];
      case 'QName':
        need(n === 2);
        return (c) => {
          const uri = optString(a0(c));
          const lex = strArg(a1(c));
          const k = lex.indexOf(':');
          if (!/^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/.test(lex) || (k > 0 && uri === ''))
            throw NEEDFALLBACK;
          return [new QNameVal(uri, k < 0 ? lex : lex.slice(k + 1))];
        };
      case 'resolve-QName':
        need(n === 2);
        return (c) => {
          const q = single(a0(c));
          if (q === undefined) return [];
          const el = single(a1(c));
          if (!el || !isNode(el) || el.nodeType !== 1) throw NEEDFALLBACK;
          const lex = str(q);
          if (!/^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/.test(lex)) throw NEEDFALLBACK;
          const k = lex.indexOf(':');
          const prefix = k < 0 ? '' : lex.slice(0, k);
          const uri = lookupNs(el, prefix);
          if (uri === undefined) throw NEEDFALLBACK;
          return [new QNameVal(uri, k < 0 ? lex : lex.slice(k + 1))];
        };
      case 'local-name-from-QName':
      case 'namespace-uri-from-QName':
        need(n === 1);
        return (c) => {
          const q = single(a0(c));
          if (q === undefined) return [];
          if (!(q instanceof QNameVal)) throw NEEDFALLBACK;
          return [name === 'local-name-from-QName' ? q.local : q.uri];
        };
      default:
        throw UNSUPPORTED;
    }
  }
}

/** fn:iri-to-uri: percent-encode what a URI cannot hold (space, "<>\\^`{|}, controls, non-ASCII). */
function iriToUri(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp <= 0x20 || cp >= 0x7f || '"<>\\^`{|}'.includes(ch)) {
      for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    } else out += ch;
  }
  return out;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const TZ = '(Z|[+-](\\d{2}):(\\d{2}))?';

function validTz(h?: string, m?: string): boolean {
  if (h === undefined) return true;
  const hh = Number(h);
  const mm = Number(m);
  return mm <= 59 && (hh < 14 || (hh === 14 && mm === 0));
}

function validDate(y: string, mo: string, d: string): boolean {
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  // year 0000 is accepted, as Saxon 9.9 does (XSD 1.1 / ISO 8601 astronomical years)
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(Math.abs(year), month);
}

const DATE_RE = new RegExp(`^\\s*(-?\\d{4,})-(\\d{2})-(\\d{2})${TZ}\\s*$`);
const DATETIME_RE = new RegExp(
  `^\\s*(-?\\d{4,})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?${TZ}\\s*$`,
);

/** Lexical and value check of xs:date, as Saxon 9.9 applies it. */
function isXsDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  if (/^-?0\d{4,}/.test(m[1] as string)) return false; // no leading zero beyond 4 digits
  return validDate(m[1] as string, m[2] as string, m[3] as string) && validTz(m[5], m[6]);
}

/** Parse a valid xs:dateTime (years 1–9999 only; others go to fontoxpath). */
function parseDateTime(s: string): DateTimeVal | undefined {
  if (!isXsDateTime(s)) return undefined;
  const m = DATETIME_RE.exec(s) as RegExpExecArray;
  const year = Number(m[1]);
  if (year < 1 || year > 9999) return undefined;
  let ms = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (year < 100) {
    const d = new Date(ms);
    d.setUTCFullYear(year);
    ms = d.getTime();
  }
  if (m[7]) ms += Number(m[7]) * 1000;
  const tz = m[8] !== undefined;
  if (tz && m[8] !== 'Z') {
    const sign = (m[8] as string)[0] === '-' ? -1 : 1;
    ms -= sign * (Number(m[9]) * 60 + Number(m[10])) * 60000;
  }
  return new DateTimeVal(ms, tz);
}

/** Lexical and value check of xs:dateTime (24:00:00 allowed). */
function isXsDateTime(s: string): boolean {
  const m = DATETIME_RE.exec(s);
  if (!m) return false;
  if (/^-?0\d{4,}/.test(m[1] as string)) return false;
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const sec = Number(m[6]);
  const frac = m[7] ? Number(m[7]) : 0;
  const timeOk = (h < 24 && mi <= 59 && sec <= 59) || (h === 24 && mi === 0 && sec === 0 && frac === 0);
  return timeOk && validDate(m[1] as string, m[2] as string, m[3] as string) && validTz(m[9], m[10]);
}

function strArg(f: Fn): (c: Ctx) => string;
function strArg(s: Seq): string;
function strArg(x: Fn | Seq): string | ((c: Ctx) => string) {
  if (typeof x === 'function') return (c: Ctx) => strArg(x(c));
  const i = single(x);
  if (i === undefined) throw NEEDFALLBACK;
  return str(i);
}

function numArg(s: Seq): number {
  const i = single(s);
  if (i === undefined) throw NEEDFALLBACK;
  if (typeof i === 'number') return i;
  throw NEEDFALLBACK;
}

function xround(x: number): number {
  if (!Number.isFinite(x)) return x;
  return Math.floor(x + 0.5);
}

function lookupNs(el: XNode, prefix: string): string | undefined {
  if (prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
  const want = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
  for (let n: XNode | null = el; n && n.nodeType === 1; n = n.parentNode) {
    const a = n.attributes;
    if (!a) continue;
    for (let i = 0; i < a.length; i++)
      if ((a[i] as XNode).nodeName === want) return (a[i] as XNode).value ?? '';
  }
  return prefix === '' ? '' : undefined;
}

function arith(l: Seq, r: Seq, f: (x: number, y: number) => number): Seq {
  const x = single(atomize(l));
  const y = single(atomize(r));
  if (x === undefined || y === undefined) return [];
  const a = typeof x === 'number' ? x : x instanceof Untyped ? toDouble(x.v) : NaN;
  const b = typeof y === 'number' ? y : y instanceof Untyped ? toDouble(y.v) : NaN;
  if (typeof x !== 'number' && !(x instanceof Untyped)) throw NEEDFALLBACK;
  if (typeof y !== 'number' && !(y instanceof Untyped)) throw NEEDFALLBACK;
  return [f(a, b)];
}

function rootOf(c: Ctx): XNode {
  const i = c.item;
  if (!isNode(i)) throw NEEDFALLBACK;
  let n: XNode = i;
  for (let p = parentOf(n); p; p = parentOf(p)) n = p;
  if (n.nodeType !== 9) throw NEEDFALLBACK;
  return n;
}

function descOrSelf(input: Seq): XNode[] {
  const out: XNode[] = [];
  for (const i of input) {
    if (!isNode(i)) throw NEEDFALLBACK;
    out.push(i);
    descendants(i, () => true, out);
  }
  return input.length > 1 ? docOrder(out) : out;
}

/** A predicate; `bool` when it always yields a boolean (never positional), so it can filter a flat list. */
type Pred = { fn: Fn; literal?: number; bool?: boolean };

type StepC =
  | { kind: 'filter'; fn: Fn; preds: Pred[]; nested: boolean }
  | { kind: 'axis'; axis: Axis; test: NodeTest; preds: Pred[]; nested: boolean };

/** Closures known to return one boolean. */
const BOOL = new WeakSet<Fn>();
function bool(f: Fn): Fn {
  BOOL.add(f);
  return f;
}

/** `//step` results from a document node: per run for the validated document, per process for value sets. */
const auxDescendants = new WeakMap<XNode, Map<StepC, Seq>>();

/**
 * `input//step`. From a single document node, with a child-axis step whose predicates are all boolean, the
 * answer is the document-order list of matching descendants filtered by the predicates; without predicates it is
 * memoised (`//hl7:ClinicalDocument/…` appears in many asserts).
 */
function descendantStep(step: StepC, input: Seq): Seq {
  const base = currentCtx as Ctx;
  const one = input.length === 1 ? (input[0] as XNode) : undefined;
  if (
    one &&
    one.nodeType === 9 &&
    step.kind === 'axis' &&
    step.axis === 'child' &&
    step.preds.every((p) => p.bool)
  ) {
    let memo: Map<StepC, Seq> | undefined;
    let nodes: Seq | undefined;
    const predFree = step.preds.length === 0;
    // predicates may read variables or current(): only predicate-free steps are memoised
    if (predFree && one === base.root) {
      let m = base.globals.get(MEMO_KEY) as unknown as Map<StepC, Seq> | undefined;
      if (!m) {
        m = new Map();
        base.globals.set(MEMO_KEY, m as unknown as Seq);
      }
      memo = m;
    } else if (predFree) {
      memo = auxDescendants.get(one);
      if (!memo) {
        memo = new Map();
        auxDescendants.set(one, memo);
      }
    }
    nodes = memo?.get(step);
    if (!nodes) {
      const all: XNode[] = [];
      descendants(one, step.test, all);
      nodes = step.preds.length ? filterPreds(all, step.preds, false, base) : all;
      memo?.set(step, nodes);
    }
    return nodes;
  }
  return applyStep(step, descOrSelf(input), true);
}

const MEMO_KEY = '\u0000descendants';

// The step applier needs the evaluation context of the enclosing expression for filter steps; it is passed
// through a module variable set by `run` (evaluation is synchronous).
let currentCtx: Ctx | null = null;

function filterPreds(items: Seq, preds: Pred[], reverse: boolean, base: Ctx): Seq {
  let cur = items;
  for (const p of preds) {
    if (p.literal !== undefined) {
      const k = p.literal;
      const pick = reverse ? cur[k - 1] : cur[k - 1];
      cur = pick === undefined ? [] : [pick];
      continue;
    }
    const out: Seq = [];
    const size = cur.length;
    for (let j = 0; j < size; j++) {
      const item = cur[j] as Item;
      const r = p.fn({ item, pos: j + 1, size, vars: base.vars, globals: base.globals, root: base.root });
      if (r.length === 1 && typeof r[0] === 'number') {
        if (r[0] === j + 1) out.push(item);
      } else if (ebv(r)) out.push(item);
    }
    cur = out;
  }
  return cur;
}

function applyStep(step: StepC, input: Seq, mayNest = false): Seq {
  const base = currentCtx as Ctx;
  if (step.kind === 'filter') {
    const out: Seq = [];
    for (const i of input) {
      const r = step.fn({
        item: i,
        pos: 1,
        size: 1,
        vars: base.vars,
        globals: base.globals,
        root: base.root,
      });
      out.push(...filterPreds(r, step.preds, false, base));
    }
    if (input.length > 1 && out.length > 1) {
      if (!out.every(isNode)) {
        if (out.some(isNode)) throw NEEDFALLBACK;
        return out;
      }
      return docOrder(out as XNode[]);
    }
    return out;
  }
  const reverse = REVERSE.has(step.axis);
  let out: XNode[] = [];
  for (const i of input) {
    if (!isNode(i)) throw NEEDFALLBACK;
    let nodes: Seq = axisNodes(step.axis, i, step.test);
    if (step.preds.length) nodes = filterPreds(nodes, step.preds, reverse, base);
    if (out.length === 0) out = nodes as XNode[];
    else for (const x of nodes) out.push(x as XNode);
  }
  if (reverse && out.length > 1) return docOrder(out);
  if (input.length > 1 && (mayNest || step.nested) && out.length > 1) return docOrder(out);
  return out;
}

/** A compiled expression: evaluate to a sequence, with the base context recorded for nested steps. */
export type Compiled = (c: Ctx) => Seq;

/** Compile an expression of the subset; throws {@link Unsupported} otherwise. */
export function compileJs(expr: string, scope: Scope): Compiled {
  const p = new P(expr, scope);
  const fn = p.top();
  return (c) => {
    const saved = currentCtx;
    currentCtx = c;
    try {
      return fn(c);
    } finally {
      currentCtx = saved;
    }
  };
}
