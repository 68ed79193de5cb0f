/**
 * Acknowledgements of a received MSSanté e-mail: the MDN (RFC 8098, `multipart/report`) a receiving system sends
 * when `Disposition-Notification-To` asks for one — `processed`, or `processed/Error: code^libellé` with the
 * `[KO Intégration système !][code]` subject — and, without such a request, the "standard" error e-mail of the
 * CI-SIS (struct-email-standard). MIME built by nodemailer; read back with mailparser.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import MimeNode from 'nodemailer/lib/mime-node';
import { MssError } from './errors.js';
import { XDM_ZIP_NAME } from './xdm.js';

/** An integration error returned to the sender: code and label (e.g. `902`, `Identifiant de patient inconnu`). */
export interface MssIntegrationError {
  code: string;
  label: string;
}

/** The received message an acknowledgement answers (a `readMssMessage` result fits, with its raw bytes). */
export interface AcknowledgedMessage {
  /** Message-ID of the received message (without angle brackets). */
  messageId?: string;
  subject: string;
  /** Its sender (the acknowledgement goes back there unless `mdnRequest` says otherwise). */
  from?: string;
  /** The read-receipt request of the message. */
  mdnRequest?: { to: string };
  /** The archive and the PDFs received, attached again to the acknowledgement. */
  archive?: Uint8Array;
  pdfs?: Array<{ fileName: string; bytes: Uint8Array }>;
}

/** Input of {@link buildMdn} and {@link buildErrorEmail}. */
export interface AcknowledgementInput {
  /** The message acknowledged. */
  original: AcknowledgedMessage;
  /** Its raw bytes, included as `message/rfc822` (the CI-SIS asks for the original message). */
  originalRaw?: Uint8Array;
  /** The receiving mailbox sending the acknowledgement (Final-Recipient of the MDN). */
  from: string;
  /** Where to send it. Default: the `Disposition-Notification-To` of the original, else its sender. */
  to?: string;
  /** Original-Recipient (as the original's sender wrote it). Default: `from`. */
  originalRecipient?: string;
  /** The integration failed: code and label. */
  error?: MssIntegrationError;
  /** Human-readable text (default: a French sentence with the code and label). */
  text?: string;
  /** MDN only: `automatic-action/MDN-sent-automatically` (default) or manual. */
  mode?: {
    action: 'automatic-action' | 'manual-action';
    sending: 'MDN-sent-automatically' | 'MDN-sent-manually';
  };
  /** MDN only: the disposition type (default `processed`). */
  disposition?: 'processed' | 'displayed' | 'dispatched' | 'deleted';
  /** Clock for the Date header. Default: now. */
  clock?: () => Date;
  /** Message-ID without angle brackets (default: `<uuid>@<from domain>`). */
  messageId?: string;
}

/** A built acknowledgement. */
export interface Acknowledgement {
  raw: Uint8Array;
  messageId: string;
  subject: string;
  envelope: { from: string; to: string[] };
}

/** Subject prefix of a failed integration (MDN and error e-mail). */
export const KO_PREFIX = '[KO Intégration système !]';

function ackSubject(original: AcknowledgedMessage, error?: MssIntegrationError): string {
  return error ? `${KO_PREFIX}[${error.code}] ${original.subject}` : original.subject;
}

function destination(input: AcknowledgementInput): string {
  const to = input.to ?? input.original.mdnRequest?.to ?? input.original.from;
  if (!to) throw new MssError('MDN_MALFORMED', 'no address to send the acknowledgement to', { where: 'to' });
  return to;
}

function checkError(error?: MssIntegrationError): void {
  if (error && (!/^[A-Za-z0-9_.-]+$/.test(error.code) || /[\r\n]/.test(error.label))) {
    throw new MssError('MDN_MALFORMED', 'an error code is a token and its label one line', {
      where: 'error',
    });
  }
}

function defaultText(error?: MssIntegrationError): string {
  if (!error) return 'Le message a été intégré automatiquement.\r\n';
  return (
    `Le message ci-dessous n’a pas pu être intégré automatiquement dans le DPI pour la raison suivante : ${error.label}\r\n\r\n` +
    `Erreur détectée : ${error.label}\r\nCode d’erreur : ${error.code}\r\n`
  );
}

function ids(input: AcknowledgementInput): { messageId: string; date: Date; boundary: string } {
  const messageId = input.messageId ?? `${randomUUID()}@${input.from.split('@')[1] ?? 'localhost'}`;
  const boundary = createHash('sha1').update(messageId).digest('hex').slice(0, 24);
  return { messageId, date: (input.clock ?? (() => new Date()))(), boundary };
}

