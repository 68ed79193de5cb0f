import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DOMParser, type Document } from '@xmldom/xmldom';
import { CisisBioError, XmlParseError } from './errors.js';

/** Largest XML document accepted by default (64 MiB: CR-BIO with embedded PDFs stays far below). */
export const DEFAULT_MAX_XML_BYTES = 64 * 1024 * 1024;
/** Deepest element nesting accepted (a CDA goes about 20 deep; deep trees make path computations quadratic). */
export const MAX_XML_DEPTH = 256;
/**
 * Most elements + attributes accepted in one document (the largest ANS example has ≈ 3,200 elements): bounds the
 * memory of the trees the validator builds (≤ 1 GB RSS with the kit at the limit).
 */
export const MAX_XML_ELEMENTS = 150_000;
/** Longest comment, CDATA section or processing instruction accepted (characters). */
export const MAX_XML_MARKUP_CHARS = 8 * 1024 * 1024;

export interface ParseXmlOptions {
  /** Refuse inputs larger than this many bytes (default {@link DEFAULT_MAX_XML_BYTES}). */
  maxBytes?: number;
  /** Name used in error messages. */
  fileName?: string;
}

/**
 * Decode XML bytes as their encoding says: a UTF-16 BOM, else the XML declaration's `encoding` (UTF-8,
 * ISO-8859-1/Latin-1, US-ASCII, UTF-16), else UTF-8. A BOM is dropped. Bytes that are not valid in the encoding
 * (invalid UTF-8) are malformed XML, reported with line and column; an encoding cisis-bio does not decode is refused.
 */
export function xmlText(input: string | Uint8Array, file?: string): string {
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const b = input;
  if (b[0] === 0xfe && b[1] === 0xff) return decodeStrict(b.subarray(2), 'utf-16be', file);
  if (b[0] === 0xff && b[1] === 0xfe) return decodeStrict(b.subarray(2), 'utf-16le', file);
  if (b[0] === 0x00 && b[1] === 0x3c) return decodeStrict(b, 'utf-16be', file); // `<` in UTF-16 without BOM
  if (b[0] === 0x3c && b[1] === 0x00) return decodeStrict(b, 'utf-16le', file);
  const bom = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  const body = bom ? b.subarray(3) : b;
  const declared = bom ? 'utf-8' : declaredEncoding(body);
  switch (declared) {
    case undefined:
    case 'utf-8':
    case 'utf8':
      return decodeStrict(body, 'utf-8', file);
    case 'iso-8859-1':
    case 'latin1':
    case 'iso_8859-1':
    case 'l1':
      return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
    case 'us-ascii':
    case 'ascii':
      if (body.some((c) => c > 0x7f))
        return failAt(
          body,
          body.findIndex((c) => c > 0x7f),
          file,
          'a byte above 0x7F in a US-ASCII document',
        );
      return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
    default:
      throw new XmlParseError(
        'XML_MALFORMED',
        `unsupported XML encoding "${declared}" (UTF-8, UTF-16 or ISO-8859-1)`,
        {
          file,
          line: 1,
          column: 1,
        },
      );
  }
}

/** The `encoding` of an XML declaration at the start of ASCII-compatible bytes, lower-cased. */
function declaredEncoding(b: Uint8Array): string | undefined {
  const head = Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, 200)).toString('latin1');
  const m = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return m ? m[1]!.toLowerCase() : undefined;
}

const decoders: Record<string, TextDecoder> = {};

function decodeStrict(b: Uint8Array, encoding: 'utf-8' | 'utf-16le' | 'utf-16be', file?: string): string {
  decoders[encoding] ??= new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  try {
    return decoders[encoding].decode(b);
  } catch {
    if (encoding !== 'utf-8') {
      throw new XmlParseError(
        'XML_MALFORMED',
        `malformed XML: invalid ${encoding.toUpperCase()} byte sequence`,
        {
          file,
        },
      );
    }
    return failAt(b, firstInvalidUtf8(b), file, 'invalid UTF-8 byte sequence');
  }
}

/** Offset of the first byte that does not start a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const n =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    if (n > 0) {
      const cp = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(i, i + n + 1)).codePointAt(0)!;
      if (cp === 0xfffd && !(b[i] === 0xef && b[i + 1] === 0xbf && b[i + 2] === 0xbd)) return i; // overlong, surrogate
    }
    i += n + 1;
  }
  return b.length;
}

function failAt(b: Uint8Array, offset: number, file: string | undefined, what: string): never {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (b[i] === 10) {
      line++;
      start = i + 1;
    }
  }
  // Column in characters: the valid UTF-8 before the offset on that line.
  const column = new TextDecoder().decode(b.subarray(start, offset)).length + 1;
  throw new XmlParseError('XML_MALFORMED', `malformed XML: ${what} at byte ${offset}`, {
    file,
    line,
    column,
  });
}

/**
 * Read an XML file for parsing, its size checked from `stat` before any byte is read (a file above `maxBytes`
 * is refused with `XML_TOO_LARGE` without spending its size in memory).
 *
 * @example
 * ```ts
 * const doc = parseXml(readXmlFile('cr-bio.xml'), { fileName: 'cr-bio.xml' });
 * ```
 */
export function readXmlFile(path: string, maxBytes = DEFAULT_MAX_XML_BYTES): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) {
      throw new XmlParseError('XML_TOO_LARGE', `XML input is ${size} bytes; the limit is ${maxBytes} bytes`, {
        file: path,
      });
    }
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === size ? buf : buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/**
 * Check the limits and well-formedness rules xmldom does not enforce, in one pass over the text, before any DOM
 * is built: characters XML 1.0 forbids (NUL, other C0 controls, U+FFFE/U+FFFF, lone surrogates), a DTD or entity
 * declaration outside comments, element depth, element count, and the length of comments, CDATA sections and
 * processing instructions. Throws {@link XmlParseError} with line and column.
 *
 * @example
 * ```ts
 * checkXmlText('<a><b/></a>'); // passes; '<a>\u0000</a>' throws XML_MALFORMED at 1:4
 * ```
 */
