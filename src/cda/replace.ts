import { CisisBioError } from '../common/errors.js';
import { type CrBioReport, type InstanceId, type Ts, validateReport } from '../model/index.js';

/** Changes applied to a report to make its next version: any top-level field except the version bookkeeping. */
export type ReportChanges = Partial<Omit<CrBioReport, 'id' | 'setId' | 'versionNumber' | 'relatedDocument'>>;

/** Options of {@link replaceReport}. */
export interface ReplaceOptions {
  /** Id of the new version (unique; never the previous id). */
  newId: InstanceId;
  /** Creation time of the new version (HL7 TS); default: the previous `effectiveTime` is kept only if given in changes. */
  effectiveTime?: Ts;
}

/** The replacement could not be made (same id as the previous version…). */
export class ReplaceError extends CisisBioError {
  constructor(message: string, where: string) {
    super('REPLACE_INVALID', message, { where });
  }
}

function sameId(a: InstanceId, b: InstanceId): boolean {
  return a.root === b.root && (a.extension ?? '') === (b.extension ?? '');
}

/**
 * Make the next version of a report: new `id`, same `setId`, `versionNumber + 1`, and
 * `relatedDocument typeCode="RPLC"` pointing to the previous id (and its version number; the setId is not repeated
 * there: the structuration minimale's closed template warns about parentDocument/setId). Top-level fields in
 * `changes` replace those of the previous version (e.g. corrected `sections`, a new `pdf`); the result is validated.
 *
 * @throws ReplaceError when `newId` equals the previous id; ModelValidationError when the result is not a valid model.
 * @example
 * const v2 = replaceReport(v1, { sections: corrected, pdf: newPdf }, { newId: { root: '1.2.250.1.213.1.1.1.55.2024.8.2' },
 *   effectiveTime: hl7Ts(new Date()) });
 */
export function replaceReport(
  previous: CrBioReport,
  changes: ReportChanges,
  options: ReplaceOptions,
): CrBioReport {
  if (sameId(options.newId, previous.id)) {
    throw new ReplaceError('the new version needs an id different from the replaced one', 'newId');
  }
  const next: CrBioReport = {
    ...structuredClone(previous),
    ...structuredClone(changes),
    id: { ...options.newId },
    setId: { ...previous.setId },
    versionNumber: previous.versionNumber + 1,
    relatedDocument: {
      typeCode: 'RPLC',
      parentId: { ...previous.id },
      parentVersionNumber: previous.versionNumber,
    },
  };
  if (options.effectiveTime) next.effectiveTime = options.effectiveTime;
  return validateReport(next);
}
