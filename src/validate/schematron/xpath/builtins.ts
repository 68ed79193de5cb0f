/**
 * The function library of the compiled closures: `count empty exists string string-length normalize-space concat
 * contains starts-with ends-with substring(-before|-after) translate upper/lower-case string-join distinct-values
 * number matches replace tokenize local-name name namespace-uri doc document doc-available current position last
 * QName resolve-QName local-name-from-QName namespace-uri-from-QName iri-to-uri xs:dateTime not boolean true
 * false`. An unknown function or arity is {@link Unsupported} (the expression goes to fontoxpath).
 */
import { currentNode, docAvailable, docForFunction } from '../functions.js';
import { xpathMatches, xpathReplace, xpathTokenize } from '../regex.js';
import type { DynamicContext, Evaluator } from './context.js';
import { parseDateTime } from './dates.js';
import { lookupNamespace, type XNode } from './nodes.js';
import { NEED_FALLBACK, UNSUPPORTED } from './signals.js';
import {
  atomize,
  booleanSequence,
  effectiveBoolean,
  isNode,
  numberOf,
  optString,
  QNameValue,
  type Sequence,
  single,
  str,
  Untyped,
} from './values.js';

interface CallArguments {
  all: Evaluator[];
  n: number;
  a0: Evaluator;
  a1: Evaluator;
  a2: Evaluator;
  /** The first argument, or the context item when the call has none. */
  arg0: Evaluator;
  name: string;
}
interface LibraryFunction {
  min: number;
  max: number;
  build: (a: CallArguments) => Evaluator;
}
type Library = Record<string, LibraryFunction>;

const entry = (min: number, max: number, build: LibraryFunction['build']): LibraryFunction => ({
  min,
  max,
  build,
});

/** Library: booleans and counts. */
const BOOLEANS_AND_COUNTS: Library = {
  not: entry(
    1,
    1,
    ({ a0 }) =>
      (c) =>
        booleanSequence(!effectiveBoolean(a0(c))),
  ),
  boolean: entry(
    1,
    1,
    ({ a0 }) =>
      (c) =>
        booleanSequence(effectiveBoolean(a0(c))),
  ),
  true: entry(0, 0, () => () => [true]),
  false: entry(0, 0, () => () => [false]),
  count: entry(1, 1, ({ a0 }) => (c) => [a0(c).length]),
  empty: entry(
    1,
    1,
    ({ a0 }) =>
      (c) =>
        booleanSequence(a0(c).length === 0),
  ),
  exists: entry(
    1,
    1,
    ({ a0 }) =>
      (c) =>
        booleanSequence(a0(c).length > 0),
  ),
};

