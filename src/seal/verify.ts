// verifyPdfSeal: the verdict on a PAdES seal — ByteRange integrity and coverage, CMS signature, ESS signing
// certificate, key usage, chain to pinned anchors, and the RFC 3161 time-stamp of a B-T seal.
import { createHash, verify as nodeVerify, X509Certificate } from 'node:crypto';
import { ContentInfo, id_signedData, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import {
  ParseSpeeds,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRef,
  PDFString,
} from 'pdf-lib';
import {
  checkCertificatePath,
  checkTimestampToken,
  loadCertificates,
  type SignerSummary,
} from '../sign/index.js';
import { OID, signingCertificateV2 } from './cms.js';
import { children, readTlv } from './der.js';

/** Stable codes of the reasons a seal is not valid. */
export type PdfSealIssueCode =
  | 'PDF_UNREADABLE'
  | 'NO_SEAL'
  | 'BYTE_RANGE_INVALID'
  | 'NOT_WHOLE_FILE'
  | 'CMS_MALFORMED'
  | 'SUBFILTER_UNSUPPORTED'
  | 'UNSUPPORTED_ALGORITHM'
  | 'DIGEST_MISMATCH'
  | 'SIGNATURE_INVALID'
  | 'SIGNING_CERTIFICATE_MISSING'
  | 'SIGNING_CERTIFICATE_MISMATCH'
  | 'SIGNING_TIME_ATTRIBUTE'
  | 'SIGNING_TIME_IN_FUTURE'
  | 'KEY_USAGE'
  | 'CHAIN_UNTRUSTED'
  | 'TIMESTAMP_INVALID';

export interface PdfSealIssue {
  code: PdfSealIssueCode;
  message: string;
  where?: string;
}

/** The verdict of {@link verifyPdfSeal}, shaped like `verifySignature`'s. */
export interface PdfSealVerification {
  /** True only when every check passed. */
  valid: boolean;
  issues: PdfSealIssue[];
  /** Each check: true passed, false failed, undefined not reached. */
  checks: {
    byteRange?: boolean;
    /** The ByteRange reaches the end of the file: nothing was appended after the seal. */
    wholeFile?: boolean;
    digest?: boolean;
    signatureValue?: boolean;
    signingCertificate?: boolean;
    keyUsage?: boolean;
    chain?: boolean;
    timestamp?: boolean;
  };
  /** Signature dictionaries found (the last one, by position, is checked). */
  signatures: number;
  level?: 'B-B' | 'B-T';
  subFilter?: string;
  fieldName?: string;
  /** `/M` of the signature dictionary (claimed time). */
  signingTime?: Date;
  reason?: string;
  location?: string;
  byteRange?: number[];
  signer?: SignerSummary;
  timestamp?: { genTime?: Date; tsaSubject?: string };
}

/** Options of {@link verifyPdfSeal}. */
export interface VerifyPdfSealOptions {
  /** Pinned trust anchors (PEM/DER or certificates): nothing is trusted by default. */
  trustAnchors: ReadonlyArray<X509Certificate | Uint8Array | string>;
  /** Extra intermediates (the CMS certificates are used too). */
  intermediates?: ReadonlyArray<X509Certificate>;
  /**
   * Time at which the chain must be valid. Default: the time of a verified time-stamp (B-T), else `now` — never the
   * claimed `/M`, which the signer chose: a back-dated `/M` must not make an expired certificate valid.
   */
  at?: Date;
  /** "Now", to refuse a `/M` in the future (5 minutes' tolerance; default: the clock). */
  now?: Date;
}

const HASH: Record<string, string> = {
  [OID.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const SIG_ALGS = new Set([
  OID.rsaEncryption,
  OID.sha256WithRSA,
  '1.2.840.113549.1.1.12',
  '1.2.840.113549.1.1.13',
  OID.ecdsaWithSha256,
  '1.2.840.10045.4.3.3',
  '1.2.840.10045.4.3.4',
]);
const SUBFILTERS = new Set(['ETSI.CAdES.detached', 'adbe.pkcs7.detached']);

/** One-line subject (node's lines joined by commas). */
function subjectLine(c: X509Certificate): string {
  return c.subject.split('\n').join(', ');
}

class Verdict {
  readonly issues: PdfSealIssue[] = [];
  fail(code: PdfSealIssueCode, message: string, where?: string): false {
    this.issues.push(where ? { code, message, where } : { code, message });
    return false;
  }
}

interface SigDict {
  dict: PDFDict;
  byteRange: number[];
  contents: Uint8Array;
  fieldName?: string;
}

function text(d: PDFDict, key: string): string | undefined {
  const v = d.lookup(PDFName.of(key));
  return v instanceof PDFString || v instanceof PDFHexString ? v.decodeText() : undefined;
}

/** Every signature dictionary (ByteRange + hex Contents) of the latest revision, with its field name. */
function signatureDicts(doc: PDFDocument): SigDict[] {
  const ctx = doc.context;
  const names = new Map<PDFDict, string>();
  const found: SigDict[] = [];
  for (const [, obj] of ctx.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict)) continue;
    const v = obj.get(PDFName.of('V'));
    const t = text(obj, 'T');
    if (v instanceof PDFRef && t !== undefined) {
      const target = ctx.lookup(v);
      if (target instanceof PDFDict) names.set(target, t);
    }
    const br = obj.lookup(PDFName.of('ByteRange'));
    const contents = obj.lookup(PDFName.of('Contents'));
    if (!(br instanceof PDFArray) || !(contents instanceof PDFHexString)) continue;
    const byteRange = br.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : Number.NaN));
    found.push({ dict: obj, byteRange, contents: contents.asBytes() });
  }
  for (const s of found) {
    const n = names.get(s.dict);
    if (n !== undefined) s.fieldName = n;
  }
  return found.sort((a, b) => (a.byteRange[2] ?? 0) - (b.byteRange[2] ?? 0));
}

