// Reading ORU^R01 / MDM messages of the volet (and of its LPS/MSSanté sister): documents, flags, recipients, event.
import {
  type DocumentEvent,
  EVENTS,
  FLAG_ALIASES,
  MAIL_BODIES,
  META_FLAGS,
  META_SYSTEM,
  type MetaFlags,
  PROFILES,
} from './codes.js';
import { Hl7v2Error, type Hl7v2Warning } from './errors.js';
import { checkFlagCombination } from './flags.js';
import {
  type Hl7Segment,
  type Hl7v2Message,
  leaf,
  parseHl7v2,
  segment,
  segments,
  segmentWhere,
} from './message.js';
import {
  type Hl7Recipient,
  type Hl7Sender,
  participation,
  prtMail,
  readRecipient,
  readSender,
} from './parties.js';
import { type Hl7Patient, readPatient } from './pid.js';

/** A document carried in an OBX (ED). */
export interface CarriedDocument {
  /** Where it is, e.g. `OBX[1]`. */
  where: string;
  /** OBX-3: the document type. */
  code: string;
  display: string;
  /** OBX-11: F (initial), C (replacement), D (deletion). */
  status: string;
  /** The decoded bytes (base64 or text), ready for `parseCrBio` when `isCda`. */
  bytes: Uint8Array;
  /** False when OBX-5 holds something else than a CDA (the ANS examples put a placeholder phrase). */
  isCda: boolean;
}

/** The e-mail an LPS/MSSanté message carries beside the document (OBX-3 = Message-ID^subject). */
export interface CarriedEmail {
  where: string;
  messageId: string;
  subject: string;
  bytes: Uint8Array;
}

/** What {@link readOru} returns. */
export interface DocumentMessage {
  kind: 'ORU' | 'MDM';
  /** MSH-9.2: R01, T02, T10, T04. */
  trigger: string;
  /** MSH-12. */
  version: string;
  /** MSH-21: `{ id: '2.1', namespace: 'CISIS_CDA_HL7_V2' }` or `{ id: '1.0', namespace: 'CISIS_CDA_HL7_LPS' }`. */
  profile?: { id: string; namespace: string };
  /** Named profile: the volet (`transmission`) or the LPS/MSSanté volet (`lps`). */
  profileName?: 'transmission' | 'lps';
  controlId: string;
  /** MSH-7 as written. */
  sentAt: string;
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  event: DocumentEvent;
  /** ORC-1, when there is an ORC. */
  orderControl?: string;
  patient: Hl7Patient;
  documents: CarriedDocument[];
  email?: CarriedEmail;
  /** The MetaDMPMSS flags present in the message. */
  flags: Partial<MetaFlags>;
  sender?: Hl7Sender;
  recipients: Hl7Recipient[];
  replyTo?: string;
  /** NTE-4 `FIN` after DESTMSSANTEPAT. */
  patientMayNotReply: boolean;
  mailBodies: { professional?: string; patient?: string };
  /** MDM: TXA-12 / TXA-13 / TXA-17. */
  txa?: { documentId: string; parentDocumentId?: string; completionStatus: string };
  warnings: Hl7v2Warning[];
}

const STATUS_EVENT: Readonly<Record<string, DocumentEvent>> = {
  F: 'initial',
  C: 'replacement',
  D: 'deletion',
};
const MDM_EVENT: Readonly<Record<string, DocumentEvent>> = {
  T02: 'initial',
  T10: 'replacement',
  T04: 'deletion',
};
const ORC_EVENT: Readonly<Record<string, DocumentEvent>> = {
  NW: 'initial',
  RO: 'replacement',
  CA: 'deletion',
};

interface Ctx {
  msg: Hl7v2Message;
  warnings: Hl7v2Warning[];
}

function warn(ctx: Ctx, code: string, message: string, where: string): void {
  ctx.warnings.push({ code, message, where });
}

function where(ctx: Ctx, seg: Hl7Segment, field?: number): string {
  return `${segmentWhere(ctx.msg, seg)}${field ? `-${field}` : ''}`;
}