/** Library: strings and numbers. */
const STRINGS: Library = {
  string: entry(0, 1, ({ arg0 }) => (c) => [optString(arg0(c))]),
  'string-length': entry(0, 1, ({ arg0 }) => (c) => [[...optString(arg0(c))].length]),
  'normalize-space': entry(0, 1, ({ arg0 }) => (c) => [
    optString(arg0(c))
      .replace(/[ \t\n\r]+/g, ' ')
      .replace(/^ | $/g, ''),
  ]),
  'upper-case': entry(1, 1, ({ a0 }) => (c) => [optString(a0(c)).toUpperCase()]),
  'lower-case': entry(1, 1, ({ a0 }) => (c) => [optString(a0(c)).toLowerCase()]),
  contains: entry(2, 2, ({ a0, a1 }) => (c) => [optString(a0(c)).includes(optString(a1(c)))]),
  'starts-with': entry(2, 2, ({ a0, a1 }) => (c) => [optString(a0(c)).startsWith(optString(a1(c)))]),
  'ends-with': entry(2, 2, ({ a0, a1 }) => (c) => [optString(a0(c)).endsWith(optString(a1(c)))]),
  'substring-before': entry(2, 2, ({ a0, a1 }) => (c) => {
    const s = optString(a0(c));
    const t = optString(a1(c));
    const k = s.indexOf(t);
    return [k < 0 ? '' : s.slice(0, k)];
  }),
  'substring-after': entry(2, 2, ({ a0, a1 }) => (c) => {
    const s = optString(a0(c));
    const t = optString(a1(c));
    const k = s.indexOf(t);
    return [k < 0 ? '' : s.slice(k + t.length)];
  }),
  substring: entry(2, 3, ({ n, a0, a1, a2 }) => (c) => {
    const s = [...optString(a0(c))];
    const start = numArg(a1(c));
    const len = n === 3 ? numArg(a2(c)) : Infinity;
    const from = xround(start);
    const to = n === 3 ? from + xround(len) : Infinity;
    let out = '';
    for (let p = 1; p <= s.length; p++) if (p >= from && p < to) out += s[p - 1];
    return [out];
  }),
  concat: entry(2, Infinity, ({ all: args }) => (c) => [args.map((f) => optString(f(c))).join('')]),
  translate: entry(3, 3, ({ a0, a1, a2 }) => (c) => {
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
  }),
  'string-join': entry(2, 2, ({ a0, a1 }) => (c) => [
    a0(c)
      .map(str)
      .join(optString(a1(c))),
  ]),
  'distinct-values': entry(1, 1, ({ a0 }) => (c) => {
    const seen = new Set<string>();
    const out: Sequence = [];
    for (const i of atomize(a0(c))) {
      if (typeof i !== 'string' && !(i instanceof Untyped)) throw NEED_FALLBACK;
      const v = str(i);
      if (!seen.has(v)) {
        seen.add(v);
        out.push(i);
      }
    }
    return out;
  }),
  'xs:dateTime': entry(1, 1, ({ a0 }) => (c) => {
    const v = single(atomize(a0(c)));
    if (v === undefined) return [];
    if (typeof v !== 'string' && !(v instanceof Untyped)) throw NEED_FALLBACK;
    const d = parseDateTime(str(v));
    if (!d) throw NEED_FALLBACK; // FORG0001, reported by fontoxpath
    return [d];
  }),
  'iri-to-uri': entry(1, 1, ({ a0 }) => (c) => [iriToUri(optString(a0(c)))]),
  number: entry(0, 1, ({ arg0 }) => (c) => [numberOf(single(arg0(c)))]),
};

/** Library: regular expressions (XSD syntax, XPath flags). */
const REGULAR_EXPRESSIONS: Library = {
  matches: entry(2, 3, ({ n, a0, a1, a2 }) => (c) => [
    xpathMatches(optString(a0(c)), strArg(a1(c)), n === 3 ? strArg(a2(c)) : ''),
  ]),
  replace: entry(3, 4, ({ all: args, n, a0, a1, a2 }) => (c) => [
    xpathReplace(
      optString(a0(c)),
      strArg(a1(c)),
      strArg(a2(c)),
      n === 4 ? strArg(args[3] as Evaluator)(c) : '',
    ),
  ]),
  tokenize: entry(
    2,
    3,
    ({ n, a0, a1, a2 }) =>
      (c) =>
        xpathTokenize(optString(a0(c)), strArg(a1(c)), n === 3 ? strArg(a2(c)) : ''),
  ),
};

/** `local-name`, `name` and `namespace-uri` of a node (the function's own name tells which part). */
const nodeNamePart = entry(0, 1, ({ arg0, name }) => (c) => {
  const i = single(arg0(c));
  if (i === undefined) return [''];
  if (!isNode(i)) throw NEED_FALLBACK;
  if (name === 'namespace-uri') return [i.namespaceURI ?? ''];
  if (i.nodeType === 1 || i.nodeType === 2) return [name === 'name' ? i.nodeName : (i.localName ?? '')];
  return [''];
});

