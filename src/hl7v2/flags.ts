// The MSSanté combination table of the volet (règles de gestion MSSanté): when the document goes by MSSanté, only
// three combinations of masking and recipient flags are allowed; any other is refused.
import type { MetaFlags } from './codes.js';

/**
 * Why a flag combination is refused, or undefined when it is allowed. Without an MSSanté recipient the table does not
 * apply.
 *
 * @example
 * ```ts
 * checkFlagCombination({ ...allNo, toMssantePatient: true, hiddenFromPatient: true }); // 'a document hidden from …'
 * ```
 */
export function checkFlagCombination(f: MetaFlags): string | undefined {
  const ps = f.toMssanteProfessionals;
  const pat = f.toMssantePatient;
  if (!ps && !pat) return undefined;
  if (ps && pat) {
    if (f.hiddenFromProfessionals || f.hiddenFromPatient || f.hiddenFromLegalRepresentatives) {
      return 'a document mailed to professionals and to the patient must be visible to all (MASQUE_PS, INVISIBLE_PATIENT, INVISIBLE_REP_LEGAUX = N)';
    }
    return undefined;
  }
  if (ps) {
    if (f.hiddenFromProfessionals)
      return 'a document masked to professionals is not mailed between professionals (MASQUE_PS = Y with DESTMSSANTEPS = Y)';
    if (!f.hiddenFromPatient) {
      return 'the MSSanté table allows mailing to professionals only for a document hidden from the patient (INVISIBLE_PATIENT = Y): add the patient as a recipient, or hide the document from the patient';
    }
    if (f.hiddenFromLegalRepresentatives)
      return 'mailing to professionals only requires INVISIBLE_REP_LEGAUX = N';
    return undefined;
  }
  if (f.hiddenFromPatient)
    return 'a document hidden from the patient is not mailed to the patient (INVISIBLE_PATIENT = Y with DESTMSSANTEPAT = Y)';
  if (f.secretConnection) return 'mailing to the patient only requires CONNEXION_SECRETE = N';
  if (f.toDmp) return 'mailing to the patient only requires DESTDMP = N';
  return undefined;
}