/** Strict base64 with the padding restored when missing; undefined when it is not base64. */
export function decodeBase64(text: string): { bytes: Uint8Array; padded: boolean } | undefined {
  const s = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const core = s.replace(/=+$/, '');
  if (core.length % 4 === 1) return undefined;
  return { bytes: Buffer.from(core, 'base64'), padded: s.length % 4 !== 0 };
}

function edBytes(ctx: Ctx, seg: Hl7Segment, what: 'document' | 'mail body'): Uint8Array | undefined {
  const encoding = leaf(seg, 5, 4);
  const data = leaf(seg, 5, 5);
  const at = `${where(ctx, seg, 5)}.5`;
  if (encoding.toLowerCase() !== 'base64') return Buffer.from(data, 'utf8');
  const decoded = decodeBase64(data);
  if (!decoded) {
    if (what === 'document') {
      throw new Hl7v2Error('HL7_DOCUMENT_UNDECODABLE', 'the document in OBX-5.5 is not base64', {
        where: at,
      });
    }
    warn(ctx, 'HL7_MAIL_BODY_UNDECODABLE', 'the mail body is not valid base64 (cut?); ignored', at);
    return undefined;
  }
  if (decoded.padded)
    warn(ctx, 'HL7_BASE64_PADDING', `base64 without its "=" padding (${what}); padding restored`, at);
  return decoded.bytes;
}

function looksLikeCda(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 65536)).toString('utf8');
  return /^\uFEFF?\s*</.test(head) && /<([\w.-]+:)?ClinicalDocument[\s>]/.test(head);
}

function readDocument(ctx: Ctx, seg: Hl7Segment): CarriedDocument {
  const bytes = edBytes(ctx, seg, 'document')!;
  const isCda = looksLikeCda(bytes);
  if (!isCda) {
    const text = Buffer.from(bytes.subarray(0, 80)).toString('utf8').replace(/\s+/g, ' ');
    warn(ctx, 'HL7_NOT_CDA', `OBX-5 does not hold a CDA document ("${text}")`, where(ctx, seg, 5));
  }
  return {
    where: where(ctx, seg),
    code: leaf(seg, 3),
    display: leaf(seg, 3, 2),
    status: leaf(seg, 11),
    bytes,
    isCda,
  };
}

function readFlag(ctx: Ctx, seg: Hl7Segment, out: DocumentMessage): void {
  let code = leaf(seg, 3);
  const system = leaf(seg, 3, 3);
  const alias = FLAG_ALIASES[code];
  if (alias) {
    warn(ctx, 'HL7_FLAG_ALIAS', `${code} read as ${alias} (the MetaDMPMSS table's code)`, where(ctx, seg, 3));
    code = alias;
  }
  const flag = META_FLAGS.find((f) => f.code === code);
  if (!flag) {
    throw new Hl7v2Error('HL7_UNKNOWN_FLAG', `"${code}" is not a code of the MetaDMPMSS table`, {
      where: where(ctx, seg, 3),
    });
  }
  if (system !== META_SYSTEM)
    warn(ctx, 'HL7_CODING_SYSTEM', `OBX-3.3 is "${system}", not ${META_SYSTEM}`, where(ctx, seg, 3));
  const value = leaf(seg, 5);
  if (value !== 'Y' && value !== 'N') {
    throw new Hl7v2Error('HL7_FLAG_VALUE', `${code} is "${value}", not Y or N`, {
      where: where(ctx, seg, 5),
    });
  }
  out.flags[flag.key] = value === 'Y';
}

function readMailBody(
  ctx: Ctx,
  seg: Hl7Segment,
  key: 'professional' | 'patient',
  out: DocumentMessage,
): void {
  const bytes = edBytes(ctx, seg, 'mail body');
  if (!bytes) return;
  try {
    out.mailBodies[key] = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    warn(
      ctx,
      'HL7_MAIL_BODY_UNDECODABLE',
      'the mail body is not UTF-8 text; ignored',
      `${where(ctx, seg, 5)}.5`,
    );
  }
}

