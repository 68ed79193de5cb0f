// Canonical XML through libxml2 (xml-crypto has no C14N 1.1). Documents are parsed without DTD, entity
// substitution or network access: a `<!DOCTYPE`/`<!ENTITY` is refused before libxml2 sees the bytes.
import type { XmlDocument, XmlElement } from 'libxml2-wasm';
import { XmlParseError } from '../common/errors.js';
import { DEFAULT_MAX_XML_BYTES } from '../common/xml.js';
import { C14N_ALGORITHMS } from './algorithms.js';

/*
 * libxml2-wasm is an ES module with top-level await: a static import would make the whole package
 * impossible to `require()` from CommonJS. It is loaded on first use by the async entry points
 * (signDocument, signSubmissionSet, verifySignature) through {@link loadLibxml2}.
 */
type Libxml2 = typeof import('libxml2-wasm');
let lib: Libxml2 | undefined;

/** Load libxml2 once; every async entry point of the sign module awaits it before canonicalising. */
export async function loadLibxml2(): Promise<Libxml2> {
  lib ??= await import('libxml2-wasm');
  return lib;
}

/** The loaded libxml2 module (throws when {@link loadLibxml2} was not awaited first: a programming error). */
export function libxml2(): Libxml2 {
  if (!lib) throw new Error('libxml2 is not loaded: await loadLibxml2() first');
  return lib;
}
const DTD = /<!(DOCTYPE|ENTITY)\b/i;

/**
 * Parse bytes with libxml2 after refusing any DTD (same rule as `parseXml`) and any input over the documented
 * limit ({@link DEFAULT_MAX_XML_BYTES}, 64 MiB; 256 MiB for a signature carrying an enveloped document). Within that
 * limit libxml2's XML_PARSE_HUGE lifts its own 10 MB text-node cap, so an 8 MB PDF copy is not "malformed".
 * Caller disposes.
 */
export function parseForC14n(
  bytes: Uint8Array,
  fileName?: string,
  maxBytes = DEFAULT_MAX_XML_BYTES,
): XmlDocument {
  if (bytes.byteLength > maxBytes)
    throw new XmlParseError(
      'XML_TOO_LARGE',
      `XML input is ${bytes.byteLength} bytes; the limit is ${maxBytes} bytes`,
      {
        file: fileName,
      },
    );
  // The DTD check needs only the prolog-ish text; decoding the whole buffer is cheap next to parsing.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const m = DTD.exec(text);
  if (m) {
    throw new XmlParseError(
      'XML_DTD_FORBIDDEN',
      `DTD and entity declarations are not allowed (found <!${m[1]})`,
      {
        file: fileName,
      },
    );
  }
  const { XmlDocument, ParseOption } = libxml2();
  try {
    return XmlDocument.fromBuffer(bytes, {
      option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_HUGE,
    });
  } catch (e) {
    const detail = (e as Error).message.split('\n')[0] ?? '';
    throw new XmlParseError('XML_MALFORMED', `malformed XML: ${detail}`, { file: fileName });
  }
}

function collector(): { handler: { write(b: Uint8Array): number; close(): boolean }; bytes(): Buffer } {
  const chunks: Buffer[] = [];
  return {
    handler: {
      write(b: Uint8Array) {
        chunks.push(Buffer.from(b)); // copy: libxml2 reuses its buffer
        return b.length;
      },
      close() {
        return true;
      },
    },
    bytes: () => Buffer.concat(chunks),
  };
}

function algorithmOf(uri: string): { mode: 0 | 1 | 2; withComments: boolean } {
  const a = C14N_ALGORITHMS[uri];
  if (!a) throw new Error(`unsupported canonicalization algorithm ${uri}`);
  return a;
}

/** Canonical form of a whole XML document (an octet stream turned into a node-set keeps its comments). */
export function canonicalizeDocument(bytes: Uint8Array, algorithm: string, fileName?: string): Buffer {
  const { mode, withComments } = algorithmOf(algorithm);
  const doc = parseForC14n(bytes, fileName);
  try {
    const out = collector();
    doc.canonicalize(out.handler, { mode, withComments });
    return out.bytes();
  } finally {
    doc.dispose();
  }
}

/**
 * Canonical form of one element and its descendants, with the namespaces in scope (inclusive modes).
 * `stripComments` applies to same-document barename references (`URI="#id"`), which exclude comments.
 */
export function canonicalizeElement(el: XmlElement, algorithm: string, stripComments = false): Buffer {
  const { mode, withComments } = algorithmOf(algorithm);
  const out = collector();
  // nodeSet mode: libxml2 tests visibility on node pointers, without wrapping every node of the document in JS.
  el.doc.canonicalize(out.handler, {
    mode,
    withComments: withComments && !stripComments,
    nodeSet: new Set([el]),
  });
  return out.bytes();
}
