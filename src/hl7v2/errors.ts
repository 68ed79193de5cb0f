import { CisisBioError } from '../common/errors.js';

/**
 * Stable codes of the HL7 v2 module.
 *
 * Reading: `HL7_EMPTY`, `HL7_TOO_LARGE`, `HL7_NO_MSH` (the message does not start with MSH), `HL7_ENCODING_CHARACTERS`
 * (MSH-1/MSH-2 unusable), `HL7_CHARSET` (bytes not valid in the MSH-18 character set), `HL7_SEGMENT` (a segment
 * name that is not three upper-case letters/digits), `HL7_MESSAGE_TYPE` (not the message the reader expects),
 * `HL7_VERSION` (MSH-12 not the version of the profile), `HL7_NO_DOCUMENT`, `HL7_DOCUMENT_UNDECODABLE` (an OBX-5
 * document that is not base64), `HL7_UNKNOWN_FLAG` (a MetaDMPMSS code outside the table), `HL7_FLAG_VALUE` (not Y/N),
 * `HL7_EVENT_MISMATCH` (ORC-1, OBX-11 and the MDM trigger disagree), `HL7_MISSING` (a required field is empty).
 * Building: `HL7_FLAG_COMBINATION` (masking/recipient flags outside the MSSanté table), `HL7_NOT_A_REPLACEMENT`
 * (a replacement whose CDA has no `relatedDocument typeCode="RPLC"`), `HL7_RECIPIENT` (a recipient without a
 * usable mailbox), `HL7_INPUT` (other bad input). Transport: `MLLP_CONNECT`, `MLLP_TIMEOUT`, `MLLP_FRAME`,
 * `MLLP_CLOSED`, `MLLP_ACK` (the answer is not an ACK for the message sent).
 */
export type Hl7v2ErrorCode =
  | 'HL7_EMPTY'
  | 'HL7_TOO_LARGE'
  | 'HL7_NO_MSH'
  | 'HL7_ENCODING_CHARACTERS'
  | 'HL7_CHARSET'
  | 'HL7_SEGMENT'
  | 'HL7_MESSAGE_TYPE'
  | 'HL7_VERSION'
  | 'HL7_NO_DOCUMENT'
  | 'HL7_DOCUMENT_UNDECODABLE'
  | 'HL7_UNKNOWN_FLAG'
  | 'HL7_FLAG_VALUE'
  | 'HL7_EVENT_MISMATCH'
  | 'HL7_MISSING'
  | 'HL7_FLAG_COMBINATION'
  | 'HL7_NOT_A_REPLACEMENT'
  | 'HL7_RECIPIENT'
  | 'HL7_INPUT'
  | 'MLLP_CONNECT'
  | 'MLLP_TIMEOUT'
  | 'MLLP_FRAME'
  | 'MLLP_CLOSED'
  | 'MLLP_ACK';

/**
 * Error of the HL7 v2 module. `where` names the place in the message as `SEG[n]-field.component` (e.g. `OBX[3]-5`,
 * `MSH-12`), or the transport endpoint (`127.0.0.1:2575`).
 */
export class Hl7v2Error extends CisisBioError {
  declare readonly code: Hl7v2ErrorCode;
  constructor(code: Hl7v2ErrorCode, message: string, options?: { where?: string; cause?: unknown }) {
    super(code, message, options);
  }
}

/** A non-fatal finding while reading a message (a defect worked around), with where it is. */
export interface Hl7v2Warning {
  code: string;
  message: string;
  where: string;
}

/** True when an error means the input itself is malformed (CLI exit 2) rather than refused by the profile (exit 1). */
export function isMalformedInput(e: unknown): boolean {
  return (
    e instanceof Hl7v2Error &&
    [
      'HL7_EMPTY',
      'HL7_TOO_LARGE',
      'HL7_NO_MSH',
      'HL7_ENCODING_CHARACTERS',
      'HL7_CHARSET',
      'HL7_SEGMENT',
      'HL7_DOCUMENT_UNDECODABLE',
    ].includes(e.code)
  );
}