function readObx(ctx: Ctx, seg: Hl7Segment, out: DocumentMessage, next: Hl7Segment | undefined): void {
  const code = leaf(seg, 3);
  const body = MAIL_BODIES.find((b) => b.code === code);
  if (body) {
    readMailBody(ctx, seg, body.key, out);
    return;
  }
  if (leaf(seg, 2) === 'ED' && leaf(seg, 5, 3).toUpperCase() === 'XML') {
    out.documents.push(readDocument(ctx, seg));
    return;
  }
  if (leaf(seg, 2) === 'ED') {
    const bytes = edBytes(ctx, seg, 'mail body') ?? new Uint8Array();
    out.email = { where: where(ctx, seg), messageId: code, subject: leaf(seg, 3, 2), bytes };
    return;
  }
  readFlag(ctx, seg, out);
  if (code === 'DESTMSSANTEPAT' && next?.name === 'NTE' && leaf(next, 4) === 'FIN')
    out.patientMayNotReply = true;
}

function readPrt(seg: Hl7Segment, out: DocumentMessage): void {
  const role = participation(seg);
  if (role === 'SB') out.sender = readSender(seg);
  else if (role === 'RCT') out.recipients.push(readRecipient(seg));
  else if (role === 'REPLY' && prtMail(seg)) out.replyTo = prtMail(seg);
}

function checkType(ctx: Ctx, msh: Hl7Segment): { kind: 'ORU' | 'MDM'; trigger: string } {
  const type = leaf(msh, 9);
  const trigger = leaf(msh, 9, 2);
  const kind =
    type === 'ORU' && trigger === 'R01' ? 'ORU' : type === 'MDM' && trigger in MDM_EVENT ? 'MDM' : undefined;
  if (!kind) {
    throw new Hl7v2Error(
      'HL7_MESSAGE_TYPE',
      `MSH-9 "${type}^${trigger}" is not ORU^R01 nor MDM^T02/T10/T04`,
      { where: 'MSH-9' },
    );
  }
  const expected = kind === 'ORU' ? '2.5' : '2.6';
  if (leaf(msh, 12) !== expected) {
    throw new Hl7v2Error(
      'HL7_VERSION',
      `an ${kind} of this profile is HL7 ${expected}, not "${leaf(msh, 12)}"`,
      { where: 'MSH-12' },
    );
  }
  void ctx;
  return { kind, trigger };
}

function readProfile(ctx: Ctx, msh: Hl7Segment, out: DocumentMessage): void {
  const id = leaf(msh, 21);
  const namespace = leaf(msh, 21, 2).trim();
  if (!id && !namespace) {
    warn(ctx, 'HL7_PROFILE', 'no profile identifier in MSH-21', 'MSH-21');
    return;
  }
  out.profile = { id, namespace };
  if (namespace === PROFILES.transmission.namespace) out.profileName = 'transmission';
  else if (namespace === PROFILES.lps.namespace) out.profileName = 'lps';
  else warn(ctx, 'HL7_PROFILE', `unknown profile "${id}^${namespace}"`, 'MSH-21');
}

function resolveEvent(ctx: Ctx, out: DocumentMessage): DocumentEvent {
  const statuses = new Set(out.documents.map((d) => d.status));
  if (statuses.size !== 1) {
    throw new Hl7v2Error('HL7_EVENT_MISMATCH', `the documents' OBX-11 differ (${[...statuses].join(', ')})`, {
      where: 'OBX-11',
    });
  }
  const status = [...statuses][0]!;
  const event = STATUS_EVENT[status];
  if (!event)
    throw new Hl7v2Error('HL7_EVENT_MISMATCH', `document OBX-11 "${status}" is not F, C or D`, {
      where: 'OBX-11',
    });
  if (out.kind === 'MDM' && MDM_EVENT[out.trigger] !== event) {
    throw new Hl7v2Error(
      'HL7_EVENT_MISMATCH',
      `MDM^${out.trigger} does not go with OBX-11 "${status}" (${EVENTS[event].mdm} does)`,
      { where: 'MSH-9' },
    );
  }
  const orc = out.orderControl;
  if (orc !== undefined && ORC_EVENT[orc] !== undefined && ORC_EVENT[orc] !== event) {
    throw new Hl7v2Error(
      'HL7_EVENT_MISMATCH',
      `ORC-1 "${orc}" does not go with OBX-11 "${status}" (${EVENTS[event].orc1} does)`,
      { where: 'ORC-1' },
    );
  }
  if (orc !== undefined && ORC_EVENT[orc] === undefined) {
    warn(
      ctx,
      'HL7_ORDER_CONTROL',
      `ORC-1 "${orc}" is not NW/RO/CA (volet v2.1); the event is read from OBX-11`,
      'ORC-1',
    );
  }
  return event;
}

