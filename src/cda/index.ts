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
  DEFAULT_ORGANISM_CODES,
  NCBI_TAXONOMY_OIDS,
  type OrganismCodes,
  OrganismMappingError,
  PRACTICE_SETTINGS,
  parseOrganismCodes,
  ReportStructureError,
  type SnomedOrganism,
  type UpgradeOptions,
  upgradeReport,
} from './write/index.js';
export { XmlCharacterError } from './write/xml.js';
