/**
 * One call from a validated report model to the files a lab sends: the CR-BIO level 3 (with its PDF copy),
 * the level 1 wrapping the same PDF, the bare PDF, and a submission-set signature covering both documents.
 * @module
 */
import { buildCrBio, buildCrBioN1, parseCrBio, type ReportChanges, replaceReport } from '../cda/index.js';
import {
  type CrBioReport,
  type InstanceId,
  type Ts,
  type UnitRewrite,
  validateReport,
} from '../model/index.js';
import { renderReportPdf, renderReportPdfDetailed } from '../pdf/index.js';
import { type SealPdfOptions, sealPdf } from '../seal/index.js';
import { loadSigningKey, type SignatureProfileName, signSubmissionSet } from '../sign/index.js';
import { type DocumentValidation, validate } from '../validate/index.js';
import { buildSubmission, type Submission, type SubmissionInput } from '../xds/index.js';
import {
  loincOptionParts,
  type PreparedReport,
  prepareReport,
  type ReportLoincCheck,
  type ReportLoincOption,
} from './checks.js';
import { LoincCheckError, ReportCreationError, type ReportCreationStep, withChecks } from './errors.js';

/** Signing material and profile for {@link createReport}. */
export interface CreateReportSignOptions {
  /** PEM private key or PKCS#12 bytes (see `loadSigningKey`). */
  key: Uint8Array | string;
  /** PEM/DER certificate(s), signer first; optional with PKCS#12. */
  cert?: Uint8Array | string;
  /** Password of an encrypted PEM key or of the PKCS#12 bundle. */
  password?: string;
  /** `dsg` (IHE DSG, SHA-256) or `dmp-legacy` (what the DMP clients send today). */
  profile: SignatureProfileName;
  /**
   * uniqueId (OID) of the XDS submission set the two documents travel in; the signature names it.
   * Default: `<N3 uniqueId>.2` — pass the id your XDS sender really uses.
   */
  submissionSetId?: string;
}

/** Options of {@link createReport}. */
export interface CreateReportOptions {
  /** Clock for every time the SDK chooses (PDF dates, open CDA times, signing time). Default: now. */
  clock?: () => Date;
  /** Generator of the ids the model leaves open (UUIDs or OIDs); `seededIds(seed)` gives reproducible output. */
  idGenerator?: () => string;
  /** Sign the two documents (one submission-set signature, see docs/guide.md). */
  sign?: CreateReportSignOptions;
  /**
   * Validate both documents: `true` (embedded rules), or `{ kit }` for the ANS kit (XSD + the document's volet +
   * the four common profiles); `volet` names the volet instead of choosing it from the document (default `auto`).
   */
  validate?: boolean | { kit?: string; volet?: string };
  /**
   * Throw (step `validate`) when a document is not valid; implies `validate: true` when `validate` is unset. With
   * `loinc`, also throw (step `loinc`, before anything is built) on an error-level LOINC finding, unless `loinc.failOn`
   * says otherwise.
   */
  failOnInvalid?: boolean;
  /**
   * Rewrite the units written the French way (`G/L` → `10*9/L`, `UI/L` → `[IU]/L`, `µmol/L` → `umol/L`…) to UCUM
   * before anything is built (with the LOINC check: see {@link createReport} for its step); each rewrite is returned
   * in `unitRewrites`. Off by default: the model's units are used as given (and `G/L`, gauss per litre in UCUM, is
   * refused at step `n3`).
   */
  normaliseUnits?: boolean;
  /**
   * Check the LOINC codes of the (normalised) model against the LOINC release: its folder (`LoincTable/Loinc.csv`,
   * loaded once, index cached) or a table from `loadLoincTable`; `{ table, failOn }` to choose when findings
   * throw (step `loinc`): `'error'`, `'warning'` (any finding) or `'never'` (default: `'error'` with
   * `failOnInvalid`, else `'never'`). The verdict is returned in `loinc`. Without this option no table is read
   * (the library never reads `CISIS_BIO_LOINC`; the CLI does). Checked at run time: `null`, an object without a
   * table or another `failOn` throw at step `loinc` (cause `ReportOptionError`, `REPORT_INVALID_OPTION`).
   */
  loinc?: ReportLoincOption;
  /** PDF to use instead of rendering one from the model (your own PDF/A with the INS Datamatrix). */
  pdf?: Uint8Array;
  /**
   * Seal the PDF (PAdES organisation seal, docs/pdf.md "Seal") before it goes into the N3 and the N1, so both carry
   * the sealed copy. The seal time is `clock`; a rendered PDF gets the seal in its header next to the lab name.
   */
  seal?: Omit<SealPdfOptions, 'clock'>;
  /**
   * Build the DMP submission (XDS.b metadata of the N3, the N1 and the signature, docs/dmp.md) as the last step.
   * `submissionSet.uniqueId` defaults to the signed set (`sign.submissionSetId`, else `<N3 uniqueId>.2`).
   */
  submission?: Omit<SubmissionInput, 'documents' | 'signature' | 'clock'>;
  /**
   * Id of the level 1 document. Default: `<N3 uniqueId>.1` (an OID under the N3 id: keep the arcs `.1` and `.2`
   * under your document ids free). When the model replaces a previous version, the N1's RPLC link points to
   * `previousN1Id`, default `<previous N3 uniqueId>.1`.
   */
  n1Id?: InstanceId;
  /** Id of the level 1 document replaced by this version (see `n1Id`). */
  previousN1Id?: InstanceId;
}

