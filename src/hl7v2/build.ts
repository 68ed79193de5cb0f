// ORU^R01 (HL7 2.5) and MDM^T02/T10/T04 (HL7 2.6) carrying CR-BIO documents and the DMP/MSSanté metadata, per the
// volet « Transmission de document(s) CDA en HL7 v2 » v2.1. The CDA is taken as bytes and read, never rebuilt.
import { parseCrBio } from '../cda/index.js';
import type { CrBioReport } from '../model/index.js';
import type { Visibility } from '../xds/index.js';
import {
  CR_BIO_TYPE,
  type DocumentEvent,
  EVENTS,
  hl7Timestamp,
  MAIL_BODIES,
  META_FLAGS,
  META_SYSTEM,
  type MetaFlags,
  PROFILES,
  YES_NO_SYSTEM,
} from './codes.js';
import { Hl7v2Error } from './errors.js';
import { checkFlagCombination } from './flags.js';
import { defaultRecipients, defaultSender, entityId, patientPerson, pidSegment } from './header.js';
import { type FieldInput, type SegmentInput, serializeHl7v2 } from './message.js';
import { type Hl7Recipient, type Hl7Sender, recipientPrt, replyPrt, senderPrt } from './parties.js';
import { mshSegment, obxSegment } from './segments.js';

/** An order number (EI): ORC-2/ORC-3, OBR-2/OBR-3. */
export interface OrderNumber {
  id: string;
  /** EI-2, the namespace (application) that assigned it. */
  namespace?: string;
}

/** The patient's visit (PV1). Default: class `N` (not applicable), no visit number. */
export interface Visit {
  /** PV1-2: I, O, E, R, N… */
  patientClass: string;
  /** PV1-3.1, the point of care. */
  location?: string;
  /** PV1-19, required for E, I, O, R. */
  visitNumber?: { id: string; authorityName?: string; authorityOid?: string };
}

/** Input of {@link buildOru} and {@link buildMdm}. */
export interface DocumentMessageInput {
  /** The CR-BIO (level 3, or the one document of an MDM) as bytes: sent as is, base64. */
  n3: Uint8Array;
  /** ORU only: the level 1 rendering of the same report (not used in Ségur wave 2, where the PDF is in the N3). */
  n1?: Uint8Array;
  /**
   * The models the documents were built from, when the caller has them (createReport does): the CDA headers are then
   * not read back from the bytes with parseCrBio (which costs most of the build time). The caller vouches they agree.
   */
  models?: { n3: CrBioReport; n1?: CrBioReport };
  event: DocumentEvent;
  /** MSH-10. */
  controlId: string;
  clock: () => Date;
  /** Masking (MASQUE_PS, INVISIBLE_PATIENT, INVISIBLE_REP_LEGAUX, CONNEXION_SECRETE); default all N. */
  visibility?: Visibility;
  /** MSSanté recipients; default: informationRecipients of the CDA with a mailto: address. */
  recipients?: Hl7Recipient[];
  /** DESTDMP; default true. */
  toDmp?: boolean;
  /** Default: the CDA author (professional or device) and custodian (also when only the person is given). */
  sender?: Hl7Sender;
  /** PRT REPLY. */
  replyTo?: string;
  /** MODIF_CONF_CODE (a replacement that changes the masking). */
  confidentialityChanged?: boolean;
  /** ACK_RECEPTION (DMP/MSSanté reception) and ACK_LECTURE_MSS (MSSanté reading). */
  acks?: { reception?: boolean; reading?: boolean };
  /** CORPSMAIL_PS / CORPSMAIL_PATIENT. */
  mailBodies?: { professional?: string; patient?: string };
  /** NTE-4 `FIN` after DESTMSSANTEPAT: the patient may not answer the mail. */
  patientMayNotReply?: boolean;
  placerOrder?: OrderNumber;
  fillerOrder?: OrderNumber;
  visit?: Visit;
  /** MSH-3..6. Defaults: CISIS-BIO, the custodian's name, PFI, the same facility (as in the guide's example). */
  endpoints?: {
    sendingApplication?: string;
    sendingFacility?: string;
    receivingApplication?: string;
    receivingFacility?: string;
  };
  /** MSH-11; default P. */
  processingId?: 'P' | 'T' | 'D';
}

/** A built message. */
export interface BuiltHl7Message {
  /** ER7, CR after each segment. */
  text: string;
  /** UTF-8 bytes of `text` (MSH-18 `UNICODE UTF-8`). */
  bytes: Uint8Array;
  controlId: string;
  flags: MetaFlags;
  sender: Hl7Sender;
  recipients: Hl7Recipient[];
}

type Kind = 'ORU' | 'MDM';

function readReport(bytes: Uint8Array, what: string): CrBioReport {
  return parseCrBio(bytes, { fileName: what }).report;
}

