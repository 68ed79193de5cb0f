// Technical acknowledgements (ACK, MSA AA/AE/AR + ERR) and the business acknowledgements ZAM^Z01/Z02/Z03 (ZAM_Z01,
// HL7 2.6) of the volet.
import { hl7Timestamp, PROFILES, YES_NO_SYSTEM, ZAM_KINDS, ZAM_SYSTEM, type ZamKind } from './codes.js';
import { Hl7v2Error } from './errors.js';
import {
  type Hl7Segment,
  type Hl7v2Message,
  leaf,
  parseHl7v2,
  type SegmentInput,
  segment,
  segments,
  serializeHl7v2,
} from './message.js';
import { mshSegment, obxSegment } from './segments.js';

/** MSA-1 of an application acknowledgement. */
export type AckCode = 'AA' | 'AE' | 'AR';

/** An ERR segment: ERR-2 location, ERR-3 code (table 0357), ERR-4 severity (0516), ERR-5 application error. */
export interface AckError {
  /** HL7 table 0357, e.g. 100 segment sequence error, 101 required field missing, 203 unsupported version, 207 application error. */
  code: string;
  text?: string;
  /** E (error), F (fatal), W (warning), I (information); default E. */
  severity?: 'E' | 'F' | 'W' | 'I';
  /** ERR-2 (ERL): segment id, sequence, field, e.g. `MSH^1^12`. */
  location?: { segment: string; sequence?: number; field?: number };
  /** ERR-5: an application error code (DMP, SMTP, …). */
  application?: { code: string; text?: string; system?: string };
}

/** The message being acknowledged: its MSH fields the ACK mirrors. */
export interface AckedMessage {
  controlId: string;
  sendingApplication?: string;
  sendingFacility?: string;
  receivingApplication?: string;
  receivingFacility?: string;
  /** MSH-9.2 of the original (R01, T02, T10, T04, Z01…). */
  trigger: string;
  /** MSH-12 of the original (2.5 ORU, 2.6 MDM/ZAM). */
  version: string;
  processingId?: string;
  /** MSH-18 of the original; default UNICODE UTF-8. */
  charset?: string;
}

/** Input of {@link buildAck}. */
export interface AckInput {
  to: AckedMessage | Hl7v2Message;
  code: AckCode;
  controlId: string;
  clock: () => Date;
  errors?: AckError[];
}

/** What {@link readAck} returns. */
export interface AckResult {
  code: string;
  /** MSA-2: the control id of the message acknowledged. */
  ackedControlId: string;
  controlId: string;
  trigger: string;
  errors: AckError[];
}

/**
 * The MSH fields an ACK needs, from a parsed message.
 *
 * @example
 * ```ts
 * buildAck({ to: ackedMessage(parseHl7v2(bytes)), code: 'AA', controlId: 'A1', clock: () => new Date() });
 * ```
 */
export function ackedMessage(msg: Hl7v2Message): AckedMessage {
  const msh = msg.segments[0];
  return {
    controlId: leaf(msh, 10),
    sendingApplication: leaf(msh, 3),
    sendingFacility: leaf(msh, 4),
    receivingApplication: leaf(msh, 5),
    receivingFacility: leaf(msh, 6),
    trigger: leaf(msh, 9, 2),
    version: leaf(msh, 12),
    processingId: leaf(msh, 11),
    charset: leaf(msh, 18),
  };
}

function errSegment(e: AckError): SegmentInput {
  const loc = e.location
    ? [e.location.segment, e.location.sequence?.toString() ?? '1', e.location.field?.toString()]
    : undefined;
  const app = e.application ? [e.application.code, e.application.text, e.application.system] : undefined;
  return ['ERR', '', loc, [e.code, e.text, 'messageErrorCondition'], e.severity ?? 'E', app];
}

/**
 * Build the ACK of a message: applications swapped, `ACK^<trigger>^ACK`, same version, MSA-1 AA/AE/AR, MSA-2 the
 * original control id, one ERR per error.
 *
 * @example
 * ```ts
 * buildAck({ to: parseHl7v2(oru), code: 'AE', controlId: 'ACK1', clock: () => new Date(),
 *            errors: [{ code: '203', text: 'Unsupported version', location: { segment: 'MSH', field: 12 } }] });
 * ```
 */
