// Public exports of the cda module (re-exported by src/index.ts).
export {};
export { parseCrBio, CdaParseError, xpathOf, type ParseCrBioOptions, type ParseCrBioResult, type ParseWarning } from './parse/index.js';
export { replaceReport, ReplaceError, type ReplaceOptions, type ReportChanges } from './replace.js';
export {
  buildCrBio,
  buildCrBioN1,
  buildReport,
  CodeValidationError,
  ReportStructureError,
  type BuildOptions,
  type BuildProblem,
  type BuiltDocument,
} from './build/index.js';
export { checkReportCodes, type CodeCheckOptions } from './build/codes.js';
export { XmlCharacterError } from './build/xml.js';
export { seededIds } from './build/ids.js';
export { checkUcumUnit, preloadUcum, type UcumVerdict } from './ucum.js';
export { inValueSet, VALUE_SETS, ValueSetUnavailableError, type ValueSetName } from './valuesets.js';
export { SCENARIOS, type Scenario } from './scenarios/index.js';
