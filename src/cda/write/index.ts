/**
 * CR-BIO builders: typed report model → CDA R2 document (level 3 structured, level 1 PDF-wrapped).
 *
 * @example
 * ```ts
 * import { buildCrBio } from 'cisis-bio';
 * const { xml, bytes } = buildCrBio(report, { pdf: pdfBytes });
 * ```
 * @module
 */
import { checkInsMatricule } from '../../ins/index.js';
import {
  type CrBioReport,
  checkReportForBuild,
  type ModelIssue,
  ModelValidationError,
  type PdfCopy,
  validateReport,
} from '../../model/index.js';
import { collectMediaIds, writePdfCopySection, writeSections } from './body.js';
import { checkReportCodes } from './codes.js';
import { BuildContext, type BuildOptions, type BuiltDocument } from './context.js';
import { ReportStructureError } from './errors.js';
import { writeHeader } from './header.js';
import { type CdaDocument, createClinicalDocument, el, serialize } from './xml.js';

export type { BuildOptions, BuiltDocument } from './context.js';
export { type BuildProblem, CodeValidationError, ReportStructureError } from './errors.js';

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function pdfCopy(report: CrBioReport, pdf: Uint8Array | undefined): PdfCopy | undefined {
  if (pdf) return { ...(report.pdf ?? {}), mediaType: 'application/pdf', data: base64(pdf) };
  return report.pdf;
}

function finish(ctx: BuildContext): void {
  if (ctx.problems.length > 0) throw new ReportStructureError(ctx.problems);
}

function usesSdtc(report: CrBioReport): boolean {
  return report.patient.deceasedInd !== undefined || report.patient.deceasedTime !== undefined;
}

/**
 * Build a CR-BIO CDA R2 **level 3** (volet BIO-CR-BIO 2024.01): full header, chapters with their results
 * entries and generated narrative, and the mandatory FR-Document-PDF-copie section.
 *
 * The input is validated first (`validateReport`: one {@link ModelValidationError} listing every zod path),
 * then its codes (UCUM units, value sets: {@link CodeValidationError}), then what the volet requires beyond
 * the model's types ({@link ReportStructureError}). Inject `clock` and `idGenerator` for byte-identical output.
 *
 * @param report the report model (unknown input is accepted and validated)
 * @param options PDF bytes when the model has none, kit folder for value sets, clock, id generator
 * @example
 * ```ts
 * const { bytes } = buildCrBio(report, { pdf, idGenerator: () => nextUuid(), clock: () => fixedDate });
 * ```
 */
export function buildCrBio(report: CrBioReport, options: BuildOptions = {}): BuiltDocument {
  const warnings: ModelIssue[] = [];
  return withWarnings(serialize(writeCrBio(report, options, warnings)), warnings);
}

function withWarnings(built: BuiltDocument, warnings: ModelIssue[]): BuiltDocument {
  return warnings.length > 0 ? { ...built, warnings } : built;
}

/** zod shapes, then the pre-build checks (identifier keys, addresses, time stamps, text) with full model paths. */
function checkModel(report: CrBioReport, options: BuildOptions, warnings: ModelIssue[]): CrBioReport {
  const r = validateReport(report);
  const now = (options.clock ?? (() => new Date()))();
  const ins = r.patient.identity.ins;
  const insCheck = ins ? checkInsMatricule(ins.matricule, { oid: ins.oid }) : undefined;
  const insIssue: ModelIssue[] =
    insCheck && !insCheck.valid
      ? [
          {
            path: ['patient', 'identity', 'ins', 'matricule'],
            where: 'patient.identity.ins.matricule',
            message: insCheck.message,
            code: insCheck.code,
          },
        ]
      : [];
  if (insIssue.length && options.received) warnings.push(...insIssue);
  let checked: { warnings: ModelIssue[] };
  try {
    checked = checkReportForBuild(r, { now, received: options.received ?? false });
  } catch (e) {
    if (e instanceof ModelValidationError && !options.received)
      throw new ModelValidationError([...insIssue, ...e.issues]);
    throw e;
  }
  if (insIssue.length && !options.received) throw new ModelValidationError(insIssue);
  warnings.push(...checked.warnings);
  return r;
}

