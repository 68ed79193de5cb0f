/**
 * XPath/XSD regular expressions → JavaScript `RegExp` (with the `u` flag). The two dialects differ:
 * `\d \w \s \i \c` mean Unicode classes in XSD, `.` never matches a newline, character classes can be
 * subtracted (`[a-z-[aeiou]]`), and Saxon accepts a quantified anchor (`^+?\d*$`, read as `^\d*$`).
 */
import { CisisBioError } from '../../common/errors.js';

export class XPathRegexError extends CisisBioError {
  constructor(code: string, message: string) {
    // The message keeps its code in front: the engine reports it as the profile's error text, as Saxon does.
    super(code, `${code}: ${message}`);
  }
}

const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/', '-']);

/**
 * `\i` and `\c` as XSD 1.1 defines them (and Saxon and xspattern read them): XML 1.0 fifth edition's
 * NameStartChar and NameChar productions.
 */
const NAME_START =
  ':A-Z_a-z\\u{C0}-\\u{D6}\\u{D8}-\\u{F6}\\u{F8}-\\u{2FF}\\u{370}-\\u{37D}\\u{37F}-\\u{1FFF}\\u{200C}-\\u{200D}' +
  '\\u{2070}-\\u{218F}\\u{2C00}-\\u{2FEF}\\u{3001}-\\u{D7FF}\\u{F900}-\\u{FDCF}\\u{FDF0}-\\u{FFFD}\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u{B7}\\u{300}-\\u{36F}\\u{203F}-\\u{2040}`;

/** A JS class body fragment that can sit inside `[...]` (simple) or a full JS atom (complex). */
type ClassItem = { simple: string } | { atom: string };

const MULTI: Record<string, ClassItem> = {
  d: { simple: '\\p{Nd}' },
  D: { simple: '\\P{Nd}' },
  s: { simple: ' \\t\\n\\r' },
  S: { atom: '[^ \\t\\n\\r]' },
  w: { atom: '[^\\p{P}\\p{Z}\\p{C}]' },
  W: { simple: '\\p{P}\\p{Z}\\p{C}' },
  i: { simple: NAME_START },
  I: { atom: `[^${NAME_START}]` },
  c: { simple: NAME_CHAR },
  C: { atom: `[^${NAME_CHAR}]` },
};

const SINGLE: Record<string, string> = { n: '\n', r: '\r', t: '\t' };

function litInClass(ch: string): string {
  if (ch === ']' || ch === '[' || ch === '\\' || ch === '^' || ch === '-') return `\\${ch}`;
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return ch;
}

function litOutside(ch: string): string {
  if (SYNTAX.has(ch)) return ch === '-' ? '-' : `\\${ch}`;
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return ch;
}

function category(body: string): string {
  // \p{IsBlockName} (Unicode blocks) has no JS equivalent.
  if (body.startsWith('Is'))
    throw new XPathRegexError('FORX0002', `Unicode block escape \\p{${body}} is not supported`);
  return body;
}

