/**
 * The MSSanté e-mail of a CR-BIO: one RFC 5322 message per audience, carrying `IHE_XDM.ZIP` (the CDA documents and
 * their XDS metadata) and the bare PDF, with the subject and `X-MSS-*` headers of the MSSanté rules. MIME is built
 * by nodemailer's MailComposer; the XDS metadata by the xds module.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { parseCrBio } from '../cda/index.js';
import type { CrBioReport } from '../model/index.js';
import {
  buildSubmission,
  type Replaces,
  type Submission,
  type SubmissionSetInput,
  type Visibility,
} from '../xds/index.js';
import { assertAudienceAllowed, type MssAudience } from './audience.js';
import { MssError } from './errors.js';
import { mssSubject, namingOf, patientAddress, pdfFileName } from './naming.js';
import { documentRole } from './roles.js';
import { buildXdm, sha1Hex, XDM_ZIP_NAME, type XdmSender, type XdmSoftware } from './xdm.js';

/** The files of one report, as `createReport` returns them (its result can be passed as is). */
export interface MssReportFiles {
  /** CR-BIO level 3 (with its PDF copy). */
  n3: Uint8Array;
  /** CR-BIO level 1 wrapping the same PDF. */
  n1?: Uint8Array;
  /** Submission-set signature (XAdES) covering the documents. */
  signature?: Uint8Array;
  /** The bare PDF attached beside the archive. Default: the PDF copy embedded in the level 3. */
  pdf?: Uint8Array;
}

/** Input of {@link buildMssMessage}. */
export interface MssMessageInput {
  files: MssReportFiles;
  audience: MssAudience;
  /** The sending mailbox (the lab's MSSanté application mailbox). */
  from: string;
  /** Recipients: required for professionals; for the patient, default `<matricule INS>@patient.mssante.fr`. */
  to?: string[];
  cc?: string[];
  replyTo?: string;
  /** Ask for a read receipt (MDN): `true` = to `from`, or the address to send it to. */
  readReceipt?: boolean | string;
  /** Plain-text body (default: a short French text for the audience). */
  body?: string;
  /** XDS SubmissionSet attributes the headers cannot give (sourceId, contentTypeCode…). */
  submissionSet: SubmissionSetInput;
  /** Visibility of the documents (default: visible to all); checked against the audience. */
  visibility?: Visibility;
  /** entryUUID(s) of the version(s) a replacement replaces (xds `replaces`). */
  replaces?: Replaces | Replaces[];
  /** `X-MSS-NIL`: the product's reference (convergence.esante.gouv.fr). */
  productReference?: string;
  /** `X-MSS-MES: FIN`: the patient cannot answer (patient audience only). */
  noReply?: boolean;
  /** Case number appended to the PDF's file name. */
  fileNumber?: string;
  /** Sending organisation and contact for README.TXT (default: the level 3 custodian). */
  sender?: XdmSender;
  software?: XdmSoftware;
  /** Message-ID without angle brackets (default: `<uuid>@<from domain>`). */
  messageId?: string;
  /** Clock for the Date header, the submission time and the archive's timestamps. Default: now. */
  clock?: () => Date;
  /** Generator of `urn:uuid:` / message ids; inject it (with `clock`) for byte-identical output. */
  uuid?: () => string;
}

/** What {@link buildMssMessage} returns. */
export interface MssMessage {
  /** The RFC 5322 message (CRLF line ends), ready for SMTP. */
  raw: Uint8Array;
  messageId: string;
  subject: string;
  audience: MssAudience;
  /** SMTP envelope. */
  envelope: { from: string; to: string[] };
  /** The XDS metadata written in METADATA.XML (`uri` set). */
  submission: Submission;
  /** The archive attached. */
  xdm: Uint8Array;
  /** The PDF attached and its file name. */
  pdf: { fileName: string; bytes: Uint8Array };
}

const ADDRESS = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;

function checkAddress(a: string, where: string): string {
  if (!ADDRESS.test(a)) {
    throw new MssError('MSS_BAD_RECIPIENT', `"${a}" is not an e-mail address`, { where });
  }
  return a;
}

