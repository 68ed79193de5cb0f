/**
 * XPath functions fontoxpath lacks and the ANS schematrons need, registered once per process:
 * `matches#3`, `replace#4`, `tokenize#3` (XSD regex with flags), `doc#1`, `doc-available#1`, `document#1`
 * (XSLT), `current#0` (XSLT) and `resolve-QName#2` (an XQuery-module wrapper: a JS callback cannot return
 * an `xs:QName`, so the wrapper builds it with `fn:QName` from a namespace URI the callback finds).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fontoxpath from 'fontoxpath';
import type { Document as SlimDocument, Node as SlimNode } from 'slimdom';
import { CisisBioError } from '../../common/errors.js';
import { DEFAULT_MAX_XML_BYTES, parseXml } from '../../common/xml.js';
import { xpathMatches, xpathReplace, xpathTokenize } from './regex.js';

const { registerCustomXPathFunction, registerXQueryModule } = fontoxpath;

export const FN_NS = 'http://www.w3.org/2005/xpath-functions';
/** Namespace of the engine's helper functions (reached through `Q{…}name()` after a rewrite). */
export const CISIS_FN_NS = 'urn:cisis-bio:schematron-functions';

/** What a custom function needs to know about the evaluation under way (single-threaded: set before each call). */
export interface EvalScope {
  /** Folder against which relative `doc()`/`document()` URIs resolve. */
  baseDir: string;
  /** Loaded documents, by absolute path (`null` when unavailable). */
  docs: Map<string, SlimDocument | null>;
  /** The rule's context node, for XSLT `current()`. */
  current: SlimNode | null;
}

let scope: EvalScope | null = null;

export function setScope(s: EvalScope | null): void {
  scope = s;
}

/** An error raised from inside a custom function, carrying its XPath error code. */
export class XPathFunctionError extends CisisBioError {
  constructor(code: string, message: string) {
    // The message keeps its code in front: the engine reports it as the profile's error text, as Saxon does.
    super(code, `${code}: ${message}`);
  }
}

