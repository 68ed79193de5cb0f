/**
 * Schematron → compiled model, the way the ISO skeleton's three steps do it: include resolution
 * (iso_dsdl_include), abstract pattern expansion (iso_abstract_expand: textual `$param` substitution in
 * attributes), then phase selection and `extends` splicing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Document, Element, Node } from '@xmldom/xmldom';
import { sha256Hex } from '../../common/cache.js';
import { CisisBioError } from '../../common/errors.js';
import { parseXml } from '../../common/xml.js';
import {
  type CheckDecl,
  type CompiledModel,
  type LetDecl,
  type MessagePart,
  MODEL_VERSION,
  type PatternDecl,
  type RuleDecl,
} from './model.js';
import type { CompileOptions } from './types.js';

export const SCH_NS = 'http://purl.oclc.org/dsdl/schematron';

/** A schematron could not be compiled (missing include, unknown phase, abstract pattern or rule, bad XML). */
export class SchematronCompileError extends CisisBioError {
  /** The file that could not be read or that holds the problem. */
  readonly file?: string;
  constructor(code: string, message: string, options?: { where?: string; file?: string; cause?: unknown }) {
    super(code, message, options);
    if (options?.file !== undefined) this.file = options.file;
  }
}

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

function children(el: Element | Document): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === ELEMENT) out.push(n as Element);
  return out;
}

function isSch(n: Node, local: string): boolean {
  return (
    n.nodeType === ELEMENT && (n as Element).namespaceURI === SCH_NS && (n as Element).localName === local
  );
}

function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
}

/** What a compilation read and noticed: the files (content hashes, for the cache binding) and warnings. */
interface CompileLog {
  /** Absolute path → sha256 of the bytes read (`null`: absent). */
  sources: Map<string, string | null>;
  warnings: string[];
}

function readSchFile(path: string, log?: CompileLog): Document {
  try {
    const bytes = readFileSync(path);
    log?.sources.set(path, sha256Hex(bytes));
    return parseXml(bytes, { fileName: path });
  } catch (e) {
    if (e instanceof CisisBioError) {
      throw new SchematronCompileError(
        'SCH_XML_INVALID',
        `schematron file ${path} is not well-formed XML: ${e.message}`,
        {
          file: path,
          cause: e,
        },
      );
    }
    throw new SchematronCompileError(
      'SCH_READ_FAILED',
      `cannot read schematron file ${path}: ${(e as Error).message}`,
      {
        file: path,
        cause: e,
      },
    );
  }
}

/**
 * Find an included file. The ANS builds its kit on Windows, where file names are case-insensitive (IHE.sch
 * includes `E_directiveAnticipee_int.sch` for a file spelled `E_directiveanticipee_int.sch`): when the exact name
 * (or a folder of its path) is absent, a unique case-insensitive match is accepted, as the ANS's own run would.
 */
function locateInclude(path: string): string | undefined {
  if (existsSync(path) && statSync(path).isFile()) return path;
  // walk down from the deepest existing folder, matching each remaining segment case-insensitively
  const parts = path.split(sep);
  let base = parts.slice(0, 1).join(sep) || sep;
  let k = 1;
  while (k < parts.length && existsSync(join(base, parts[k] as string)))
    base = join(base, parts[k++] as string);
  for (; k < parts.length; k++) {
    let entries: string[];
    try {
      entries = readdirSync(base);
    } catch {
      return undefined;
    }
    const want = (parts[k] as string).toLowerCase();
    const hits = entries.filter((f) => f.toLowerCase() === want);
    if (hits.length !== 1) return undefined;
    base = join(base, hits[0] as string);
  }
  return existsSync(base) && statSync(base).isFile() ? base : undefined;
}

/** What needed an include: the nearest enclosing pattern or rule, for the error message. */
function describeIncluder(el: Element): string {
  for (let p: Node | null = el.parentNode; p && p.nodeType === ELEMENT; p = p.parentNode) {
    const e = p as Element;
    if (e.namespaceURI === SCH_NS && (e.localName === 'pattern' || e.localName === 'rule')) {
      const id = attr(e, 'id');
      return id ? `${e.localName} "${id}"` : `a ${e.localName}`;
    }
  }
  return 'the schema';
}

/**
 * Replace every `include` by the root element (or `#id` element) of the file it names, recursively. As the ISO
 * include step run by Saxon (iso_dsdl_include.xsl), an include whose file is missing is dropped with a warning;
 * a file found only when case is ignored is used (the ANS runs the kit on Windows) and reported as a warning.
 */
