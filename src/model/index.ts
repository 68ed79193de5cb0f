export * from './checks.js';
// coded-value.ts also exports `codeShape` (the zod object the coded result values extend): internal, hence the list.
export { type Code, type CodeBase, codeBaseSchema, codeSchema } from './coded-value.js';
export * from './codes.js';
export * from './identifiers.js';
export * from './identity.js';
export * from './ins-constants.js';
export * from './interpretation.js';
export * from './loinc-code.js';
export * from './parties.js';
export * from './report.js';
export * from './results.js';
export {
  displayUnit,
  FRENCH_UNITS,
  normaliseUnit,
  normaliseUnits,
  UCUM_FALSE_FRIENDS,
  type UnitNormalisation,
  type UnitNotation,
  type UnitRewrite,
  ucumFalseFriend,
} from './units.js';