function anchorsOf(list: VerifyPdfSealOptions['trustAnchors']): X509Certificate[] {
  return list.flatMap((a, i) =>
    a instanceof X509Certificate ? [a] : loadCertificates(a, `trust anchor #${i + 1}`),
  );
}

/**
 * ByteRange [0 a b c]: starts at 0, the gap a…b is exactly the `<hex>` /Contents string of this dictionary,
 * nothing overlaps; `wholeFile` when b + c reaches the end of the file. Returns the signed bytes and the CMS.
 */
function checkByteRange(
  pdf: Uint8Array,
  sig: SigDict,
  v: Verdict,
  r: PdfSealVerification,
): { signed: Buffer; cms: Buffer } | undefined {
  const br = sig.byteRange;
  r.byteRange = br;
  const [o1, l1, o2, l2] = br as [number, number, number, number];
  const sane =
    br.length === 4 &&
    br.every((n) => Number.isSafeInteger(n) && n >= 0) &&
    o1 === 0 &&
    l1 < o2 &&
    o2 + l2 <= pdf.length;
  if (!sane) {
    r.checks.byteRange = v.fail('BYTE_RANGE_INVALID', `ByteRange [${br.join(' ')}] does not fit the file`);
    return undefined;
  }
  const gap = Buffer.from(pdf.buffer, pdf.byteOffset + l1, o2 - l1).toString('latin1');
  if (!/^<[0-9A-Fa-f]*>$/.test(gap) || gap.length % 2 !== 0) {
    r.checks.byteRange = v.fail(
      'BYTE_RANGE_INVALID',
      'the ByteRange gap is not exactly the /Contents hex string',
    );
    return undefined;
  }
  const cms = Buffer.from(gap.slice(1, -1), 'hex');
  if (!cms.equals(Buffer.from(sig.contents))) {
    r.checks.byteRange = v.fail(
      'BYTE_RANGE_INVALID',
      'the ByteRange gap is not the /Contents of this signature',
    );
    return undefined;
  }
  r.checks.byteRange = true;
  r.checks.wholeFile =
    o2 + l2 === pdf.length ||
    v.fail(
      'NOT_WHOLE_FILE',
      `${pdf.length - (o2 + l2)} bytes follow the sealed revision (an incremental update appended after the seal)`,
    );
  const signed = Buffer.concat([pdf.subarray(0, l1), pdf.subarray(o2, o2 + l2)]);
  return { signed, cms };
}

