// Public exports of the validate module (re-exported by src/index.ts).
export {
  MAX_DOCUMENT_BYTES,
  Validator,
  validate,
  type DocumentValidation,
  type Finding,
  type FiredRule,
  type LocatedFinding,
  type ProfileResult,
  type ValidateInput,
  type ValidateOptions,
  type XsdError,
  type XsdResult,
} from './pipeline.js';
export { validateFiles, type BatchResult } from './batch.js';
export { cacheDir } from './cache.js';
export { CR_BIO_PROFILES, EMBEDDED_PROFILE, KIT_XSD, RulesNotFoundError } from './rules.js';
export { XsdLoadError } from './xsd.js';
export { formatReport, OUTPUT_FORMATS, type OutputFormat, type DocumentFailure, type ValidationReport } from './formats/index.js';
