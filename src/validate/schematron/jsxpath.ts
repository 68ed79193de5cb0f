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
import { docForFunction, docAvailable, currentNode } from './functions.js';
import { xpathMatches, xpathReplace, xpathTokenize } from './regex.js';
import { readName } from './xpath-text.js';

export class Unsupported extends Error {}
export class NeedFallback extends Error {}

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
type Item = XNode | string | number | boolean | Untyped | QNameVal;
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
  return typeof i === 'object' && i !== null && !(i instanceof Untyped) && !(i instanceof QNameVal);
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
  if (typeof i === 'number') throw new NeedFallback();
  if (i instanceof QNameVal) throw new NeedFallback();
  return stringValue(i);
}

function atomize(s: Seq): Seq {
  return s.map((i) => (isNode(i) ? new Untyped(stringValue(i)) : i));
}

function single(s: Seq): Item | undefined {
  if (s.length > 1) throw new NeedFallback(); // XPTY0004 in XPath: let fontoxpath report it
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
  if (s.length > 1) throw new NeedFallback();
  if (typeof f === 'boolean') return f;
  if (typeof f === 'string') return f.length > 0;
  if (f instanceof Untyped) return f.v.length > 0;
  if (typeof f === 'number') return f !== 0 && !Number.isNaN(f);
  throw new NeedFallback();
}

function toDouble(v: string): number {
  const t = v.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (t === 'INF' || t === '+INF') return Infinity;
  if (t === '-INF') return -Infinity;
  if (t === 'NaN') return NaN;
  throw new NeedFallback(); // FORG0001
}