/** Both documents' verdicts. */
export interface ReportValidation {
  /** Both documents are valid. */
  valid: boolean;
  n3: DocumentValidation;
  n1: DocumentValidation;
}

/** The ids of a created report, as XDS uniqueIds (`root`, or `root.extension` when the extension is numeric). */
export interface CreatedReportIds {
  n3: string;
  n1: string;
  /** Set id shared by both documents (and every version). */
  setId: string;
  /** Version number shared by both documents. */
  version: number;
  /** Submission set named by the signature (only when signed). */
  submissionSet?: string;
}

/** What {@link createReport} returns: every file as the exact bytes to store and send. */
export interface CreatedReport {
  ids: CreatedReportIds;
  /** CR-BIO level 3 (PDF copy embedded). */
  n3: Uint8Array;
  /** CR-BIO level 1 (same PDF in nonXMLBody). */
  n1: Uint8Array;
  /** The PDF (PDF/A-1b with the INS Datamatrix when the identity is qualified). */
  pdf: Uint8Array;
  /** XAdES submission-set signature (detached) covering `n3` and `n1`. */
  signature?: Uint8Array;
  validation?: ReportValidation;
  /** DMP submission of the N3, N1 and signature (with `options.submission`): store its entryUUIDs. */
  submission?: Submission;
  /** With `options.normaliseUnits`: each unit rewritten (model path, from, to); empty when none was. */
  unitRewrites?: UnitRewrite[];
  /** With `options.loinc`: the LOINC findings on the model built, and their counts. */
  loinc?: ReportLoincCheck;
}

const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/** XDS uniqueId of an instance id; `null` when it cannot be an OID (non-numeric extension). */
function oidOf(id: InstanceId): string | null {
  if (id.extension === undefined || id.extension === '') return OID.test(id.root) ? id.root : null;
  return /^(0|[1-9][0-9]*)$/.test(id.extension) && OID.test(id.root) ? `${id.root}.${id.extension}` : null;
}

function displayId(id: InstanceId): string {
  return oidOf(id) ?? (id.extension ? `${id.root}^${id.extension}` : id.root);
}

function derivedN1(id: InstanceId, what: string): InstanceId {
  const oid = oidOf(id);
  if (!oid) {
    throw new ReportCreationError(
      'n1',
      new Error(`${what} ${displayId(id)} is not an OID: give the level 1 id`),
    );
  }
  return { root: `${oid}.1` };
}