export function buildAck(input: AckInput): string {
  const to = 'segments' in input.to ? ackedMessage(input.to) : input.to;
  const msh = mshSegment({
    sendingApplication: to.receivingApplication,
    sendingFacility: to.receivingFacility,
    receivingApplication: to.sendingApplication,
    receivingFacility: to.sendingFacility,
    time: hl7Timestamp(input.clock()),
    type: ['ACK', to.trigger, 'ACK'],
    controlId: input.controlId,
    processingId: to.processingId,
    version: to.version,
    charset: to.charset,
  });
  return serializeHl7v2([msh, ['MSA', input.code, to.controlId], ...(input.errors ?? []).map(errSegment)]);
}

function readErr(seg: Hl7Segment): AckError {
  const e: AckError = { code: leaf(seg, 3) };
  if (leaf(seg, 3, 2)) e.text = leaf(seg, 3, 2).trim();
  const sev = leaf(seg, 4).trim();
  if (sev === 'E' || sev === 'F' || sev === 'W' || sev === 'I') e.severity = sev;
  if (leaf(seg, 2)) {
    e.location = { segment: leaf(seg, 2) };
    if (leaf(seg, 2, 2)) e.location.sequence = Number(leaf(seg, 2, 2));
    if (leaf(seg, 2, 3)) e.location.field = Number(leaf(seg, 2, 3));
  }
  if (leaf(seg, 5)) {
    e.application = { code: leaf(seg, 5) };
    if (leaf(seg, 5, 2)) e.application.text = leaf(seg, 5, 2);
    if (leaf(seg, 5, 3)) e.application.system = leaf(seg, 5, 3);
  }
  return e;
}

/**
 * Read an ACK: MSA-1, MSA-2 and the ERR segments.
 *
 * @example
 * ```ts
 * const ack = readAck(reply); if (ack.code !== 'AA') console.error(ack.errors);
 * ```
 */
export function readAck(input: string | Uint8Array | Hl7v2Message): AckResult {
  const msg = typeof input === 'string' || input instanceof Uint8Array ? parseHl7v2(input) : input;
  const msh = msg.segments[0];
  const msa = segment(msg, 'MSA');
  if (leaf(msh, 9) !== 'ACK' || !msa) {
    throw new Hl7v2Error(
      'MLLP_ACK',
      `not an acknowledgement (MSH-9 "${leaf(msh, 9)}", ${msa ? 'with' : 'no'} MSA)`,
      { where: 'MSH-9' },
    );
  }
  return {
    code: leaf(msa, 1),
    ackedControlId: leaf(msa, 2),
    controlId: leaf(msh, 10),
    trigger: leaf(msh, 9, 2),
    errors: segments(msg, 'ERR').map(readErr),
  };
}

/** Input of {@link buildZam}. */
export interface ZamInput {
  kind: ZamKind;
  /** OBX-4: the control id of the ORU/MDM that carried the document. */
  originalControlId: string;
  /** Y (success) / N (error, with `error`). */
  ok: boolean;
  /** Z02/Z03: the recipient / the reader (OBX-4 id, OBX-5 address). */
  party?: { id?: string; mail: string };
  error?: { code: string; text?: string; severity?: 'E' | 'F' | 'W' | 'I' };
  controlId: string;
  clock: () => Date;
  /** The platform (MSH-3/4) and the creator (MSH-5/6). */
  endpoints?: {
    sendingApplication?: string;
    sendingFacility?: string;
    receivingApplication?: string;
    receivingFacility?: string;
  };
}

/** What {@link readZam} returns. */
export interface ZamResult {
  kind: ZamKind;
  originalControlId: string;
  ok: boolean;
  party?: { id?: string; mail: string };
  error?: { code: string; text?: string; system?: string; hl7Code: string };
  controlId: string;
}

/**
 * Build a business acknowledgement: ZAM^Z01 (DMP reception), ZAM^Z02 (MSSanté reception, with DESTINATAIRE_MSS),
 * ZAM^Z03 (MSSanté reading, with LECTEUR_MSS); ERR 207 with the DMP/SMTP/application code when `ok` is false.
 *
 * @example
 * ```ts
 * buildZam({ kind: 'dmp-reception', originalControlId: '015', ok: false, error: { code: 'DMPClosed', text: 'DMP fermé' },
 *            controlId: '017', clock: () => new Date() });
 * ```
 */
