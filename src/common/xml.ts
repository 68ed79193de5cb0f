import { DOMParser, type Document } from '@xmldom/xmldom';
import { XmlParseError } from './errors.js';

/** Largest XML document accepted by default (64 MiB: CR-BIO with embedded PDFs stays far below). */
export const DEFAULT_MAX_XML_BYTES = 64 * 1024 * 1024;

export interface ParseXmlOptions {
  /** Refuse inputs larger than this many bytes (default {@link DEFAULT_MAX_XML_BYTES}). */
  maxBytes?: number;
  /** Name used in error messages. */
  fileName?: string;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Decode bytes as UTF-8 (the only encoding CI-SIS documents use), dropping a BOM. */
export function xmlText(input: string | Uint8Array): string {
  const text = typeof input === 'string' ? input : decoder.decode(input);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parse XML safely. A CDA never needs a DTD, so any `<!DOCTYPE` or `<!ENTITY` is refused outright:
 * no external entity (XXE) can be resolved and no entity-expansion bomb can be expanded.
 * Errors carry the line and column.
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
  const text = xmlText(input);
  if (text.trim() === '') throw new XmlParseError('XML_EMPTY', 'XML input is empty', { file });
  const dtd = /<!(DOCTYPE|ENTITY)\b/i.exec(text);
  if (dtd) {
    const { line, column } = positionOf(text, dtd.index);
    throw new XmlParseError(
      'XML_DTD_FORBIDDEN',
      `DTD and entity declarations are not allowed in CDA documents (found <!${dtd[1]})`,
      { file, line, column },
    );
  }
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