/** Renders (with the layout record, for the seal's place) or takes `given`, then seals. */
async function sealedPdf(
  model: CrBioReport,
  given: Uint8Array | undefined,
  seal: Omit<SealPdfOptions, 'clock'>,
  clock: () => Date,
): Promise<Uint8Array> {
  if (given) return sealPdf(given, { ...seal, clock });
  const r = await renderReportPdfDetailed(model, { clock });
  const placement = { layout: r.layout, ...(r.datamatrix ? { datamatrix: r.datamatrix } : {}) };
  const appearance = seal.appearance === false ? false : { ...placement, ...seal.appearance };
  return sealPdf(r.pdf, { ...seal, appearance, clock });
}

/** Throws (step `loinc`) when the findings reach the `failOn` level of the `loinc` option. */
function loincGate(prepared: PreparedReport, options: CreateReportOptions): void {
  const check = prepared.loinc;
  if (!check || options.loinc === undefined) return;
  const failOn = loincOptionParts(options.loinc).failOn ?? (options.failOnInvalid ? 'error' : 'never');
  const failing = check.findings.filter(
    (f) => failOn === 'warning' || (failOn === 'error' && f.severity === 'error'),
  );
  if (failing.length > 0)
    throw new ReportCreationError('loinc', new LoincCheckError(failing), { loinc: check });
}

async function step<T>(name: ReportCreationStep, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ReportCreationError) throw e;
    throw new ReportCreationError(name, e);
  }
}

/**
 * Produce, at once and consistently, what a lab sends when a biologist validates a request: the CR-BIO
 * **level 3** with its PDF copy, the **level 1** wrapping the same PDF, the **PDF**, optionally a **signature**
 * and the **validation** verdicts. Both documents share `setId` and `versionNumber` and have distinct ids.
 *
 * Steps, in order: `model` (zod), the opt-in checks (`normaliseUnits`, then the LOINC check), `pdf` (rendered, then
 * sealed with `seal`), `n3`, `n1`, `sign`, `validate`, `submission`. The checks run as one step, named
 * `options.loinc === undefined ? 'model' : 'loinc'`: `loinc` with a LOINC table, `model` with `normaliseUnits` alone.
 * Any failure throws one {@link ReportCreationError} naming the step, with the original error as `cause`: nothing
 * half-built is returned (after the checks, the error carries their `unitRewrites` and `loinc`).
 * With `clock` and `idGenerator` injected (and an RSA key) the output is byte-identical for the same model.
 *
 * The signature is the IHE DSG **submission-set** signature the DMP requires (the lot is signed; signing each
 * document is optional): one detached XAdES whose manifest lists the submission set and both documents.
 *
 * @example
 * ```ts
 * import { readFileSync, writeFileSync } from 'node:fs';
 * import { createReport } from 'cisis-bio';
 * const out = await createReport(model, {
 *   sign: { key: readFileSync('key.pem'), cert: readFileSync('cert.pem'), profile: 'dsg' },
 *   validate: { kit: '/opt/ans-kit' },
 *   normaliseUnits: true,            // G/L → 10*9/L, UI/L → [IU]/L… (out.unitRewrites)
 *   loinc: '/data/Loinc_2.78',        // LOINC release folder: out.loinc.findings
 *   failOnInvalid: true,             // throws on an invalid document or a LOINC error
 * });
 * writeFileSync(`${out.ids.n3}.n3.xml`, out.n3);
 * ```
 */
