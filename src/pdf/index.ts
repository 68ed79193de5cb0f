// Public exports of the pdf module (re-exported by src/index.ts).
export {
  INS_DATAMATRIX_CAPTION,
  renderReportPdf,
  renderReportPdfDetailed,
  type DatamatrixPlacement,
  type RenderedReport,
  type RenderReportPdfOptions,
} from './render.js';
export { PdfRenderError, type PdfRenderErrorCode } from './errors.js';
export type { FontFace, FontSet } from './fonts.js';
export type { DrawnText, LayoutRecord } from './layout.js';
export { srgbIccProfile } from './icc.js';
