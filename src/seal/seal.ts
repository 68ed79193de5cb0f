// sealPdf: a PAdES baseline (B-B, B-T) organisation seal appended to a PDF as an incremental update.
import { createHash, type KeyObject, X509Certificate } from 'node:crypto';
import { SignPdf } from '@signpdf/signpdf';
import { DEFAULT_BYTE_RANGE_PLACEHOLDER, Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import {
  ParseSpeeds,
  PDFArray,
  type PDFContext,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  type PDFPage,
  type PDFRef,
  PDFString,
} from 'pdf-lib';
import {
  checkTimestampToken,
  loadCertificates,
  loadSigningKey,
  type SigningKey,
  type TimestampAuthority,
} from '../sign/index.js';
import { parisDateTime, SEAL_WIDTH, type SealLines, sealAppearance, sealHeight } from './appearance.js';
import { buildCadesDetached, type TokenSource } from './cms.js';
import { SealError } from './errors.js';
import { sealFont } from './font.js';
import { appendUpdate } from './incremental.js';
import { headerSealRect, marginSealRect, type PlacementLayout, type SealRect } from './placement.js';
import { httpTimestampAuthority } from './tsa.js';

/** Where and how the seal is drawn. */
export interface SealAppearanceOptions {
  /** Page (0-based) carrying the seal; default 0 (page 1). */
  page?: number;
  /** Explicit rectangle (points, origin bottom-left); default: see `layout`. */
  rect?: SealRect;
  /**
   * Layout record of the report renderer (`renderReportPdfDetailed(...).layout`) and its `datamatrix`: the seal
   * then goes in the header of page 1 next to the lab name, clear of every text, image and the Datamatrix.
   * Without it (and without `rect`) the seal goes in the top margin, top right.
   */
  layout?: PlacementLayout;
  datamatrix?: { x: number; y: number; side: number };
  /** Seal width in points (default 150); the height follows the lines shown. */
  width?: number;
  /** Logo drawn on the left of the seal: JPEG (RGB or gray) or PNG without alpha channel. */
  logo?: Uint8Array;
  /** First line (default "Cachet électronique"). */
  title?: string;
}

/** Options of {@link sealPdf}. */
export interface SealPdfOptions {
  /** A key loaded by `loadSigningKey`, or a PEM private key / PKCS#12 bundle (then `cert`, `password`). */
  key: SigningKey | KeyObject | Uint8Array | string;
  /** PEM/DER certificate(s), signer first (not needed with a `SigningKey` or a PKCS#12 bundle holding it). */
  cert?: X509Certificate | Uint8Array | string;
  /** Issuer certificates written into the CMS (besides those loaded with the key). */
  chain?: ReadonlyArray<X509Certificate | Uint8Array | string>;
  password?: string;
  /** `/Reason` of the signature dictionary, also shown on the seal. */
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** The visible seal; `false` for an invisible signature. */
  appearance?: SealAppearanceOptions | false;
  /** B-T: an RFC 3161 time-stamp over the signature value, from a callback or a TSA URL (HTTP POST). */
  timestamp?: TimestampAuthority | string;
  /** Time written in `/M` and shown on the seal (PAdES: no signingTime attribute). Default: now. */
  clock?: () => Date;
  /** Bytes reserved for the CMS in `/Contents` (default: estimated from certificates and time-stamp). */
  contentsSize?: number;
}

/** What {@link sealPdfDetailed} returns. */
export interface SealResult {
  pdf: Uint8Array;
  level: 'B-B' | 'B-T';
  /** Page (0-based) and rectangle of the visible seal (absent when invisible). */
  page?: number;
  rect?: SealRect;
  /** `[0, a, b, c]`: every byte but the `/Contents` hex string (a…b). */
  byteRange: [number, number, number, number];
  /** Time in `/M`. */
  signingTime: Date;
}

function toCert(c: X509Certificate | Uint8Array | string, name: string): X509Certificate[] {
  return c instanceof X509Certificate ? [c] : loadCertificates(c, name);
}

function signerOf(o: SealPdfOptions): SigningKey {
  const k = o.key;
  let key: SigningKey;
  if (typeof k === 'object' && 'privateKey' in k && 'certificate' in k) key = k;
  else if (typeof k === 'object' && 'asymmetricKeyType' in k) {
    const certs = o.cert ? toCert(o.cert, 'certificate') : [];
    const pem = k.export({ type: 'pkcs8', format: 'pem' }) as string;
    key = loadSigningKey({ key: pem, cert: Buffer.concat(certs.map((c) => Buffer.from(c.toString()))) });
  } else {
    const cert = o.cert instanceof X509Certificate ? o.cert.toString() : o.cert;
    key = loadSigningKey({
      key: k as Uint8Array | string,
      ...(cert !== undefined ? { cert } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
    });
  }
  const extra = (o.chain ?? []).flatMap((c, i) => toCert(c, `chain certificate #${i + 1}`));
  const seen = new Set([key.certificate.fingerprint256, ...key.chain.map((c) => c.fingerprint256)]);
  return { ...key, chain: [...key.chain, ...extra.filter((c) => !seen.has(c.fingerprint256))] };
}

/** The subject's O and CN (RFC 4514 text from node:crypto: one `KEY=value` a line). */
function subjectField(cert: X509Certificate, key: string): string | undefined {
  const line = cert.subject.split('\n').find((l) => l.startsWith(`${key}=`));
  return line?.slice(key.length + 1);
}

function sealLines(cert: X509Certificate, when: Date, o: SealPdfOptions, title?: string): SealLines {
  const org = subjectField(cert, 'O');
  const cn = subjectField(cert, 'CN');
  const lines = [org ?? cn ?? cert.subject.replace(/\n/g, ', ')];
  if (org && cn && cn !== org) lines.push(cn);
  lines.push(parisDateTime(when));
  if (o.reason) lines.push(`Motif : ${o.reason}`);
  return { title: title ?? 'Cachet électronique', lines };
}

function tokenSource(ts: TimestampAuthority | string): TokenSource {
  const authority = typeof ts === 'string' ? httpTimestampAuthority(ts) : ts;
  return async (signatureValue, digest) => {
    let token: Uint8Array;
    try {
      token = await authority({ data: signatureValue, hash: 'sha256', digest });
    } catch (e) {
      if (e instanceof SealError) throw e;
      throw new SealError('SEAL_TSA_FAILED', `the time-stamping authority failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
    const check = checkTimestampToken(token, signatureValue);
    if (!check.ok) throw new SealError('SEAL_TSA_FAILED', `unusable time-stamp token: ${check.reason}`);
    return token;
  };
}

/** Text string of a signature dictionary: PDFDocEncoding-safe ASCII as is, anything else UTF-16BE. */
function textString(s: string): PDFString | PDFHexString {
  return /^[\x20-\x7e]*$/.test(s) ? PDFString.of(s.replace(/[\\()]/g, '\\$&')) : PDFHexString.fromText(s);
}

async function loadPdf(pdf: Uint8Array): Promise<PDFDocument> {
  try {
    return await PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  } catch (e) {
    throw new SealError('SEAL_PDF_UNREADABLE', `the PDF cannot be read: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Unique field name: Cachet1, Cachet2… (existing fields are kept). */
function fieldName(fields: PDFArray | undefined, ctx: PDFContext): string {
  const names = new Set(
    (fields?.asArray() ?? []).map((f) => {
      const d = ctx.lookup(f);
      return d instanceof PDFDict
        ? (d.lookup(PDFName.of('T')) as PDFString | undefined)?.decodeText()
        : undefined;
    }),
  );
  let i = 1;
  while (names.has(`Cachet${i}`)) i++;
  return `Cachet${i}`;
}

/** /Contents capacity: signature, attributes and certificates, plus room for a time-stamp token. */
function contentsEstimate(signer: SigningKey, timestamped: boolean): number {
  const certs = [signer.certificate, ...signer.chain].reduce((n, c) => n + c.raw.length, 0);
  return Math.ceil((2048 + certs + (timestamped ? 8192 : 0)) / 1024) * 1024;
}

/** Adds `ref` to the page's /Annots (an indirect array is updated in place); returns the objects changed. */
function addAnnotation(ctx: PDFContext, page: PDFPage, ref: PDFRef): PDFRef[] {
  const raw = page.node.get(PDFName.of('Annots'));
  if (raw && ctx.lookup(raw) instanceof PDFArray && raw !== ctx.lookup(raw)) {
    ctx.lookup(raw, PDFArray).push(ref);
    return [raw as PDFRef];
  }
  const annots = raw instanceof PDFArray ? raw : ctx.obj([]);
  annots.push(ref);
  page.node.set(PDFName.of('Annots'), annots);
  return [page.ref];
}

/** Adds the field to the catalog's AcroForm (created if absent), SigFlags 3; returns the objects changed. */
function addField(doc: PDFDocument, ref: PDFRef): PDFRef[] {
  const ctx = doc.context;
  const root = ctx.trailerInfo.Root as PDFRef;
  const rawForm = doc.catalog.get(PDFName.of('AcroForm'));
  if (!rawForm) {
    const form = ctx.register(ctx.obj({ Fields: [ref], SigFlags: 3 }));
    doc.catalog.set(PDFName.of('AcroForm'), form);
    return [root, form];
  }
  const form = ctx.lookup(rawForm, PDFDict);
  const changed = [rawForm === form ? root : (rawForm as PDFRef)];
  form.set(PDFName.of('SigFlags'), PDFNumber.of(3));
  form.delete(PDFName.of('NeedAppearances')); // PDF/A-1 forbids it set to true
  const rawFields = form.get(PDFName.of('Fields'));
  const fields = rawFields ? ctx.lookup(rawFields, PDFArray) : undefined;
  if (fields) {
    fields.push(ref);
    if (rawFields !== fields) changed.push(rawFields as PDFRef);
  } else form.set(PDFName.of('Fields'), ctx.obj([ref]));
  return changed;
}

async function widgetRect(
  doc: PDFDocument,
  o: SealPdfOptions,
  lines: SealLines,
): Promise<{ pageIndex: number; rect?: SealRect }> {
  const a = o.appearance;
  const pageIndex = a ? (a.page ?? 0) : 0;
  if (!Number.isInteger(pageIndex) || pageIndex < 0 || pageIndex >= doc.getPageCount())
    throw new SealError('SEAL_PAGE_MISSING', `the PDF has no page ${pageIndex + 1} for the seal`, {
      where: `appearance.page=${pageIndex}`,
    });
  if (!a) return { pageIndex };
  const size = { width: a.width ?? SEAL_WIDTH, height: sealHeight(lines) };
  const rect =
    a.rect ??
    (a.layout && pageIndex === 0 ? headerSealRect(a.layout, size, a.datamatrix) : undefined) ??
    marginSealRect(doc.getPage(pageIndex).getSize(), size);
  if (!(rect.width > 0 && rect.height > 0) || ![rect.x, rect.y].every(Number.isFinite))
    throw new SealError('SEAL_INVALID_OPTION', 'the seal rectangle must have a positive size', {
      where: 'appearance.rect',
    });
  return { pageIndex, rect };
}

/** Builds the update (signature dictionary, widget, appearance, AcroForm) with a zeroed /Contents. */
async function prepare(
  pdf: Uint8Array,
  o: SealPdfOptions,
  signer: SigningKey,
  when: Date,
  contentsSize: number,
): Promise<{ bytes: Buffer; pageIndex?: number; rect?: SealRect }> {
  const doc = await loadPdf(pdf);
  const ctx = doc.context;
  const firstNew = ctx.largestObjectNumber + 1;
  const cn = subjectField(signer.certificate, 'CN');
  const sig = ctx.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: SUBFILTER_ETSI_CADES_DETACHED,
    ByteRange: [0, ...Array(3).fill(PDFName.of(DEFAULT_BYTE_RANGE_PLACEHOLDER))],
    Contents: PDFHexString.of('0'.repeat(2 * contentsSize)),
    M: PDFString.fromDate(when),
  });
  if (cn) sig.set(PDFName.of('Name'), textString(cn));
  for (const [k, v] of [
    ['Reason', o.reason],
    ['Location', o.location],
    ['ContactInfo', o.contactInfo],
  ] as const)
    if (v) sig.set(PDFName.of(k), textString(v));
  const lines = sealLines(signer.certificate, when, o, o.appearance ? o.appearance.title : undefined);
  const { pageIndex, rect } = await widgetRect(doc, o, lines);
  const page = doc.getPage(pageIndex);
  const box = rect ?? { x: 0, y: 0, width: 0, height: 0 };
  const ap = rect
    ? await sealAppearance(ctx, await sealFont(), rect, lines, o.appearance ? o.appearance.logo : undefined)
    : ctx.register(ctx.formXObject([], { BBox: [0, 0, 0, 0], Resources: {} }));
  const rawFields = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict)?.get(PDFName.of('Fields'));
  const widget = ctx.register(
    ctx.obj({
      Type: 'Annot',
      Subtype: 'Widget',
      FT: 'Sig',
      T: PDFString.of(fieldName(rawFields ? ctx.lookup(rawFields, PDFArray) : undefined, ctx)),
      V: ctx.register(sig),
      F: 132, // Print | Locked (PDF/A-1: Print set, Hidden/Invisible/NoView clear)
      P: page.ref,
      Rect: [box.x, box.y, box.x + box.width, box.y + box.height],
      AP: { N: ap },
    }),
  );
  const changed = [...addAnnotation(ctx, page, widget), ...addField(doc, widget)];
  const created = ctx
    .enumerateIndirectObjects()
    .map(([ref]) => ref)
    .filter((ref) => ref.objectNumber >= firstNew);
  return {
    bytes: appendUpdate(pdf, ctx, [...changed, ...created]),
    ...(rect ? { pageIndex, rect } : {}),
  };
}

/** @signpdf's Signer: the CAdES CMS over the SHA-256 of the ByteRange bytes; remembers the CMS size. */
class CadesSigner extends Signer {
  size = 0;
  constructor(
    private readonly key: SigningKey,
    private readonly tsa: TokenSource | undefined,
  ) {
    super();
  }
  override async sign(signed: Buffer): Promise<Buffer> {
    const digest = createHash('sha256').update(signed).digest();
    const cms = await buildCadesDetached(digest, this.key, this.tsa);
    this.size = cms.length;
    return cms;
  }
}

/**
 * Seals a PDF with the organisation's certificate: a PAdES baseline signature (`/SubFilter /ETSI.CAdES.detached`,
 * CMS detached SHA-256 with ESS signing-certificate-v2, no signingTime, the time in `/M`; B-T with `timestamp`)
 * written as an incremental update — the original bytes stay untouched, a PDF/A-1b stays PDF/A-1b — with a visible
 * seal ("Cachet électronique", organisation, date and time in Europe/Paris, reason, optional logo).
 *
 * @throws SealError (`SEAL_*`) on bad options, an unreadable PDF, a refused logo, a failing TSA; KeyLoadError on keys.
 * @example
 * ```ts
 * import { renderReportPdfDetailed, sealPdf } from 'cisis-bio';
 * const { pdf, layout, datamatrix } = await renderReportPdfDetailed(report);
 * const sealed = await sealPdf(pdf, {
 *   key: readFileSync('cachet.key.pem'), cert: readFileSync('cachet.cert.pem'),
 *   reason: 'Compte rendu validé', appearance: { layout, datamatrix },
 * });
 * ```
 */
export async function sealPdf(pdf: Uint8Array, options: SealPdfOptions): Promise<Uint8Array> {
  return (await sealPdfDetailed(pdf, options)).pdf;
}

/**
 * {@link sealPdf}, returning the placement, the level and the ByteRange too.
 * @example
 * const { pdf, rect, level } = await sealPdfDetailed(bytes, { key, appearance: { page: 0, rect: { x: 400, y: 60, width: 150, height: 46 } } });
 */
export async function sealPdfDetailed(pdf: Uint8Array, options: SealPdfOptions): Promise<SealResult> {
  if (!options || options.key === undefined)
    throw new SealError('SEAL_INVALID_OPTION', 'a signing key is required', { where: 'key' });
  const signer = signerOf(options);
  const now = (options.clock ?? (() => new Date()))();
  if (Number.isNaN(now.getTime()))
    throw new SealError('SEAL_INVALID_OPTION', 'the clock gave an invalid date');
  const when = new Date(Math.floor(now.getTime() / 1000) * 1000); // /M has whole seconds
  const tsa = options.timestamp ? tokenSource(options.timestamp) : undefined;
  let size = options.contentsSize ?? contentsEstimate(signer, !!tsa);
  for (let attempt = 0; ; attempt++) {
    const prepared = await prepare(pdf, options, signer, when, size);
    const cms = await buildOnce(prepared.bytes, signer, tsa);
    if ('needed' in cms) {
      if (attempt > 0 || options.contentsSize !== undefined)
        throw new SealError('SEAL_TOO_LARGE', `the CMS needs ${cms.needed} bytes, /Contents holds ${size}`);
      size = Math.ceil((cms.needed + 1024) / 1024) * 1024;
      continue;
    }
    return {
      pdf: new Uint8Array(cms.pdf.buffer, cms.pdf.byteOffset, cms.pdf.byteLength),
      level: tsa ? 'B-T' : 'B-B',
      ...(prepared.rect ? { page: prepared.pageIndex!, rect: prepared.rect } : {}),
      byteRange: cms.byteRange,
      signingTime: when,
    };
  }
}

/** Fills ByteRange and /Contents with @signpdf/signpdf; reports the size needed when the CMS does not fit. */
async function buildOnce(
  prepared: Buffer,
  signer: SigningKey,
  tsa: TokenSource | undefined,
): Promise<{ pdf: Buffer; byteRange: [number, number, number, number] } | { needed: number }> {
  const s = new CadesSigner(signer, tsa);
  let out: Buffer;
  try {
    out = await new SignPdf().sign(prepared, s);
  } catch (e) {
    if (e instanceof SealError) throw e;
    if (s.size > 0 && /exceeds placeholder/.test((e as Error).message)) return { needed: s.size };
    throw e;
  }
  const at = out.lastIndexOf('/ByteRange [');
  const m = /^\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/.exec(out.toString('latin1', at, at + 80));
  const byteRange = (m ? m.slice(1).map(Number) : [0, 0, 0, 0]) as [number, number, number, number];
  return { pdf: out, byteRange };
}