/** The `message/disposition-notification` fields (RFC 8098 §3.1, CI-SIS LPS MSS). */
function dispositionFields(input: AcknowledgementInput): string {
  const mode = input.mode ?? { action: 'automatic-action', sending: 'MDN-sent-automatically' };
  const type = input.disposition ?? 'processed';
  const err = input.error ? `/Error: ${input.error.code}^${input.error.label}` : '';
  const lines = [
    `Reporting-UA: ${input.from.split('@')[1] ?? 'localhost'}; cisis-bio`,
    `Original-Recipient: rfc822;${input.originalRecipient ?? input.from}`,
    `Final-Recipient: rfc822;${input.from}`,
    ...(input.original.messageId ? [`Original-Message-ID: <${input.original.messageId}>`] : []),
    `Disposition: ${mode.action}/${mode.sending}; ${type}${err}`,
  ];
  return `${lines.join('\r\n')}\r\n`;
}

function attachArchive(root: MimeNode, original: AcknowledgedMessage): void {
  if (original.archive) {
    root.createChild('application/zip', { filename: XDM_ZIP_NAME }).setContent(Buffer.from(original.archive));
  }
  for (const p of original.pdfs ?? []) {
    root.createChild('application/pdf', { filename: p.fileName }).setContent(Buffer.from(p.bytes));
  }
}

/**
 * Build the MDN (RFC 8098 `multipart/report; report-type=disposition-notification`) answering a received
 * MSSanté e-mail: a human-readable part, the `message/disposition-notification` part (`Original-Recipient`,
 * `Final-Recipient`, `Original-Message-ID`, `Disposition: automatic-action/MDN-sent-automatically; processed`
 * or `…; processed/Error: code^libellé`), the original message and its archive and PDF.
 *
 * @example
 * ```ts
 * const received = await readMssMessage(raw);
 * const mdn = await buildMdn({ original: received, originalRaw: raw, from: 'dpi@chb.mssante.fr',
 *   error: { code: '902', label: 'Identifiant de patient inconnu' } });
 * ```
 */
export async function buildMdn(input: AcknowledgementInput): Promise<Acknowledgement> {
  checkError(input.error);
  const to = destination(input);
  const { messageId, date, boundary } = ids(input);
  const subject = ackSubject(input.original, input.error);
  const root = new MimeNode('multipart/report; report-type=disposition-notification', {
    baseBoundary: boundary,
    newline: 'windows',
  });
  root.setHeader({ From: input.from, To: to, Subject: subject, 'Message-ID': `<${messageId}>`, Date: date });
  if (input.original.messageId) root.setHeader('In-Reply-To', `<${input.original.messageId}>`);
  root.setHeader('Auto-Submitted', 'auto-replied');
  root.createChild('text/plain; charset=utf-8').setContent(input.text ?? defaultText(input.error));
  const fields = dispositionFields(input);
  const dn = root.createChild('message/disposition-notification');
  dn.setHeader('Content-Transfer-Encoding', /^[\x20-\x7e\r\n]*$/.test(fields) ? '7bit' : '8bit');
  dn.setContent(fields);
  if (input.originalRaw) root.createChild('message/rfc822').setContent(Buffer.from(input.originalRaw));
  attachArchive(root, input.original);
  const raw = new Uint8Array(await root.build());
  return { raw, messageId, subject, envelope: { from: input.from, to: [to] } };
}

/**
 * Build the "standard" error e-mail the CI-SIS asks for when no MDN was requested (struct-email-standard): subject
 * `[KO Intégration système !][code] <original subject>`, a text with the code and label, the original message as
 * `message_original.eml`, its archive and PDF attached again.
 *
 * @example
 * ```ts
 * const ko = await buildErrorEmail({ original: received, originalRaw: raw, from: 'dpi@chb.mssante.fr',
 *   error: { code: '902', label: 'Identifiant de patient inconnu' } });
 * ```
 */