// The LPS/MSSanté volet carries only the masking flags and MODIF_CONF_CODE (its recipient is the hospital system).
const LPS_REQUIRED = new Set(['MASQUE_PS', 'INVISIBLE_PATIENT', 'INVISIBLE_REP_LEGAUX', 'MODIF_CONF_CODE']);

function checkFlags(ctx: Ctx, out: DocumentMessage): void {
  const required = (code: string) =>
    out.profileName === 'lps' ? LPS_REQUIRED.has(code) : !code.startsWith('ACK_');
  const missing = META_FLAGS.filter((f) => out.flags[f.key] === undefined && required(f.code));
  if (missing.length) warn(ctx, 'HL7_FLAG_MISSING', `no ${missing.map((f) => f.code).join(', ')} OBX`, 'OBX');
  if (missing.length === 0 && out.profileName !== 'lps') {
    const refused = checkFlagCombination({
      receptionAck: false,
      readingAck: false,
      ...out.flags,
    } as MetaFlags);
    if (refused) warn(ctx, 'HL7_FLAG_COMBINATION', refused, 'OBX');
  }
}

function readMsh(
  msh: Hl7Segment,
): Pick<
  DocumentMessage,
  | 'controlId'
  | 'sentAt'
  | 'sendingApplication'
  | 'sendingFacility'
  | 'receivingApplication'
  | 'receivingFacility'
  | 'version'
> {
  return {
    sendingApplication: leaf(msh, 3),
    sendingFacility: leaf(msh, 4),
    receivingApplication: leaf(msh, 5),
    receivingFacility: leaf(msh, 6),
    sentAt: leaf(msh, 7),
    controlId: leaf(msh, 10),
    version: leaf(msh, 12),
  };
}

/**
 * Read an ORU^R01 or MDM^T02/T10/T04 of the volet « Transmission de document(s) CDA en HL7 v2 » (or of the LPS
 * MSSanté volet, profile `1.0^CISIS_CDA_HL7_LPS`): the documents' bytes (decoded from base64 or text, ready for
 * `parseCrBio`), the MetaDMPMSS flags, sender and recipients, the event. Defects worked around come as warnings.
 *
 * @example
 * ```ts
 * const m = readOru(readFileSync('oru.hl7'));
 * const { report } = parseCrBio(m.documents[0].bytes);
 * ```
 */
export function readOru(input: string | Uint8Array | Hl7v2Message): DocumentMessage {
  const msg = typeof input === 'string' || input instanceof Uint8Array ? parseHl7v2(input) : input;
  const ctx: Ctx = { msg, warnings: [] };
  const msh = msg.segments[0]!;
  const { kind, trigger } = checkType(ctx, msh);
  const orc = segment(msg, 'ORC');
  const out: DocumentMessage = {
    kind,
    trigger,
    ...readMsh(msh),
    event: 'initial',
    patient: readPatient(segment(msg, 'PID')),
    documents: [],
    flags: {},
    recipients: [],
    patientMayNotReply: false,
    mailBodies: {},
    warnings: ctx.warnings,
    ...(orc ? { orderControl: leaf(orc, 1) } : {}),
  };
  readProfile(ctx, msh, out);
  for (const [i, seg] of msg.segments.entries()) {
    if (seg.name === 'OBX') readObx(ctx, seg, out, msg.segments[i + 1]);
    else if (seg.name === 'PRT') readPrt(seg, out);
  }
  if (out.documents.length === 0)
    throw new Hl7v2Error('HL7_NO_DOCUMENT', 'no OBX carries a document', { where: 'OBX' });
  out.event = resolveEvent(ctx, out);
  const txa = segment(msg, 'TXA');
  if (txa) {
    out.txa = { documentId: leaf(txa, 12), completionStatus: leaf(txa, 17) };
    if (leaf(txa, 13)) out.txa.parentDocumentId = leaf(txa, 13);
  }
  checkFlags(ctx, out);
  void segments;
  return out;
}
