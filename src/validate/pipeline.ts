import { readFile } from 'node:fs/promises';
import type { Document } from '@xmldom/xmldom';
import { CisisBioError, XmlParseError } from '../common/errors.js';
import { DEFAULT_MAX_XML_BYTES, parseXml, xmlText } from '../common/xml.js';
import { type CompileRequest, clearMemoryCache, getCompiled } from './cache.js';
import { type CompiledSchematron, type EngineDocument, parseForSchematron, runSchematron } from './engine.js';
import { columnOfNodePath, positionOfLocation } from './locate.js';
import { type ProfileSpec, type RuleSet, resolveRules } from './rules.js';
import type { ActivePattern, Finding, FiredRule } from './schematron/types.js';
import { loadXsd, locateXsdResult, type RawXsdResult, validateXsd, type XsdResult } from './xsd.js';

export type { ActivePattern, Finding, FiredRule } from './schematron/types.js';
export type { XsdError, XsdResult } from './xsd.js';

/**
 * Largest document the validator accepts: 64 MiB (a CR-BIO with embedded PDFs stays far below; a CDA above
 * it is refused with `XML_TOO_LARGE` before any parsing). Change it with `maxBytes`.
 */
export const MAX_DOCUMENT_BYTES = DEFAULT_MAX_XML_BYTES;

/** Options of {@link validate}. */
export interface ValidateOptions {
  /** ANS kit folder (TestContenuCDA); else env `CISIS_BIO_KIT`; else the embedded cisis-bio rules, without XSD. */
  kit?: string;
  /** Run this one schematron instead of the kit's five profiles (the kit's XSD still runs when a kit is known). */
  schematron?: string;
  /** Schematron phase (a phase id, `#ALL` or `#DEFAULT`); applies to every schematron run. */
  phase?: string;
  /** Run the XSD step (default true; needs a kit). */
  xsd?: boolean;
  /** Use the disk cache of compiled schematrons (default true). */
  cache?: boolean;
  /** Refuse documents larger than this (default {@link MAX_DOCUMENT_BYTES}). */
  maxBytes?: number;
  /** Keep SVRL details (active patterns, fired rules) in the results, for SVRL output. */
  svrl?: boolean;
}

/** A finding with the line and column of its node in the document, when the location resolves. */
export type LocatedFinding = Finding & { line?: number; column?: number };

/** Verdict of one schematron on one document: its findings, or the engine error that stopped it. */
export type ProfileResult =
  | {
      findings: LocatedFinding[];
      /** SVRL `active-pattern`s (only with `svrl: true`). */
      activePatterns?: ActivePattern[];
      /** SVRL `fired-rule`s (only with `svrl: true`). */
      firedRules?: FiredRule[];
    }
  | { error: string; errorCode?: string };

/** The validation of one document. */
export interface DocumentValidation {
  /** File name (or `<input>`). */
  file: string;
  /** XSD valid (when run), no `failed-assert` of any role, no engine error. Successful reports do not count. */
  valid: boolean;
  /** The XSD step; absent when it did not run (no kit, or `xsd: false`). */
  xsd?: XsdResult;
  /** One entry per schematron of the pipeline, keyed by profile name. */
  profiles: Record<string, ProfileResult>;
  /** CDA level: 1 (`nonXMLBody`, judged without the level-3 volet) or 3. */
  level: 1 | 3;
  /** Where the rules came from: the ANS kit, one user schematron, or the project's embedded rules. */
  rules: RuleSet['mode'];
}

/** What {@link validate} reads: XML text, XML bytes, or a file. */
export type ValidateInput = string | Uint8Array | { path: string };

/**
 * A validator holding compiled rules; build it once and validate many documents with it.
 *
 * @example
 * ```ts
 * const validator = await Validator.create({ kit: '/opt/TestContenuCDA-3-0' });
 * const result = validator.validate(readFileSync('cr-bio.xml'), 'cr-bio.xml');
 * if (!result.valid) console.log(result.profiles);
 * ```
 */
export class Validator {
  private constructor(
    readonly rules: RuleSet,
    private readonly compiled: ReadonlyMap<string, { compiled: CompiledSchematron } | { error: string }>,
    private readonly options: ValidateOptions,
  ) {}