export async function buildErrorEmail(
  input: AcknowledgementInput & { error: MssIntegrationError },
): Promise<Acknowledgement> {
  checkError(input.error);
  const to = destination(input);
  const { messageId, date, boundary } = ids(input);
  const subject = ackSubject(input.original, input.error);
  const composer = new MailComposer({
    from: input.from,
    to,
    subject,
    messageId: `<${messageId}>`,
    date,
    ...(input.original.messageId ? { inReplyTo: `<${input.original.messageId}>` } : {}),
    text: input.text ?? `Bonjour,\r\n\r\n${defaultText(input.error)}`,
    attachments: [
      ...(input.originalRaw
        ? [
            {
              filename: 'message_original.eml',
              content: Buffer.from(input.originalRaw),
              contentType: 'message/rfc822',
              contentDisposition: 'attachment',
            },
          ]
        : []),
      ...(input.original.archive
        ? [
            {
              filename: XDM_ZIP_NAME,
              content: Buffer.from(input.original.archive),
              contentType: 'application/zip',
            },
          ]
        : []),
      ...(input.original.pdfs ?? []).map((p) => ({
        filename: p.fileName,
        content: Buffer.from(p.bytes),
        contentType: 'application/pdf',
      })),
    ],
    baseBoundary: boundary,
    newline: 'windows',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = new Uint8Array(await composer.compile().build());
  return { raw, messageId, subject, envelope: { from: input.from, to: [to] } };
}

/** A notification read back: an MDN or the standard error e-mail. */
export interface MssNotification {
  kind: 'mdn' | 'error-email';
  /** The integration succeeded (an MDN without error). */
  ok: boolean;
  /** The message it is about (MDN `Original-Message-ID`, else `In-Reply-To`). */
  originalMessageId?: string;
  finalRecipient?: string;
  originalRecipient?: string;
  /** MDN: `action-mode/sending-mode` and type, e.g. `automatic-action/MDN-sent-automatically`, `processed`. */
  disposition?: { mode: string; type: string };
  error?: MssIntegrationError & { detail?: string };
  subject: string;
  /** The code in the `[KO …][code]` subject prefix. */
  subjectCode?: string;
}

/** `Name: value` fields of a header block (continuation lines unfolded). */
function fieldsOf(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

const DISPOSITION =
  /^\s*([\w-]+\/[\w-]+)\s*;\s*([\w-]+)(?:\s*\/\s*(?:error\s*:?\s*(.*)|([\w-]+(?:\s*,\s*[\w-]+)*)))?\s*$/i;

function parseError(detail: string): MssIntegrationError & { detail: string } {
  const [code = '', label = ''] = detail.split('^');
  return { code: code.trim(), label: label.trim(), detail: detail.trim() };
}

/**
 * Read an acknowledgement received for a sent MSSanté e-mail: an MDN (`multipart/report`, its
 * `Disposition` with the optional `processed/Error: code^libellé`) or the standard error e-mail (code from the
 * `[KO …][code]` subject, label from its text). `MDN_MALFORMED` when it is neither.
 *
 * @example
 * ```ts
 * const n = await readMssNotification(raw);
 * if (!n.ok) console.error(n.originalMessageId, n.error?.code, n.error?.label);
 * ```
 */
export async function readMssNotification(raw: Uint8Array | string): Promise<MssNotification> {
  const parsed = await simpleParser(typeof raw === 'string' ? raw : Buffer.from(raw), {
    skipHtmlToText: true,
    skipTextToHtml: true,
  }).catch((e: Error) => {
    throw new MssError('MDN_MALFORMED', `not a MIME message: ${e.message}`, { cause: e });
  });
  const subject = parsed.subject ?? '';
  const subjectCode = /^\s*\[[^\]]*\]\s*\[([^\]]+)\]/.exec(subject)?.[1];
  const inReplyTo = parsed.inReplyTo?.replace(/^<|>$/g, '');
  const dn = parsed.attachments.find(
    (a) => a.contentType.toLowerCase() === 'message/disposition-notification',
  );
  if (dn) {
    const f = fieldsOf(dn.content.toString('utf8'));
    const disp = f.get('disposition');
    const m = disp ? DISPOSITION.exec(disp) : null;
    if (!m)
      throw new MssError('MDN_MALFORMED', `no readable Disposition field (${disp ?? 'absent'})`, {
        where: 'Disposition',
      });
    const error = m[3] !== undefined ? parseError(m[3]) : undefined;
    const omid = f.get('original-message-id')?.replace(/^<|>$/g, '').trim() ?? inReplyTo;
    return {
      kind: 'mdn',
      ok: !error,
      ...(omid ? { originalMessageId: omid } : {}),
      ...(f.get('final-recipient')
        ? { finalRecipient: f.get('final-recipient')!.replace(/^rfc822\s*;\s*/i, '') }
        : {}),
      ...(f.get('original-recipient')
        ? { originalRecipient: f.get('original-recipient')!.replace(/^rfc822\s*;\s*/i, '') }
        : {}),
      disposition: { mode: m[1]!, type: m[2]!.toLowerCase() },
      ...(error ? { error } : {}),
      subject,
      ...(subjectCode ? { subjectCode } : {}),
    };
  }
  if (!subjectCode)
    throw new MssError('MDN_MALFORMED', 'neither an MDN nor a [KO …][code] error e-mail', {
      where: 'Subject',
    });
  const label = /Erreur détectée\s*:\s*(.+)/.exec(parsed.text ?? '')?.[1]?.trim() ?? '';
  return {
    kind: 'error-email',
    ok: false,
    ...(inReplyTo ? { originalMessageId: inReplyTo } : {}),
    error: { code: subjectCode, label },
    subject,
    subjectCode,
  };
}
