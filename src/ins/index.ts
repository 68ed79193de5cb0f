// Public exports of the ins module (re-exported by src/index.ts).

export { checkNirConsistency, type NirConsistencyCode, type NirConsistencyFinding } from './consistency.js';
export {
  type DecodedInsDatamatrix,
  decodeInsDatamatrix,
  encodeInsDatamatrix,
  INS_DATAMATRIX_GS,
  INS_DATAMATRIX_HEADER,
  INS_DATAMATRIX_MAX,
  INS_DATAMATRIX_VISIBLE_GS,
  showGs,
} from './datamatrix.js';
export { InsError, type InsErrorCode } from './errors.js';
export {
  assertInsMatricule,
  checkInsMatricule,
  computeInsKey,
  type InsMatriculeCheck,
  type InsMatriculeOptions,
  type InsOidInfo,
  type InvalidInsMatricule,
  insOidInfo,
  isInsOid,
  normalizeInsMatricule,
  type ValidInsMatricule,
} from './matricule.js';
export {
  assertQualifiedIdentity,
  canCarryIns,
  checkInsTrait,
  checkInsTraits,
  type InsNameTrait,
  type InsTraitFinding,
  normalizeInsTrait,
} from './traits.js';
