import { CisisBioError } from '../common/errors.js';

/** Stable codes of the errors the PDF module throws. */
export type PdfRenderErrorCode =
  | 'PDF_FONT_MISSING'
  | 'PDF_INVALID_REPORT'
  | 'PDF_DATAMATRIX_FAILED'
  | 'PDF_LAYOUT_OVERFLOW'
  | 'PDF_FONT_INVALID'
  | 'PDF_INTERNAL'
  | 'PDF_INPUT_INVALID'
  | 'PDF_GLYPHS_MISSING';

/** The PDF copy could not be produced (invalid input model, missing font, Datamatrix encoder failure…). */
export class PdfRenderError extends CisisBioError {
  declare readonly code: PdfRenderErrorCode;
  constructor(code: PdfRenderErrorCode, message: string, options?: { where?: string; cause?: unknown }) {
    super(code, message, options);
  }
}