/**
 * The checks and writing of {@link buildCrBio}, without the serialisation: the document tree that
 * `serialize` (./xml.ts) turns into bytes. Internal (benchmarks and tests of the writer).
 */
export function writeCrBio(
  report: CrBioReport,
  options: BuildOptions = {},
  warnings: ModelIssue[] = [],
): CdaDocument['doc'] {
  const r = checkModel(report, options, warnings);
  if (!options.skipCodeChecks) checkReportCodes(r, options.kit ? { kit: options.kit } : {});
  const ctx = new BuildContext(options);
  if (r.level !== 3)
    ctx.problem('level', 'buildCrBio writes level 3; use buildCrBioN1 for a level 1 document');
  const pdf = pdfCopy(r, options.pdf);
  if (!pdf) ctx.problem('pdf', 'a level 3 CR-BIO must hold its PDF copy (report.pdf or options.pdf)');
  if (r.sections.every((s) => s.kind !== 'chapter'))
    ctx.problem('sections', 'a CR-BIO needs at least one chapter');
  collectMediaIds(r.sections, pdf, (id, path) => ctx.reserve(id, path));
  const { doc, root } = createClinicalDocument({ sdtc: usesSdtc(r) });
  writeHeader(ctx, root, r, 3);
  const body = el(el(root, 'component'), 'structuredBody');
  writeSections(ctx, body, r.sections);
  if (pdf) writePdfCopySection(ctx, body, pdf, 'pdf');
  finish(ctx);
  return doc;
}

/**
 * Build a CR-BIO CDA R2 **level 1**: the same header with exactly the three templateIds the structuration
 * minimale allows (HL7 France, CI-SIS, IHE XDS-SD) and the PDF in `nonXMLBody`.
 *
 * @param report the report model (its `sections` are not written; `level` may be 1 or 3)
 * @param pdf the PDF bytes of the report
 */
export function buildCrBioN1(
  report: CrBioReport,
  pdf: Uint8Array,
  options: BuildOptions = {},
): BuiltDocument {
  const warnings: ModelIssue[] = [];
  return withWarnings(serialize(writeCrBioN1(report, pdf, options, warnings)), warnings);
}

/** The checks and writing of {@link buildCrBioN1}, without the serialisation (internal, like {@link writeCrBio}). */
export function writeCrBioN1(
  report: CrBioReport,
  pdf: Uint8Array,
  options: BuildOptions = {},
  warnings: ModelIssue[] = [],
): CdaDocument['doc'] {
  const r = checkModel(report, options, warnings);
  if (!options.skipCodeChecks)
    checkReportCodes(r, { ...(options.kit ? { kit: options.kit } : {}), headerOnly: true });
  const ctx = new BuildContext(options);
  if (!(pdf instanceof Uint8Array) || pdf.byteLength === 0)
    ctx.problem('pdf', 'a level 1 document needs the PDF bytes');
  const { doc, root } = createClinicalDocument({ sdtc: usesSdtc(r) });
  writeHeader(ctx, root, r, 1);
  const text = el(el(el(root, 'component'), 'nonXMLBody'), 'text', {
    mediaType: 'application/pdf',
    representation: 'B64',
  });
  text.txt(base64(pdf));
  finish(ctx);
  return doc;
}

/**
 * Build the document the model's `level` asks for (3 → {@link buildCrBio}, 1 → {@link buildCrBioN1} with the
 * PDF of `options.pdf` or `report.pdf`).
 */
export function buildReport(report: CrBioReport, options: BuildOptions = {}): BuiltDocument {
  const r = validateReport(report);
  if (r.level === 1) {
    const pdf = options.pdf ?? (r.pdf ? new Uint8Array(Buffer.from(r.pdf.data, 'base64')) : new Uint8Array());
    return buildCrBioN1(r, pdf, options);
  }
  return buildCrBio(r, options);
}