function numberFn(i: Item | undefined): number {
  if (i === undefined) return NaN;
  if (typeof i === 'number') return i;
  if (typeof i === 'boolean') return i ? 1 : 0;
  if (i instanceof QNameVal) throw new NeedFallback();
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
    if (!(x instanceof QNameVal && y instanceof QNameVal) || (op !== '=' && op !== '!=')) throw new NeedFallback();
    const eq = x.uri === y.uri && x.local === y.local;
    return op === '=' ? eq : !eq;
  }
  if (typeof x === 'boolean' || typeof y === 'boolean') throw new NeedFallback();
  const xu = x instanceof Untyped;
  const yu = y instanceof Untyped;
  if (typeof x === 'number' || typeof y === 'number') {
    const a = typeof x === 'number' ? x : xu ? toDouble((x as Untyped).v) : NaN;
    const b = typeof y === 'number' ? y : yu ? toDouble((y as Untyped).v) : NaN;
    if ((typeof x === 'string') || (typeof y === 'string')) throw new NeedFallback(); // XPTY0004
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

function docOrder(nodes: XNode[]): XNode[] {
  const uniq = [...new Set(nodes)];
  if (uniq.length < 2) return uniq;
  uniq.sort((a, b) => {
    if (a === b) return 0;
    const p = a.compareDocumentPosition?.(b) ?? 0;
    if (p & 4) return -1; // b follows a
    if (p & 2) return 1;
    return 0;
  });
  return uniq;
}

type Axis = 'child' | 'attribute' | 'self' | 'parent' | 'descendant' | 'descendant-or-self' | 'ancestor' | 'ancestor-or-self' | 'following-sibling' | 'preceding-sibling';

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
      if (n.nodeType !== 2) for (let s = n.previousSibling; s; s = s.previousSibling) if (test(s)) out.push(s);
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

const FN_KEYWORDS = new Set(['if', 'for', 'some', 'every', 'let', 'return', 'then', 'else', 'satisfies', 'in']);
const KIND_TESTS = new Set(['node', 'text', 'comment', 'processing-instruction', 'element', 'attribute', 'document-node', 'schema-element', 'schema-attribute']);

class P {
  i = 0;
  constructor(
    readonly s: string,
    readonly scope: Scope,
  ) {}

  ws(): void {
    for (;;) {
      while (this.i < this.s.length && /\s/.test(this.s[this.i] as string)) this.i++;
      if (this.s.startsWith('(:', this.i)) throw new Unsupported();
      return;
    }
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
    if (!this.eat(t)) throw new Unsupported();
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
    if (this.i !== this.s.length) throw new Unsupported();
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
        if (!this.kw('then')) throw new Unsupported();
        const a = this.exprSingle();
        if (!this.kw('else')) throw new Unsupported();
        const b = this.exprSingle();
        return (c) => (ebv(cond(c)) ? a(c) : b(c));
      }
    }
    for (const k of ['for', 'some', 'every', 'let']) {
      const s2 = this.i;
      if (this.kw(k) && this.peek('$')) throw new Unsupported();
      this.i = s2;
    }
    return this.or();
  }

  or(): Fn {
    let a = this.and();
    while (this.kw('or')) {
      const l = a;
      const r = this.and();
      a = (c) => [ebv(l(c)) || ebv(r(c))];
    }
    return a;
  }

  and(): Fn {
    let a = this.comparison();
    while (this.kw('and')) {
      const l = a;
      const r = this.comparison();
      a = (c) => [ebv(l(c)) && ebv(r(c))];
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
      for (const k of ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'is', 'instance', 'castable', 'cast', 'treat', 'to', 'intersect', 'except']) {
        const save = this.i;
        if (this.kw(k)) throw new Unsupported();
        this.i = save;
      }
      return a;
    }
    const b = this.additive();
    const o = op;
    return (c) => [generalCompare(o, a(c), b(c))];
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
      else if (this.kw('idiv')) throw new Unsupported();
      if (!f) return a;
      const l = a;
      const r = this.union();
      const g = f;
      a = (c) => arith(l(c), r(c), g);
    }
  }

  union(): Fn {
    let a = this.unary();
    for (;;) {
      this.ws();
      if (this.s[this.i] === '|' || (this.kw('union'))) {
        if (this.s[this.i] === '|') this.i++;
        const l = a;
        const r = this.unary();
        a = (c) => {
          const x = l(c);
          const y = r(c);
          if (!x.every(isNode) || !y.every(isNode)) throw new NeedFallback();
          return docOrder([...(x as XNode[]), ...(y as XNode[])]);
        };
      } else return a;
    }
  }

  unary(): Fn {
    this.ws();
    if (this.s[this.i] === '-' || this.s[this.i] === '+') throw new Unsupported();
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
      const base = first.kind === 'filter' ? filterPreds(first.fn(c), first.preds, false, c) : applyStep(first, [c.item]);
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
      let nodes = input;
      if (descendant) nodes = descOrSelf(input);
      const out = applyStep(first, nodes);
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
        if (desc) {
          cur = descOrSelf(cur);
          mayNest = true;
        }
        if (!cur.every(isNode)) throw new NeedFallback();
        cur = applyStep(step, cur, mayNest);
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
    if (allowFilter || c === '(' || c === '$' || c === '.' || c === "'" || c === '"' || /[0-9]/.test(c ?? '')) {
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
      const m = /^([a-z-]+)\s*::/.exec(this.s.slice(this.i));
      if (m) {
        const a = m[1] as Axis;
        if (!['child', 'attribute', 'self', 'parent', 'descendant', 'descendant-or-self', 'ancestor', 'ancestor-or-self', 'following-sibling', 'preceding-sibling'].includes(a)) {
          throw new Unsupported();
        }
        axis = a;
        this.i += m[0].length;
      }
    }
    const test = this.nodeTest(axis);
    const preds = this.predicates();
    return { kind: 'axis', axis, test, preds, nested: axis !== 'child' && axis !== 'attribute' && axis !== 'self' };
  }

  nodeTest(axis: Axis): NodeTest {
    this.ws();
    const principal = axis === 'attribute' ? 2 : 1;
    const m = /^(node|text|comment|processing-instruction)\s*\(\s*\)/.exec(this.s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      switch (m[1]) {
        case 'node':
          return () => true;
        case 'text':
          return (n) => n.nodeType === 3 || n.nodeType === 4;
        case 'comment':
          return (n) => n.nodeType === 8;
        default:
          return (n) => n.nodeType === 7;
      }
    }
    if (this.s[this.i] === '*') {
      this.i++;
      if (this.s[this.i] === ':') {
        const end = readName(this.s, this.i + 1, false);
        if (end === this.i + 1) throw new Unsupported();
        const local = this.s.slice(this.i + 1, end);
        this.i = end;
        return (n) => n.nodeType === principal && n.localName === local;
      }
      return (n) => n.nodeType === principal;
    }
    const end = readName(this.s, this.i, false);
    if (end === this.i) throw new Unsupported();
    const first = this.s.slice(this.i, end);
    this.i = end;
    let uri: string | null = null;
    let local = first;
    if (this.s[this.i] === ':' && this.s[this.i + 1] === '*') {
      this.i += 2;
      const u = this.scope.namespaces[first];
      if (u === undefined) throw new Unsupported();
      return (n) => n.nodeType === principal && (n.namespaceURI ?? null) === (u || null);
    }
    if (this.s[this.i] === ':' && this.s[this.i + 1] !== ':') {
      const end2 = readName(this.s, this.i + 1, false);
      if (end2 === this.i + 1) throw new Unsupported();
      const u = this.scope.namespaces[first];
      if (u === undefined) throw new Unsupported();
      uri = u || null;
      local = this.s.slice(this.i + 1, end2);
      this.i = end2;
    }
    this.ws();
    if (this.s[this.i] === '(') throw new Unsupported(); // function call in step position
    if (KIND_TESTS.has(local) && this.s[this.i] === '(') throw new Unsupported();
    const ns = uri;
    return (n) => n.nodeType === principal && n.localName === local && (n.namespaceURI ?? null) === ns;
  }

  predicates(): Array<{ fn: Fn; literal?: number }> {
    const out: Array<{ fn: Fn; literal?: number }> = [];
    while (this.eat('[')) {
      this.ws();
      const m = /^(\d+)\s*\]/.exec(this.s.slice(this.i));
      if (m) {
        this.i += m[0].length;
        const n = Number(m[1]);
        out.push({ fn: () => [n], literal: n });
        continue;
      }
      const e = this.expr();
      this.expect(']');
      out.push({ fn: e });
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
        if (j >= this.s.length) throw new Unsupported();
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
      const m = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(this.s.slice(this.i));
      if (!m) throw new Unsupported();
      this.i += m[0].length;
      const n = Number(m[0]);
      return { fn: () => [n], nested: false };
    }
    if (c === '$') {
      this.i++;
      this.ws();
      const end = readName(this.s, this.i);
      if (end === this.i) throw new Unsupported();
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
    if (!allowFilter && c !== undefined && !/[A-Za-z_]/.test(c)) return undefined;
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
    if (slot !== undefined) return (c) => c.vars[slot] as Seq;
    if (Object.hasOwn(this.scope.literalGlobals, name)) {
      const v = this.scope.literalGlobals[name] as string;
      return () => [v];
    }
    const g = this.scope.compileGlobal(name);
    if (!g) throw new Unsupported();
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
      if (!ok) throw new Unsupported();
    };
    switch (name) {
      case 'not':
        need(n === 1);
        return (c) => [!ebv(a0(c))];
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
        return (c) => [optString(arg0(c)).replace(/[ \t\n\r]+/g, ' ').replace(/^ | $/g, '')];
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
        return (c) => [a0(c).map(str).join(optString(a1(c)))];
      case 'local-name':
      case 'name':
      case 'namespace-uri':
        need(n <= 1);
        return (c) => {
          const i = single(arg0(c));
          if (i === undefined) return [''];
          if (!isNode(i)) throw new NeedFallback();
          if (name === 'namespace-uri') return [i.namespaceURI ?? ''];
          if (i.nodeType === 1 || i.nodeType === 2) return [name === 'name' ? i.nodeName : (i.localName ?? '')];
          return [''];
        };
      case 'matches':
        need(n === 2 || n === 3);
        return (c) => [xpathMatches(optString(a0(c)), strArg(a1(c)), n === 3 ? strArg(a2(c)) : '')];
      case 'replace':
        need(n === 3 || n === 4);
        return (c) => [xpathReplace(optString(a0(c)), strArg(a1(c)), strArg(a2(c)), n === 4 ? strArg(args[3] as Fn)(c) : '')];
      case 'tokenize':
        need(n === 2 || n === 3);
        return (c) => xpathTokenize(optString(a0(c)), strArg(a1(c)), n === 3 ? strArg(a2(c)) : '');
      case 'distinct-values':
        need(n === 1);
        return (c) => {
          const seen = new Set<string>();
          const out: Seq = [];
          for (const i of atomize(a0(c))) {
            if (typeof i !== 'string' && !(i instanceof Untyped)) throw new NeedFallback();
            const v = str(i);
            if (!seen.has(v)) {
              seen.add(v);
              out.push(i);
            }
          }
          return out;
        };
      case 'number':
        need(n <= 1);
        return (c) => [numberFn(single(arg0(c)))];
      case 'doc':
      case 'document':
        need(n === 1);
        return (c) => {
          const u = a0(c);
          if (u.length === 0) return [];
          if (name === 'doc' && u.length > 1) throw new NeedFallback();
          const docs: XNode[] = [];
          for (const i of u) {
            const d = docForFunction(str(i));
            if (!d) throw new NeedFallback(); // FODC0002, reported by the fontoxpath path
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
          if (!/^[A-Za-z_][\w.\-]*(:[A-Za-z_][\w.\-]*)?$/.test(lex) || (k > 0 && uri === '')) throw new NeedFallback();
          return [new QNameVal(uri, k < 0 ? lex : lex.slice(k + 1))];
        };
      case 'resolve-QName':
        need(n === 2);
        return (c) => {
          const q = single(a0(c));
          if (q === undefined) return [];
          const el = single(a1(c));
          if (!el || !isNode(el) || el.nodeType !== 1) throw new NeedFallback();
          const lex = str(q);
          if (!/^[A-Za-z_][\w.\-]*(:[A-Za-z_][\w.\-]*)?$/.test(lex)) throw new NeedFallback();
          const k = lex.indexOf(':');
          const prefix = k < 0 ? '' : lex.slice(0, k);
          const uri = lookupNs(el, prefix);
          if (uri === undefined) throw new NeedFallback();
          return [new QNameVal(uri, k < 0 ? lex : lex.slice(k + 1))];
        };
      case 'local-name-from-QName':
      case 'namespace-uri-from-QName':
        need(n === 1);
        return (c) => {
          const q = single(a0(c));
          if (q === undefined) return [];
          if (!(q instanceof QNameVal)) throw new NeedFallback();
          return [name === 'local-name-from-QName' ? q.local : q.uri];
        };
      default:
        throw new Unsupported();
    }
  }
}

