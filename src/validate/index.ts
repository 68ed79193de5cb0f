// Public exports of the validate module (re-exported by src/index.ts).

export {
  type BatchInput,
  type BatchResult,
  expandInputs,
  type InMemoryDocument,
  type ProgressListener,
  validateFiles,
} from './batch.js';
export { cacheDir } from './cache.js';
export {
  type DocumentFailure,
  formatReport,
  OUTPUT_FORMATS,
  type OutputFormat,
  type ValidationReport,
} from './formats/index.js';
export {
  type ActivePattern,
  type DocumentValidation,
  type Finding,
  type FiredRule,
  type LocatedFinding,
  MAX_DOCUMENT_BYTES,
  type ProfileResult,
  type ValidateInput,
  type ValidateOptions,
  Validator,
  validate,
  type XsdError,
  type XsdResult,
} from './pipeline.js';
export { COMMON_PROFILES, CR_BIO_PROFILES, EMBEDDED_PROFILE, KIT_XSD, RulesNotFoundError } from './rules.js';
export {
  chooseVolet,
  type DocumentHeader,
  documentHeader,
  type KitVolet,
  listVolets,
  UnknownVoletError,
  VOLET_FAMILIES,
  type VoletFamily,
  type VoletSelection,
} from './volets.js';
export { isXdsMetadata, validateXdsMetadata, XDS_PROFILE } from './xds-profile.js';
export { XsdLoadError } from './xsd.js';
