import fs from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorDetail, XmlDocument, XmlInputProvider, XsdValidator } from 'libxml2-wasm';
import { CisisBioError, XmlParseError } from '../common/errors.js';

/**
 * libxml2-wasm, loaded on first use. It is an ES module with top-level await: a static import would make the
 * CommonJS build of cisis-bio unloadable by `require()`, and would cost every command its start-up.
 */
type Libxml2 = typeof import('libxml2-wasm');
let lib: Libxml2 | undefined;

/** Load libxml2 (once). {@link loadXsd} does it; call it before {@link validateXsd} otherwise. */
export async function loadLibxml2(): Promise<Libxml2> {
  lib ??= await import('libxml2-wasm');
  return lib;
}

function libxml2(): Libxml2 {
  if (!lib) throw new Error('libxml2 is not loaded: await loadXsd() first');
  return lib;
}

/** One XSD violation, at the line and column of the offending node. */
export interface XsdError {
  line: number;
  column: number;
  message: string;
}

/** Result of the XSD step. */
export interface XsdResult {
  valid: boolean;
  errors: XsdError[];
}

/** The XSD could not be loaded (missing file, broken schema). */
export class XsdLoadError extends CisisBioError {
  constructor(message: string, where?: string, cause?: unknown) {
    super('XSD_LOAD_FAILED', message, { where, cause });
  }
}

/**
 * Parser flags for documents handed to libxml2: no network, no external DTD or entity loading, no entity
 * substitution (no NOENT, no DTDLOAD), line numbers above 65535 kept. `parseXml` has already refused any
 * DOCTYPE before a document reaches libxml2; these flags are a second wall. `XML_PARSE_HUGE` lifts libxml2's
 * 10 MB text-node limit (an 8 MB PDF in base64 is a legitimate CR-BIO): the document is at most
 * `maxBytes` (64 MiB) and its depth was checked (≤ 256) before, which are cisis-bio's own limits.
 */
const docParseOptions = (l: Libxml2) =>
  l.ParseOption.XML_PARSE_NONET |
  l.ParseOption.XML_PARSE_NO_XXE |
  l.ParseOption.XML_PARSE_BIG_LINES |
  l.ParseOption.XML_PARSE_HUGE;

/**
 * Folders from which libxml2 may read files (the folders of the XSD files loaded). Only `.xsd` files in them
 * are served, and only while a schema is being compiled: a document never gets to read the disk.
 */
const allowedRoots = new Set<string>();
let schemaLoading = false;
let providerRegistered = false;

function localPath(name: string): string | undefined {
  try {
    const url = new URL(name);
    return url.protocol === 'file:' ? fileURLToPath(url) : undefined;
  } catch {
    return name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) ? resolve(name) : undefined;
  }
}

const schemaIncludeProvider: XmlInputProvider = {
  match(name) {
    if (!schemaLoading) return false;
    const path = localPath(name);
    if (!path?.toLowerCase().endsWith('.xsd')) return false;
    for (const root of allowedRoots) if (path.startsWith(root + sep)) return fs.existsSync(path);
    return false;
  },
  open(name) {
    try {
      return fs.openSync(localPath(name) ?? name, 'r');
    } catch {
      return undefined;
    }
  },
  read(fd, buf) {
    try {
      return fs.readSync(fd, buf, 0, buf.byteLength, null);
    } catch {
      return -1;
    }
  },
  close(fd) {
    try {
      fs.closeSync(fd);
    } catch {
      // nothing to do: the file was read
    }
    return true;
  },
};

const validators = new Map<string, XsdValidator>();

/**
 * Load (once per process) the XSD at `xsdPath`, its `xs:include`/`xs:import` read from disk relative to it.
 * @throws XsdLoadError when a file is missing or the schema does not compile.
 */
