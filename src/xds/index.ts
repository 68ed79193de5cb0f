// Public exports of the xds module (subpath `cisis-bio/xds`): DMP submission metadata (XDS.b), ITI-41 requests,
// ITI-57 / ITI-62 builders, reading and checks.

export { buildSubmission } from './build.js';
export { checkXdsMetadata, type XdsCheckOptions } from './check.js';
export {
  CLASS_CODE_CR,
  CONTENT_TYPE_CODES,
  FORMAT_CODE_N1,
  FORMAT_CODE_N3,
  SCHEME,
  SIGNATURE_CODES,
  TYPE_CODE_CR_BIO,
  VISIBILITY_CODES,
} from './codes.js';
export { toProvideAndRegister, toSubmitObjectsRequest } from './ebrs.js';
export { XdsError, type XdsErrorCode } from './errors.js';
export {
  ITI41_ACTION,
  type MimePart,
  type MtomOptions,
  type MtomRequest,
  splitMultipart,
  toMtomRequest,
} from './mtom.js';
export { parseSubmission, type ReadSubmission, readSubmission } from './parse.js';
export {
  ASSOCIATION_TYPE,
  type Association,
  type AssociationType,
  AVAILABILITY_STATUS,
  type AvailabilityStatus,
  type DocumentEntry,
  type DocumentRole,
  type Replaces,
  type Submission,
  type SubmissionDocumentInput,
  type SubmissionInput,
  type SubmissionSet,
  type SubmissionSetInput,
  type Visibility,
  type XdsAuthor,
  type XdsCode,
  type XdsFinding,
} from './types.js';
export {
  buildStatusUpdate,
  buildVisibilityUpdate,
  type DeletionInput,
  type MetadataUpdateInput,
  type StatusUpdateInput,
  toRemoveObjectsRequest,
} from './update.js';
export { confidentialityCodes, visibilityOf } from './visibility.js';