/** Library: node names and QNames. */
const NAMES: Library = {
  'local-name': nodeNamePart,
  name: nodeNamePart,
  'namespace-uri': nodeNamePart,
  QName: entry(2, 2, ({ a0, a1 }) => (c) => {
    const uri = optString(a0(c));
    const lex = strArg(a1(c));
    const k = lex.indexOf(':');
    if (!/^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/.test(lex) || (k > 0 && uri === '')) throw NEED_FALLBACK;
    return [new QNameValue(uri, k < 0 ? lex : lex.slice(k + 1))];
  }),
  'resolve-QName': entry(2, 2, ({ a0, a1 }) => (c) => {
    const q = single(a0(c));
    if (q === undefined) return [];
    const el = single(a1(c));
    if (!el || !isNode(el) || el.nodeType !== 1) throw NEED_FALLBACK;
    const lex = str(q);
    if (!/^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/.test(lex)) throw NEED_FALLBACK;
    const k = lex.indexOf(':');
    const prefix = k < 0 ? '' : lex.slice(0, k);
    const uri = lookupNamespace(el, prefix);
    if (uri === undefined) throw NEED_FALLBACK;
    return [new QNameValue(uri, k < 0 ? lex : lex.slice(k + 1))];
  }),
  'local-name-from-QName': entry(1, 1, ({ a0, name }) => (c) => {
    const q = single(a0(c));
    if (q === undefined) return [];
    if (!(q instanceof QNameValue)) throw NEED_FALLBACK;
    return [name === 'local-name-from-QName' ? q.local : q.uri];
  }),
  'namespace-uri-from-QName': entry(1, 1, ({ a0, name }) => (c) => {
    const q = single(a0(c));
    if (q === undefined) return [];
    if (!(q instanceof QNameValue)) throw NEED_FALLBACK;
    return [name === 'local-name-from-QName' ? q.local : q.uri];
  }),
};

/** `doc` (one URI) and `document` (a sequence of URIs): the documents the value sets are read from. */
const documentsAt = entry(1, 1, ({ a0, name }) => (c) => {
  const u = a0(c);
  if (u.length === 0) return [];
  if (name === 'doc' && u.length > 1) throw NEED_FALLBACK;
  const docs: XNode[] = [];
  for (const i of u) {
    const d = docForFunction(str(i));
    if (!d) throw NEED_FALLBACK; // FODC0002, reported by the fontoxpath path
    docs.push(d as unknown as XNode);
  }
  return [...new Set(docs)];
});

/** Library: documents and focus. */
const DOCUMENTS_AND_FOCUS: Library = {
  doc: documentsAt,
  document: documentsAt,
  'doc-available': entry(1, 1, ({ a0 }) => (c) => {
    const u = single(a0(c));
    return [u === undefined ? false : docAvailable(str(u))];
  }),
  current: entry(0, 0, () => () => {
    const cur = currentNode();
    return cur ? [cur as unknown as XNode] : [];
  }),
  position: entry(0, 0, () => (c) => [c.pos]),
  last: entry(0, 0, () => (c) => [c.size]),
};

const LIBRARY = new Map<string, LibraryFunction>(
  [BOOLEANS_AND_COUNTS, STRINGS, REGULAR_EXPRESSIONS, NAMES, DOCUMENTS_AND_FOCUS].flatMap((l) =>
    Object.entries(l),
  ),
);

/**
 * Compile a call of a library function on compiled arguments.
 *
 * @example
 * ```ts
 * const count = compileCall('count', [compiledPath]); // (c) => [number of nodes]
 * ```
 * @throws Unsupported for a function or an arity outside the library.
 */
export function compileCall(name: string, args: Evaluator[]): Evaluator {
  const f = LIBRARY.get(name);
  const n = args.length;
  if (!f || n < f.min || n > f.max) throw UNSUPPORTED;
  const [a0, a1, a2] = args as [Evaluator, Evaluator, Evaluator];
  const arg0 = n === 0 ? (c: DynamicContext): Sequence => [c.item] : a0;
  return f.build({ all: args, n, a0, a1, a2, arg0, name });
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

function strArg(f: Evaluator): (c: DynamicContext) => string;
function strArg(s: Sequence): string;
function strArg(x: Evaluator | Sequence): string | ((c: DynamicContext) => string) {
  if (typeof x === 'function') return (c: DynamicContext) => strArg(x(c));
  const i = single(x);
  if (i === undefined) throw NEED_FALLBACK;
  return str(i);
}

function numArg(s: Sequence): number {
  const i = single(s);
  if (i === undefined) throw NEED_FALLBACK;
  if (typeof i === 'number') return i;
  throw NEED_FALLBACK;
}

function xround(x: number): number {
  if (!Number.isFinite(x)) return x;
  return Math.floor(x + 0.5);
}