export async function loadXsd(xsdPath: string): Promise<XsdValidator> {
  const path = resolve(xsdPath);
  const cached = validators.get(path);
  if (cached) return cached;
  const l = await loadLibxml2();
  if (!providerRegistered) {
    l.xmlRegisterInputProvider(schemaIncludeProvider);
    providerRegistered = true;
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch (e) {
    throw new XsdLoadError(
      `cannot read the XSD: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      path,
      e,
    );
  }
  // The kit's schema imports from its own subfolders (general/, sdtc/, schema/ …): allow the whole kit folder.
  allowedRoots.add(dirname(path));
  schemaLoading = true;
  let schemaDoc: XmlDocument | undefined;
  try {
    schemaDoc = l.XmlDocument.fromBuffer(bytes, { url: path, option: l.ParseOption.XML_PARSE_NONET });
    const validator = l.XsdValidator.fromDoc(schemaDoc);
    validators.set(path, validator);
    return validator;
  } catch (e) {
    const detail = e instanceof l.XmlLibError ? e.details[0] : undefined;
    const where = detail?.file ? `${detail.file}${detail.line ? `:${detail.line}` : ''}` : path;
    throw new XsdLoadError(`the XSD does not load: ${(e as Error).message.trim()}`, where, e);
  } finally {
    schemaLoading = false;
    schemaDoc?.dispose();
  }
}

/**
 * libxml2's verdict on one document before columns are looked up: what the XSD thread of a batch sends back
 * (plain data). {@link locateXsdResult} turns it into an {@link XsdResult}.
 */
export interface RawXsdResult {
  valid: boolean;
  errors: Array<{ line: number; col: number; xpath?: string; message: string }>;
}

/**
 * Validate a document against an XSD loaded by {@link loadXsd}. The document must already have passed the
 * parser's checks (size bound, no DTD). Columns come from the DOM when libxml2 gives none (it reports schema
 * errors by line only).
 *
 * @param locate maps libxml2's node path (e.g. `/*\/*[9]`) to a 1-based column, when the caller can.
 */
export function validateXsd(
  xml: string | Uint8Array,
  xsdPath: string,
  locate?: (xpath: string, line: number) => number | undefined,
  file?: string,
): XsdResult {
  return locateXsdResult(validateXsdRaw(xml, xsdPath, file), locate);
}

/** {@link validateXsd} without the column look-up. @throws XmlParseError when libxml2 cannot parse the document. */
export function validateXsdRaw(xml: string | Uint8Array, xsdPath: string, file?: string): RawXsdResult {
  const validator = validators.get(resolve(xsdPath));
  if (!validator) throw new Error(`XSD not loaded: await loadXsd(${JSON.stringify(xsdPath)}) first`);
  const l = libxml2();
  let doc: XmlDocument;
  try {
    doc =
      typeof xml === 'string'
        ? l.XmlDocument.fromString(xml, { option: docParseOptions(l) })
        : l.XmlDocument.fromBuffer(xml, { option: docParseOptions(l) });
  } catch (e) {
    const d = e instanceof l.XmlLibError ? e.details[0] : undefined;
    throw new XmlParseError(
      'XML_MALFORMED',
      `malformed XML: ${(d?.message ?? (e as Error).message).trim()}`,
      {
        file,
        line: d?.line || undefined,
        column: d?.col || undefined,
      },
    );
  }
  try {
    validator.validate(doc);
    return { valid: true, errors: [] };
  } catch (e) {
    if (!(e instanceof l.XmlLibError)) throw e;
    const errors = e.details.map((d: ErrorDetail) => ({
      line: d.line,
      col: d.col,
      ...(d.xpath ? { xpath: d.xpath } : {}),
      message: d.message,
    }));
    return {
      valid: false,
      errors: errors.length ? errors : [{ line: 1, col: 1, message: e.message }],
    };
  } finally {
    doc.dispose();
  }
}

/** The {@link XsdResult} of a raw verdict: messages trimmed, a column for each error (1 when unknown). */
export function locateXsdResult(
  raw: RawXsdResult,
  locate?: (xpath: string, line: number) => number | undefined,
): XsdResult {
  if (raw.valid) return { valid: true, errors: [] };
  return {
    valid: false,
    errors: raw.errors.map((d) => {
      const line = d.line > 0 ? d.line : 1;
      const column = d.col > 0 ? d.col : ((d.xpath ? locate?.(d.xpath, line) : undefined) ?? 1);
      return { line, column, message: d.message.trim() };
    }),
  };
}