function resolveFlags(input: DocumentMessageInput, recipients: Hl7Recipient[]): MetaFlags {
  const v = input.visibility ?? {};
  const flags: MetaFlags = {
    hiddenFromProfessionals: v.hiddenFromProfessionals ?? false,
    hiddenFromPatient: v.hiddenFromPatient ?? false,
    hiddenFromLegalRepresentatives: v.hiddenFromLegalRepresentatives ?? false,
    secretConnection: v.secretConnection ?? false,
    confidentialityChanged: input.confidentialityChanged ?? false,
    toDmp: input.toDmp ?? true,
    toMssanteProfessionals: recipients.some((r) => r.kind !== 'patient'),
    toMssantePatient: recipients.some((r) => r.kind === 'patient'),
    receptionAck: input.acks?.reception ?? false,
    readingAck: input.acks?.reading ?? false,
  };
  const refused = checkFlagCombination(flags);
  if (refused) throw new Hl7v2Error('HL7_FLAG_COMBINATION', refused);
  return flags;
}

// A bare mailbox is completed from the CDA: the patient's `…@patient.mssante.fr`, or an informationRecipient's mailto.
function complete(r: Hl7Recipient, report: CrBioReport, known: Hl7Recipient[]): Hl7Recipient {
  if (r.kind === 'mailbox' && /@patient\.mssante\.fr$/i.test(r.mail))
    return complete({ ...r, kind: 'patient' }, report, known);
  if (r.kind === 'patient' && !r.person) {
    const p = patientPerson(report);
    return p ? { ...r, person: p } : r;
  }
  if (r.kind === 'mailbox') return known.find((k) => k.mail.toLowerCase() === r.mail.toLowerCase()) ?? r;
  return r;
}

function resolveRecipients(input: DocumentMessageInput, report: CrBioReport): Hl7Recipient[] {
  const known = defaultRecipients(report);
  return (input.recipients ?? known).map((r, i) => {
    if (!/^[^@\s]+@[^@\s]+$/.test(r.mail)) {
      throw new Hl7v2Error(
        'HL7_RECIPIENT',
        `recipient ${i + 1} has no usable MSSanté address ("${r.mail}")`,
        {
          where: `recipients[${i}].mail`,
        },
      );
    }
    return complete(r, report, known);
  });
}

function resolveSender(input: DocumentMessageInput, report: CrBioReport): Hl7Sender {
  const d = defaultSender(report);
  if (!input.sender) return d;
  return input.sender.organization || !d.organization
    ? input.sender
    : { ...input.sender, organization: d.organization };
}

function header(kind: Kind, input: DocumentMessageInput, report: CrBioReport, now: string): SegmentInput {
  const e = input.endpoints ?? {};
  const type = kind === 'ORU' ? ['ORU', 'R01', 'ORU_R01'] : ['MDM', EVENTS[input.event].mdm, 'MDM_T02'];
  const facility = e.sendingFacility ?? report.custodian.name;
  return mshSegment({
    sendingApplication: e.sendingApplication ?? 'CISIS-BIO',
    sendingFacility: facility,
    receivingApplication: e.receivingApplication ?? 'PFI',
    receivingFacility: e.receivingFacility ?? facility,
    time: now,
    type,
    controlId: input.controlId,
    ...(input.processingId ? { processingId: input.processingId } : {}),
    version: kind === 'ORU' ? '2.5' : '2.6',
    profile: PROFILES.transmission,
  });
}

function pv1(visit: Visit | undefined): SegmentInput {
  const f: FieldInput[] = new Array(20).fill(undefined);
  f[2] = visit?.patientClass ?? 'N';
  f[3] = visit?.location;
  const vn = visit?.visitNumber;
  if (vn)
    f[19] = [vn.id, '', '', [vn.authorityName, vn.authorityOid, vn.authorityOid ? 'ISO' : undefined], 'VN'];
  return ['PV1', '1', ...f.slice(2)];
}

function order(o: OrderNumber | undefined): FieldInput {
  return o ? [o.id, o.namespace] : undefined;
}

function orderSegments(input: DocumentMessageInput, report: CrBioReport, now: string): SegmentInput[] {
  const placer =
    order(input.placerOrder) ?? (report.orderIds?.[0] ? entityId(report.orderIds[0]) : undefined);
  const filler = order(input.fillerOrder);
  const type = [CR_BIO_TYPE.code, CR_BIO_TYPE.display, CR_BIO_TYPE.system];
  return [
    ['ORC', EVENTS[input.event].orc1, placer, filler, '', '', '', '', '', now],
    ['OBR', '1', placer, filler, type],
  ];
}

function documentObx(kind: Kind, setId: number, bytes: Uint8Array, status: string): SegmentInput {
  const type = [CR_BIO_TYPE.code, CR_BIO_TYPE.display, CR_BIO_TYPE.system];
  const value = [
    '',
    kind === 'ORU' ? 'TEXT' : 'text',
    'XML',
    'Base64',
    Buffer.from(bytes).toString('base64'),
  ];
  return obxSegment(setId, 'ED', type, '', value, status);
}