function resolveIncludes(doc: Document, el: Element, file: string, stack: string[], log: CompileLog): void {
  for (const child of children(el)) {
    if (isSch(child, 'include')) {
      const href = attr(child, 'href');
      if (!href) {
        throw new SchematronCompileError('SCH_INCLUDE_INVALID', `an include without href in ${file}`, {
          file,
        });
      }
      const [pathPart, fragment] = href.split('#') as [string, string | undefined];
      const wanted = resolve(dirname(file), decodeURI(pathPart));
      const target = locateInclude(wanted);
      if (!target) {
        log.sources.set(wanted, null);
        log.warnings.push(
          `SCH_INCLUDE_MISSING: included file "${href}" of ${basename(file)} (${describeIncluder(child)}) does not exist: dropped, as the ISO include step does`,
        );
        el.removeChild(child);
        continue;
      }
      if (target !== wanted) {
        log.warnings.push(
          `SCH_INCLUDE_CASE: included file "${href}" of ${basename(file)} found only when case is ignored, as ${relative(dirname(file), target)}: used, as on the ANS's Windows (Saxon on Linux would drop it)`,
        );
      }
      if (stack.includes(target)) {
        throw new SchematronCompileError(
          'SCH_INCLUDE_CYCLE',
          `include cycle: ${[...stack, target].join(' → ')}`,
          {
            file: target,
          },
        );
      }
      const sub = readSchFile(target, log);
      let root = sub.documentElement as Element;
      if (fragment) {
        const found = findById(root, fragment);
        if (!found) {
          throw new SchematronCompileError(
            'SCH_INCLUDE_MISSING',
            `no element with id "${fragment}" in ${target} (included from ${file})`,
            {
              file: target,
              where: file,
            },
          );
        }
        root = found;
      }
      resolveIncludes(sub, root, target, [...stack, target], log);
      const imported = doc.importNode(root, true) as Element;
      el.replaceChild(imported, child);
    } else {
      resolveIncludes(doc, child, file, stack, log);
    }
  }
}

function findById(el: Element, id: string): Element | undefined {
  if (attr(el, 'id') === id) return el;
  for (const c of children(el)) {
    const f = findById(c, id);
    if (f) return f;
  }
  return undefined;
}

/** All schematron elements of a local name under `el`, in document order. */
function descendants(el: Element, local: string, out: Element[] = []): Element[] {
  for (const c of children(el)) {
    if (isSch(c, local)) out.push(c);
    descendants(c, local, out);
  }
  return out;
}

/** The skeleton's macro expansion: each `$name` replaced by the parameter value, parameters in order. */
function macroExpand(text: string, params: Array<[string, string]>): string {
  let out = text;
  for (const [name, value] of params) out = out.split(`$${name}`).join(value);
  return out;
}

function expandAttributes(el: Element, params: Array<[string, string]>): void {
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i);
    if (a) a.value = macroExpand(a.value, params);
  }
  for (const c of children(el)) expandAttributes(c, params);
}

/** Instantiate abstract patterns (`is-a`): the abstract pattern's content, parameters substituted. */
function expandAbstractPatterns(doc: Document, schema: Element): void {
  const abstracts = new Map<string, Element>();
  for (const p of descendants(schema, 'pattern')) {
    if (attr(p, 'abstract') === 'true') {
      const id = attr(p, 'id');
      if (id) abstracts.set(id, p);
    }
  }
  for (const p of descendants(schema, 'pattern')) {
    const isa = attr(p, 'is-a');
    if (!isa) continue;
    const abs = abstracts.get(isa);
    if (!abs) {
      throw new SchematronCompileError(
        'SCH_ABSTRACT_PATTERN_MISSING',
        `pattern "${attr(p, 'id') ?? '(no id)'}" is-a "${isa}", but no abstract pattern has that id`,
      );
    }
    const params: Array<[string, string]> = [];
    for (const c of children(p)) {
      if (isSch(c, 'param')) params.push([attr(c, 'name') ?? '', attr(c, 'value') ?? '']);
    }
    // As iso_abstract_expand: the abstract pattern's children under the instance's id; the instance's own
    // children other than `param` (its `p`, `title`…) and its other attributes are not carried over.
    const inst = doc.createElementNS(SCH_NS, 'pattern');
    const id = attr(p, 'id');
    if (id !== undefined) inst.setAttribute('id', id);
    for (const c of children(abs)) {
      const copy = c.cloneNode(true) as Element;
      expandAttributes(copy, params);
      inst.appendChild(copy);
    }
    p.parentNode?.replaceChild(inst, p);
  }
}