class Translator {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly dotAll: boolean,
  ) {}

  translate(): string {
    const out = this.branches();
    if (this.i < this.src.length)
      throw new XPathRegexError('FORX0002', `unexpected "${this.src[this.i]}" in regex "${this.src}"`);
    return out;
  }

  private branches(): string {
    const parts: string[] = [this.branch()];
    while (this.src[this.i] === '|') {
      this.i++;
      parts.push(this.branch());
    }
    return parts.join('|');
  }

  private branch(): string {
    let out = '';
    let lastWasAnchor = false;
    let lastAtomStart = 0;
    while (this.i < this.src.length) {
      const c = this.src[this.i] as string;
      if (c === '|' || c === ')') break;
      const q = this.quantifier();
      if (q) {
        if (out === '' && !lastWasAnchor)
          throw new XPathRegexError('FORX0002', `quantifier without atom in regex "${this.src}"`);
        if (lastWasAnchor) {
          // Saxon reads a quantified anchor as the anchor repeated: keep it when it must occur, drop it otherwise.
          if (q.min === 0) out = out.slice(0, lastAtomStart);
        } else out += q.text;
        lastWasAnchor = false;
        continue;
      }
      lastAtomStart = out.length;
      if (c === '^' || c === '$') {
        out += c;
        this.i++;
        lastWasAnchor = true;
        continue;
      }
      lastWasAnchor = false;
      out += this.atom();
    }
    return out;
  }

  private quantifier(): { text: string; min: number } | undefined {
    const c = this.src[this.i];
    let text: string;
    let min: number;
    if (c === '*' || c === '+' || c === '?') {
      text = c;
      min = c === '+' ? 1 : 0;
      this.i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) throw new XPathRegexError('FORX0002', `bad quantifier in regex "${this.src}"`);
      text = m[0];
      min = Number(m[1]);
      this.i += m[0].length;
    } else return undefined;
    if (this.src[this.i] === '?') {
      text += '?';
      this.i++;
    }
    return { text, min };
  }

  private atom(): string {
    const c = this.src[this.i] as string;
    if (c === '(') {
      this.i++;
      let prefix = '(';
      if (this.src.startsWith('?:', this.i)) {
        prefix = '(?:';
        this.i += 2;
      }
      const inner = this.branches();
      if (this.src[this.i] !== ')')
        throw new XPathRegexError('FORX0002', `unbalanced parenthesis in regex "${this.src}"`);
      this.i++;
      return `${prefix}${inner})`;
    }
    if (c === '[') return this.charClass();
    if (c === '.') {
      this.i++;
      return this.dotAll ? '[\\s\\S]' : '[^\\n\\r]';
    }
    if (c === '\\') return this.escapeOutside();
    if (c === ']' || c === '{' || c === '}') {
      throw new XPathRegexError('FORX0002', `"${c}" must be escaped in regex "${this.src}"`);
    }
    this.i++;
    return litOutside(c);
  }

  /** Read an escape; returns a class item (for class escapes) or a single character. */
  private readEscape(): ClassItem | { char: string } | { backref: string } {
    const c = this.src[this.i + 1];
    if (c === undefined) throw new XPathRegexError('FORX0002', `regex "${this.src}" ends with a backslash`);
    this.i += 2;
    if (c in SINGLE) return { char: SINGLE[c] as string };
    const multi = MULTI[c];
    if (multi) return multi;
    if (c === 'p' || c === 'P') {
      const m = /^\{([A-Za-z0-9-]+)\}/.exec(this.src.slice(this.i));
      if (!m) throw new XPathRegexError('FORX0002', `bad \\${c} escape in regex "${this.src}"`);
      this.i += m[0].length;
      return { simple: `\\${c}{${category(m[1] as string)}}` };
    }
    if (/[1-9]/.test(c)) {
      let n = c;
      while (/[0-9]/.test(this.src[this.i] ?? '')) n += this.src[this.i++];
      return { backref: n };
    }
    if ('\\|.?*+(){}-[]^$'.includes(c)) return { char: c };
    throw new XPathRegexError('FORX0002', `unknown escape \\${c} in regex "${this.src}"`);
  }

  private escapeOutside(): string {
    const e = this.readEscape();
    if ('char' in e) return litOutside(e.char);
    if ('backref' in e) return `\\${e.backref}`;
    if ('simple' in e) return `[${e.simple}]`;
    return e.atom;
  }

  /** `[...]`, with negation and subtraction; returns a JS atom. */
  private charClass(): string {
    this.i++; // [
    let negated = false;
    if (this.src[this.i] === '^') {
      negated = true;
      this.i++;
    }
    const items: ClassItem[] = [];
    let subtract: string | undefined;
    let first = true;
    while (this.i < this.src.length && this.src[this.i] !== ']') {
      const c = this.src[this.i] as string;
      if (c === '-' && this.src[this.i + 1] === '[') {
        this.i++;
        subtract = this.charClass();
        break;
      }
      let lo: string;
      if (c === '\\') {
        const e = this.readEscape();
        if ('backref' in e)
          throw new XPathRegexError('FORX0002', `back-reference in a character class in regex "${this.src}"`);
        if (!('char' in e)) {
          items.push(e);
          first = false;
          continue;
        }
        lo = e.char;
      } else if (c === '[') {
        throw new XPathRegexError(
          'FORX0002',
          `"[" must be escaped in a character class in regex "${this.src}"`,
        );
      } else {
        lo = c;
        this.i++;
      }
      // range?
      if (
        this.src[this.i] === '-' &&
        this.src[this.i + 1] !== ']' &&
        this.src[this.i + 1] !== '[' &&
        this.src[this.i + 1] !== undefined
      ) {
        this.i++;
        let hi: string;
        if (this.src[this.i] === '\\') {
          const e = this.readEscape();
          if (!('char' in e)) throw new XPathRegexError('FORX0002', `bad range in regex "${this.src}"`);
          hi = e.char;
        } else {
          hi = this.src[this.i] as string;
          this.i++;
        }
        if ((hi.codePointAt(0) ?? 0) < (lo.codePointAt(0) ?? 0)) {
          throw new XPathRegexError('FORX0002', `bad range ${lo}-${hi} in regex "${this.src}"`);
        }
        items.push({ simple: `${litInClass(lo)}-${litInClass(hi)}` });
      } else {
        items.push({ simple: litInClass(lo) });
      }
      first = false;
    }
    void first;
    if (this.src[this.i] !== ']')
      throw new XPathRegexError('FORX0002', `unterminated character class in regex "${this.src}"`);
    this.i++;
    let base: string;
    if (items.every((x) => 'simple' in x)) {
      const body = items.map((x) => (x as { simple: string }).simple).join('');
      base = negated ? `[^${body}]` : `[${body}]`;
    } else {
      const simple = items
        .filter((x) => 'simple' in x)
        .map((x) => (x as { simple: string }).simple)
        .join('');
      const alts = items.filter((x) => 'atom' in x).map((x) => (x as { atom: string }).atom);
      if (simple) alts.unshift(`[${simple}]`);
      const union = `(?:${alts.join('|')})`;
      base = negated ? `(?:(?!${union})[\\s\\S])` : union;
    }
    return subtract ? `(?:(?!${subtract})${base})` : base;
  }
}

