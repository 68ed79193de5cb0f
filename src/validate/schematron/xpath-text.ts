/**
 * Small lexical helpers over XPath source text: they only need to know where string literals and brackets are,
 * which is enough to split match patterns, find variable references and rename function calls safely.
 */

/** Index just after the string literal starting at `i` (XPath doubles the quote to escape it). */
function skipString(s: string, i: number): number {
  const q = s[i];
  let j = i + 1;
  while (j < s.length) {
    if (s[j] === q) {
      if (s[j + 1] === q) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return j;
}

/** Index just after an XPath comment `(: … :)` starting at `i` (comments nest). */
function skipComment(s: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    if (s[j] === '(' && s[j + 1] === ':') {
      depth++;
      j += 2;
    } else if (s[j] === ':' && s[j + 1] === ')') {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return j;
}

/**
 * Visit the characters of `s` that are outside string literals and comments, with the bracket depth
 * (`(`, `[`, `{` together). The visitor may return a number to jump to that index.
 */
export function scanTopLevel(s: string, visit: (i: number, depth: number) => number | undefined): void {
  let depth = 0;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "'" || c === '"') {
      i = skipString(s, i);
      continue;
    }
    if (c === '(' && s[i + 1] === ':') {
      i = skipComment(s, i);
      continue;
    }
    const jump = visit(i, depth);
    if (typeof jump === 'number') {
      i = jump;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    i++;
  }
}

const NAME_START = /[A-Za-z_\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]/;

/** Read a (possibly prefixed) XPath name starting at `i`; returns the end index. */
export function readName(s: string, i: number, allowPrefix = true): number {
  if (!NAME_START.test(s[i] ?? '')) return i;
  let j = i + 1;
  while (j < s.length && NAME_CHAR.test(s[j] as string)) j++;
  if (allowPrefix && s[j] === ':' && NAME_START.test(s[j + 1] ?? '')) {
    j = readName(s, j + 1, false);
  }
  return j;
}

/** Names of the variables an expression references (`$name`), outside string literals. */
export function variableRefs(expr: string): Set<string> {
  const out = new Set<string>();
  scanTopLevel(expr, (i) => {
    if (expr[i] !== '$') return;
    let j = i + 1;
    while (j < expr.length && /\s/.test(expr[j] as string)) j++;
    const end = readName(expr, j);
    if (end > j) {
      out.add(expr.slice(j, end));
      return end;
    }
  });
  return out;
}

/**
 * Rename calls of the functions in `map` (unprefixed or `fn:`-prefixed name followed by `(`), outside string
 * literals, e.g. `resolve-QName(` → `Q{urn:cisis-bio:fn}resolve-QName(`.
 */
export function renameFunctionCalls(expr: string, map: Record<string, string>): string {
  const cuts: Array<[number, number, string]> = [];
  scanTopLevel(expr, (i) => {
    const c = expr[i] as string;
    if (!NAME_START.test(c)) return;
    const prev = i > 0 ? (expr[i - 1] as string) : '';
    if (prev && (NAME_CHAR.test(prev) || prev === '$' || prev === '}' || prev === '@' || prev === ':')) {
      // inside another name, a variable, an EQName or an attribute: skip the whole token
      const end = readName(expr, i);
      return end > i ? end : i + 1;
    }
    const end = readName(expr, i);
    let name = expr.slice(i, end);
    if (name.startsWith('fn:')) name = name.slice(3);
    const target = map[name];
    if (target !== undefined) {
      let k = end;
      while (k < expr.length && /\s/.test(expr[k] as string)) k++;
      if (expr[k] === '(') cuts.push([i, end, target]);
    }
    return end > i ? end : i + 1;
  });
  let out = expr;
  for (let n = cuts.length - 1; n >= 0; n--) {
    const [a, b, t] = cuts[n] as [number, number, string];
    out = out.slice(0, a) + t + out.slice(b);
  }
  return out;
}

/** Split a pattern alternative on top-level `|` and the keyword `union` (XPath 2.0 spells it both ways). */
export function splitUnion(s: string): string[] {
  const parts: string[] = [];
  let start = 0;
  scanTopLevel(s, (i, depth) => {
    if (depth !== 0) return;
    if (s[i] === '|') {
      parts.push(s.slice(start, i));
      start = i + 1;
      return start;
    }
    if (s.startsWith('union', i) && /\s/.test(s[i - 1] ?? '') && /\s/.test(s[i + 5] ?? '')) {
      parts.push(s.slice(start, i));
      start = i + 5;
      return start;
    }
  });
  parts.push(s.slice(start));
  return parts;
}

/** Is `s` exactly one string literal? Returns its value, else undefined. */
export function stringLiteralValue(s: string): string | undefined {
  const t = s.trim();
  const q = t[0];
  if ((q !== "'" && q !== '"') || t.length < 2) return undefined;
  if (skipString(t, 0) !== t.length) return undefined;
  return t
    .slice(1, -1)
    .split(q + q)
    .join(q);
}
