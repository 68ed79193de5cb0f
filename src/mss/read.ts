/**
 * Reading a received MSSanté e-mail: the MIME message (mailparser), its `IHE_XDM.ZIP` (read with limits and
 * checked against METADATA.XML), the bare PDFs, the sender and the read-receipt request. The CDA bytes come back
 * exactly as sent: they go straight to `parseCrBio` or `mergeSubcontracted`.
 * @module
 */
import { type AddressObject, simpleParser } from 'mailparser';
import type { Submission } from '../xds/index.js';
import { MssError } from './errors.js';
import { documentRole } from './roles.js';
import { type ReadXdm, readXdm, type XdmDocument, type XdmLimits } from './xdm-read.js';

/** Limits of {@link readMssMessage}: the message's size, then the archive's (see {@link XdmLimits}). */
export interface MssReadLimits extends XdmLimits {
  /** Size of the raw message (default 96 MiB: base64 of the default archive limit plus a PDF). */
  maxMessageBytes?: number;
}

/** An attachment other than the archive (the bare PDF…). */
export interface MssAttachment {
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
}

/** What {@link readMssMessage} returns. */
export interface ReadMssMessage {
  /** Message-ID without angle brackets. */
  messageId?: string;
  subject: string;
  /** Sender address. */
  from?: string;
  to: string[];
  cc: string[];
  date?: Date;
  /** The `X-MSS-*` headers. */
  mss: { codeCda: string[]; ins?: string; nil?: string; mes?: string };
  /** Where to send the read receipt (`Disposition-Notification-To`), when one is asked. */
  mdnRequest?: { to: string };
  /** The `IHE_XDM.ZIP` bytes as received. */
  archive: Uint8Array;
  /** The archive as read (every subset). */
  xdm: ReadXdm;
  /** The first subset's submission. */
  submission: Submission;
  /** Every document of the archive, checked. */
  documents: XdmDocument[];
  /** CR-BIO level 3, level 1 and signature of the archive (the first of each). */
  n3?: Uint8Array;
  n1?: Uint8Array;
  signature?: Uint8Array;
  /** The PDF attachments. */
  pdfs: MssAttachment[];
  /** Every other attachment. */
  others: MssAttachment[];
  /** The plain-text body. */
  text?: string;
}

function addresses(v: AddressObject | AddressObject[] | undefined): string[] {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list
    .flatMap((o) => o.value.flatMap((a) => (a.group ?? [a]).map((g) => g.address ?? '')))
    .filter(Boolean);
}

function headerText(headers: Map<string, unknown>, name: string): string | undefined {
  const v = headers.get(name);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'object' && v !== null && 'text' in v) return String((v as AddressObject).text).trim();
  return String(v).trim();
}

/**
 * Read an MSSanté e-mail (RFC 5322 bytes): sender, recipients, `X-MSS-*` headers, read-receipt request, the XDM
 * archive (zip-slip, zip bomb, duplicates, missing METADATA.XML and hash/size mismatches refused — typed
 * {@link MssError}s) and the PDF attachments. Nothing is written.
 *
 * @example
 * ```ts
 * const mail = await readMssMessage(readFileSync('received.eml'));
 * const { report } = parseCrBio(mail.n3!);
 * const merged = mergeSubcontracted(myReport, mail.n3!);
 * ```
 */
