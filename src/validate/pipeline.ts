import type { Document } from '@xmldom/xmldom';
import { CisisBioError, XmlParseError } from '../common/errors.js';
import { checkXmlText, DEFAULT_MAX_XML_BYTES, parseXml, readXmlFile, xmlText } from '../common/xml.js';
import { type CompileRequest, clearMemoryCache, getCompiled, getCompiledSync } from './cache.js';
import { type CompiledSchematron, type EngineDocument, parseForSchematron, runSchematron } from './engine.js';
import { columnOfNodePath, positionOfLocation } from './locate.js';
import { type ProfileSpec, type RuleSet, resolveRules } from './rules.js';
import type { ActivePattern, Finding, FiredRule } from './schematron/types.js';
import { chooseVolet, type DomNode, documentHeader, forcedVolet, type VoletSelection } from './volets.js';
import { isXdsMetadata, validateXdsMetadata } from './xds-profile.js';
import { loadXsd, locateXsdResult, type RawXsdResult, validateXsd, type XsdResult } from './xsd.js';

export type { ActivePattern, Finding, FiredRule } from './schematron/types.js';
export type { VoletSelection } from './volets.js';
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
  /**
   * With a kit: the volet judging each document — `auto` (default: chosen from the document's templateIds and
   * code, see docs/validate.md) or a volet name such as `CI-SIS_BIO-CR-BIO_2023.01` for every document.
   */
  volet?: string;
  /** Time budget of each schematron run on one document, in ms: past it, that profile's verdict is the engine error `CISIS_TIMEOUT`. */
  timeoutMs?: number;
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
      /** Warnings of the engine, as Saxon gives them (a missing include dropped, `document()` on a missing file…). */
      warnings?: string[];
    }
  | { error: string; errorCode?: string; warnings?: string[] };

/** The validation of one document. */
export interface DocumentValidation {
  /** File name (or `<input>`). */
  file: string;
  /** XSD valid (when run), no `failed-assert` of any role, no engine error. Successful reports do not count. */
  valid: boolean;
  /** The XSD step; absent when it did not run (no kit, or `xsd: false`). */
  xsd?: XsdResult;
  /** One entry per schematron of the pipeline, keyed by profile name (the volet first, when one runs). */
  profiles: Record<string, ProfileResult>;
  /** With a kit: which volet judged the document and why — or that none matched (the common profiles only). */
  volet?: VoletSelection;
  /** CDA level: 1 (`nonXMLBody`, judged without the level-3 volet) or 3; absent for XDS metadata. */
  level?: 1 | 3;
  /** What was judged: a CDA document (default) or XDS metadata (the `xds` profile, see `isXdsMetadata`). */
  kind?: 'cda' | 'xds-metadata';
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
  /** Volets compiled on first use (auto selection): profile name → compiled form or compile error. */
  private readonly volets = new Map<string, Compiled>();

  private constructor(
    readonly rules: RuleSet,
    private readonly compiled: ReadonlyMap<string, Compiled>,
    private readonly options: ValidateOptions,
  ) {}

  /** Resolve the rules, load the XSD and compile each schematron (from the caches when they hold it). */
  static async create(
    options: ValidateOptions = {},
    knownErrors: Record<string, string> = {},
  ): Promise<Validator> {
    const rules = resolveRules(options);
    if (rules.xsdPath) await loadXsd(rules.xsdPath);
    const compiled = new Map<string, Compiled>();
    const all = rules.forcedVolet ? [rules.forcedVolet, ...rules.profiles] : rules.profiles;
    for (const profile of all) {
      const known = knownErrors[profile.name];
      compiled.set(
        profile.name,
        known !== undefined ? { error: known } : await compileProfile(profile, options),
      );
    }
    return new Validator(rules, compiled, options);
  }

