import { type DocumentEntry, FORMAT_CODE_N1, FORMAT_CODE_N3, SIGNATURE_CODES } from '../xds/index.js';

/** What a DocumentEntry of an archive stands for, from its XDS codes. */
export type XdmDocumentRole = 'n3' | 'n1' | 'signature' | 'other';

const N1_FORMATS = new Set(Object.values(FORMAT_CODE_N1).map((c) => c.code));

/**
 * The role of a DocumentEntry: CR-BIO level 3 (formatCode XD-LAB), level 1 (an XDS-SD format code), the
 * submission-set signature (signature classCode) or something else.
 *
 * @example
 * ```ts
 * documentRole(submission.documents[0]); // 'n3'
 * ```
 */
export function documentRole(d: DocumentEntry): XdmDocumentRole {
  if (d.classCode.code === SIGNATURE_CODES.classCode.code) return 'signature';
  if (d.formatCode.code === FORMAT_CODE_N3.code) return 'n3';
  if (N1_FORMATS.has(d.formatCode.code)) return 'n1';
  return 'other';
}

/** A human label of the role (README.TXT, INDEX.HTM). */
export function roleLabel(d: DocumentEntry): string {
  switch (documentRole(d)) {
    case 'n3':
      return 'CR-BIO, CDA R2 level 3';
    case 'n1':
      return 'CR-BIO, CDA R2 level 1 (PDF)';
    case 'signature':
      return 'signature (XAdES) of the submission set';
    default:
      return d.mimeType;
  }
}