function resolveUri(uri: string, baseDir: string): string | undefined {
  if (/^file:/i.test(uri)) return fileURLToPath(uri);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return undefined; // http:, https: …: never fetched
  const path = decodeURI(uri);
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/**
 * Parse an auxiliary XML file (value set) with the same safety rules as documents (`parseXml`: no DTD, size
 * bound). Parsed by @xmldom/xmldom like the document itself: its parser is already loaded and warm, where a
 * second parser would be loaded and run cold for a few dozen small files (both DOMs give the same verdicts).
 */
export function parseAuxiliary(path: string): SlimDocument {
  return parseXml(readFileSync(path), {
    fileName: path,
    maxBytes: DEFAULT_MAX_XML_BYTES,
  }) as unknown as SlimDocument;
}

function loadDoc(uri: string, fn: string): SlimDocument | null {
  const s = scope;
  if (!s) throw new XPathFunctionError('FODC0002', `${fn}('${uri}') called outside a schematron run`);
  const path = resolveUri(uri, s.baseDir);
  if (path === undefined) return null;
  if (s.docs.has(path)) return s.docs.get(path) ?? null;
  let doc: SlimDocument | null = null;
  if (existsSync(path)) {
    try {
      doc = parseAuxiliary(path);
    } catch {
      doc = null;
    }
  }
  s.docs.set(path, doc);
  return doc;
}

function docOrError(uri: string, fn: string): SlimDocument {
  const d = loadDoc(uri, fn);
  if (!d) {
    const path = scope ? (resolveUri(uri, scope.baseDir) ?? uri) : uri;
    throw new XPathFunctionError(
      'FODC0002',
      `cannot read ${fn}('${uri}'): ${path} does not exist or is not well-formed XML`,
    );
  }
  return d;
}

/** Warnings of the run under way (recoverable errors, as Saxon reports them), drained by the runner. */
const runWarnings = new Set<string>();

/** The warnings raised since the last call (and forget them). */
export function takeRunWarnings(): string[] {
  const out = [...runWarnings];
  runWarnings.clear();
  return out;
}

/** `doc()` for the fast path: the document, or null when it cannot be read (the caller falls back). */
export function docForFunction(uri: string): SlimDocument | null {
  return loadDoc(uri, 'doc');
}

export function docAvailable(uri: string): boolean {
  return loadDoc(uri, 'doc-available') !== null;
}

export function currentNode(): SlimNode | null {
  return scope?.current ?? null;
}

function nsUriFor(prefix: string, el: SlimNode): string {
  const want = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
  if (prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
  for (let n: SlimNode | null = el; n && n.nodeType === 1; n = n.parentNode) {
    const e = n as unknown as { attributes: ArrayLike<{ name: string; value: string }> };
    for (let i = 0; i < e.attributes.length; i++) {
      const a = e.attributes[i] as { name: string; value: string };
      if (a.name === want) return a.value;
    }
  }
  if (prefix === '') return '';
  throw new XPathFunctionError('FONS0004', `no namespace is bound to the prefix "${prefix}"`);
}

let registered = false;

/** Register the engine's functions with fontoxpath (idempotent). */
export function registerFunctions(): void {
  if (registered) return;
  registered = true;
  const fn = (localName: string) => ({ namespaceURI: FN_NS, localName });
  registerCustomXPathFunction(
    fn('matches'),
    ['xs:string?', 'xs:string', 'xs:string'],
    'xs:boolean',
    (_, input, pattern, flags) => xpathMatches(input ?? '', pattern, flags),
  );
  registerCustomXPathFunction(
    fn('replace'),
    ['xs:string?', 'xs:string', 'xs:string', 'xs:string'],
    'xs:string',
    (_, input, pattern, replacement, flags) => xpathReplace(input ?? '', pattern, replacement, flags),
  );
  registerCustomXPathFunction(
    fn('tokenize'),
    ['xs:string?', 'xs:string', 'xs:string'],
    'xs:string*',
    (_, input, pattern, flags) => xpathTokenize(input ?? '', pattern, flags),
  );
  registerCustomXPathFunction(fn('doc'), ['xs:string?'], 'document-node()?', (_, uri: string | null) =>
    uri === null ? null : docOrError(uri, 'doc'),
  );
  registerCustomXPathFunction(fn('doc-available'), ['xs:string?'], 'xs:boolean', (_, uri: string | null) =>
    uri === null ? false : loadDoc(uri, 'doc-available') !== null,
  );
  // XSLT document() on a file that cannot be read is a recoverable error (Saxon 9.9: warning FODC0002, empty
  // result, the test then goes on); doc() stays fatal.
  registerCustomXPathFunction(fn('document'), ['xs:string*'], 'document-node()*', (_, uris: string[]) => {
    const out: SlimDocument[] = [];
    for (const u of uris) {
      const d = loadDoc(u, 'document');
      if (!d) {
        const path = scope ? (resolveUri(u, scope.baseDir) ?? u) : u;
        runWarnings.add(
          `FODC0002: document('${u}'): ${path} does not exist or is not well-formed XML (recoverable: empty result)`,
        );
      } else if (!out.includes(d)) out.push(d);
    }
    return out;
  });
  registerCustomXPathFunction(fn('current'), [], 'node()?', () => scope?.current ?? null);
  registerCustomXPathFunction(
    { namespaceURI: CISIS_FN_NS, localName: 'namespace-uri-for-prefix' },
    ['xs:string', 'element()'],
    'xs:string',
    (_, prefix: string, el: SlimNode) => nsUriFor(prefix, el),
  );
  registerXQueryModule(`module namespace cisis = "${CISIS_FN_NS}";
declare function cisis:resolve-QName($qname as xs:string?, $element as element()) as xs:QName? {
  if (empty($qname)) then () else
  let $prefix := if (contains($qname, ':')) then substring-before($qname, ':') else ''
  return fn:QName(cisis:namespace-uri-for-prefix($prefix, $element), $qname)
};`);
}

/** Function-call rewrites applied to every expression before fontoxpath sees it. */
export const FUNCTION_REWRITES: Record<string, string> = {
  'resolve-QName': `Q{${CISIS_FN_NS}}resolve-QName`,
};