function messageParts(el: Element, out: MessagePart[] = []): MessagePart[] {
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === TEXT || n.nodeType === CDATA) {
      out.push({ text: n.nodeValue ?? '' });
    } else if (n.nodeType === ELEMENT) {
      const e = n as Element;
      if (e.namespaceURI === SCH_NS && e.localName === 'value-of')
        out.push({ select: attr(e, 'select') ?? '.' });
      else if (e.namespaceURI === SCH_NS && e.localName === 'name')
        out.push({ namePath: attr(e, 'path') ?? '.' });
      else messageParts(e, out);
    }
  }
  return out;
}

function compileRule(
  rule: Element,
  abstractRules: Map<string, Element>,
  stack: string[] = [],
): Array<LetDecl | CheckDecl> {
  const items: Array<LetDecl | CheckDecl> = [];
  for (const c of children(rule)) {
    if (c.namespaceURI !== SCH_NS) continue;
    if (c.localName === 'let') {
      // a let name is a QName: XSLT ignores surrounding white space (the kit has name="jdv_… " in OPH-BRE)
      items.push({ kind: 'let', name: (attr(c, 'name') ?? '').trim(), value: attr(c, 'value') ?? '()' });
    } else if (c.localName === 'assert' || c.localName === 'report') {
      const check: CheckDecl = {
        kind: c.localName,
        test: attr(c, 'test') ?? 'true()',
        message: messageParts(c),
      };
      for (const k of ['id', 'role', 'flag', 'subject', 'see'] as const) {
        const v = attr(c, k);
        if (v !== undefined) check[k] = v;
      }
      const diags = attr(c, 'diagnostics');
      if (diags) check.diagnostics = diags.trim().split(/\s+/);
      items.push(check);
    } else if (c.localName === 'extends') {
      const ref = attr(c, 'rule');
      if (!ref) {
        throw new SchematronCompileError(
          'SCH_EXTENDS_UNSUPPORTED',
          'extends without @rule (extends/@href is not supported)',
        );
      }
      const abs = abstractRules.get(ref);
      if (!abs) {
        throw new SchematronCompileError(
          'SCH_ABSTRACT_RULE_MISSING',
          `rule "${attr(rule, 'id') ?? attr(rule, 'context') ?? ''}" extends "${ref}", but no abstract rule has that id`,
        );
      }
      if (stack.includes(ref)) {
        throw new SchematronCompileError(
          'SCH_EXTENDS_CYCLE',
          `extends cycle: ${[...stack, ref].join(' → ')}`,
        );
      }
      items.push(...compileRule(abs, abstractRules, [...stack, ref]));
    }
  }
  return items;
}

