import { CisisBioError } from '../common/errors.js';

/** One INS trait (or the INS itself) that differs between the main report and the subcontractor's. */
export interface IdentityDifference {
  /** `ins`, `birthFamilyName`, `firstBirthGivenName`, `birthDate`, `sex` or `birthPlaceCog`. */
  trait: string;
  main: string | undefined;
  sub: string | undefined;
}

/**
 * The two reports do not concern the same patient (identity vigilance): different INS, same INS with other
 * traits, or — without an INS on both sides — different traits. Local ids (IPP) never decide.
 */
export class IdentityMismatchError extends CisisBioError {
  readonly differences: IdentityDifference[];
  constructor(differences: IdentityDifference[]) {
    const list = differences
      .map((d) => `${d.trait}: main "${d.main ?? '—'}" ≠ sub "${d.sub ?? '—'}"`)
      .join('; ');
    super('IDENTITY_MISMATCH', `the subcontractor's report concerns another patient (${list})`, {
      where: 'recordTarget/patientRole',
    });
    this.differences = differences;
  }
}

/** Stable codes of {@link MergeError}. */
export type MergeErrorCode =
  | 'MERGE_MAIN_NOT_STRUCTURED'
  | 'MERGE_SUBCONTRACTOR_INCOMPLETE'
  | 'MERGE_NOTHING_TO_MERGE'
  | 'MERGE_PDF_WITHOUT_IDENTITY'
  | 'MERGE_NOT_CR_BIO'
  | 'MERGE_SAME_DOCUMENT';

/**
 * The merge cannot produce a conforming report: the main report is not level 3, the subcontracting laboratory
 * lacks a field the FR-Laboratoire-executant performer requires (`where` names it), or the subcontractor's report
 * has neither results nor a PDF, or is a bare PDF (no patient identity to check), or an input is not a CR-BIO
 * (document code 11502-2 and the CR-BIO volet templateId), or both inputs are the same document (same id).
 */
export class MergeError extends CisisBioError {
  constructor(code: MergeErrorCode, message: string, where?: string) {
    super(code, message, where ? { where } : undefined);
  }
}