  /** Resolve the rules, load the XSD and compile each schematron (from the caches when they hold it). */
  static async create(
    options: ValidateOptions = {},
    knownErrors: Record<string, string> = {},
  ): Promise<Validator> {
    const rules = resolveRules(options);
    if (rules.xsdPath) await loadXsd(rules.xsdPath);
    const compiled = new Map<string, { compiled: CompiledSchematron } | { error: string }>();
    for (const profile of rules.profiles) {
      const known = knownErrors[profile.name];
      if (known !== undefined) {
        compiled.set(profile.name, { error: known });
        continue;
      }
      try {
        compiled.set(profile.name, { compiled: await getCompiled(compileRequest(profile, options)) });
      } catch (e) {
        compiled.set(profile.name, { error: describe(e) });
      }
    }
    return new Validator(rules, compiled, options);
  }

  /**
   * Validate one document.
   * @throws XmlParseError when the document is malformed, too large, empty or carries a DTD (with line/column).
   */
  validate(input: string | Uint8Array, file = '<input>'): DocumentValidation {
    const maxBytes = this.options.maxBytes ?? MAX_DOCUMENT_BYTES;
    const text = xmlText(input);
    // parseForSchematron refuses as parseXml does (size, DTD, empty, malformed), with code and position. The
    // xmldom DOM with a locator is built only when a finding or an XSD error needs a line.
    let dom: Document | undefined;
    const located = () => (dom ??= parseXml(input, { maxBytes, fileName: file }));
    // Positions are a convenience: a document the engine accepted but xmldom does not gets findings without lines.
    const positions = (): Document | undefined => {
      try {
        return located();
      } catch {
        return undefined;
      }
    };
    let doc: EngineDocument;
    try {
      doc = parseForSchematron(text, file, maxBytes);
    } catch (e) {
      if (e instanceof XmlParseError) throw e;
      located(); // throws the typed error with line and column
      throw new XmlParseError('XML_MALFORMED', `malformed XML: ${describe(e)}`, { file });
    }
    const level = isLevel1(doc as unknown as DomLike) ? 1 : 3;
    let xsd: XsdResult | undefined;
    if (this.rules.xsdPath) {
      xsd = validateXsd(
        input,
        this.rules.xsdPath,
        (path, line) => {
          const d = positions();
          return d ? columnOfNodePath(d, path, line) : undefined;
        },
        file,
      );
    }
    const profiles: Record<string, ProfileResult> = {};
    for (const profile of this.rules.profiles) {
      if (level === 1 && profile.level3Only) continue;
      const entry = this.compiled.get(profile.name)!;
      profiles[profile.name] =
        'error' in entry ? { error: entry.error } : this.run(entry.compiled, doc, positions);
    }
    const valid =
      (xsd?.valid ?? true) &&
      Object.values(profiles).every(
        (p) => 'findings' in p && !p.findings.some((f) => f.kind === 'failed-assert'),
      );
    return { file, valid, ...(xsd ? { xsd } : {}), profiles, level, rules: this.rules.mode };
  }

  private run(
    compiled: CompiledSchematron,
    doc: EngineDocument,
    positions: () => Document | undefined,
  ): ProfileResult {
    try {
      const outcome = runSchematron(compiled, doc, { collectFiredRules: this.options.svrl === true });
      if (!outcome.ok)
        return outcome.errorCode
          ? { error: outcome.error, errorCode: outcome.errorCode }
          : { error: outcome.error };
      const findings = outcome.findings.map((f: Finding) => locateFinding(f, positions()));
      if (!this.options.svrl) return { findings };
      return { findings, activePatterns: outcome.activePatterns, firedRules: outcome.firedRules ?? [] };
    } catch (e) {
      // An engine failure on one profile is that profile's verdict; the others still run.
      return { error: describe(e) };
    }
  }
}

/**
 * Complete a result of {@link Validator.validate} made without its XSD step (run elsewhere: the XSD thread of a
 * batch) with that step's raw verdict: columns looked up in the document, `valid` recomputed. The result is the
 * one the in-process pipeline gives.
 */
