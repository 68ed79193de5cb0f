// Public exports of the compose module (re-exported by src/index.ts).
export {
  type LoincFailOn,
  type LoincTableSource,
  type PreparedReport,
  type PrepareReportOptions,
  prepareReport,
  type ReportLoincCheck,
  type ReportLoincOption,
} from './checks.js';
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
export {
  LoincCheckError,
  type LoincCheckProblem,
  ReportCreationError,
  type ReportCreationStep,
  ReportOptionError,
} from './errors.js';
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
