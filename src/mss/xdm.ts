/**
 * The IHE XDM archive (ITI-32 "Distribute Document Set on Media") an MSSanté e-mail carries as `IHE_XDM.ZIP`:
 * README.TXT, INDEX.HTM and one submission set under `IHE_XDM/SUBSET01/` (METADATA.XML + the documents under
 * ISO-9660 8.3 names). Zipped by fflate with fixed timestamps from the injected clock: same input, same bytes.
 * @module
 */
import { createHash } from 'node:crypto';
import { type Zippable, zipSync } from 'fflate';
import { parisOffsetMinutes } from '../model/index.js';
import { VERSION } from '../version.js';
import { type DocumentEntry, type Submission, toSubmitObjectsRequest } from '../xds/index.js';
import { MssError } from './errors.js';
import { xdmDocumentName } from './naming.js';
import { roleLabel } from './roles.js';

/** Folder of the one submission set of an MSSanté archive. */
export const XDM_SUBSET = 'IHE_XDM/SUBSET01';
/** Path of the metadata inside the archive. */
export const XDM_METADATA = `${XDM_SUBSET}/METADATA.XML`;
/** Attachment name of the archive in an MSSanté e-mail. */
export const XDM_ZIP_NAME = 'IHE_XDM.ZIP';

/** Who sends the archive and what produced it (README.TXT). */
export interface XdmSender {
  /** Sending organisation (default: none written). */
  organisation?: string;
  /** Contact (a person, a mailbox, a phone number). */
  contact?: string;
}

/** The producing software written in README.TXT (default: cisis-bio and its version). */
export interface XdmSoftware {
  name: string;
  version: string;
  vendor: string;
}