function strArg(f: Fn): (c: Ctx) => string;
function strArg(s: Seq): string;
function strArg(x: Fn | Seq): string | ((c: Ctx) => string) {
  if (typeof x === 'function') return (c: Ctx) => strArg(x(c));
  const i = single(x);
  if (i === undefined) throw new NeedFallback();
  return str(i);
}

function numArg(s: Seq): number {
  const i = single(s);
  if (i === undefined) throw new NeedFallback();
  if (typeof i === 'number') return i;
  throw new NeedFallback();
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
    for (let i = 0; i < a.length; i++) if ((a[i] as XNode).nodeName === want) return (a[i] as XNode).value ?? '';
  }
  return prefix === '' ? '' : undefined;
}

function arith(l: Seq, r: Seq, f: (x: number, y: number) => number): Seq {
  const x = single(atomize(l));
  const y = single(atomize(r));
  if (x === undefined || y === undefined) return [];
  const a = typeof x === 'number' ? x : x instanceof Untyped ? toDouble(x.v) : NaN;
  const b = typeof y === 'number' ? y : y instanceof Untyped ? toDouble(y.v) : NaN;
  if (typeof x !== 'number' && !(x instanceof Untyped)) throw new NeedFallback();
  if (typeof y !== 'number' && !(y instanceof Untyped)) throw new NeedFallback();
  return [f(a, b)];
}

