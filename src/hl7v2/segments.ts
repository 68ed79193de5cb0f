/**
 * The segments several messages share — MSH (ORU/MDM, ACK, business acknowledgements) and OBX (documents,
 * metadata flags, acknowledgement statuses): one field list each, so the builders cannot drift apart.
 * @module
 */
import type { FieldInput, SegmentInput } from './message.js';

/** What differs between the messages' MSH segments. */
export interface MshFields {
  sendingApplication?: FieldInput;
  sendingFacility?: FieldInput;
  receivingApplication?: FieldInput;
  receivingFacility?: FieldInput;
  /** MSH-7, HL7 DTM. */
  time: string;
  /** MSH-9: message type, trigger event, structure. */
  type: FieldInput;
  /** MSH-10. */
  controlId: string;
  /** MSH-11 (default `P`). */
  processingId?: string;
  /** MSH-12: `2.5` (ORU) or `2.6` (MDM, ACK of an MDM, ZAM). */
  version: string;
  /** MSH-18 (default `UNICODE UTF-8`). */
  charset?: string;
  /** MSH-21: message profile id and namespace; omitted in an ACK. */
  profile?: { id: string; namespace: string };
}

/**
 * MSH-3 … MSH-21 in order (MSH-1 and MSH-2 are written by the serialiser); MSH-17 country `FRA`.
 *
 * @example
 * mshSegment({ time: '20261125110000', type: ['ACK', 'R01', 'ACK'], controlId: 'A1', version: '2.5' })
 */
export function mshSegment(f: MshFields): SegmentInput {
  const head: SegmentInput = [
    'MSH',
    f.sendingApplication,
    f.sendingFacility,
    f.receivingApplication,
    f.receivingFacility,
    f.time,
    '',
    f.type,
    f.controlId,
    f.processingId || 'P',
    f.version,
    '',
    '',
    '',
    '',
    'FRA',
    f.charset || 'UNICODE UTF-8',
  ];
  return f.profile ? [...head, '', '', [f.profile.id, f.profile.namespace]] : head;
}

/**
 * An OBX: set id, value type (OBX-2), observation identifier (OBX-3), sub-id (OBX-4), value (OBX-5), result status
 * (OBX-11, default `F`); OBX-6 … OBX-10 empty.
 *
 * @example
 * obxSegment(1, 'CE', ['MASQUE_PS', 'Masqué aux professionnels', 'MetaDMPMSS'], '', ['N', '', 'HL70136'])
 */
export function obxSegment(
  setId: number | string,
  valueType: string,
  identifier: FieldInput,
  subId: FieldInput,
  value: FieldInput,
  status = 'F',
): SegmentInput {
  return ['OBX', String(setId), valueType, identifier, subId, value, '', '', '', '', '', status];
}