export async function readMssMessage(
  raw: Uint8Array | string,
  limits: MssReadLimits = {},
): Promise<ReadMssMessage> {
  const bytes =
    typeof raw === 'string'
      ? Buffer.from(raw, 'utf8')
      : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const max = limits.maxMessageBytes ?? 96 * 1024 * 1024;
  if (bytes.byteLength > max) {
    throw new MssError('MSS_MALFORMED_MESSAGE', `message of ${bytes.byteLength} bytes (limit ${max})`);
  }
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(bytes, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
    });
  } catch (e) {
    throw new MssError('MSS_MALFORMED_MESSAGE', `not a MIME message: ${(e as Error).message}`, { cause: e });
  }
  const atts = parsed.attachments.map(
    (a): MssAttachment => ({
      fileName: a.filename ?? '',
      contentType: a.contentType.toLowerCase(),
      bytes: new Uint8Array(a.content),
    }),
  );
  const zips = atts.filter((a) => a.fileName.toUpperCase() === 'IHE_XDM.ZIP');
  if (zips.length !== 1) {
    throw new MssError(
      'MSS_MALFORMED_MESSAGE',
      zips.length === 0 ? 'no IHE_XDM.ZIP attachment' : `${zips.length} IHE_XDM.ZIP attachments`,
      { where: 'attachments' },
    );
  }
  const xdm = readXdm(zips[0]!.bytes, limits);
  const first = (role: string) => xdm.documents.find((d) => documentRole(d.entry) === role)?.bytes;
  const headers = parsed.headers as Map<string, unknown>;
  const dnt = addresses(headers.get('disposition-notification-to') as AddressObject | undefined)[0];
  const codeCda = headerText(headers, 'x-mss-codecda');
  const ins = headerText(headers, 'x-mss-ins');
  const nil = headerText(headers, 'x-mss-nil');
  const mes = headerText(headers, 'x-mss-mes');
  const n3 = first('n3');
  const n1 = first('n1');
  const signature = first('signature');
  const from = addresses(parsed.from)[0];
  return {
    ...(parsed.messageId ? { messageId: parsed.messageId.replace(/^<|>$/g, '') } : {}),
    subject: parsed.subject ?? '',
    ...(from ? { from } : {}),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    ...(parsed.date ? { date: parsed.date } : {}),
    mss: {
      codeCda: codeCda
        ? codeCda
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean)
        : [],
      ...(ins ? { ins } : {}),
      ...(nil ? { nil } : {}),
      ...(mes ? { mes } : {}),
    },
    ...(dnt ? { mdnRequest: { to: dnt } } : {}),
    archive: zips[0]!.bytes,
    xdm,
    submission: xdm.subsets[0]!.submission,
    documents: xdm.documents,
    ...(n3 ? { n3 } : {}),
    ...(n1 ? { n1 } : {}),
    ...(signature ? { signature } : {}),
    pdfs: atts.filter(
      (a) => a !== zips[0] && (a.contentType === 'application/pdf' || /\.pdf$/i.test(a.fileName)),
    ),
    others: atts.filter(
      (a) => a !== zips[0] && !(a.contentType === 'application/pdf' || /\.pdf$/i.test(a.fileName)),
    ),
    ...(parsed.text ? { text: parsed.text } : {}),
  };
}

/**
 * The SMTP envelope of a raw message from its headers: `From` (or `Sender`) and every `To` and `Cc` address
 * (for `cisis-bio mss send MAIL.eml`).
 *
 * @example
 * ```ts
 * await sendMssMessage({ raw, envelope: await messageEnvelope(raw) }, smtp);
 * ```
 */
export async function messageEnvelope(
  raw: Uint8Array,
): Promise<{ from: string; to: string[]; messageId?: string }> {
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
      skipHtmlToText: true,
      skipTextToHtml: true,
    });
  } catch (e) {
    throw new MssError('MSS_MALFORMED_MESSAGE', `not a MIME message: ${(e as Error).message}`, { cause: e });
  }
  const from = addresses(parsed.from)[0];
  const to = [...addresses(parsed.to), ...addresses(parsed.cc)];
  if (!from || to.length === 0) {
    throw new MssError('MSS_MALFORMED_MESSAGE', 'the message has no From or no To/Cc address', {
      where: from ? 'To' : 'From',
    });
  }
  return { from, to, ...(parsed.messageId ? { messageId: parsed.messageId.replace(/^<|>$/g, '') } : {}) };
}