/** Options of {@link buildXdm}. */
export interface XdmOptions {
  /** Time written as every entry's modification time (Europe/Paris wall time, as DOS times are local). */
  clock?: () => Date;
  sender?: XdmSender;
  software?: XdmSoftware;
  /** Deflate level (0–9, default 6). */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

/** What {@link buildXdm} returns. */
export interface XdmPackage {
  /** The `IHE_XDM.ZIP` bytes. */
  bytes: Uint8Array;
  /** The submission as written in METADATA.XML (each DocumentEntry's `uri` set to its file name). */
  submission: Submission;
  /** METADATA.XML. */
  metadata: string;
  /** Archive paths, in order. */
  entries: string[];
}

const DEFAULT_SOFTWARE: XdmSoftware = { name: 'cisis-bio', version: VERSION, vendor: 'cisis-bio' };

/** SHA-1 of bytes, lower-case hex (the XDS `hash`). */
export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** The bytes of an entry from `files` (by entryUUID, else uniqueId), checked against its hash and size. */
function bytesOf(entry: DocumentEntry, files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const bytes = files.get(entry.entryUUID) ?? files.get(entry.uniqueId);
  if (!bytes) {
    throw new MssError('MSS_BAD_INPUT', `no bytes given for document ${entry.uniqueId}`, {
      where: `files[${entry.entryUUID}]`,
    });
  }
  if (bytes.byteLength !== entry.size || sha1Hex(bytes).toLowerCase() !== entry.hash.toLowerCase()) {
    throw new MssError(
      'XDM_HASH_MISMATCH',
      `the bytes of ${entry.uniqueId} are not those its DocumentEntry describes (hash/size)`,
      { where: entry.entryUUID },
    );
  }
  return bytes;
}

/**
 * A Date whose *local* fields are the Europe/Paris wall time of `at`: fflate writes DOS times from local fields,
 * so the archive's bytes depend on the clock only, not on the machine's time zone.
 */
function dosTime(at: Date): Date {
  const wall = new Date(at.getTime() + parisOffsetMinutes(at) * 60_000);
  return new Date(
    wall.getUTCFullYear(),
    wall.getUTCMonth(),
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
  );
}

/**
 * Build the `IHE_XDM.ZIP` of a submission: each DocumentEntry gets its 8.3 name (`DOC0001.XML`…) in its `URI`
 * slot, METADATA.XML is the submission's `SubmitObjectsRequest` (xds module), README.TXT and INDEX.HTM describe
 * the content. `files` holds each document's exact bytes by entryUUID (or uniqueId); they must match the
 * entries' hash and size (`XDM_HASH_MISMATCH` otherwise).
 *
 * @example
 * ```ts
 * const submission = buildSubmission({ documents: [{ bytes: n3 }], submissionSet: { sourceId, contentTypeCode } });
 * const xdm = buildXdm(submission, new Map([[submission.documents[0].entryUUID, n3]]), { clock });
 * writeFileSync('IHE_XDM.ZIP', xdm.bytes);
 * ```
 */
export function buildXdm(
  submission: Submission,
  files: ReadonlyMap<string, Uint8Array>,
  options: XdmOptions = {},
): XdmPackage {
  if (submission.documents.length === 0) {
    throw new MssError('MSS_BAD_INPUT', 'the submission has no document', { where: 'submission.documents' });
  }
  const documents = submission.documents.map((d, i) => ({ ...d, uri: xdmDocumentName(i + 1, d.mimeType) }));
  const named: Submission = { ...submission, documents };
  const metadata = toSubmitObjectsRequest(named);
  const now = (options.clock ?? (() => new Date()))();
  const docPaths = documents.map((d) => `${XDM_SUBSET}/${d.uri}`);
  const software = options.software ?? DEFAULT_SOFTWARE;
  const enc = new TextEncoder();

  const zippable: Zippable = {
    'README.TXT': enc.encode(readme(named, now, options.sender ?? {}, software)),
    'INDEX.HTM': enc.encode(indexHtml(named, docPaths)),
    [XDM_METADATA]: enc.encode(metadata),
  };
  documents.forEach((_, i) => {
    zippable[docPaths[i]!] = bytesOf(submission.documents[i]!, files);
  });
  const entries = Object.keys(zippable);
  const bytes = zipSync(zippable, { level: options.level ?? 6, mtime: dosTime(now) });
  return { bytes, submission: named, metadata, entries };
}

const CRLF = '\r\n';

function readme(s: Submission, now: Date, sender: XdmSender, sw: XdmSoftware): string {
  const lines = [
    'IHE XDM - Distribute Document Set on Media (IHE ITI-32)',
    '',
    `Sending organisation: ${sender.organisation ?? '(not given)'}`,
    `Contact: ${sender.contact ?? '(not given)'}`,
    `Producing software: ${sw.name} ${sw.version} (vendor: ${sw.vendor})`,
    `Created: ${now.toISOString()}`,
    `Submission set: ${s.submissionSet.uniqueId} (source ${s.submissionSet.sourceId})`,
    '',
    'Instructions: open INDEX.HTM in a web browser, or import the documents of',
    `${XDM_SUBSET} with the metadata of METADATA.XML (ebRS 3.0 SubmitObjectsRequest).`,
    'Each document is listed there with its SHA-1 hash and its size.',
    '',
    'Contents:',
    'README.TXT            this file',
    'INDEX.HTM             index of the documents',
    'IHE_XDM/',
    '  SUBSET01/',
    '    METADATA.XML      XDS metadata of the submission set',
    ...s.documents.map((d) => `    ${d.uri!.padEnd(17)} ${roleLabel(d)}: ${d.title ?? d.uniqueId}`),
  ];
  return lines.join(CRLF) + CRLF;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function indexHtml(s: Submission, docPaths: string[]): string {
  const items = s.documents
    .map(
      (d, i) =>
        `<li><a href="${docPaths[i]}">${esc(d.title ?? d.uniqueId)}</a> (${esc(roleLabel(d))}, ${d.size} bytes)</li>`,
    )
    .join(CRLF);
  return [
    '<!DOCTYPE html>',
    '<html lang="fr"><head><meta charset="utf-8"><title>IHE XDM</title></head><body>',
    '<h1>IHE XDM</h1>',
    '<p><a href="README.TXT">README.TXT</a></p>',
    `<p>Submission set ${esc(s.submissionSet.uniqueId)}: <a href="${XDM_METADATA}">METADATA.XML</a></p>`,
    '<ul>',
    items,
    '</ul>',
    '</body></html>',
    '',
  ].join(CRLF);
}