function metadataSegments(
  kind: Kind,
  first: number,
  flags: MetaFlags,
  input: DocumentMessageInput,
): SegmentInput[] {
  const out: SegmentInput[] = [];
  let n = first;
  for (const f of META_FLAGS) {
    const value = [flags[f.key] ? 'Y' : 'N', '', YES_NO_SYSTEM];
    out.push(obxSegment(n++, kind === 'ORU' ? 'CE' : 'CWE', [f.code, f.label, META_SYSTEM], '', value));
    if (f.code === 'DESTMSSANTEPAT' && input.patientMayNotReply) out.push(['NTE', '1', '', '', 'FIN']);
  }
  for (const b of MAIL_BODIES) {
    const text = input.mailBodies?.[b.key];
    if (text === undefined) continue;
    const value = [
      '',
      kind === 'ORU' ? 'TEXT' : 'text',
      '',
      'Base64',
      Buffer.from(text, 'utf8').toString('base64'),
    ];
    out.push(obxSegment(n++, 'ED', [b.code, b.label, META_SYSTEM], '', value));
  }
  return out;
}

function txa(input: DocumentMessageInput, report: CrBioReport, now: string): SegmentInput {
  const parent = input.event === 'replacement' ? report.relatedDocument?.parentId : undefined;
  const f: FieldInput[] = new Array(18).fill(undefined);
  Object.assign(f, { 1: '1', 2: CR_BIO_TYPE.code, 3: 'TEXT', 4: now, 12: entityId(report.id), 17: 'AU' });
  if (parent) f[13] = entityId(parent);
  return ['TXA', ...f.slice(1)];
}

function checkReplacement(input: DocumentMessageInput, reports: CrBioReport[]): void {
  if (input.event !== 'replacement') return;
  for (const [i, r] of reports.entries()) {
    if (r.relatedDocument?.typeCode !== 'RPLC') {
      throw new Hl7v2Error(
        'HL7_NOT_A_REPLACEMENT',
        'a replacement carries a CDA that replaces another (relatedDocument typeCode="RPLC" with the parent id)',
        { where: `${i === 0 ? 'n3' : 'n1'}: /ClinicalDocument/relatedDocument` },
      );
    }
  }
}

function buildMessage(kind: Kind, input: DocumentMessageInput): BuiltHl7Message {
  if (kind === 'MDM' && input.n1) {
    throw new Hl7v2Error('HL7_INPUT', 'an MDM carries one document: give n3 only', { where: 'n1' });
  }
  const report = input.models?.n3 ?? readReport(input.n3, 'n3');
  // The N1's header matters only for the replacement check.
  const n1 =
    input.n1 && input.event === 'replacement' ? (input.models?.n1 ?? readReport(input.n1, 'n1')) : undefined;
  checkReplacement(input, n1 ? [report, n1] : [report]);
  const recipients = resolveRecipients(input, report);
  const flags = resolveFlags(input, recipients);
  const sender = resolveSender(input, report);
  const now = hl7Timestamp(input.clock());
  const status = EVENTS[input.event].obx11;
  const segs: SegmentInput[] = [header(kind, input, report, now)];
  if (kind === 'MDM') segs.push(['EVN', '', now]);
  segs.push(pidSegment(report), pv1(input.visit), ...orderSegments(input, report, now));
  if (kind === 'MDM') segs.push(txa(input, report, now));
  segs.push(documentObx(kind, 1, input.n3, status), senderPrt(sender), ...recipients.map(recipientPrt));
  if (input.replyTo) segs.push(replyPrt(input.replyTo));
  if (input.n1) segs.push(documentObx(kind, 2, input.n1, status));
  segs.push(...metadataSegments(kind, input.n1 ? 3 : 2, flags, input));
  const text = serializeHl7v2(segs);
  return { text, bytes: Buffer.from(text, 'utf8'), controlId: input.controlId, flags, sender, recipients };
}

/**
 * Build an ORU^R01 (HL7 2.5, profile `2.1^CISIS_CDA_HL7_V2`) carrying the CR-BIO level 3 (and optionally its level 1)
 * with the DMP/MSSanté metadata. OBX-11 is F/C/D and ORC-1 NW/RO/CA for an initial sending, a replacement, a
 * deletion; a replacement needs a CDA with `relatedDocument typeCode="RPLC"`. Flag combinations outside the MSSanté
 * table throw `HL7_FLAG_COMBINATION`.
 *
 * @example
 * ```ts
 * const { bytes } = buildOru({
 *   n3: readFileSync('cr-bio.xml'), event: 'initial', controlId: 'MSG0001', clock: () => new Date(),
 *   recipients: [{ kind: 'patient', mail: patientMailbox('279035121518989') }],
 * });
 * ```
 */
export function buildOru(input: DocumentMessageInput): BuiltHl7Message {
  return buildMessage('ORU', input);
}

/**
 * Build an MDM (HL7 2.6): T02 initial, T10 replacement (TXA-13 = the replaced document's id), T04 deletion, with
 * one document and the same metadata as {@link buildOru} (OBX-2 CWE for the flags).
 *
 * @example
 * ```ts
 * const { text } = buildMdm({ n3: cda, event: 'replacement', controlId: '42', clock: () => new Date(), toDmp: true });
 * ```
 */
export function buildMdm(input: DocumentMessageInput): BuiltHl7Message {
  return buildMessage('MDM', input);
}
