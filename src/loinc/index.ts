// Public exports of the loinc module (subpath cisis-bio/loinc).
export {
  checkReportLoinc,
  type LoincCheckOptions,
  type LoincFinding,
  type LoincRule,
  loincCodesOf,
} from './check.js';
export {
  checkLoincCode,
  LOINC_OID,
  LOINC_URI,
  type LoincCodeKind,
  type LoincCodeVerdict,
  loincCheckDigit,
} from './code.js';
export { CsvFormatError, LoincTableError, MappingError } from './errors.js';
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
