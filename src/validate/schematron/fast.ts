/**
 * A compiled fast path for the small XPath subset most rule contexts use (`cda:templateId/@root = '…'`,
 * `not(@nullFlavor)`, `hl7:typeId[@root = '…'][@extension = '…']`): child and attribute steps with name
 * tests, boolean predicates, `and`/`or`/`not()`, general `=`/`!=` against string literals. Anything else
 * returns `undefined` and goes to fontoxpath. Semantics are XPath 2.0's for this subset (string comparison
 * of untyped values, existential general comparison), so both paths give the same answer.
 */
import { readName, stringLiteralValue } from './xpath-text.js';

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

type NameTest = { ns: string | null | undefined; local: string | null }; // ns undefined = any namespace

/** Parsed form of a fast-path expression (plain JSON: it is stored in the compiled-schematron cache). */
export type FastAst =
  | { t: 'or' | 'and'; a: Ast; b: Ast }
  | { t: 'not'; a: Ast }
  | { t: 'lit'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'path'; steps: PathStep[] }
  | { t: 'cmp'; op: '=' | '!='; a: Ast; b: Ast };
type Ast = FastAst;

interface PathStep {
  axis: 'child' | 'attribute' | 'self';
  test: NameTest;
  preds: Ast[];
}

class Unsupported extends Error {}
/** Thrown often during compilation: one shared instance, no stack trace to build. */
const UNSUPPORTED = new Unsupported();

const STICKY = new Map<string, RegExp>();

class Parser {
  private i = 0;

  /** Test a regex at the current position without copying the rest of the text. */
  private at(source: string): RegExpExecArray | null {
    let re = STICKY.get(source);
    if (!re) {
      re = new RegExp(source, 'y');
      STICKY.set(source, re);
    }
    re.lastIndex = this.i;
    return re.exec(this.s);
  }
  constructor(
    private readonly s: string,
    private readonly ns: Record<string, string>,
  ) {}

