// Public exports of the merge module (re-exported by src/index.ts).
export { type IdentityDifference, IdentityMismatchError, MergeError, type MergeErrorCode } from './errors.js';
export { assertSamePatient } from './identity.js';
export {
  type ConflictPolicy,
  type MergeConflict,
  type MergeInput,
  type MergeOptions,
  type MergeResult,
  mergeSubcontracted,
  SECOND_INTENTION_CODE,
  SECOND_INTENTION_TITLE,
} from './merge.js';
export { subcontractorLab, subcontractorValidators } from './performer.js';
