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
  const n = args.length;
  const a0 = args[0] as Evaluator;
  const a1 = args[1] as Evaluator;
  const a2 = args[2] as Evaluator;
  const ctxItem = (c: DynamicContext): Sequence => [c.item];
  const arg0 = n === 0 ? ctxItem : a0;
  const need = (ok: boolean) => {
    if (!ok) throw UNSUPPORTED;
  };
  switch (name) {
    case 'not':
      need(n === 1);
      return (c) => booleanSequence(!effectiveBoolean(a0(c)));
    case 'boolean':
      need(n === 1);
      return (c) => booleanSequence(effectiveBoolean(a0(c)));
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
      return (c) => booleanSequence(a0(c).length === 0);
    case 'exists':
      need(n === 1);
      return (c) => booleanSequence(a0(c).length > 0);
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
        if (!isNode(i)) throw NEED_FALLBACK;
        if (name === 'namespace-uri') return [i.namespaceURI ?? ''];
        if (i.nodeType === 1 || i.nodeType === 2) return [name === 'name' ? i.nodeName : (i.localName ?? '')];
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
          n === 4 ? strArg(args[3] as Evaluator)(c) : '',
        ),
      ];
    case 'tokenize':
      need(n === 2 || n === 3);
      return (c) => xpathTokenize(optString(a0(c)), strArg(a1(c)), n === 3 ? strArg(a2(c)) : '');
    case 'distinct-values':
      need(n === 1);
      return (c) => {
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
      };
    case 'xs:dateTime':
      need(n === 1);
      return (c) => {
        const v = single(atomize(a0(c)));
        if (v === undefined) return [];
        if (typeof v !== 'string' && !(v instanceof Untyped)) throw NEED_FALLBACK;
        const d = parseDateTime(str(v));
        if (!d) throw NEED_FALLBACK; // FORG0001, reported by fontoxpath
        return [d];
      };
    case 'iri-to-uri':
      need(n === 1);
      return (c) => [iriToUri(optString(a0(c)))];
    case 'number':
      need(n <= 1);
      return (c) => [numberOf(single(arg0(c)))];
    case 'doc':
    case 'document':
      need(n === 1);
      return (c) => {
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
        if (!/^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/.test(lex) || (k > 0 && uri === '')) throw NEED_FALLBACK;
        return [new QNameValue(uri, k < 0 ? lex : lex.slice(k + 1))];
      };
    case 'resolve-QName':
      need(n === 2);
      return (c) => {
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
      };
    case 'local-name-from-QName':
    case 'namespace-uri-from-QName':
      need(n === 1);
      return (c) => {
        const q = single(a0(c));
        if (q === undefined) return [];
        if (!(q instanceof QNameValue)) throw NEED_FALLBACK;
        return [name === 'local-name-from-QName' ? q.local : q.uri];
      };
    default:
      throw UNSUPPORTED;
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
