/**
 * Layer 1 of the XPath subset compiler: text → {@link Expr}. A scannerless recursive-descent parser over the
 * XPath 2.0 grammar levels (expr, exprSingle, or, and, comparison, additive, multiplicative, union,
 * intersect/except, castable, unary, path, step, primary). Anything outside the subset the engine compiles —
 * comments, `let`, `instance of`, `cast`, `treat`, `to`, `idiv`, unary minus, kind tests with arguments, an
 * unknown prefix — throws {@link Unsupported}, and the expression goes to fontoxpath. Namespace prefixes are
 * resolved here; functions and variables are names, checked by the compiler.
 */
import { readName } from '../xpath-text.js';
import type { Axis, CastType, Expr, GeneralOp, NodeTest, PathStep, Predicate, Step, ValueOp } from './ast.js';
import { UNSUPPORTED } from './signals.js';

export { Unsupported } from './signals.js';

const AXES = new Set<string>([
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
]);
/** Names that are never function calls, though `(` may follow them. */
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
const GENERAL_OPS = ['!=', '<=', '>=', '=', '<', '>'] as const;
const VALUE_OPS: ValueOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];
/** Keywords that may follow an operand and end a `/` standing alone. */
const OPERATOR_KEYWORDS = ['and', 'or', 'div', 'mod', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'then', 'else'];

const STICKY = new Map<string, RegExp>();

/**
 * Parse an expression of the subset.
 *
 * @example
 * ```ts
 * parseXPath("count(hl7:id[@root = '1.2']) >= 1", { hl7: 'urn:hl7-org:v3' });
 * // { kind: 'general', op: '>=', left: { kind: 'call', name: 'count', … }, right: { kind: 'number', value: 1 } }
 * ```
 * @throws Unsupported for anything outside the subset.
 */
export function parseXPath(text: string, namespaces: Record<string, string>): Expr {
  return new XPathParser(text, namespaces).parseAll();
}

class XPathParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly ns: Record<string, string>,
  ) {}

  parseAll(): Expr {
    const e = this.expr();
    this.ws();
    if (this.i !== this.s.length) throw UNSUPPORTED;
    return e;
  }

  // ---- lexical helpers ----

  private ws(): void {
    let c = this.s.charCodeAt(this.i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = this.s.charCodeAt(++this.i);
    if (this.s.startsWith('(:', this.i)) throw UNSUPPORTED;
  }

  /** Match a regex at the current position without copying the rest of the text. */
  private at(re: RegExp): RegExpExecArray | null {
    let sticky = STICKY.get(re.source);
    if (!sticky) {
      sticky = new RegExp(re.source.replace(/^\^/, ''), `${re.flags}y`);
      STICKY.set(re.source, sticky);
    }
    sticky.lastIndex = this.i;
    return sticky.exec(this.s);
  }

  private peek(t: string): boolean {
    this.ws();
    return this.s.startsWith(t, this.i);
  }

  private eat(t: string): boolean {
    if (!this.peek(t)) return false;
    this.i += t.length;
    return true;
  }

  private expect(t: string): void {
    if (!this.eat(t)) throw UNSUPPORTED;
  }

  /** A keyword, not followed by a name character (an element may be named `or`). */
  private keyword(k: string): boolean {
    this.ws();
    if (this.s.startsWith(k, this.i) && !/[\w.\-:]/.test(this.s[this.i + k.length] ?? '')) {
      this.i += k.length;
      return true;
    }
    return false;
  }

  private lookingAtKeyword(words: readonly string[]): boolean {
    const save = this.i;
    for (const k of words) {
      if (this.keyword(k)) {
        this.i = save;
        return true;
      }
    }
    return false;
  }

  private name(allowPrefix = true): string {
    const end = readName(this.s, this.i, allowPrefix);
    if (end === this.i) throw UNSUPPORTED;
    const n = this.s.slice(this.i, end);
    this.i = end;
    return n;
  }

  // ---- expressions ----

  private expr(): Expr {
    const items = [this.exprSingle()];
    while (this.eat(',')) items.push(this.exprSingle());
    return items.length === 1 ? (items[0] as Expr) : { kind: 'sequence', items };
  }

  private exprSingle(): Expr {
    this.ws();
    const save = this.i;
    if (this.keyword('if')) {
      if (this.peek('(')) return this.ifExpr();
      this.i = save;
    }
    for (const k of ['for', 'some', 'every', 'let'] as const) {
      const start = this.i;
      if (this.keyword(k) && this.peek('$')) {
        if (k === 'let') throw UNSUPPORTED;
        return this.quantified(k);
      }
      this.i = start;
    }
    return this.or();
  }

  private ifExpr(): Expr {
    this.expect('(');
    const condition = this.expr();
    this.expect(')');
    if (!this.keyword('then')) throw UNSUPPORTED;
    const then = this.exprSingle();
    if (!this.keyword('else')) throw UNSUPPORTED;
    return { kind: 'if', condition, then, else: this.exprSingle() };
  }

  private quantified(kind: 'for' | 'some' | 'every'): Expr {
    const bindings: Array<{ name: string; in: Expr }> = [];
    do {
      this.expect('$');
      const name = this.name();
      if (!this.keyword('in')) throw UNSUPPORTED;
      bindings.push({ name, in: this.exprSingle() });
    } while (this.eat(','));
    if (!this.keyword(kind === 'for' ? 'return' : 'satisfies')) throw UNSUPPORTED;
    return { kind, bindings, body: this.exprSingle() };
  }

  private or(): Expr {
    let left = this.and();
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): Expr {
    let left = this.comparison();
    while (this.keyword('and')) left = { kind: 'and', left, right: this.comparison() };
    return left;
  }

  private comparison(): Expr {
    const left = this.additive();
    this.ws();
    const op = GENERAL_OPS.find((o) => this.s.startsWith(o, this.i)) as GeneralOp | undefined;
    if (op) {
      this.i += op.length;
      return { kind: 'general', op, left, right: this.additive() };
    }
    // keywords that may follow an operand here all start with one of these letters
    if (!/[eniltgc]/.test(this.s[this.i] ?? '')) return left;
    for (const vop of VALUE_OPS) {
      if (this.keyword(vop)) return { kind: 'value', op: vop, left, right: this.additive() };
    }
    if (this.lookingAtKeyword(['is', 'instance', 'cast', 'treat', 'to'])) throw UNSUPPORTED;
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      this.ws();
      const ch = this.s[this.i];
      // `a -b` subtracts; `a-b` is a name (read whole by the step below)
      if (ch !== '+' && !(ch === '-' && !/\w/.test(this.s[this.i - 1] ?? ''))) return left;
      this.i++;
      left = { kind: 'arithmetic', op: ch, left, right: this.multiplicative() };
    }
  }

  private multiplicative(): Expr {
    let left = this.union();
    for (;;) {
      this.ws();
      let op: '*' | 'div' | 'mod';
      if (this.s[this.i] === '*') {
        this.i++;
        op = '*';
      } else if (this.keyword('div')) op = 'div';
      else if (this.keyword('mod')) op = 'mod';
      else if (this.keyword('idiv')) throw UNSUPPORTED;
      else return left;
      left = { kind: 'arithmetic', op, left, right: this.union() };
    }
  }

  private union(): Expr {
    let left = this.intersectExcept();
    for (;;) {
      this.ws();
      if (this.s[this.i] === '|') this.i++;
      else if (!this.keyword('union')) return left;
      left = { kind: 'union', left, right: this.intersectExcept() };
    }
  }

  private intersectExcept(): Expr {
    let left = this.castable();
    for (;;) {
      const kind = this.keyword('except') ? 'except' : this.keyword('intersect') ? 'intersect' : undefined;
      if (!kind) return left;
      left = { kind, left, right: this.castable() };
    }
  }

  private castable(): Expr {
    const operand = this.unary();
    if (!this.keyword('castable')) return operand;
    if (!this.keyword('as')) throw UNSUPPORTED;
    this.ws();
    const m = this.at(/^xs:(integer|decimal|dateTime|date|anyURI)(\s*\?)?/);
    if (!m) throw UNSUPPORTED;
    this.i += m[0].length;
    return { kind: 'castable', type: m[1] as CastType, optional: !!m[2], operand };
  }

  private unary(): Expr {
    this.ws();
    if (this.s[this.i] === '-' || this.s[this.i] === '+') throw UNSUPPORTED;
    return this.path();
  }

  // ---- paths ----

  private path(): Expr {
    this.ws();
    if (this.s.startsWith('//', this.i)) {
      this.i += 2;
      return { kind: 'path', root: '//', steps: this.steps(this.step(false)) };
    }
    if (this.s[this.i] === '/') {
      this.i++;
      this.ws();
      const next = this.s[this.i];
      if (next === undefined || /[)\],=!<>|]/.test(next) || this.lookingAtKeyword(OPERATOR_KEYWORDS))
        return { kind: 'path', root: '/', steps: [] };
      return { kind: 'path', root: '/', steps: this.steps(this.step(false)) };
    }
    const first = this.step(true);
    const steps = this.steps(first);
    // a primary alone is not a path
    if (steps.length === 1 && first.kind === 'filter' && first.predicates.length === 0) return first.primary;
    return { kind: 'path', root: '', steps };
  }

  /** The first step, then the `/step` and `//step` that follow it. */
  private steps(first: Step): PathStep[] {
    const out: PathStep[] = [{ step: first, descendant: false }];
    for (;;) {
      this.ws();
      if (this.s.startsWith('//', this.i)) {
        this.i += 2;
        out.push({ step: this.step(false), descendant: true });
      } else if (this.s[this.i] === '/') {
        this.i++;
        out.push({ step: this.step(false), descendant: false });
      } else return out;
    }
  }

  private step(first: boolean): Step {
    this.ws();
    const c = this.s[this.i];
    if (
      first ||
      c === '(' ||
      c === '$' ||
      c === '.' ||
      c === "'" ||
      c === '"' ||
      /[0-9A-Za-z_]/.test(c ?? '')
    ) {
      const primary = this.primary();
      if (primary) return { kind: 'filter', primary, predicates: this.predicates() };
    }
    if (this.s.startsWith('..', this.i)) {
      this.i += 2;
      return { kind: 'axis', axis: 'parent', test: { kind: 'node' }, predicates: this.predicates() };
    }
    let axis: Axis = 'child';
    if (this.s[this.i] === '@') {
      this.i++;
      axis = 'attribute';
    } else {
      const m = this.at(/^([a-z-]+)\s*::/);
      if (m) {
        if (!AXES.has(m[1] as string)) throw UNSUPPORTED;
        axis = m[1] as Axis;
        this.i += m[0].length;
      }
    }
    const test = this.nodeTest();
    return { kind: 'axis', axis, test, predicates: this.predicates() };
  }

  private nodeTest(): NodeTest {
    this.ws();
    const kind = this.at(/^(node|text|comment|processing-instruction)\s*\(\s*\)/);
    if (kind) {
      this.i += kind[0].length;
      const k = kind[1] as string;
      return { kind: k === 'processing-instruction' ? 'pi' : (k as 'node' | 'text' | 'comment') };
    }
    if (this.s[this.i] === '*') {
      this.i++;
      if (this.s[this.i] !== ':') return { kind: 'name', local: null };
      this.i++;
      return { kind: 'name', local: this.name(false) };
    }
    const first = this.name(false);
    let test: NodeTest = { kind: 'name', ns: null, local: first };
    if (this.s[this.i] === ':' && this.s[this.i + 1] === '*') {
      this.i += 2;
      return { kind: 'name', ns: this.uri(first), local: null };
    }
    if (this.s[this.i] === ':' && this.s[this.i + 1] !== ':') {
      this.i++;
      const local = this.name(false);
      test = { kind: 'name', ns: this.uri(first), local };
    }
    this.ws();
    if (this.s[this.i] === '(') throw UNSUPPORTED; // a function call or a kind test with arguments
    return test;
  }

  /** The namespace URI of a prefix (`''` means no namespace, as XPath reads an empty URI). */
  private uri(prefix: string): string | null {
    const u = this.ns[prefix];
    if (u === undefined) throw UNSUPPORTED;
    return u || null;
  }

  private predicates(): Predicate[] {
    const out: Predicate[] = [];
    while (this.eat('[')) {
      this.ws();
      const m = this.at(/^(\d+)\s*\]/);
      if (m) {
        this.i += m[0].length;
        out.push({ position: Number(m[1]) });
        continue;
      }
      const expr = this.expr();
      this.expect(']');
      out.push({ expr });
    }
    return out;
  }

  // ---- primaries ----

  private primary(): Expr | undefined {
    this.ws();
    const c = this.s[this.i];
    if (c === "'" || c === '"') return { kind: 'string', value: this.stringLiteral(c) };
    if (c !== undefined && /[0-9]/.test(c)) {
      const m = this.at(/^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/) as RegExpExecArray;
      this.i += m[0].length;
      return { kind: 'number', value: Number(m[0]) };
    }
    if (c === '$') {
      this.i++;
      this.ws();
      return { kind: 'variable', name: this.name() };
    }
    if (c === '(') {
      this.i++;
      if (this.eat(')')) return { kind: 'empty' };
      const expr = this.expr();
      this.expect(')');
      return { kind: 'parenthesized', expr };
    }
    if (c === '.' && this.s[this.i + 1] !== '.') {
      this.i++;
      return { kind: 'context' };
    }
    if (c === undefined || !/[A-Za-z_]/.test(c)) return undefined;
    return this.functionCall();
  }

  private stringLiteral(quote: string): string {
    let j = this.i + 1;
    let v = '';
    for (;;) {
      if (j >= this.s.length) throw UNSUPPORTED;
      if (this.s[j] === quote) {
        if (this.s[j + 1] !== quote) break;
        v += quote;
        j += 2;
        continue;
      }
      v += this.s[j];
      j++;
    }
    this.i = j + 1;
    return v;
  }

  /** `name(args)`, or undefined when the name is not followed by `(` (a name test) or is a keyword. */
  private functionCall(): Expr | undefined {
    const end = readName(this.s, this.i);
    if (end === this.i) return undefined;
    const name = this.s.slice(this.i, end);
    let k = end;
    while (k < this.s.length && /\s/.test(this.s[k] as string)) k++;
    if (this.s[k] !== '(' || KIND_TESTS.has(name) || FN_KEYWORDS.has(name)) return undefined;
    this.i = k + 1;
    const args: Expr[] = [];
    if (!this.eat(')')) {
      args.push(this.exprSingle());
      while (this.eat(',')) args.push(this.exprSingle());
      this.expect(')');
    }
    return { kind: 'call', name: name.startsWith('fn:') ? name.slice(3) : name, args };
  }
}
