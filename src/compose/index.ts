// Public exports of the compose module (re-exported by src/index.ts).
export {
  type CreatedReport,
  type CreatedReportIds,
  type CreateReplacementOptions,
  type CreateReportOptions,
  type CreateReportSignOptions,
  createReplacement,
  createReport,
  type ReportValidation,
} from './create.js';
export { ReportCreationError, type ReportCreationStep } from './errors.js';
export {
  type ComposedMerged,
  type ComposeMergedOptions,
  composeMerged,
  MergedReportInvalidError,
} from './merged.js';
export {
  PublishError,
  type PublishErrorCode,
  type PublishedFile,
  type PublishOptions,
  publishFiles,
} from './publish.js';