interface ParsedCms {
  sd: SignedData;
  /** The signed attributes as signed: DER SET OF (tag 0x31). */
  signedAttrs: Buffer;
  certs: X509Certificate[];
}

/** The DER CMS at the start of /Contents (the rest must be zero padding), its one SignerInfo's raw attributes. */
function parseCms(contents: Buffer, v: Verdict): ParsedCms | undefined {
  try {
    const outer = readTlv(contents, 0);
    if (contents.subarray(outer.end).some((b) => b !== 0))
      return void v.fail('CMS_MALFORMED', 'bytes other than zero padding follow the CMS in /Contents');
    const der = contents.subarray(0, outer.end);
    const ci = AsnConvert.parse(der, ContentInfo);
    if (ci.contentType !== id_signedData)
      return void v.fail('CMS_MALFORMED', '/Contents is not CMS SignedData');
    const sd = AsnConvert.parse(ci.content, SignedData);
    if (sd.signerInfos.length !== 1)
      return void v.fail('CMS_MALFORMED', `${sd.signerInfos.length} SignerInfos: exactly one is expected`);
    if (sd.encapContentInfo.eContent) return void v.fail('CMS_MALFORMED', 'the CMS is not detached');
    // ContentInfo → [0] → SignedData → last child SignerInfos → SignerInfo → [0] signedAttrs
    const explicit = children(der, outer)[1]!;
    const sdTlv = children(der, explicit)[0]!;
    const infos = children(der, sdTlv).at(-1)!;
    const info = children(der, infos)[0]!;
    const attrs = children(der, info).find((t) => t.tag === 0xa0);
    if (!attrs) return void v.fail('CMS_MALFORMED', 'the SignerInfo has no signed attributes');
    const signedAttrs = Buffer.from(der.subarray(attrs.start, attrs.end));
    signedAttrs[0] = 0x31;
    const certs = (sd.certificates ?? [])
      .filter((c) => c.certificate)
      .map((c) => new X509Certificate(Buffer.from(AsnConvert.serialize(c.certificate))));
    return { sd, signedAttrs, certs };
  } catch (e) {
    return void v.fail('CMS_MALFORMED', `unreadable CMS in /Contents (${(e as Error).message})`);
  }
}

function attrValue(sd: SignedData, oid: string, unsigned = false): Buffer | undefined {
  const si = sd.signerInfos[0]!;
  const a = (unsigned ? si.unsignedAttrs : si.signedAttrs)?.find((x) => x.attrType === oid);
  return a?.attrValues[0] ? Buffer.from(a.attrValues[0]) : undefined;
}

/** The signer's certificate: the CMS certificate named by the SignerInfo's issuerAndSerialNumber. */
function findSigner(p: ParsedCms): X509Certificate | undefined {
  const sid = p.sd.signerInfos[0]!.sid.issuerAndSerialNumber;
  if (!sid) return undefined;
  const issuer = Buffer.from(AsnConvert.serialize(sid.issuer));
  const serial = Buffer.from(sid.serialNumber);
  return p.certs.find((c) => {
    const tbs = AsnConvert.parse(c.raw, Certificate).tbsCertificate;
    return (
      Buffer.from(tbs.serialNumber).equals(serial) &&
      Buffer.from(AsnConvert.serialize(tbs.issuer)).equals(issuer)
    );
  });
}

