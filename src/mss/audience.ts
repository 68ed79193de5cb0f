/**
 * Who may receive a document by MSSanté, given its visibility: the matrix of the CI-SIS "règles de gestion
 * MSSanté" (digest §B.3). One e-mail per audience; a patient-invisible document never goes to the patient.
 * @module
 */
import type { Visibility } from '../xds/index.js';
import { MssError } from './errors.js';

/** Who an e-mail is for: health professionals (organisations, application mailboxes) or the patient. */
export type MssAudience = 'professional' | 'patient';

/** One broken rule: the visibility flag at fault and why. */
export interface AudienceViolation {
  flag: keyof Visibility;
  message: string;
}

/**
 * The flags that forbid an audience. The three allowed rows of the matrix:
 * - professionals + patient: nothing masked, nothing hidden;
 * - professionals only: not masked to professionals, not hidden from legal representatives;
 * - patient only: not hidden from the patient, no secret connection (masked to professionals and hidden from legal
 *   representatives allowed).
 * A message to one audience must fit at least one row that contains that audience.
 *
 * @example
 * ```ts
 * audienceViolations('patient', { hiddenFromPatient: true }); // [{ flag: 'hiddenFromPatient', … }]
 * ```
 */
export function audienceViolations(audience: MssAudience, v: Visibility = {}): AudienceViolation[] {
  const out: AudienceViolation[] = [];
  if (audience === 'patient') {
    if (v.hiddenFromPatient) {
      out.push({
        flag: 'hiddenFromPatient',
        message: 'the document is invisible to the patient (INVISIBLE_PATIENT)',
      });
    }
    if (v.secretConnection) {
      out.push({
        flag: 'secretConnection',
        message: 'the document is under a secret connection (CONNEXION_SECRETE)',
      });
    }
    return out;
  }
  if (v.hiddenFromProfessionals) {
    out.push({
      flag: 'hiddenFromProfessionals',
      message: 'the document is masked to professionals (MASQUE_PS)',
    });
  }
  if (v.hiddenFromLegalRepresentatives) {
    out.push({
      flag: 'hiddenFromLegalRepresentatives',
      message: 'a document hidden from legal representatives goes to the patient only (INVISIBLE_REP_LEGAUX)',
    });
  }
  return out;
}

/**
 * Throw {@link MssError} `MSS_AUDIENCE_FORBIDDEN` when the visibility forbids the audience.
 *
 * @example
 * ```ts
 * assertAudienceAllowed('professional', { hiddenFromPatient: true }); // fine: professionals only
 * ```
 */
export function assertAudienceAllowed(audience: MssAudience, v: Visibility = {}): void {
  const bad = audienceViolations(audience, v);
  if (bad.length > 0) {
    throw new MssError(
      'MSS_AUDIENCE_FORBIDDEN',
      `not sent to the ${audience}: ${bad.map((b) => b.message).join('; ')}`,
      { where: `visibility.${bad[0]!.flag}` },
    );
  }
}
