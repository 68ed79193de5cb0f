/**
 * One call for a subcontracted report: merge the subcontractor's CR-BIO into the main lab's, render the new PDF
 * copy, build the level 3 document and (with a kit) check it against the XSD and the ANS profiles — the steps
 * `cisis-bio merge` runs, as a library function.
 * @module
 */
import { buildCrBio } from '../cda/index.js';
import { CisisBioError } from '../common/errors.js';
import { type MergeInput, type MergeOptions, type MergeResult, mergeSubcontracted } from '../merge/index.js';
import type { ModelIssue } from '../model/index.js';
import { renderReportPdf } from '../pdf/index.js';
import { type DocumentValidation, validate } from '../validate/index.js';

/** Options of {@link composeMerged}. */
export interface ComposeMergedOptions extends MergeOptions {
  /** ANS kit folder: value sets for the build, then the XSD + ANS profiles the merged document must pass. */
  kit?: string;
  /** Clock for every time the SDK chooses (PDF dates, open CDA times); default: now. */
  clock?: () => Date;
  /** Generator of the ids the build leaves open; with `clock` and `seededIds(seed)` the output is byte-identical. */
  idGenerator?: () => string;
  /** Name of the merged document in validation messages. */
  fileName?: string;
}

/** What {@link composeMerged} produces. */
export interface ComposedMerged {
  /** The merged CR-BIO level 3 (with its new PDF copy). */
  n3: Uint8Array;
  /** The new PDF copy (naming the performing laboratory of each subcontracted result). */
  pdf: Uint8Array;
  /** The merge: report model, conflicts, warnings, mode (`structured` or `attached`). */
  merge: MergeResult;
  /** With a kit: the verdict the document passed. */
  validation?: DocumentValidation;
  /**
   * Findings of the build that did not refuse it: the merged report comes from received documents, so their
   * producers' identifier keys and time stamps are warnings here (`received: true`), with model paths.
   */
  buildWarnings: ModelIssue[];
}

/** The merged document does not pass the kit (XSD or an ANS profile): nothing should be written or sent. */
export class MergedReportInvalidError extends CisisBioError {
  /** Names of what failed: `XSD` and/or profile names. */
  readonly failed: string[];
  readonly validation: DocumentValidation;
  constructor(validation: DocumentValidation) {
    const failed = Object.entries(validation.profiles)
      .filter(([, p]) => 'error' in p || p.findings.some((f) => f.kind === 'failed-assert'))
      .map(([name]) => name);
    if (validation.xsd && !validation.xsd.valid) failed.unshift('XSD');
    super('MERGED_REPORT_INVALID', `the merged document does not pass: ${failed.join(', ')}`, {
      where: validation.file,
    });
    this.failed = failed;
    this.validation = validation;
  }
}

/**
 * Merge → PDF → level 3 → (kit) validate. Throws the merge's typed errors (`IdentityMismatchError`, `MergeError`
 * — including a non-CR-BIO input or a report merged with itself), `XmlParseError` for malformed input, and
 * {@link MergedReportInvalidError} when the result does not pass the kit.
 * @example
 * const { n3, merge } = await composeMerged(readFileSync('main.xml'), readFileSync('sub.xml'), { kit: '/opt/kit' });
 * writeFileSync('merged.xml', n3);
 * for (const c of merge.conflicts) console.warn(c.test, c.resolution);
 */
export async function composeMerged(
  main: MergeInput,
  sub: MergeInput,
  options: ComposeMergedOptions = {},
): Promise<ComposedMerged> {
  const { kit, clock, idGenerator, fileName, ...mergeOptions } = options;
  const merge = mergeSubcontracted(main, sub, mergeOptions);
  const pdf = await renderReportPdf(merge.report, clock ? { clock } : {});
  const built = buildCrBio(merge.report, {
    pdf,
    received: true,
    ...(kit ? { kit } : {}),
    ...(clock ? { clock } : {}),
    ...(idGenerator ? { idGenerator } : {}),
  });
  const result: ComposedMerged = { n3: built.bytes, pdf, merge, buildWarnings: built.warnings ?? [] };
  if (kit) {
    const validation = await validate(built.bytes, { kit, ...(fileName ? { fileName } : {}) });
    if (!validation.valid) throw new MergedReportInvalidError(validation);
    result.validation = validation;
  }
  return result;
}
