/**
 * Run-time values of the compiled closures: items and sequences, atomisation, effective boolean value, numbers,
 * comparisons and arithmetic — XPath 2.0 semantics where the subset models them, {@link NEED_FALLBACK} where it
 * does not (the rule then goes to fontoxpath).
 */
import { stringValue, type XNode } from './nodes.js';
import { NEED_FALLBACK } from './signals.js';

/** An untyped atomic value (what a node atomises to). */
export class Untyped {
  constructor(readonly v: string) {}
}
/** An xs:QName value: namespace URI and local name (prefixes do not take part in comparisons). */
export class QNameValue {
  constructor(
    readonly uri: string,
    readonly local: string,
  ) {}
}
/** An xs:dateTime as an instant (ms, fractional ms kept) and whether it carried a timezone. */
export class DateTimeValue {
  constructor(
    readonly ms: number,
    readonly tz: boolean,
  ) {}
}
export type Item = XNode | string | number | boolean | Untyped | QNameValue | DateTimeValue;
export type Sequence = Item[];

/**
 * The two boolean results, shared: a result sequence is never modified by its reader (every operator builds a
 * new array), so the many `[true]`/`[false]` of a run need not be allocated.
 */
export const TRUE_SEQUENCE: Sequence = [true];
export const FALSE_SEQUENCE: Sequence = [false];

/** The shared one-boolean sequence for `b`. */
export function booleanSequence(b: boolean): Sequence {
  return b ? TRUE_SEQUENCE : FALSE_SEQUENCE;
}

/** Is the item a node (not an atomic value)? */
export function isNode(i: Item): i is XNode {
  // Untyped, QNameValue and DateTimeValue have no nodeType
  return typeof i === 'object' && i !== null && (i as XNode).nodeType !== undefined;
}

/** Atomise one item to a string-like value, refusing what needs XPath number formatting. */
export function str(i: Item): string {
  if (typeof i === 'string') return i;
  if (i instanceof Untyped) return i.v;
  if (typeof i === 'boolean') return i ? 'true' : 'false';
  if (typeof i === 'number') throw NEED_FALLBACK;
  if (i instanceof QNameValue || i instanceof DateTimeValue) throw NEED_FALLBACK;
  return stringValue(i);
}

/** fn:data: nodes become untyped atomic values of their string value. */
export function atomize(s: Sequence): Sequence {
  return s.map((i) => (isNode(i) ? new Untyped(stringValue(i)) : i));
}

/** The item of a sequence of at most one (XPTY0004 otherwise: fontoxpath reports it). */
export function single(s: Sequence): Item | undefined {
  if (s.length > 1) throw NEED_FALLBACK;
  return s[0];
}

/** The string of a sequence of at most one item (`''` for the empty sequence), as string-valued arguments take it. */
export function optString(s: Sequence): string {
  const i = single(s);
  return i === undefined ? '' : str(i);
}

/**
 * The effective boolean value of a sequence.
 *
 * @example
 * ```ts
 * effectiveBoolean([]);      // false
 * effectiveBoolean(['x']);   // true
 * ```
 */
export function effectiveBoolean(s: Sequence): boolean {
  if (s.length === 0) return false;
  const f = s[0] as Item;
  if (isNode(f)) return true;
  if (s.length > 1) throw NEED_FALLBACK;
  if (typeof f === 'boolean') return f;
  if (typeof f === 'string') return f.length > 0;
  if (f instanceof Untyped) return f.v.length > 0;
  if (typeof f === 'number') return f !== 0 && !Number.isNaN(f);
  throw NEED_FALLBACK;
}

/** xs:double from a string (FORG0001 when it is not one: fontoxpath reports it). */
export function toDouble(v: string): number {
  const t = v.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (t === 'INF' || t === '+INF') return Infinity;
  if (t === '-INF') return -Infinity;
  if (t === 'NaN') return NaN;
  throw NEED_FALLBACK;
}

/** fn:number of one item (NaN for what does not read as a number). */
export function numberOf(i: Item | undefined): number {
  if (i === undefined) return NaN;
  if (typeof i === 'number') return i;
  if (typeof i === 'boolean') return i ? 1 : 0;
  if (i instanceof QNameValue || i instanceof DateTimeValue) throw NEED_FALLBACK;
  const s = typeof i === 'string' ? i : i instanceof Untyped ? i.v : stringValue(i);
  try {
    return toDouble(s);
  } catch {
    return NaN;
  }
}