export async function createReport(
  model: unknown,
  options: CreateReportOptions = {},
): Promise<CreatedReport> {
  const valid = await step('model', () => validateReport(model));
  // normaliseUnits and the LOINC check run together: step 'loinc' when options.loinc is set, else 'model'.
  const prepared = await step(options.loinc === undefined ? 'model' : 'loinc', () =>
    prepareReport(valid, {
      ...(options.normaliseUnits ? { normaliseUnits: true } : {}),
      ...(options.loinc !== undefined ? { loinc: options.loinc } : {}),
    }),
  );
  const checks = {
    ...(prepared.unitRewrites ? { unitRewrites: prepared.unitRewrites } : {}),
    ...(prepared.loinc ? { loinc: prepared.loinc } : {}),
  };
  try {
    loincGate(prepared, options);
    return { ...(await createFiles(prepared.report, options)), ...checks };
  } catch (e) {
    throw withChecks(e, checks); // whatever step fails, the caller still sees the rewrites and the LOINC verdict
  }
}

/** The files of a checked model: PDF, N3, N1, then the opt-in signature, validation and submission. */
async function createFiles(report: CrBioReport, options: CreateReportOptions): Promise<CreatedReport> {
  const clock = options.clock ?? (() => new Date());
  const n3Model: CrBioReport = { ...report, level: 3 };
  const n3Id = displayId(report.id);
  // Checked before any work: the signature names each document by urn:oid:<uniqueId>.
  if (options.sign && !oidOf(report.id)) {
    throw new ReportCreationError(
      'sign',
      new Error(
        `the document id ${n3Id} is not an OID (root, or root + numeric extension): it cannot be signed`,
      ),
    );
  }

  const seal = options.seal;
  const pdf = seal
    ? await step('pdf', () => sealedPdf(n3Model, options.pdf, seal, clock))
    : (options.pdf ?? (await step('pdf', () => renderReportPdf(n3Model, { clock }))));

  const kit = typeof options.validate === 'object' ? options.validate.kit : undefined;
  const build = {
    clock,
    pdf,
    ...(options.idGenerator ? { idGenerator: options.idGenerator } : {}),
    ...(kit ? { kit } : {}),
  };
  const n3 = await step('n3', () => buildCrBio(n3Model, build).bytes);
  const n1Model = await step('n1', () => n1ModelOf(report, options));
  const n1 = await step('n1', () => buildCrBioN1(n1Model, pdf, build).bytes);
  const n1Id = displayId(n1Model.id);
  const ids: CreatedReportIds = {
    n3: n3Id,
    n1: n1Id,
    setId: displayId(report.setId),
    version: report.versionNumber,
  };
  const documents = { n3: { id: n3Id, bytes: n3 }, n1: { id: n1Id, bytes: n1 } };

  let signature: Uint8Array | undefined;
  if (options.sign) {
    const setId = options.sign.submissionSetId ?? `${n3Id}.2`;
    signature = await step('sign', () => signBoth(documents, setId, options, clock));
    ids.submissionSet = setId;
  }
  const validation = await validateBoth(documents, options, kit);

  let submission: Submission | undefined;
  const sub = options.submission;
  if (sub) {
    submission = await step('submission', async () => {
      const uniqueId = sub.submissionSet.uniqueId ?? ids.submissionSet ?? `${n3Id}.2`;
      return buildSubmission({
        ...sub,
        documents: [{ bytes: n3 }, { bytes: n1 }],
        ...(signature ? { signature: { bytes: signature } } : {}),
        clock,
        submissionSet: { ...sub.submissionSet, uniqueId },
      });
    });
  }

  return {
    ids,
    n3,
    n1,
    pdf,
    ...(signature ? { signature } : {}),
    ...(validation ? { validation } : {}),
    ...(submission ? { submission } : {}),
  };
}

/** The level 1 model: its id (given or derived) and, for a replacement, the RPLC link to the previous N1. */
function n1ModelOf(report: CrBioReport, options: CreateReportOptions): CrBioReport {
  const id = options.n1Id ?? derivedN1(report.id, 'the document id');
  const rel = report.relatedDocument;
  const m: CrBioReport = { ...report, level: 1, id };
  if (rel?.typeCode === 'RPLC') {
    m.relatedDocument = {
      ...rel,
      parentId: options.previousN1Id ?? derivedN1(rel.parentId, 'the replaced id'),
    };
  }
  return m;
}

