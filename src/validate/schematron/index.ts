/**
 * ISO Schematron engine (queryBinding `xslt2`, also `xslt`, `xpath2`, `xpath31`), XPath 2.0+ through fontoxpath,
 * with the ANS skeleton's semantics (include, abstract patterns and rules, phases, global pattern lets,
 * full-path-2 locations).
 *
 * @example
 * ```ts
 * const sch = compileSchematron('kit/schematrons/profils/IHE.sch');
 * const outcome = runSchematron(sch, parseForSchematron(readFileSync('cr-bio.xml')));
 * if (outcome.ok) for (const f of outcome.findings) console.log(f.kind, f.location, f.text);
 * else console.error(outcome.error); // e.g. "XPTY0004: …", as Saxon stops
 * ```
 */
import { parseXmlDocument, type Document as SlimDocument } from 'slimdom';
import { XmlParseError } from '../../common/errors.js';
import { DEFAULT_MAX_XML_BYTES, xmlText } from '../../common/xml.js';
import { compileModel, SchematronCompileError } from './compile.js';
import { type CompiledModel, MODEL_VERSION } from './model.js';
import { Engine } from './run.js';
import type { CompileOptions, RunOptions, SchematronOutcome } from './types.js';

export type { CompileOptions, Finding, FiredRule, RunOptions, SchematronOutcome } from './types.js';
export { SchematronCompileError } from './compile.js';

/** Version of the engine and of its compiled form; part of the disk-cache key. */
export const ENGINE_VERSION = `sch-${MODEL_VERSION}`;

/** The DOM the engine runs on: a slimdom `Document` (fontoxpath's native DOM; measured faster than @xmldom). */
export type SchematronDocument = SlimDocument;

const ENGINE = Symbol('engine');

/** A compiled schematron: opaque, reusable across documents, serialisable with {@link serializeCompiled}. */
export interface CompiledSchematron {
  readonly schPath: string;
  readonly title?: string;
  readonly queryBinding: string;
  /** The phase that was compiled (`#ALL` when the schema has none). */
  readonly phase: string;
}

interface CompiledInternal extends CompiledSchematron {
  readonly model: CompiledModel;
  [ENGINE]?: Engine;
}

function wrap(model: CompiledModel): CompiledSchematron {
  const c: CompiledInternal = { schPath: model.schPath, queryBinding: model.queryBinding, phase: model.phase, model };
  if (model.title !== undefined) (c as { title?: string }).title = model.title;
  return c;
}

function engineOf(c: CompiledSchematron): Engine {
  const ci = c as CompiledInternal;
  if (!ci.model) throw new TypeError('not a compiled schematron (use compileSchematron or deserializeCompiled)');
  let e = ci[ENGINE];
  if (!e) {
    e = new Engine(ci.model);
    Object.defineProperty(ci, ENGINE, { value: e, enumerable: false });
  }
  return e;
}

/**
 * Compile a schematron file: includes resolved (relative to each including file), abstract patterns and rules
 * expanded, the phase selected. Throws {@link SchematronCompileError} (e.g. `SCH_INCLUDE_MISSING`, naming the
 * missing file and the file that includes it).
 */
export function compileSchematron(schPath: string, options?: CompileOptions): CompiledSchematron {
  const c = wrap(compileModel(schPath, options));
  engineOf(c); // parse rule contexts now, so a bad pattern fails at compile time
  return c;
}

/** JSON form of a compiled schematron (for a disk cache). */
export function serializeCompiled(c: CompiledSchematron): string {
  const ci = c as CompiledInternal;
  if (!ci.model) throw new TypeError('not a compiled schematron');
  return JSON.stringify(ci.model);
}

/** Inverse of {@link serializeCompiled}; refuses a form written by another engine version. */
export function deserializeCompiled(s: string): CompiledSchematron {
  let model: CompiledModel;
  try {
    model = JSON.parse(s) as CompiledModel;
  } catch (e) {
    throw new SchematronCompileError('SCH_CACHE_INVALID', `compiled schematron is not valid JSON: ${(e as Error).message}`);
  }
  if (model?.format !== 'cisis-bio-schematron' || model.version !== MODEL_VERSION) {
    throw new SchematronCompileError('SCH_CACHE_INVALID', 'compiled schematron was written by another engine version');
  }
  return wrap(model);
}

/**
 * Run a compiled schematron on a document parsed by {@link parseForSchematron}. Never throws for document
 * problems: a dynamic XPath error (XPTY0004, FODC0002 for a missing value-set file…) gives `{ ok: false, error }`.
 */
export function runSchematron(c: CompiledSchematron, doc: SchematronDocument, options?: RunOptions): SchematronOutcome {
  return engineOf(c).run(doc, options);
}

/**
 * Parse a document for {@link runSchematron}, with the rules of `parseXml` (src/common/xml.ts): size bound,
 * no DTD or entity declaration (no XXE, no entity bomb), errors with line and column.
 */
export function parseForSchematron(xml: string | Uint8Array, fileName?: string, maxBytes = DEFAULT_MAX_XML_BYTES): SchematronDocument {
  const size = typeof xml === 'string' ? Buffer.byteLength(xml, 'utf8') : xml.byteLength;
  const file = fileName;
  if (size > maxBytes) {
    throw new XmlParseError('XML_TOO_LARGE', `XML input is ${size} bytes; the limit is ${maxBytes} bytes`, { file });
  }
  const text = xmlText(xml);
  if (text.trim() === '') throw new XmlParseError('XML_EMPTY', 'XML input is empty', { file });
  const dtd = /<!(DOCTYPE|ENTITY)\b/i.exec(text);
  if (dtd) {
    const before = text.slice(0, dtd.index);
    const line = before.split('\n').length;
    const column = dtd.index - before.lastIndexOf('\n');
    throw new XmlParseError('XML_DTD_FORBIDDEN', `DTD and entity declarations are not allowed in CDA documents (found <!${dtd[1]})`, {
      file,
      line,
      column,
    });
  }
  try {
    return parseXmlDocument(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /At line (\d+), character (\d+)/.exec(msg);
    throw new XmlParseError('XML_MALFORMED', `malformed XML: ${msg.split('\n')[0]}`, {
      file,
      line: m ? Number(m[1]) : undefined,
      column: m ? Number(m[2]) : undefined,
    });
  }
}