export function withXsdResult(
  result: DocumentValidation,
  raw: RawXsdResult,
  input: string | Uint8Array,
  maxBytes = MAX_DOCUMENT_BYTES,
): DocumentValidation {
  let dom: Document | undefined;
  const xsd = locateXsdResult(raw, (path, line) => {
    try {
      dom ??= parseXml(input, { maxBytes, fileName: result.file });
      return columnOfNodePath(dom, path, line);
    } catch {
      return undefined;
    }
  });
  const { file, profiles, level, rules } = result;
  return { file, valid: xsd.valid && result.valid, xsd, profiles, level, rules };
}

/** Processes keep one validator per set of rule options, so compiled rules are reused across calls. */
const validators = new Map<string, Promise<Validator>>();

/**
 * Validate a CDA document: the CDA XSD and the ANS CR-BIO schematrons of a kit (the volet
 * `CI-SIS_BIO-CR-BIO_2024.01`, `ASIP-STRUCT-MIN-StrucMin`, `IHE`, `CI-SIS_ModelesDeContenusCDA`,
 * `CI-SIS_Modeles_ANS`), with the ANS verdict; without a kit, the project's embedded rules.
 *
 * @example
 * ```ts
 * import { validate } from 'cisis-bio';
 * const r = await validate({ path: 'cr-bio.xml' }, { kit: process.env.ANS_KIT });
 * console.log(r.valid, r.xsd?.errors, r.profiles['IHE']);
 * ```
 * @throws XmlParseError for malformed, oversized or DTD-carrying input; RulesNotFoundError for a bad kit path.
 */
export async function validate(
  input: ValidateInput,
  options: ValidateOptions & { fileName?: string } = {},
): Promise<DocumentValidation> {
  let bytes: string | Uint8Array;
  let file = options.fileName;
  if (typeof input === 'object' && !(input instanceof Uint8Array)) {
    file ??= input.path;
    try {
      bytes = await readFile(input.path);
    } catch (e) {
      throw new CisisBioError(
        'VALIDATE_IO',
        `cannot read the document: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        {
          where: input.path,
          cause: e,
        },
      );
    }
  } else bytes = input;
  const validator = await validatorFor(options);
  return validator.validate(bytes, file);
}

/** The process-wide validator for these options (created once). */
export function validatorFor(options: ValidateOptions): Promise<Validator> {
  const key = JSON.stringify([
    options.kit ?? process.env.CISIS_BIO_KIT ?? '',
    options.schematron ?? '',
    options.phase ?? '',
    options.xsd !== false,
    options.cache !== false,
    options.maxBytes ?? 0,
    options.svrl === true,
  ]);
  let v = validators.get(key);
  if (!v) {
    v = Validator.create(options);
    validators.set(key, v);
    v.catch(() => validators.delete(key));
  }
  return v;
}

/** Forget every validator and compiled form of this process, as if it restarted (tests). */
export function resetValidators(): void {
  validators.clear();
  clearMemoryCache();
}

export function compileRequest(profile: ProfileSpec, options: ValidateOptions): CompileRequest {
  return {
    schPath: profile.path,
    ...(options.phase ? { phase: options.phase } : {}),
    disk: options.cache !== false,
  };
}

/** The DOM navigation both xmldom and slimdom offer. */
interface DomLike {
  documentElement?: DomLike | null;
  firstChild?: DomLike | null;
  nextSibling?: DomLike | null;
  nodeType: number;
  localName?: string | null;
}

/** A level 1 CDA carries its content as `component/nonXMLBody`. */
function isLevel1(doc: DomLike): boolean {
  for (let c = doc.documentElement?.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1 || c.localName !== 'component') continue;
    for (let b = c.firstChild; b; b = b.nextSibling)
      if (b.nodeType === 1 && b.localName === 'nonXMLBody') return true;
  }
  return false;
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** White space collapsed (as the ANS reports compare), and the node's line and column for annotations. */
function locateFinding(f: Finding, dom: Document | undefined): LocatedFinding {
  const pos = dom ? positionOfLocation(dom, f.location) : undefined;
  return { ...f, text: collapse(f.text), ...(pos ? { line: pos.line, column: pos.column } : {}) };
}

function describe(e: unknown): string {
  if (e instanceof CisisBioError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}