/** messageDigest over the signed bytes, the signature over the attributes, ESS signing certificate, no signingTime. */
function checkCms(
  p: ParsedCms,
  signed: Buffer,
  signer: X509Certificate,
  subFilter: string,
  v: Verdict,
  r: PdfSealVerification,
): void {
  const si = p.sd.signerInfos[0]!;
  const hash = HASH[si.digestAlgorithm.algorithm];
  const sigAlg = si.signatureAlgorithm.algorithm;
  if (!hash || !SIG_ALGS.has(sigAlg)) {
    v.fail('UNSUPPORTED_ALGORITHM', `unsupported algorithms ${si.digestAlgorithm.algorithm} / ${sigAlg}`);
    return;
  }
  const md = attrValue(p.sd, OID.messageDigest);
  const expected = createHash(hash).update(signed).digest();
  r.checks.digest =
    (md !== undefined && md.length >= 2 && md.subarray(2).equals(expected)) ||
    v.fail('DIGEST_MISMATCH', 'the signed bytes were modified after sealing (message digest mismatch)');
  let ok = false;
  try {
    ok = nodeVerify(hash, p.signedAttrs, signer.publicKey, Buffer.from(si.signature.buffer));
  } catch {
    ok = false;
  }
  r.checks.signatureValue =
    ok || v.fail('SIGNATURE_INVALID', "the CMS signature does not verify with the signer certificate's key");
  const essV2 = attrValue(p.sd, OID.signingCertificateV2);
  if (subFilter === 'ETSI.CAdES.detached') {
    r.checks.signingCertificate = essV2
      ? essV2.equals(signingCertificateV2(signer)) ||
        essHashMatches(essV2, signer) ||
        v.fail(
          'SIGNING_CERTIFICATE_MISMATCH',
          'ESS signing-certificate-v2 does not name the signer certificate',
        )
      : v.fail('SIGNING_CERTIFICATE_MISSING', 'no ESS signing-certificate-v2 attribute (PAdES requires it)');
    if (attrValue(p.sd, OID.signingTime))
      v.fail(
        'SIGNING_TIME_ATTRIBUTE',
        'PAdES: the signing time belongs in /M, not in a signingTime attribute',
      );
  } else r.checks.signingCertificate = true;
}

/** ESSCertIDv2 of another encoder (e.g. explicit SHA-256 AlgorithmIdentifier): its certHash is the cert's SHA-256. */
function essHashMatches(ess: Buffer, cert: X509Certificate): boolean {
  const hash = createHash('sha256').update(cert.raw).digest();
  return ess.includes(Buffer.concat([Buffer.from([0x04, 0x20]), hash]));
}

/** The RFC 3161 token over the signature value: imprint, TSA signature, id-kp-timeStamping, TSA chain. */
function checkTimestamp(
  p: ParsedCms,
  anchors: X509Certificate[],
  v: Verdict,
  r: PdfSealVerification,
): Date | undefined {
  const token = attrValue(p.sd, OID.signatureTimeStampToken, true);
  if (!token) return undefined;
  const check = checkTimestampToken(token, Buffer.from(p.sd.signerInfos[0]!.signature.buffer));
  r.timestamp = {
    ...(check.genTime ? { genTime: check.genTime } : {}),
    ...(check.tsaCertificate ? { tsaSubject: subjectLine(check.tsaCertificate) } : {}),
  };
  const tsa = check.tsaCertificate;
  // RFC 5280 path of the TSA at its own time, with id-kp-timeStamping (src/sign's path checker).
  const path =
    tsa && check.genTime
      ? checkCertificatePath(tsa, {
          trustAnchors: anchors,
          at: check.genTime,
          requiredExtKeyUsage: '1.3.6.1.5.5.7.3.8',
        })
      : undefined;
  const problem = !check.ok
    ? (check.reason ?? 'invalid time-stamp')
    : !path?.ok
      ? `time-stamp authority not trusted: ${path?.issues.map((i) => i.message).join('; ') ?? 'no time'}`
      : undefined;
  if (problem) {
    r.checks.timestamp = v.fail('TIMESTAMP_INVALID', problem);
    return undefined;
  }
  r.checks.timestamp = true;
  r.level = 'B-T';
  return check.genTime;
}

/**
 * Verifies the seal of a PDF (the last signature of the file): ByteRange integrity (every byte but /Contents
 * signed, nothing appended after), CMS signature and message digest, ESS signing-certificate-v2, no signingTime
 * attribute (PAdES), key usage, a chain to the pinned `trustAnchors` at `at` (default: a verified time-stamp's time, else
 * now), and for B-T the RFC 3161 token over the signature value.
 * @example
 * const verdict = await verifyPdfSeal(readFileSync('report.pdf'), { trustAnchors: [readFileSync('ca.pem')] });
 * if (!verdict.valid) console.error(verdict.issues.map((i) => `${i.code}: ${i.message}`).join('\n'));
 */