export type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** `a op b` on two numbers or two strings. */
export function compareValues(op: Comparison, a: number | string, b: number | string): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b; // strings: codepoint order (JS compares UTF-16 units; identical for the BMP)
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** Two atomic items compared as a general comparison compares them. */
export function compareAtoms(op: Comparison, x: Item, y: Item): boolean {
  if (x instanceof QNameValue || y instanceof QNameValue) {
    if (!(x instanceof QNameValue && y instanceof QNameValue) || (op !== '=' && op !== '!='))
      throw NEED_FALLBACK;
    const eq = x.uri === y.uri && x.local === y.local;
    return op === '=' ? eq : !eq;
  }
  if (typeof x === 'boolean' || typeof y === 'boolean') throw NEED_FALLBACK;
  const xu = x instanceof Untyped;
  const yu = y instanceof Untyped;
  if (typeof x === 'number' || typeof y === 'number') {
    const a = typeof x === 'number' ? x : xu ? toDouble((x as Untyped).v) : NaN;
    const b = typeof y === 'number' ? y : yu ? toDouble((y as Untyped).v) : NaN;
    if (typeof x === 'string' || typeof y === 'string') throw NEED_FALLBACK; // XPTY0004
    if (Number.isNaN(a) || Number.isNaN(b)) return op === '!=';
    return compareValues(op, a, b);
  }
  const a = xu ? (x as Untyped).v : (x as string);
  const b = yu ? (y as Untyped).v : (y as string);
  return compareValues(op, a, b);
}

/** The general comparison `l op r`: true when some pair of atomised items compares true. */
export function generalCompare(op: Comparison, l: Sequence, r: Sequence): boolean {
  if (l.length === 1 && r.length === 1) {
    // the common shapes — `count(x) <= 1`, `@use = 'H'` — without atomising into new objects
    const x = l[0] as Item;
    const y = r[0] as Item;
    if (typeof x === 'number' && typeof y === 'number')
      return Number.isNaN(x) || Number.isNaN(y) ? op === '!=' : compareValues(op, x, y);
    const xs = stringLike(x);
    const ys = xs === undefined ? undefined : stringLike(y);
    if (xs !== undefined && ys !== undefined) return compareValues(op, xs, ys);
  }
  const a = atomize(l);
  const b = atomize(r);
  for (const x of a) for (const y of b) if (compareAtoms(op, x, y)) return true;
  return false;
}

/** The value of a string, an untyped value or a node, compared as a string; undefined for other items. */
function stringLike(i: Item): string | undefined {
  if (typeof i === 'string') return i;
  if (i instanceof Untyped) return i.v;
  if (isNode(i)) return stringValue(i);
  return undefined;
}

/**
 * The string values of an atomised sequence when all are strings or untyped (what `=` against a value set
 * compares by identity), else undefined.
 */
export function stringsOnly(s: Sequence): Set<string> | undefined {
  const out = new Set<string>();
  for (const i of s) {
    if (typeof i === 'string') out.add(i);
    else if (i instanceof Untyped) out.add(i.v);
    else if (isNode(i)) out.add(stringValue(i));
    else return undefined;
  }
  return out;
}

/** The value comparison `x op y` of two single atoms ([] when either is absent). */
export function valueCompare(op: Comparison, l: Sequence, r: Sequence): Sequence {
  const x = single(atomize(l));
  const y = single(atomize(r));
  if (x === undefined || y === undefined) return [];
  if (x instanceof DateTimeValue || y instanceof DateTimeValue) {
    // instants compare exactly when both or neither carry a timezone (else the implicit one matters)
    if (!(x instanceof DateTimeValue && y instanceof DateTimeValue) || x.tz !== y.tz) throw NEED_FALLBACK;
    return [compareAtoms(op, x.ms, y.ms)];
  }
  const xv = x instanceof Untyped ? x.v : x;
  const yv = y instanceof Untyped ? y.v : y;
  if (typeof xv !== typeof yv || (typeof xv !== 'string' && typeof xv !== 'number')) throw NEED_FALLBACK;
  return [compareAtoms(op, xv, yv)];
}

/** Arithmetic on two single atoms (untyped read as xs:double). */
export function arithmetic(l: Sequence, r: Sequence, f: (x: number, y: number) => number): Sequence {
  const x = single(atomize(l));
  const y = single(atomize(r));
  if (x === undefined || y === undefined) return [];
  const a = typeof x === 'number' ? x : x instanceof Untyped ? toDouble(x.v) : NaN;
  const b = typeof y === 'number' ? y : y instanceof Untyped ? toDouble(y.v) : NaN;
  if (typeof x !== 'number' && !(x instanceof Untyped)) throw NEED_FALLBACK;
  if (typeof y !== 'number' && !(y instanceof Untyped)) throw NEED_FALLBACK;
  return [f(a, b)];
}
