import { HL7_CONFIDENTIALITY, SCHEME, VISIBILITY_CODES } from './codes.js';
import { XdsError } from './errors.js';
import type { Visibility, XdsCode } from './types.js';

/**
 * The DocumentEntry confidentiality codes: the CDA's HL7 code (N/R/V) first, then one TRE_A07 code per hidden
 * audience. A secret connection hides the document from the patient and the legal representatives.
 *
 * @example
 * ```ts
 * confidentialityCodes('N', { hiddenFromPatient: true }).map((c) => c.code); // ['N', 'INVISIBLE_PATIENT']
 * ```
 */
export function confidentialityCodes(hl7Code: string, visibility: Visibility = {}): XdsCode[] {
  const display = HL7_CONFIDENTIALITY[hl7Code];
  if (!display) {
    throw new XdsError('XDS_CODE_OUT_OF_SET', `"${hl7Code}" is not N, R or V (JDV_J08)`, {
      field: 'confidentialityCode',
      where: '/ClinicalDocument/confidentialityCode/@code',
    });
  }
  const codes: XdsCode[] = [{ code: hl7Code, scheme: SCHEME.confidentialityHl7, display }];
  const secret = visibility.secretConnection === true;
  if (visibility.hiddenFromProfessionals) codes.push({ ...VISIBILITY_CODES.hiddenFromProfessionals });
  if (visibility.hiddenFromPatient || secret) codes.push({ ...VISIBILITY_CODES.hiddenFromPatient });
  if (visibility.hiddenFromLegalRepresentatives || secret) {
    codes.push({ ...VISIBILITY_CODES.hiddenFromLegalRepresentatives });
  }
  return codes;
}

/**
 * The visibility a list of confidentiality codes expresses (inverse of {@link confidentialityCodes}; a secret
 * connection reads back as hidden from the patient and the legal representatives).
 *
 * @example
 * ```ts
 * visibilityOf(entry.confidentialityCodes).hiddenFromPatient; // true for an INVISIBLE_PATIENT entry
 * ```
 */
export function visibilityOf(codes: readonly XdsCode[]): Visibility {
  const has = (c: XdsCode) => codes.some((x) => x.scheme === c.scheme && x.code === c.code);
  return {
    hiddenFromProfessionals: has(VISIBILITY_CODES.hiddenFromProfessionals),
    hiddenFromPatient: has(VISIBILITY_CODES.hiddenFromPatient),
    hiddenFromLegalRepresentatives: has(VISIBILITY_CODES.hiddenFromLegalRepresentatives),
  };
}