export async function verifyPdfSeal(
  pdf: Uint8Array,
  options: VerifyPdfSealOptions,
): Promise<PdfSealVerification> {
  const anchors = anchorsOf(options?.trustAnchors ?? []);
  const v = new Verdict();
  const r: PdfSealVerification = { valid: false, issues: v.issues, checks: {}, signatures: 0 };
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, {
      updateMetadata: false,
      ignoreEncryption: true,
      parseSpeed: ParseSpeeds.Fastest,
    });
  } catch (e) {
    v.fail('PDF_UNREADABLE', `the PDF cannot be read: ${(e as Error).message}`);
    return r;
  }
  const sigs = signatureDicts(doc);
  r.signatures = sigs.length;
  const sig = sigs.at(-1);
  if (!sig) {
    v.fail('NO_SEAL', 'the PDF carries no signature dictionary');
    return r;
  }
  await checkSeal(pdf, sig, anchors, options, v, r);
  r.valid = v.issues.length === 0;
  return r;
}

async function checkSeal(
  pdf: Uint8Array,
  sig: SigDict,
  anchors: X509Certificate[],
  options: VerifyPdfSealOptions,
  v: Verdict,
  r: PdfSealVerification,
): Promise<void> {
  if (sig.fieldName !== undefined) r.fieldName = sig.fieldName;
  const subFilter = sig.dict.lookup(PDFName.of('SubFilter'));
  r.subFilter = subFilter instanceof PDFName ? subFilter.decodeText() : '';
  for (const k of ['Reason', 'Location'] as const) {
    const t = text(sig.dict, k);
    if (t !== undefined) r[k === 'Reason' ? 'reason' : 'location'] = t;
  }
  const m = sig.dict.lookup(PDFName.of('M'));
  const when = m instanceof PDFString ? m.decodeDate() : undefined;
  if (when && !Number.isNaN(when.getTime())) r.signingTime = when;
  if (!SUBFILTERS.has(r.subFilter))
    v.fail('SUBFILTER_UNSUPPORTED', `unsupported /SubFilter ${r.subFilter || '(none)'}`);
  const range = checkByteRange(pdf, sig, v, r);
  if (!range) return;
  const cms = parseCms(range.cms, v);
  if (!cms) return;
  const signer = findSigner(cms);
  if (!signer) {
    r.checks.signingCertificate = v.fail(
      'SIGNING_CERTIFICATE_MISSING',
      'the CMS does not carry the signer certificate',
    );
    return;
  }
  r.signer = {
    subject: subjectLine(signer),
    issuer: signer.issuer.split('\n').join(', '),
    serialNumber: signer.serialNumber,
    notBefore: new Date(signer.validFrom),
    notAfter: new Date(signer.validTo),
    fingerprint256: signer.fingerprint256,
  };
  checkCms(cms, range.signed, signer, r.subFilter, v, r);
  r.level = 'B-B';
  const tsTime = checkTimestamp(cms, anchors, v, r);
  const now = options.now ?? new Date();
  if (r.signingTime && r.signingTime.getTime() > (tsTime ?? now).getTime() + 5 * 60_000)
    v.fail(
      'SIGNING_TIME_IN_FUTURE',
      `/M ${r.signingTime.toISOString()} is later than ${tsTime ? 'the time-stamp' : 'now'}`,
    );
  // RFC 5280 path to the pinned anchors (src/sign's path checker), the signer's key usage included. Only a verified
  // time-stamp moves the check back in time; /M is the signer's claim.
  const at = options.at ?? tsTime ?? now;
  const path = checkCertificatePath(signer, {
    trustAnchors: anchors,
    intermediates: [...cms.certs, ...(options.intermediates ?? [])],
    at,
    requiredKeyUsage: ['digitalSignature', 'nonRepudiation'],
  });
  const usage = path.issues.filter((i) => i.code === 'KEY_USAGE');
  const chain = path.issues.filter((i) => i.code !== 'KEY_USAGE');
  r.checks.keyUsage = usage.length === 0 || v.fail('KEY_USAGE', usage.map((i) => i.message).join('; '));
  r.checks.chain = chain.length === 0 || v.fail('CHAIN_UNTRUSTED', chain.map((i) => i.message).join('; '));
}