/** Both documents, as the signature and the validation name them (their XDS uniqueIds). */
interface SignedDocuments {
  n3: { id: string; bytes: Uint8Array };
  n1: { id: string; bytes: Uint8Array };
}

/** The submission-set signature of both documents. */
async function signBoth(
  { n3, n1 }: SignedDocuments,
  submissionSetId: string,
  options: CreateReportOptions,
  clock: () => Date,
): Promise<Uint8Array> {
  const s = options.sign as CreateReportSignOptions;
  const key = loadSigningKey({
    key: s.key,
    ...(s.cert !== undefined ? { cert: s.cert } : {}),
    ...(s.password !== undefined ? { password: s.password } : {}),
  });
  const sig = await signSubmissionSet(
    { submissionSetId, documents: [n3, n1] },
    {
      key,
      profile: s.profile,
      signingTime: clock(),
      signatureId: `sig-${submissionSetId.replaceAll('.', '-')}`,
    },
  );
  return new Uint8Array(sig.bytes);
}

/** Both documents' verdicts when asked (`validate` or `failOnInvalid`); throws (step `validate`) with `failOnInvalid`. */
async function validateBoth(
  { n3, n1 }: SignedDocuments,
  options: CreateReportOptions,
  kit: string | undefined,
): Promise<ReportValidation | undefined> {
  if (!(options.validate ?? options.failOnInvalid ?? false)) return undefined;
  const validation = await step('validate', async () => {
    const volet = typeof options.validate === 'object' ? options.validate.volet : undefined;
    const opts = { ...(kit ? { kit } : {}), ...(volet ? { volet } : {}) };
    const v3 = await validate(n3.bytes, { ...opts, fileName: `${n3.id}.n3.xml` });
    const v1 = await validate(n1.bytes, { ...opts, fileName: `${n1.id}.n1.xml` });
    return { valid: v3.valid && v1.valid, n3: v3, n1: v1 };
  });
  if (options.failOnInvalid && !validation.valid) {
    const bad = [validation.n3.valid ? '' : 'level 3', validation.n1.valid ? '' : 'level 1'].filter(Boolean);
    throw new ReportCreationError('validate', new Error(`${bad.join(' and ')} not valid`), { validation });
  }
  return validation;
}

/** Options of {@link createReplacement}: those of {@link createReport} plus the new version's id and time. */
export interface CreateReplacementOptions extends CreateReportOptions {
  /** Id of the new version (never the previous one). */
  newId: InstanceId;
  /** Creation time of the new version (HL7 TS); default: the previous one. */
  effectiveTime?: Ts;
}

/**
 * Produce the next version of a report (a correction): parse the previous level 3, apply `changes`
 * (`replaceReport`: same setId, version + 1, `relatedDocument RPLC` to the previous id), then
 * {@link createReport}. The PDF is rendered again from the new version (the previous PDF copy is dropped
 * unless `options.pdf` is given). Parse and replace failures are reported as step `model`.
 *
 * @example
 * ```ts
 * const v2 = await createReplacement(readFileSync('v1.n3.xml'), { sections: corrected },
 *   { newId: { root: '1.2.250.1.999.7.2' }, effectiveTime: hl7Ts(new Date()) });
 * ```
 */
export async function createReplacement(
  previousN3: string | Uint8Array,
  changes: ReportChanges,
  options: CreateReplacementOptions,
): Promise<CreatedReport> {
  const { newId, effectiveTime, ...rest } = options;
  const next = await step('model', () => {
    const { report, level } = parseCrBio(previousN3);
    if (level !== 3) throw new Error('the previous version must be the level 3 CR-BIO');
    const { pdf: _previousPdf, ...previous } = report;
    return replaceReport(previous, changes, { newId, ...(effectiveTime ? { effectiveTime } : {}) });
  });
  return createReport(next, rest);
}
