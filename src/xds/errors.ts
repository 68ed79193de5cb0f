import { CisisBioError } from '../common/errors.js';

/** Stable codes of {@link XdsError}. */
export type XdsErrorCode =
  | 'XDS_NOT_CDA'
  | 'XDS_HEADER_MISSING'
  | 'XDS_NO_INS'
  | 'XDS_IDENTITY_NOT_QUALIFIED'
  | 'XDS_CODE_OUT_OF_SET'
  | 'XDS_BAD_VALUE'
  | 'XDS_PATIENT_MISMATCH'
  | 'XDS_REPLACES_MISSING'
  | 'XDS_REPLACES_UNUSED'
  | 'XDS_SIGNATURE'
  | 'XDS_OPTION'
  | 'XDS_MALFORMED'
  | 'XDS_MTOM';

/**
 * A submission cannot be built, serialised or read. `field` names the XDS attribute or the option at fault
 * (`patientId`, `practiceSettingCode`, `replaces`…); `where` the CDA XPath or the metadata object.
 */
export class XdsError extends CisisBioError {
  declare readonly code: XdsErrorCode;
  readonly field?: string;
  constructor(
    code: XdsErrorCode,
    message: string,
    options?: { field?: string; where?: string; cause?: unknown },
  ) {
    super(code, options?.field ? `${options.field}: ${message}` : message, options);
    if (options?.field !== undefined) this.field = options.field;
  }
}