const BODIES: Record<MssAudience, string> = {
  professional:
    "Bonjour,\r\n\r\nVeuillez trouver ci-joint le compte rendu d'examens de biologie médicale de votre patient(e) :" +
    '\r\nle document CDA R2 (archive IHE_XDM.ZIP) et sa version PDF.\r\n\r\nCordialement.\r\n',
  patient:
    'Bonjour,\r\n\r\nVeuillez trouver ci-joint le compte rendu de vos examens de biologie médicale (PDF) et le document' +
    '\r\nstructuré correspondant (archive IHE_XDM.ZIP).\r\n\r\nCordialement.\r\n',
};

function readN3(n3: Uint8Array): CrBioReport {
  const { report, level } = parseCrBio(n3);
  if (level !== 3) {
    throw new MssError('MSS_BAD_INPUT', 'files.n3 is a CDA level 1: give the level 3 CR-BIO', {
      where: 'files.n3',
    });
  }
  return report;
}

function pdfOf(files: MssReportFiles, report: CrBioReport): Uint8Array {
  if (files.pdf) return files.pdf;
  if (!report.pdf?.data) {
    throw new MssError('MSS_BAD_INPUT', 'the level 3 carries no PDF copy: give files.pdf', {
      where: 'files.pdf',
    });
  }
  return new Uint8Array(Buffer.from(report.pdf.data, 'base64'));
}

function recipients(input: MssMessageInput, report: CrBioReport): string[] {
  if (input.audience === 'patient') {
    const own = patientAddress(report);
    return (input.to?.length ? input.to : [own]).map((a, i) => checkAddress(a, `to[${i}]`));
  }
  if (!input.to?.length) {
    throw new MssError('MSS_BAD_RECIPIENT', 'a message to professionals needs at least one recipient', {
      where: 'to',
    });
  }
  return input.to.map((a, i) => checkAddress(a, `to[${i}]`));
}

/** `X-MSS-*` headers: CDA codes of the archive, qualified INS, product reference, no-reply. */
function mssHeaders(
  input: MssMessageInput,
  submission: Submission,
  report: CrBioReport,
): Record<string, string> {
  const cdas = submission.documents.filter((d) => ['n3', 'n1'].includes(documentRole(d)));
  const codes = [...new Set(cdas.map((d) => d.typeCode.code))];
  const id = report.patient.identity;
  const h: Record<string, string> = {};
  if (codes.length) h['X-MSS-CODECDA'] = codes.join(',');
  h['X-MSS-INS'] = id.status === 'QUAL' && id.ins ? 'O' : 'N';
  if (input.productReference) h['X-MSS-NIL'] = input.productReference;
  if (input.noReply && input.audience === 'patient') h['X-MSS-MES'] = 'FIN';
  if (input.readReceipt) {
    h['Disposition-Notification-To'] = checkAddress(
      typeof input.readReceipt === 'string' ? input.readReceipt : input.from,
      'readReceipt',
    );
  }
  return h;
}

const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/**
 * The SubmissionSet input: without a signature naming it, the submission set's uniqueId defaults to
 * `<level 3 uniqueId>.2`, the id `createReport` gives its signature by default.
 */
function submissionSetOf(input: MssMessageInput, report: CrBioReport): SubmissionSetInput {
  const ss = input.submissionSet;
  if (ss.uniqueId || input.files.signature) return ss;
  const { root, extension } = report.id;
  const n3 = extension ? `${root}.${extension}` : root;
  if (!OID.test(n3)) {
    throw new MssError('MSS_BAD_INPUT', `the level 3 id ${n3} is not an OID: give submissionSet.uniqueId`, {
      where: 'submissionSet.uniqueId',
    });
  }
  return { ...ss, uniqueId: `${n3}.2` };
}

/** README.TXT's sender: the custodian organisation and its first telecom. */
function senderOf(report: CrBioReport): XdmSender {
  const org = report.custodian;
  const contact = org.telecoms?.[0]?.value;
  return { ...(org.name ? { organisation: org.name } : {}), ...(contact ? { contact } : {}) };
}

