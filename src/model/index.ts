// codes.ts also exports `codeShape` (the zod object the coded result values extend): internal, hence the explicit list.

export * from './checks.js';
export {
  ADDRESS_PARTS,
  type Address,
  addressSchema,
  CODE_SYSTEM,
  type Code,
  type CodeBase,
  codeBaseSchema,
  codeSchema,
  decimalStringSchema,
  hl7Ts,
  type InstanceId,
  instanceIdSchema,
  integerStringSchema,
  type NullFlavor,
  nullFlavorSchema,
  oidOrUuidSchema,
  type PersonName,
  parisOffsetMinutes,
  personNameSchema,
  type Telecom,
  type TimeSpec,
  type Ts,
  telecomSchema,
  timeSchema,
  tsSchema,
} from './codes.js';
export * from './identifiers.js';
export * from './identity.js';
export * from './ins-constants.js';
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
