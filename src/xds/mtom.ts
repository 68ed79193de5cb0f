/**
 * ITI-41 on the wire: SOAP 1.2 envelope with WS-Addressing headers, the PnR in the body, each document as its own
 * binary MIME part referenced by `xop:Include` (MTOM/XOP, multipart/related). The security header (VIHF / SAML)
 * is the caller's: an injected callback returns it. The SOAP call itself is not made here.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { documentBytes, provideAndRegisterElement } from './ebrs.js';
import { XdsError } from './errors.js';
import type { Submission } from './types.js';
import { NS } from './uuids.js';

/** WS-Addressing action of ITI-41. */
export const ITI41_ACTION = 'urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b';

/** Options of {@link toMtomRequest}. */
export interface MtomOptions {
  /** WS-Addressing `To` (the DMP repository endpoint). */
  to: string;
  /** `urn:uuid:` MessageID (default random; inject for reproducible output). */
  messageId?: string;
  /** MIME boundary (default random; inject for reproducible output). Must not occur in any part. */
  boundary?: string;
  /** Returns the `wsse:Security` header element (VIHF / SAML) to insert; none when absent. */
  security?: (context: { messageId: string; action: string; to: string }) => string;
}

/** A multipart/related MTOM/XOP ITI-41 request. */
export interface MtomRequest {
  /** HTTP Content-Type header value. */
  contentType: string;
  body: Uint8Array;
  /** The SOAP envelope (root part). */
  envelope: string;
}

const ROOT_CID = 'root.message@cisis-bio';
const escAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function envelope(body: string, o: MtomOptions, messageId: string): string {
  const security = o.security?.({ messageId, action: ITI41_ACTION, to: o.to }) ?? '';
  return (
    `<soap:Envelope xmlns:soap="${NS.soap}" xmlns:wsa="${NS.wsa}"><soap:Header>` +
    `<wsa:Action soap:mustUnderstand="true">${ITI41_ACTION}</wsa:Action>` +
    `<wsa:MessageID>${escAttr(messageId)}</wsa:MessageID>` +
    '<wsa:ReplyTo><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address></wsa:ReplyTo>' +
    `<wsa:To soap:mustUnderstand="true">${escAttr(o.to)}</wsa:To>${security}` +
    `</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

/**
 * The ITI-41 request as an MTOM/XOP multipart/related body: SOAP 1.2 + WS-Addressing root part, one binary part
 * per document (exact bytes: hash and size stay those of the metadata). Send `body` with `contentType` as the
 * HTTP Content-Type, over the DMP's mutual TLS, with the security header your `security` callback returns.
 *
 * @example
 * ```ts
 * const req = toMtomRequest(s, docs, { to: 'https://dmp.example/repository', security: () => vihfAssertion });
 * await fetch(url, { method: 'POST', headers: { 'Content-Type': req.contentType }, body: req.body });
 * ```
 */
export function toMtomRequest(
  s: Submission,
  docs: Map<string, Uint8Array>,
  options: MtomOptions,
): MtomRequest {
  const pairs = documentBytes(s, docs);
  const messageId = options.messageId ?? `urn:uuid:${randomUUID()}`;
  const boundary = options.boundary ?? `MIMEBoundary_${randomUUID().replaceAll('-', '')}`;
  if (!/^[0-9A-Za-z'()+_,./:=?-]{1,70}$/.test(boundary)) {
    throw new XdsError('XDS_MTOM', `"${boundary}" is not a valid MIME boundary`, { field: 'boundary' });
  }
  const cids = pairs.map((_, i) => `doc${i + 1}@cisis-bio`);
  const includes = pairs.map(([d], i): [string, string] => [
    d.entryUUID,
    `<xop:Include xmlns:xop="${NS.xop}" href="cid:${cids[i]}"/>`,
  ]);
  const env = envelope(provideAndRegisterElement(s, includes), options, messageId);
  const enc = new TextEncoder();
  const delim = Buffer.from(`--${boundary}`, 'latin1');
  const chunks: Uint8Array[] = [];
  const part = (headers: string[], bytes: Uint8Array) => {
    if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(delim)) {
      throw new XdsError('XDS_MTOM', 'the MIME boundary occurs inside a part', { field: 'boundary' });
    }
    chunks.push(enc.encode(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`), bytes, enc.encode('\r\n'));
  };
  part(
    [
      `Content-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"; action="${ITI41_ACTION}"`,
      'Content-Transfer-Encoding: binary',
      `Content-ID: <${ROOT_CID}>`,
    ],
    enc.encode(env),
  );
  pairs.forEach(([d, b], i) => {
    part([`Content-Type: ${d.mimeType}`, 'Content-Transfer-Encoding: binary', `Content-ID: <${cids[i]}>`], b);
  });
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  const contentType =
    `multipart/related; boundary="${boundary}"; type="application/xop+xml"; start="<${ROOT_CID}>"; ` +
    `start-info="application/soap+xml"; action="${ITI41_ACTION}"`;
  return { contentType, body: Buffer.concat(chunks), envelope: env };
}

/** One part of a multipart body. */
export interface MimePart {
  headers: Map<string, string>;
  body: Uint8Array;
}

/** Boundary parameter of a multipart Content-Type. */
function boundaryOf(contentType: string): string | undefined {
  return /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
}

/**
 * Split a multipart/related body into parts (binary-safe). Without a Content-Type, the boundary is the first line.
 *
 * @example
 * ```ts
 * const parts = splitMultipart(req.body, req.contentType);
 * ```
 */
export function splitMultipart(body: Uint8Array, contentType?: string): MimePart[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const firstLine = buf.subarray(0, Math.min(buf.length, 200)).toString('latin1').split(/\r?\n/)[0] ?? '';
  const boundary =
    (contentType && boundaryOf(contentType)) ??
    (firstLine.startsWith('--') ? firstLine.slice(2).trim() : undefined);
  if (!boundary) throw new XdsError('XDS_MTOM', 'no MIME boundary', { field: 'contentType' });
  const delim = Buffer.from(`--${boundary}`, 'latin1');
  const parts: MimePart[] = [];
  let pos = buf.indexOf(delim);
  if (pos < 0) throw new XdsError('XDS_MTOM', `boundary ${boundary} not found`, { field: 'contentType' });
  for (;;) {
    pos += delim.length;
    if (buf[pos] === 0x2d && buf[pos + 1] === 0x2d) break; // closing delimiter
    const headerEnd = buf.indexOf('\r\n\r\n', pos);
    const next = buf.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), pos);
    if (headerEnd < 0 || next < 0 || headerEnd > next)
      throw new XdsError('XDS_MTOM', 'truncated MIME part', { field: 'body' });
    const headers = new Map<string, string>();
    for (const line of buf.subarray(pos, headerEnd).toString('latin1').split('\r\n')) {
      const c = line.indexOf(':');
      if (c > 0) headers.set(line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim());
    }
    parts.push({ headers, body: new Uint8Array(buf.subarray(headerEnd + 4, next)) });
    pos = next + 2;
  }
  return parts;
}
