// Public exports of the pdf module (re-exported by src/index.ts).

export { checkPdfBytes, MAX_PDF_COPY_BYTES } from './check.js';
export { PdfRenderError, type PdfRenderErrorCode } from './errors.js';
export type { FontFace, FontSet } from './fonts.js';
export { srgbIccProfile } from './icc.js';
export type { DrawnImage, DrawnText, LayoutRecord } from './layout.js';
export {
  type DatamatrixPlacement,
  INS_DATAMATRIX_CAPTION,
  type RenderedReport,
  type RenderReportPdfOptions,
  renderReportPdf,
  renderReportPdfDetailed,
} from './render.js';
