// Public exports of the seal module (subpath cisis-bio/seal): PAdES organisation seal on the PDF copy.
export { parisDateTime } from './appearance.js';
export { SealError, type SealErrorCode } from './errors.js';
export { headerSealRect, type PlacementLayout, type SealRect } from './placement.js';
export {
  type SealAppearanceOptions,
  type SealPdfOptions,
  type SealResult,
  sealPdf,
  sealPdfDetailed,
} from './seal.js';
export { type HttpTsaOptions, httpTimestampAuthority } from './tsa.js';
export {
  type PdfSealIssue,
  type PdfSealIssueCode,
  type PdfSealVerification,
  type VerifyPdfSealOptions,
  verifyPdfSeal,
} from './verify.js';
