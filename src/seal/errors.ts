import { CisisBioError } from '../common/errors.js';

/** Stable codes of {@link SealError}. */
export type SealErrorCode =
  | 'SEAL_INVALID_OPTION'
  | 'SEAL_PDF_UNREADABLE'
  | 'SEAL_PAGE_MISSING'
  | 'SEAL_LOGO_UNSUPPORTED'
  | 'SEAL_FONT_MISSING'
  | 'SEAL_TSA_FAILED'
  | 'SEAL_TOO_LARGE';

/**
 * The PDF could not be sealed: bad options, an unreadable PDF, a logo that would break PDF/A-1b, a time-stamping
 * authority that failed. Nothing is returned in that case (never a half-sealed file).
 */
export class SealError extends CisisBioError {
  declare readonly code: SealErrorCode;
  constructor(code: SealErrorCode, message: string, options?: { where?: string; cause?: unknown }) {
    super(code, message, options);
  }
}