  /**
   * Validate one document: checked and decoded first (size, encoding, depth, element count, DTD), then the XSD,
   * the document's volet (kit mode) and the other profiles.
   * @throws XmlParseError when the document is malformed, too large, too deep, empty or carries a DTD (with line/column).
   */
  validate(input: string | Uint8Array, file = '<input>'): DocumentValidation {
    const maxBytes = this.options.maxBytes ?? MAX_DOCUMENT_BYTES;
    const text = checkedText(input, file, maxBytes);
    // The xmldom DOM with a locator is built only when a finding or an XSD error needs a line.
    let dom: Document | undefined;
    const located = () => (dom ??= parseXml(text, { maxBytes: Number.POSITIVE_INFINITY, fileName: file }));
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
      doc = parseForSchematron(text, file, Number.POSITIVE_INFINITY);
    } catch (e) {
      if (e instanceof XmlParseError) throw e;
      throw new XmlParseError('XML_MALFORMED', `malformed XML: ${describe(e)}`, { file });
    }
    const header = documentHeader(doc as unknown as DomNode);
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
    const runs: Array<[string, Compiled]> = [];
    let volet: VoletSelection | undefined;
    if (this.rules.mode === 'kit') {
      volet = this.rules.forcedVolet
        ? forcedVolet(this.rules.forcedVolet)
        : chooseVolet(this.rules.volets ?? [], header);
      if (volet.volet !== undefined) runs.push([volet.volet, this.voletCompiled(volet.volet)]);
    }
    for (const p of this.rules.profiles) runs.push([p.name, this.compiled.get(p.name)!]);
    const profiles: Record<string, ProfileResult> = {};
    for (const [name, entry] of runs) {
      profiles[name] = 'error' in entry ? { ...entry } : this.run(entry.compiled, doc, positions);
    }
    const valid =
      (xsd?.valid ?? true) &&
      Object.values(profiles).every(
        (p) => 'findings' in p && !p.findings.some((f) => f.kind === 'failed-assert'),
      );
    return {
      file,
      valid,
      ...(xsd ? { xsd } : {}),
      profiles,
      ...(volet ? { volet } : {}),
      level: header.level,
      rules: this.rules.mode,
    };
  }

  /** A volet's compiled form (compiled once, on first use; a compile error is that profile's verdict). */
  private voletCompiled(name: string): Compiled {
    const known = this.compiled.get(name);
    if (known) return known;
    let c = this.volets.get(name);
    if (!c) {
      const spec = this.rules.volets?.find((v) => v.name === name);
      c = spec
        ? compileProfileSync(spec, this.options)
        : { error: `VALIDATE_UNKNOWN_VOLET: no volet ${name} in the kit` };
      this.volets.set(name, c);
    }
    return c;
  }

  private run(
    compiled: CompiledSchematron,
    doc: EngineDocument,
    positions: () => Document | undefined,
  ): ProfileResult {
    try {
      const outcome = runSchematron(compiled, doc, {
        collectFiredRules: this.options.svrl === true,
        ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
      });
      const warnings = outcome.warnings?.length ? { warnings: outcome.warnings } : {};
      if (!outcome.ok)
        return outcome.errorCode
          ? { error: outcome.error, errorCode: outcome.errorCode, ...warnings }
          : { error: outcome.error, ...warnings };
      const findings = outcome.findings.map((f: Finding) => locateFinding(f, positions()));
      if (!this.options.svrl) return { findings, ...warnings };
      return {
        findings,
        activePatterns: outcome.activePatterns,
        firedRules: outcome.firedRules ?? [],
        ...warnings,
      };
    } catch (e) {
      // An engine failure on one profile is that profile's verdict; the others still run.
      return { error: describe(e) };
    }
  }
}

type Compiled = { compiled: CompiledSchematron } | { error: string };

async function compileProfile(profile: ProfileSpec, options: ValidateOptions): Promise<Compiled> {
  try {
    return { compiled: await getCompiled(compileRequest(profile, options)) };
  } catch (e) {
    return { error: describe(e) };
  }
}

function compileProfileSync(profile: ProfileSpec, options: ValidateOptions): Compiled {
  try {
    return { compiled: getCompiledSync(compileRequest(profile, options)) };
  } catch (e) {
    return { error: describe(e) };
  }
}

/**
 * The document's text, decoded as its bytes declare, after the checks that must come before any parsing or XSD
 * step: size, encoding, forbidden characters, DTD, depth, element count ({@link checkXmlText}).
 * @throws XmlParseError
 */
export function checkedText(input: string | Uint8Array, file: string, maxBytes = MAX_DOCUMENT_BYTES): string {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes)
    throw new XmlParseError('XML_TOO_LARGE', `XML input is ${size} bytes; the limit is ${maxBytes} bytes`, {
      file,
    });
  const text = xmlText(input, file);
  if (text.trim() === '') throw new XmlParseError('XML_EMPTY', 'XML input is empty', { file });
  checkXmlText(text, file);
  return text;
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
  const { file, profiles, level, rules, volet } = result;
  return { file, valid: xsd.valid && result.valid, xsd, profiles, ...(volet ? { volet } : {}), level, rules };
}

/** Processes keep one validator per set of rule options, so compiled rules are reused across calls. */
const validators = new Map<string, Promise<Validator>>();

/**
 * Validate a CDA document: the CDA XSD and the ANS schematrons of a kit — the document's volet (chosen from its
 * templateIds and code, or `volet`), `ASIP-STRUCT-MIN-StrucMin`, `IHE`, `CI-SIS_ModelesDeContenusCDA`,
 * `CI-SIS_Modeles_ANS` — with the ANS verdict; without a kit, the project's embedded rules.
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
      bytes = readXmlFile(input.path, options.maxBytes ?? MAX_DOCUMENT_BYTES);
    } catch (e) {
      if (e instanceof XmlParseError) throw e;
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
  const raw = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  if (isXdsMetadata(raw)) return validateXdsMetadata(raw, file ?? '<input>');
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
    options.volet ?? 'auto',
    options.timeoutMs ?? 0,
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
