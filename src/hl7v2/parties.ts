// PRT segments (pre-adopted from v2.9): sender (SB), MSSanté recipients (RCT), reply-to address (REPLY).
import type { FieldInput, Hl7Segment, SegmentInput } from './message.js';
import { component, leaf } from './message.js';

/** A person in PRT-5 (XCN): a professional (RPPS/IDNPS) or the patient (INS). */
export interface Hl7Person {
  id: string;
  family?: string;
  given?: string;
  /** PRT-5.13: RPPS, IDNPS, INS… */
  idType?: string;
  /** PRT-5.9.2: OID of the assigning authority. */
  authorityOid?: string;
  /** PRT-5.9.1. */
  authorityName?: string;
}

/** An organisation in PRT-8 (XON). */
export interface Hl7Organization {
  name?: string;
  /** PRT-8.10: the organisation's identifier (FINESS, IDNST, UF code…). */
  id?: string;
  /** PRT-8.7: FINEG, FINEJ, IDNST, UF, SVR. */
  idType?: string;
  /** PRT-8.6 (universal id of the HD). */
  authorityOid?: string;
  authorityName?: string;
}

/** The sender of the documents (PRT SB): a professional or a device, and the organisation. */
export interface Hl7Sender {
  person?: Hl7Person;
  organization?: Hl7Organization;
  /** PRT-10: a device identifier, when a system sends. */
  device?: string;
}

/** Kinds of MSSanté recipients. `mailbox`: an address only. */
export type RecipientKind = 'professional' | 'patient' | 'organization' | 'application' | 'mailbox';

/** An MSSanté recipient (PRT RCT). */
export interface Hl7Recipient {
  kind: RecipientKind;
  /** MSSanté address (PRT-15.4). */
  mail: string;
  person?: Hl7Person;
  organization?: Hl7Organization;
  device?: string;
}

const PARTICIPATION = {
  SB: ['SB', 'Send by', 'participation'],
  RCT: ['RCT', 'Result Copies To', 'participation'],
  REPLY: ['REPLY', 'Reply To', 'participation'],
} as const;

function xcn(p: Hl7Person, nameType: string): FieldInput {
  return [
    p.id,
    p.family,
    p.given,
    '',
    '',
    '',
    '',
    '',
    [p.authorityName, p.authorityOid, p.authorityOid ? 'ISO' : undefined],
    nameType,
    '',
    '',
    p.idType,
  ];
}

function xon(o: Hl7Organization): FieldInput {
  return [
    o.name,
    '',
    '',
    '',
    '',
    [o.authorityName, o.authorityOid, o.authorityOid ? 'ISO' : undefined],
    o.idType,
    '',
    '',
    o.id,
  ];
}

function prt(
  role: keyof typeof PARTICIPATION,
  parts: { person?: FieldInput; org?: FieldInput; device?: string; mail?: string },
): SegmentInput {
  const fields: FieldInput[] = [
    '',
    'UC',
    '',
    PARTICIPATION[role],
    parts.person,
    '',
    '',
    parts.org,
    '',
    parts.device,
  ];
  if (parts.mail) fields.push('', '', '', '', ['', '', 'X.400', parts.mail]);
  return ['PRT', ...fields];
}

/** PRT of the sender. */
export function senderPrt(s: Hl7Sender): SegmentInput {
  return prt('SB', {
    ...(s.person ? { person: xcn(s.person, 'D') } : {}),
    ...(s.organization ? { org: xon(s.organization) } : {}),
    ...(s.device ? { device: s.device } : {}),
  });
}

/** PRT of one recipient. */
export function recipientPrt(r: Hl7Recipient): SegmentInput {
  return prt('RCT', {
    ...(r.person ? { person: xcn(r.person, r.kind === 'patient' ? 'L' : 'D') } : {}),
    ...(r.organization ? { org: xon(r.organization) } : {}),
    ...(r.device ? { device: r.device } : {}),
    mail: r.mail,
  });
}

/** PRT of the reply-to address. */
export function replyPrt(mail: string): SegmentInput {
  return prt('REPLY', { mail });
}

/** PRT-4.1 of a PRT segment (SB, RCT, REPLY…). */
export function participation(seg: Hl7Segment): string {
  return leaf(seg, 4);
}

function readPerson(seg: Hl7Segment): Hl7Person | undefined {
  const id = leaf(seg, 5);
  if (!id && !leaf(seg, 5, 2)) return undefined;
  const auth = component(seg, 5, 9);
  const p: Hl7Person = { id };
  const set = <K extends keyof Hl7Person>(k: K, v: string | undefined) => {
    if (v) p[k] = v as Hl7Person[K];
  };
  set('family', leaf(seg, 5, 2));
  set('given', leaf(seg, 5, 3));
  set('idType', leaf(seg, 5, 13));
  // Some ANS examples write the OID bare in PRT-5.9 instead of PRT-5.9.2.
  const oid = auth[1] || (/^[0-2](\.\d+)+$/.test(auth[0] ?? '') ? auth[0] : '');
  set('authorityOid', oid);
  if (auth[1]) set('authorityName', auth[0]);
  return p;
}

function readOrganization(seg: Hl7Segment): Hl7Organization | undefined {
  if (!leaf(seg, 8) && !leaf(seg, 8, 10)) return undefined;
  const o: Hl7Organization = {};
  const auth = component(seg, 8, 6);
  const set = <K extends keyof Hl7Organization>(k: K, v: string | undefined) => {
    if (v) o[k] = v;
  };
  set('name', leaf(seg, 8));
  set('id', leaf(seg, 8, 10));
  set('idType', leaf(seg, 8, 7));
  set('authorityOid', auth.length > 1 ? auth[1] : auth[0]);
  if (auth.length > 1) set('authorityName', auth[0]);
  return o;
}

/** The MSSanté address of a PRT (PRT-15.4), empty when absent. */
export function prtMail(seg: Hl7Segment): string {
  return leaf(seg, 15, 4);
}

const PATIENT_OIDS = /^1\.2\.250\.1\.213\.1\.4\.(8|9|10|11)$/;

/** Read a PRT SB. */
export function readSender(seg: Hl7Segment): Hl7Sender {
  const s: Hl7Sender = {};
  const person = readPerson(seg);
  const org = readOrganization(seg);
  if (person) s.person = person;
  if (org) s.organization = org;
  if (leaf(seg, 10)) s.device = leaf(seg, 10);
  return s;
}

/** Read a PRT RCT. */
export function readRecipient(seg: Hl7Segment): Hl7Recipient {
  const person = readPerson(seg);
  const org = readOrganization(seg);
  const mail = prtMail(seg);
  const patient =
    person?.idType === 'INS' ||
    PATIENT_OIDS.test(person?.authorityOid ?? '') ||
    /@patient\.mssante\.fr$/i.test(mail);
  const kind: RecipientKind = patient
    ? 'patient'
    : person
      ? 'professional'
      : org
        ? 'organization'
        : leaf(seg, 10)
          ? 'application'
          : 'mailbox';
  const r: Hl7Recipient = { kind, mail };
  if (person) r.person = person;
  if (org) r.organization = org;
  if (leaf(seg, 10)) r.device = leaf(seg, 10);
  return r;
}
