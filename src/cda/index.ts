// Public exports of the cda module (re-exported by src/index.ts).

export {
  CdaParseError,
  type ParseCrBioOptions,
  type ParseCrBioResult,
  type ParseWarning,
  parseCrBio,
  xpathOf,
} from './parse/index.js';
export { ReplaceError, type ReplaceOptions, type ReportChanges, replaceReport } from './replace.js';
export { SCENARIOS, type Scenario } from './scenarios/index.js';
export { checkUcumUnit, preloadUcum, type UcumVerdict } from './ucum.js';
export { inValueSet, VALUE_SETS, type ValueSetName, ValueSetUnavailableError } from './valuesets.js';
export { type CodeCheckOptions, checkReportCodes } from './write/codes.js';
export { seededIds } from './write/ids.js';
export {
  type BuildOptions,
  type BuildProblem,
  type BuiltDocument,
  buildCrBio,
  buildCrBioN1,
  buildReport,
  CodeValidationError,
  ReportStructureError,
} from './write/index.js';
// The whole upgrade module (2021.01/2023.01 → 2024.01, organism mapping) is public.
export * from './write/upgrade.js';
export { XmlCharacterError } from './write/xml.js';