function rootOf(c: Ctx): XNode {
  const i = c.item;
  if (!isNode(i)) throw new NeedFallback();
  let n: XNode = i;
  for (let p = parentOf(n); p; p = parentOf(p)) n = p;
  if (n.nodeType !== 9) throw new NeedFallback();
  return n;
}

function descOrSelf(input: Seq): XNode[] {
  const out: XNode[] = [];
  for (const i of input) {
    if (!isNode(i)) throw new NeedFallback();
    out.push(i);
    descendants(i, () => true, out);
  }
  return input.length > 1 ? docOrder(out) : out;
}

type StepC =
  | { kind: 'filter'; fn: Fn; preds: Array<{ fn: Fn; literal?: number }>; nested: boolean }
  | { kind: 'axis'; axis: Axis; test: NodeTest; preds: Array<{ fn: Fn; literal?: number }>; nested: boolean };

// The step applier needs the evaluation context of the enclosing expression for filter steps; it is passed
// through a module variable set by `run` (evaluation is synchronous).
let currentCtx: Ctx | null = null;

function filterPreds(items: Seq, preds: Array<{ fn: Fn; literal?: number }>, reverse: boolean, base: Ctx): Seq {
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
      const r = step.fn({ item: i, pos: 1, size: 1, vars: base.vars, globals: base.globals, root: base.root });
      out.push(...filterPreds(r, step.preds, false, base));
    }
    if (input.length > 1 && out.length > 1) {
      if (!out.every(isNode)) {
        if (out.some(isNode)) throw new NeedFallback();
        return out;
      }
      return docOrder(out as XNode[]);
    }
    return out;
  }
  const reverse = REVERSE.has(step.axis);
  let out: XNode[] = [];
  for (const i of input) {
    if (!isNode(i)) throw new NeedFallback();
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
