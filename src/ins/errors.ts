import { CisisBioError } from '../common/errors.js';

/**
 * Stable codes of the INS module.
 *
 * Matricule: `INS_LENGTH` (not 15 characters), `INS_CHARACTERS` (a character other than digits, or a letter
 * elsewhere than the Corsican department `2A`/`2B`), `INS_LOWER_CASE` (`2a`/`2b`), `INS_SEX_DIGIT` (first
 * digit not 1, 2, 3, 4, 7 or 8), `INS_KEY` (wrong key). OID: `INS_OID_RETIRED` (the INS-C `…4.2`),
 * `INS_OID_UNKNOWN` (not an INS OID). Identity: `INS_IDENTITY_INVALID` (fails the model schema),
 * `INS_NOT_QUALIFIED` (an INS use that needs status `QUAL`). Datamatrix: `DATAMATRIX_*`.
 */
export type InsErrorCode =
  | 'INS_LENGTH'
  | 'INS_CHARACTERS'
  | 'INS_LOWER_CASE'
  | 'INS_SEX_DIGIT'
  | 'INS_KEY'
  | 'INS_OID_RETIRED'
  | 'INS_OID_UNKNOWN'
  | 'INS_IDENTITY_INVALID'
  | 'INS_NOT_QUALIFIED'
  | 'INS_TRAIT_ALPHABET'
  | 'DATAMATRIX_HEADER'
  | 'DATAMATRIX_FIELD'
  | 'DATAMATRIX_GS'
  | 'DATAMATRIX_TOO_LONG'
  | 'DATAMATRIX_SEX'
  | 'DATAMATRIX_DATE'
  | 'DATAMATRIX_COG'
  | 'DATAMATRIX_TRAILING';

/**
 * Error of the INS module: a refused matricule, OID, identity or Datamatrix payload.
 * `where` names the field (a zod-like path such as `ins.matricule`, or a Datamatrix block such as `S3`).
 */
export class InsError extends CisisBioError {
  declare readonly code: InsErrorCode;
  constructor(code: InsErrorCode, message: string, options?: { where?: string; cause?: unknown }) {
    super(code, message, options);
  }
}