const cache = new Map<string, RegExp>();

/** Compile an XPath regex with XPath flags (`s`, `m`, `i`, `x`, `q`) to a JS RegExp (cached). */
export function xpathRegex(pattern: string, flags = '', global = false): RegExp {
  const key = `${flags}\u0000${global ? 'g' : ''}\u0000${pattern}`;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  if (/[^smixq]/.test(flags)) throw new XPathRegexError('FORX0001', `invalid regex flags "${flags}"`);
  let src = pattern;
  let body: string;
  if (flags.includes('q')) {
    body = [...src].map(litOutside).join('');
  } else {
    if (flags.includes('x')) src = stripWhitespace(src);
    body = new Translator(src, flags.includes('s')).translate();
  }
  let jsFlags = 'u';
  if (flags.includes('i')) jsFlags += 'i';
  if (flags.includes('m')) jsFlags += 'm';
  if (global) jsFlags += 'g';
  let re: RegExp;
  try {
    re = new RegExp(body, jsFlags);
  } catch (e) {
    throw new XPathRegexError('FORX0002', `invalid regex "${pattern}": ${(e as Error).message}`);
  }
  cache.set(key, re);
  return re;
}

/** The `x` flag: white space removed, except inside character classes. */
function stripWhitespace(s: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\') {
      out += c + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    if (depth === 0 && /[ \t\n\r]/.test(c)) continue;
    out += c;
  }
  return out;
}

/** fn:matches with flags. */
export function xpathMatches(input: string, pattern: string, flags = ''): boolean {
  return xpathRegex(pattern, flags).test(input);
}

/** fn:replace with flags: XPath replacement syntax (`$n`, `\$`, `\\`) translated to JS. */
export function xpathReplace(input: string, pattern: string, replacement: string, flags = ''): string {
  const re = xpathRegex(pattern, flags, true);
  if (re.test('')) {
    re.lastIndex = 0;
    throw new XPathRegexError('FORX0003', `regex "${pattern}" matches the empty string`);
  }
  re.lastIndex = 0;
  let js = '';
  if (flags.includes('q')) js = replacement.replace(/\$/g, '$$$$');
  else {
    for (let i = 0; i < replacement.length; i++) {
      const c = replacement[i] as string;
      if (c === '\\') {
        const n = replacement[i + 1];
        if (n === '\\' || n === '$') {
          js += n === '$' ? '$$' : '\\';
          i++;
          continue;
        }
        throw new XPathRegexError('FORX0004', `invalid replacement string "${replacement}"`);
      }
      if (c === '$') {
        if (!/[0-9]/.test(replacement[i + 1] ?? ''))
          throw new XPathRegexError('FORX0004', `invalid replacement string "${replacement}"`);
        js += '$';
        continue;
      }
      js += c;
    }
  }
  return input.replace(re, js);
}

/** fn:tokenize with flags. */
export function xpathTokenize(input: string, pattern: string, flags = ''): string[] {
  if (input === '') return [];
  const re = xpathRegex(pattern, flags, true);
  if (re.test('')) {
    re.lastIndex = 0;
    throw new XPathRegexError('FORX0003', `regex "${pattern}" matches the empty string`);
  }
  re.lastIndex = 0;
  const out: string[] = [];
  let last = 0;
  for (let m = re.exec(input); m; m = re.exec(input)) {
    out.push(input.slice(last, m.index));
    last = m.index + m[0].length;
  }
  out.push(input.slice(last));
  re.lastIndex = 0;
  return out;
}