  parse(): Ast {
    const e = this.or();
    this.ws();
    if (this.i !== this.s.length) throw UNSUPPORTED;
    return e;
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] as string)) this.i++;
  }

  private keyword(k: string): boolean {
    this.ws();
    if (this.s.startsWith(k, this.i) && !/[\w.\-:]/.test(this.s[this.i + k.length] ?? '')) {
      this.i += k.length;
      return true;
    }
    return false;
  }

  private or(): Ast {
    let a = this.and();
    while (this.keyword('or')) a = { t: 'or', a, b: this.and() };
    return a;
  }

  private and(): Ast {
    let a = this.cmp();
    while (this.keyword('and')) a = { t: 'and', a, b: this.cmp() };
    return a;
  }

  private cmp(): Ast {
    const a = this.prim();
    this.ws();
    if (this.s[this.i] === '=') {
      this.i++;
      return { t: 'cmp', op: '=', a, b: this.prim() };
    }
    if (this.s.startsWith('!=', this.i)) {
      this.i += 2;
      return { t: 'cmp', op: '!=', a, b: this.prim() };
    }
    if (this.at('(<|>|eq\\b|ne\\b|lt\\b|gt\\b|le\\b|ge\\b|is\\b|\\+|-|\\*|div\\b|mod\\b|\\|)'))
      throw UNSUPPORTED;
    return a;
  }

  private prim(): Ast {
    this.ws();
    const c = this.s[this.i];
    if (c === "'" || c === '"') {
      let j = this.i + 1;
      while (j < this.s.length) {
        if (this.s[j] === c) {
          if (this.s[j + 1] === c) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      const v = stringLiteralValue(this.s.slice(this.i, j + 1));
      if (v === undefined) throw UNSUPPORTED;
      this.i = j + 1;
      return { t: 'lit', v };
    }
    if (c === '(') {
      this.i++;
      const e = this.or();
      this.ws();
      if (this.s[this.i] !== ')') throw UNSUPPORTED;
      this.i++;
      return e;
    }
    for (const [name, v] of [
      ['true', true],
      ['false', false],
    ] as const) {
      if (this.at(`${name}\\s*\\(\\s*\\)`)) {
        this.i = this.s.indexOf(')', this.i) + 1;
        return { t: 'bool', v };
      }
    }
    if (this.at('not\\s*\\(')) {
      this.i = this.s.indexOf('(', this.i) + 1;
      const e = this.or();
      this.ws();
      if (this.s[this.i] !== ')') throw UNSUPPORTED;
      this.i++;
      return { t: 'not', a: e };
    }
    return this.path();
  }

  private nameTest(): NameTest {
    this.ws();
    if (this.s[this.i] === '*') {
      this.i++;
      if (this.s[this.i] === ':') {
        const end = readName(this.s, this.i + 1, false);
        if (end === this.i + 1) throw UNSUPPORTED;
        const local = this.s.slice(this.i + 1, end);
        this.i = end;
        return { ns: undefined, local };
      }
      return { ns: undefined, local: null };
    }
    const end = readName(this.s, this.i, false);
    if (end === this.i) throw UNSUPPORTED;
    let name = this.s.slice(this.i, end);
    this.i = end;
    if (this.s[this.i] === ':') {
      if (this.s[this.i + 1] === '*') {
        this.i += 2;
        const uri = this.ns[name];
        if (uri === undefined) throw UNSUPPORTED;
        return { ns: uri, local: null };
      }
      const end2 = readName(this.s, this.i + 1, false);
      if (end2 === this.i + 1) throw UNSUPPORTED;
      const uri = this.ns[name];
      if (uri === undefined) throw UNSUPPORTED;
      name = this.s.slice(this.i + 1, end2);
      this.i = end2;
      return { ns: uri, local: name };
    }
    // a function call or an axis is not a name test here
    if (this.at('\\s*(\\(|::)')) throw UNSUPPORTED;
    return { ns: null, local: name };
  }

  private path(): Ast {
    const steps: PathStep[] = [];
    this.ws();
    if (this.s.startsWith('./', this.i)) this.i += 2;
    else if (this.s[this.i] === '.' && !/[./\w]/.test(this.s[this.i + 1] ?? '')) {
      this.i++;
      return { t: 'path', steps: [{ axis: 'self', test: { ns: undefined, local: null }, preds: [] }] };
    }
    for (;;) {
      this.ws();
      let axis: PathStep['axis'] = 'child';
      if (this.s[this.i] === '@') {
        axis = 'attribute';
        this.i++;
      } else if (this.s[this.i] === '/' || this.s[this.i] === '$') throw UNSUPPORTED;
      const test = this.nameTest();
      const preds: Ast[] = [];
      for (;;) {
        this.ws();
        if (this.s[this.i] !== '[') break;
        this.i++;
        const p = this.or();
        if (p.t === 'lit') throw UNSUPPORTED; // `[ 'x' ]` is fine but rare; numbers are positional
        this.ws();
        if (this.s[this.i] !== ']') throw UNSUPPORTED;
        this.i++;
        preds.push(p);
      }
      steps.push({ axis, test, preds });
      if (axis === 'attribute') break;
      this.ws();
      if (this.s[this.i] === '/' && this.s[this.i + 1] !== '/') {
        this.i++;
        continue;
      }
      break;
    }
    this.ws();
    if (this.s[this.i] === '/') throw UNSUPPORTED;
    return { t: 'path', steps };
  }
}

function nameMatches(test: NameTest, n: FastNode): boolean {
  if (test.local !== null && n.localName !== test.local) return false;
  if (test.ns !== undefined && (n.namespaceURI ?? null) !== (test.ns || null)) return false;
  return true;
}

function stepNodes(step: PathStep, ctx: FastNode[]): FastNode[] {
  const out: FastNode[] = [];
  for (const c of ctx) {
    if (step.axis === 'self') {
      if (nameMatches(step.test, c) && step.preds.every((p) => truth(p, c))) out.push(c);
    } else if (step.axis === 'child') {
      for (let k = c.firstChild; k; k = k.nextSibling) {
        if (k.nodeType === 1 && nameMatches(step.test, k) && step.preds.every((p) => truth(p, k)))
          out.push(k);
      }
    } else if (c.nodeType === 1 && c.attributes) {
      const attrs = c.attributes;
      for (let i = 0; i < attrs.length; i++) {
        const a = attrs[i] as FastNode;
        if (a.namespaceURI === 'http://www.w3.org/2000/xmlns/') continue;
        if (nameMatches(step.test, a) && step.preds.every((p) => truth(p, a))) out.push(a);
      }
    }
  }
  return out;
}

function nodes(path: Extract<Ast, { t: 'path' }>, ctx: FastNode): FastNode[] {
  let cur = [ctx];
  for (const s of path.steps) {
    cur = stepNodes(s, cur);
    if (cur.length === 0) break;
  }
  return cur;
}

function stringValue(n: FastNode): string {
  return n.nodeType === 2 ? (n.value ?? '') : (n.textContent ?? '');
}

function strings(a: Ast, ctx: FastNode): string[] {
  if (a.t === 'lit') return [a.v];
  if (a.t === 'path') return nodes(a, ctx).map(stringValue);
  throw UNSUPPORTED;
}

function truth(a: Ast, ctx: FastNode): boolean {
  switch (a.t) {
    case 'or':
      return truth(a.a, ctx) || truth(a.b, ctx);
    case 'and':
      return truth(a.a, ctx) && truth(a.b, ctx);
    case 'not':
      return !truth(a.a, ctx);
    case 'lit':
      return a.v.length > 0;
    case 'bool':
      return a.v;
    case 'path':
      return nodes(a, ctx).length > 0;
    case 'cmp': {
      const xs = strings(a.a, ctx);
      if (xs.length === 0) return false;
      const ys = strings(a.b, ctx);
      if (a.op === '=') return xs.some((x) => ys.includes(x));
      return xs.some((x) => ys.some((y) => x !== y));
    }
  }
}

/** Checks that comparisons only involve strings (no boolean operands, whose comparison semantics differ). */
function validate(a: Ast): void {
  switch (a.t) {
    case 'or':
    case 'and':
      validate(a.a);
      validate(a.b);
      return;
    case 'not':
      validate(a.a);
      return;
    case 'cmp':
      if ((a.a.t !== 'lit' && a.a.t !== 'path') || (a.b.t !== 'lit' && a.b.t !== 'path')) throw UNSUPPORTED;
      validatePath(a.a);
      validatePath(a.b);
      return;
    case 'path':
      validatePath(a);
      return;
    default:
      return;
  }
}

function validatePath(a: Ast): void {
  if (a.t !== 'path') return;
  for (const s of a.steps) for (const p of s.preds) validate(p);
}

export type FastPredicate = ((node: FastNode) => boolean) & { ast: Ast; source: string };

/** The predicate of an AST made by {@link compileFast} (restored from the cache: no parsing). */
export function fastPredicate(ast: FastAst, source: string): FastPredicate {
  const fn = ((node: FastNode) => truth(ast, node)) as FastPredicate;
  fn.ast = ast;
  fn.source = source;
  return fn;
}

/** Compile an XPath boolean expression of the supported subset, else `undefined`. */
export function compileFast(expr: string, namespaces: Record<string, string>): FastPredicate | undefined {
  try {
    const ast = new Parser(expr, namespaces).parse();
    validate(ast);
    return fastPredicate(ast, expr);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

const HL7 = 'urn:hl7-org:v3';

/**
 * When a predicate requires `templateId/@root = 'X'` (alone or in a conjunction), the `X`s it may need: rules
 * are indexed on them so only elements carrying such a templateId are tried.
 */
export function templateIdKeys(p: FastPredicate): string[] | undefined {
  const keys = (a: Ast): string[] | undefined => {
    if (a.t === 'and') return keys(a.a) ?? keys(a.b);
    if (a.t === 'cmp' && a.op === '=') {
      const [path, lit] = a.a.t === 'path' ? [a.a, a.b] : [a.b, a.a];
      if (path.t !== 'path' || lit.t !== 'lit') return undefined;
      const [s1, s2] = path.steps;
      if (
        path.steps.length === 2 &&
        s1 &&
        s2 &&
        s1.axis === 'child' &&
        s1.test.ns === HL7 &&
        s1.test.local === 'templateId' &&
        s1.preds.length === 0 &&
        s2.axis === 'attribute' &&
        s2.test.ns === null &&
        s2.test.local === 'root' &&
        s2.preds.length === 0
      ) {
        return [lit.v];
      }
      return undefined;
    }
    if (a.t === 'path' && a.steps.length === 1) {
      const s1 = a.steps[0];
      if (
        s1 &&
        s1.axis === 'child' &&
        s1.test.ns === HL7 &&
        s1.test.local === 'templateId' &&
        s1.preds.length === 1
      ) {
        const inner = s1.preds[0] as Ast;
        if (inner.t === 'cmp' && inner.op === '=' && inner.a.t === 'path' && inner.b.t === 'lit') {
          const st = inner.a.steps;
          if (
            st.length === 1 &&
            st[0]?.axis === 'attribute' &&
            st[0].test.local === 'root' &&
            st[0].test.ns === null &&
            st[0].preds.length === 0
          ) {
            return [inner.b.v];
          }
        }
      }
    }
    return undefined;
  };
  return keys(p.ast);
}