export function buildZam(input: ZamInput): string {
  const k = ZAM_KINDS[input.kind];
  const e = input.endpoints ?? {};
  const now = hl7Timestamp(input.clock());
  const segs: SegmentInput[] = [
    mshSegment({
      sendingApplication: e.sendingApplication ?? 'PFI',
      sendingFacility: e.sendingFacility,
      receivingApplication: e.receivingApplication,
      receivingFacility: e.receivingFacility,
      time: now,
      type: ['ZAM', k.trigger, 'ZAM_Z01'],
      controlId: input.controlId,
      version: '2.6',
      profile: PROFILES.transmission,
    }),
    ['EVN', '', now],
    obxSegment(1, 'CWE', [k.status.code, k.status.label, ZAM_SYSTEM], input.originalControlId, [
      input.ok ? 'Y' : 'N',
      '',
      YES_NO_SYSTEM,
    ]),
  ];
  if ('party' in k && input.party) {
    segs.push(
      obxSegment(2, 'XTN', [k.party.code, k.party.label, ZAM_SYSTEM], input.party.id, [
        '',
        '',
        'X.400',
        input.party.mail,
      ]),
    );
  }
  if (!input.ok && input.error) {
    const app = [input.error.code, input.error.text, k.errorSystem];
    segs.push([
      'ERR',
      '',
      '',
      ['207', 'Application internal error', 'messageErrorCondition'],
      input.error.severity ?? 'E',
      app,
    ]);
  }
  return serializeHl7v2(segs);
}

/**
 * Read a business acknowledgement ZAM^Z01/Z02/Z03.
 *
 * @example
 * ```ts
 * const zam = readZam(bytes); // { kind: 'dmp-reception', originalControlId: '015', ok: false, error: { code: 'DMPClosed', … } }
 * ```
 */
export function readZam(input: string | Uint8Array | Hl7v2Message): ZamResult {
  const msg = typeof input === 'string' || input instanceof Uint8Array ? parseHl7v2(input) : input;
  const msh = msg.segments[0];
  const trigger = leaf(msh, 9, 2);
  const kind = (Object.keys(ZAM_KINDS) as ZamKind[]).find((k) => ZAM_KINDS[k].trigger === trigger);
  if (leaf(msh, 9) !== 'ZAM' || !kind) {
    throw new Hl7v2Error('HL7_MESSAGE_TYPE', `MSH-9 "${leaf(msh, 9)}^${trigger}" is not ZAM^Z01/Z02/Z03`, {
      where: 'MSH-9',
    });
  }
  if (leaf(msh, 12) !== '2.6')
    throw new Hl7v2Error('HL7_VERSION', `a ZAM is HL7 2.6, not "${leaf(msh, 12)}"`, { where: 'MSH-12' });
  const obx = segments(msg, 'OBX');
  const status = obx.find((s) => leaf(s, 3) === ZAM_KINDS[kind].status.code);
  if (!status) throw new Hl7v2Error('HL7_MISSING', `no ${ZAM_KINDS[kind].status.code} OBX`, { where: 'OBX' });
  const out: ZamResult = {
    kind,
    originalControlId: leaf(status, 4),
    ok: leaf(status, 5) === 'Y',
    controlId: leaf(msh, 10),
  };
  const k = ZAM_KINDS[kind];
  const party = 'party' in k ? obx.find((s) => leaf(s, 3) === k.party.code) : undefined;
  if (party) out.party = { mail: leaf(party, 5, 4), ...(leaf(party, 4) ? { id: leaf(party, 4) } : {}) };
  const err = segment(msg, 'ERR');
  if (err) {
    out.error = { hl7Code: leaf(err, 3), code: leaf(err, 5) };
    if (leaf(err, 5, 2)) out.error.text = leaf(err, 5, 2);
    if (leaf(err, 5, 3)) out.error.system = leaf(err, 5, 3);
  }
  return out;
}