function textOf(el: Element): string {
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Compile a schematron file into the engine's model. */
export function compileModel(schPath: string, options: CompileOptions = {}): CompiledModel {
  const top = resolve(schPath);
  if (!existsSync(top)) {
    throw new SchematronCompileError('SCH_NOT_FOUND', `schematron file ${top} does not exist`, { file: top });
  }
  const log: CompileLog = { sources: new Map(), warnings: [] };
  const doc = readSchFile(top, log);
  const schema = doc.documentElement as Element;
  if (!isSch(schema, 'schema')) {
    throw new SchematronCompileError(
      'SCH_NOT_SCHEMATRON',
      `${top} is not an ISO Schematron schema (root element {${schema.namespaceURI ?? ''}}${schema.localName})`,
      { file: top },
    );
  }
  resolveIncludes(doc, schema, top, [top], log);
  expandAbstractPatterns(doc, schema);

  const queryBinding = (attr(schema, 'queryBinding') ?? 'xslt').trim();
  const supported = ['xslt', 'xslt2', 'xslt3', 'xpath', 'xpath2', 'xpath3', 'xpath31'];
  if (!supported.includes(queryBinding.toLowerCase())) {
    throw new SchematronCompileError(
      'SCH_QUERY_BINDING',
      `queryBinding "${queryBinding}" is not supported (${supported.join(', ')})`,
      {
        file: top,
      },
    );
  }

  const namespaces: Record<string, string> = {};
  for (const ns of descendants(schema, 'ns')) {
    const prefix = attr(ns, 'prefix');
    const uri = attr(ns, 'uri');
    if (prefix && uri !== undefined) namespaces[prefix] = uri;
  }

  const abstractRules = new Map<string, Element>();
  for (const r of descendants(schema, 'rule')) {
    const id = attr(r, 'id');
    if (attr(r, 'abstract') === 'true' && id) abstractRules.set(id, r);
  }

  // Phase selection.
  const phases = new Map<string, Element>();
  for (const ph of descendants(schema, 'phase')) {
    const id = attr(ph, 'id');
    if (id) phases.set(id, ph);
  }
  let phase = options.phase ?? '#DEFAULT';
  if (phase === '#DEFAULT') phase = attr(schema, 'defaultPhase') ?? '#ALL';
  let active: Set<string> | undefined;
  const globals: LetDecl[] = [];
  for (const l of children(schema))
    if (isSch(l, 'let'))
      globals.push({ kind: 'let', name: (attr(l, 'name') ?? '').trim(), value: attr(l, 'value') ?? '()' });
  if (phase !== '#ALL') {
    const ph = phases.get(phase);
    if (!ph) {
      throw new SchematronCompileError(
        'SCH_PHASE_UNKNOWN',
        `phase "${phase}" is not defined in ${top} (phases: ${[...phases.keys()].join(', ') || 'none'})`,
        { file: top },
      );
    }
    active = new Set();
    for (const c of children(ph)) {
      if (isSch(c, 'active')) active.add(attr(c, 'pattern') ?? '');
      if (isSch(c, 'let'))
        globals.push({ kind: 'let', name: (attr(c, 'name') ?? '').trim(), value: attr(c, 'value') ?? '()' });
    }
  }

  const patterns: PatternDecl[] = [];
  for (const p of descendants(schema, 'pattern')) {
    if (attr(p, 'abstract') === 'true') continue;
    // Pattern-level lets are global variables in the skeleton's output, whatever the phase.
    for (const c of children(p)) {
      if (isSch(c, 'let'))
        globals.push({ kind: 'let', name: (attr(c, 'name') ?? '').trim(), value: attr(c, 'value') ?? '()' });
    }
    const id = attr(p, 'id');
    if (active && !(id && active.has(id))) continue;
    const decl: PatternDecl = { rules: [] };
    if (id !== undefined) decl.id = id;
    const title = children(p).find((c) => isSch(c, 'title'));
    if (title) decl.name = textOf(title);
    // The skeleton writes each `p` of a pattern as an svrl:text of its active-pattern.
    const texts = children(p)
      .filter((c) => isSch(c, 'p'))
      .map(textOf);
    if (texts.length) decl.texts = texts;
    const documents = attr(p, 'documents');
    if (documents !== undefined) decl.documents = documents;
    for (const r of children(p)) {
      if (!isSch(r, 'rule') || attr(r, 'abstract') === 'true') continue;
      const context = attr(r, 'context');
      if (!context) continue;
      const rule: RuleDecl = { context, items: compileRule(r, abstractRules) };
      for (const k of ['id', 'role', 'subject'] as const) {
        const v = attr(r, k);
        if (v !== undefined) rule[k] = v;
      }
      decl.rules.push(rule);
    }
    patterns.push(decl);
  }

  const diagnostics: Record<string, MessagePart[]> = {};
  for (const d of descendants(schema, 'diagnostic')) {
    const id = attr(d, 'id');
    if (id) diagnostics[id] = messageParts(d);
  }

  const titleEl = children(schema).find((c) => isSch(c, 'title'));
  const model: CompiledModel = {
    format: 'cisis-bio-schematron',
    version: MODEL_VERSION,
    schPath: top,
    baseDir: dirname(top),
    queryBinding,
    phase,
    namespaces,
    globals,
    patterns,
    diagnostics,
  };
  if (titleEl) model.title = textOf(titleEl);
  recordValueSets(model, log);
  model.sources = [...log.sources].map(([path, hash]) => [relative(model.baseDir, path), hash]);
  if (log.warnings.length) model.warnings = log.warnings;
  return model;
}

const DOC_CALL = /\b(?:doc|document|doc-available)\s*\(\s*(?:"([^"]+)"|'([^']+)')\s*\)/g;

/**
 * The value-set files the rules read with a literal `doc('…')`/`document('…')` (resolved from the top-level
 * schematron's folder, as at run time): hashed into the sources, so a cached form is bound to them too.
 */
function recordValueSets(model: CompiledModel, log: CompileLog): void {
  const seen = new Set<string>();
  const scan = (expr: string | undefined) => {
    if (!expr) return;
    for (const m of expr.matchAll(DOC_CALL)) {
      const uri = m[1] ?? m[2] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || seen.has(uri)) continue;
      seen.add(uri);
      const path = resolve(model.baseDir, safeDecodeUri(uri));
      if (log.sources.has(path)) continue;
      try {
        log.sources.set(path, sha256Hex(readFileSync(path)));
      } catch {
        log.sources.set(path, null);
      }
    }
  };
  for (const g of model.globals) scan(g.value);
  for (const p of model.patterns)
    for (const r of p.rules)
      for (const it of r.items) {
        if (it.kind === 'let') scan(it.value);
        else {
          scan(it.test);
          for (const part of it.message) if ('select' in part) scan(part.select);
        }
      }
}

function safeDecodeUri(uri: string): string {
  try {
    return decodeURI(uri);
  } catch {
    return uri;
  }
}
