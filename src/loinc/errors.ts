import { CisisBioError } from '../common/errors.js';

/**
 * The LOINC table given (`--loinc DIR`, `CISIS_BIO_LOINC`, `options.loinc`) cannot be read: no `Loinc.csv`
 * (`LOINC_TABLE_NOT_FOUND`), a file the system refuses to read (`LOINC_TABLE_UNREADABLE`: a directory, no read
 * permission…) or not a LOINC release CSV (`LOINC_TABLE_MALFORMED`). `where` is the file (and line).
 */
export class LoincTableError extends CisisBioError {
  constructor(
    code: 'LOINC_TABLE_NOT_FOUND' | 'LOINC_TABLE_MALFORMED' | 'LOINC_TABLE_UNREADABLE',
    message: string,
    where?: string,
  ) {
    super(code, message, where === undefined ? undefined : { where });
  }
}

/** A CSV worksheet or catalogue cannot be read (bad quoting, missing columns, unknown header). */
export class CsvFormatError extends CisisBioError {
  constructor(message: string, where?: string) {
    super('CSV_MALFORMED', message, where === undefined ? undefined : { where });
  }
}

/** A mapping or a FHIR resource given to the transcoding workflow is not acceptable. */
export class MappingError extends CisisBioError {
  constructor(code: 'MAPPING_INVALID' | 'FHIR_RESOURCE_INVALID', message: string, where?: string) {
    super(code, message, where === undefined ? undefined : { where });
  }
}