export function checkXmlText(text: string, file?: string): void {
  let depth = 0;
  let elements = 0;
  const n = text.length;
  const fail = (code: ConstructorParameters<typeof XmlParseError>[0], message: string, at: number): never => {
    const { line, column } = positionOf(text, at);
    throw new XmlParseError(code, message, { file, line, column });
  };
  const bad = FORBIDDEN_CHAR.exec(text);
  if (bad) {
    const c = bad[0].charCodeAt(0);
    fail(
      'XML_MALFORMED',
      `malformed XML: character U+${c.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`,
      bad.index,
    );
  }
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c !== 60) continue; // '<'
    const next = text.charCodeAt(i + 1);
    if (next === 33) {
      // '<!': comment, CDATA, or a declaration (DOCTYPE/ENTITY: refused)
      if (text.startsWith('<!--', i)) i = skipMarkup(text, i, '-->', 'comment', fail);
      else if (text.startsWith('<![CDATA[', i)) i = skipMarkup(text, i, ']]>', 'CDATA section', fail);
      else {
        const m = /^<!(DOCTYPE|ENTITY)\b/i.exec(text.slice(i, i + 10));
        if (m)
          fail(
            'XML_DTD_FORBIDDEN',
            `DTD and entity declarations are not allowed in CDA documents (found <!${m[1]})`,
            i,
          );
      }
    } else if (next === 63) {
      i = skipMarkup(text, i, '?>', 'processing instruction', fail);
    } else if (next === 47) {
      depth--;
    } else {
      depth++;
      elements++;
      if (depth > MAX_XML_DEPTH)
        fail('XML_TOO_DEEP', `elements are nested more than ${MAX_XML_DEPTH} deep (the limit)`, i);
      // to the end of the start tag, quotes respected; `/>` closes it at once
      let q = 0;
      let j = i + 1;
      for (; j < n; j++) {
        const k = text.charCodeAt(j);
        if (q) {
          if (k === q) q = 0;
        } else if (k === 34 || k === 39) q = k;
        else if (k === 61 && ++elements > MAX_XML_ELEMENTS)
          break; // an attribute
        else if (k === 62) break;
      }
      if (elements > MAX_XML_ELEMENTS)
        fail(
          'XML_TOO_MANY_NODES',
          `the document has more than ${MAX_XML_ELEMENTS} elements and attributes (the limit)`,
          i,
        );
      if (text.charCodeAt(j - 1) === 47) depth--;
      i = j - 1; // the loop's i++ lands on the tag's '>'
    }
  }
}

function skipMarkup(
  text: string,
  i: number,
  end: string,
  what: string,
  fail: (code: 'XML_TOO_LARGE', message: string, at: number) => never,
): number {
  const close = text.indexOf(end, i + 2);
  const stop = close < 0 ? text.length : close + end.length;
  if (stop - i > MAX_XML_MARKUP_CHARS)
    fail(
      'XML_TOO_LARGE',
      `a ${what} of ${stop - i} characters exceeds the limit of ${MAX_XML_MARKUP_CHARS}`,
      i,
    );
  return stop - 1;
}

/** Characters XML 1.0 does not allow: C0 controls but tab/LF/CR, U+FFFE, U+FFFF, lone surrogates. */
const FORBIDDEN_CHAR =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Parse XML safely. A CDA never needs a DTD, so any `<!DOCTYPE` or `<!ENTITY` is refused outright (a
 * `<!DOCTYPE` inside a comment is text, not a declaration): no external entity (XXE) can be resolved and no
 * entity-expansion bomb can be expanded. Bytes are decoded as declared ({@link xmlText}); size, depth, element
 * count and forbidden characters are checked before the DOM is built ({@link checkXmlText}). Errors carry the
 * line and column.
 *
 * @example
 * ```ts
 * const doc = parseXml(readFileSync('cr-bio.xml'), { fileName: 'cr-bio.xml' });
 * ```
 */
export function parseXml(input: string | Uint8Array, options: ParseXmlOptions = {}): Document {
  const max = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  const file = options.fileName;
  if (size > max) {
    throw new XmlParseError('XML_TOO_LARGE', `XML input is ${size} bytes; the limit is ${max} bytes`, {
      file,
    });
  }
  const text = xmlText(input, file);
  if (text.trim() === '') throw new XmlParseError('XML_EMPTY', 'XML input is empty', { file });
  checkXmlText(text, file);
  let failure: XmlParseError | undefined;
  const parser = new DOMParser({
    locator: true,
    onError: (level, message, context) => {
      if (level === 'warning' || failure) return;
      const loc = (context as { locator?: { lineNumber?: number; columnNumber?: number } } | undefined)
        ?.locator;
      failure = new XmlParseError('XML_MALFORMED', `malformed XML: ${message.trim()}`, {
        file,
        line: loc?.lineNumber,
        column: loc?.columnNumber,
      });
    },
  });
  let doc: Document | undefined;
  try {
    doc = parser.parseFromString(text, 'text/xml');
  } catch (e) {
    if (failure) throw failure;
    if (e instanceof CisisBioError) throw e;
    throw new XmlParseError('XML_MALFORMED', `malformed XML: ${(e as Error).message}`, { file });
  }
  if (failure) throw failure;
  if (!doc?.documentElement)
    throw new XmlParseError('XML_MALFORMED', 'malformed XML: no root element', { file });
  return doc;
}

function positionOf(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < index; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: index - last };
}