/**
 * Build the MSSanté e-mail of a report for one audience. The XDS metadata comes from the documents' headers
 * (xds `buildSubmission`); the archive and the bare PDF are attached. Typed errors ({@link MssError}):
 * `MSS_AUDIENCE_FORBIDDEN` (a patient-invisible document to the patient, a PS-masked one to professionals),
 * `MSS_PATIENT_NOT_QUALIFIED` (patient audience without a qualified INS), `MSS_BAD_RECIPIENT`, `MSS_BAD_INPUT`.
 *
 * @example
 * ```ts
 * const created = await createReport(model, { clock });
 * const mail = await buildMssMessage({
 *   files: created, audience: 'patient', from: 'labo@labo.mssante.fr',
 *   submissionSet: { sourceId: '1.2.250.1.999.1', contentTypeCode: { code: '07' } }, clock,
 * });
 * writeFileSync('patient.eml', mail.raw);
 * ```
 */
export async function buildMssMessage(input: MssMessageInput): Promise<MssMessage> {
  assertAudienceAllowed(input.audience, input.visibility);
  const clock = input.clock ?? (() => new Date());
  const uuid = input.uuid ?? (() => randomUUID());
  const from = checkAddress(input.from, 'from');
  const report = readN3(input.files.n3);
  const to = recipients(input, report);
  const cc = (input.cc ?? []).map((a, i) => checkAddress(a, `cc[${i}]`));
  const pdf = pdfOf(input.files, report);

  const submission = buildSubmission({
    documents: [{ bytes: input.files.n3 }, ...(input.files.n1 ? [{ bytes: input.files.n1 }] : [])],
    ...(input.files.signature ? { signature: { bytes: input.files.signature } } : {}),
    submissionSet: submissionSetOf(input, report),
    ...(input.visibility ? { visibility: input.visibility } : {}),
    ...(input.replaces ? { replaces: input.replaces } : {}),
    uuid: () => `urn:uuid:${uuid()}`,
    clock,
  });
  const files = new Map<string, Uint8Array>();
  const given = [input.files.n3, input.files.n1, input.files.signature].filter((b): b is Uint8Array => !!b);
  const hashes = given.map(sha1Hex);
  for (const d of submission.documents) {
    const i = hashes.indexOf(d.hash.toLowerCase());
    if (i >= 0) files.set(d.entryUUID, given[i]!);
  }
  const xdm = buildXdm(submission, files, {
    clock,
    sender: input.sender ?? senderOf(report),
    ...(input.software ? { software: input.software } : {}),
  });

  const naming = namingOf(report);
  const subject = mssSubject(naming);
  const fileName = pdfFileName(naming, input.fileNumber);
  const messageId = input.messageId ?? `${uuid()}@${from.split('@')[1]}`;
  const composer = new MailComposer({
    from,
    to,
    ...(cc.length ? { cc } : {}),
    ...(input.replyTo ? { replyTo: checkAddress(input.replyTo, 'replyTo') } : {}),
    subject,
    messageId: `<${messageId}>`,
    date: clock(),
    text: input.body ?? BODIES[input.audience],
    headers: mssHeaders(input, xdm.submission, report),
    attachments: [
      { filename: XDM_ZIP_NAME, content: Buffer.from(xdm.bytes), contentType: 'application/zip' },
      { filename: fileName, content: Buffer.from(pdf), contentType: 'application/pdf' },
    ],
    baseBoundary: createHash('sha1').update(messageId).digest('hex').slice(0, 24),
    newline: 'windows',
    // The MSSanté headers as the rules spell them (nodemailer would write X-Mss-Codecda).
    normalizeHeaderKey: (key: string) => (/^x-mss-/i.test(key) ? key.toUpperCase() : key),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = new Uint8Array(await composer.compile().build());
  return {
    raw,
    messageId,
    subject,
    audience: input.audience,
    envelope: { from, to: [...to, ...cc] },
    submission: xdm.submission,
    xdm: xdm.bytes,
    pdf: { fileName, bytes: pdf },
  };
}
