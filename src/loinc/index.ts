// Public exports of the loinc module (subpath cisis-bio/loinc).

// Code form and check digit live in the model (the builder checks codes with them); offered here too.
export {
  checkLoincCode,
  LOINC_OID,
  LOINC_URI,
  type LoincCodeKind,
  type LoincCodeVerdict,
  loincCheckDigit,
  loincCodesOf,
} from '../model/index.js';
export {
  type CatalogueExport,
  catalogueFromCsv,
  catalogueFromModels,
  type ExportCatalogueOptions,
  exportCatalogue,
  type LocalAnalysis,
  WORKSHEET_COLUMNS,
} from './catalogue.js';
export {
  checkDocumentLoinc,
  checkReportLoinc,
  type LoincCheckOptions,
  type LoincFinding,
  type LoincRule,
} from './check.js';
export { type CsvTable, type ParseCsvOptions, parseCsv, type WriteCsvOptions, writeCsv } from './csv.js';
export { CsvFormatError, LoincTableError, MappingError } from './errors.js';
export {
  CISIS_FHIR_NS,
  type ConceptMapOptions,
  catalogueToCodeSystem,
  codeSystemToCatalogue,
  conceptMapToMapping,
  type FhirResource,
  type FhirResourceOptions,
  LOINC_COPYRIGHT,
  type LoincConcept,
  loincValueSet,
  mappingToConceptMap,
  valueSetToLoinc,
} from './fhir.js';
export {
  type AppliedMapping,
  type ApplyMappingResult,
  applyMapping,
  type ImportMappingOptions,
  importMapping,
  type LoincMapping,
  type MappingEntry,
  type MappingEquivalence,
  type MappingImport,
  type MappingProblem,
  parseMapping,
  type UnmappedAnalysis,
} from './mapping.js';
export { type CandidateQuery, type LoincCandidate, matchKeys, suggestLoinc } from './suggest.js';
export {
  clearLoincMemory,
  type LoadLoincOptions,
  type LoincEntry,
  LoincTable,
  loadLoincTable,
  loincCacheDir,
  loincCsvPath,
  loincLoadStats,
  resolveLoincDir,
} from './table.js';
export { PROPERTY_UNIT_KINDS, type UnitKind, unitKind } from './units.js';
