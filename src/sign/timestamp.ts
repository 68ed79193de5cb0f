// RFC 3161 time-stamp hook (XAdES SignatureTimeStamp) and the check of a returned token.
import { createHash, verify as nodeVerify, X509Certificate } from 'node:crypto';
import { ContentInfo, id_signedData, SignedData, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { TSTInfo } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier, id_ce_subjectKeyIdentifier, SubjectKeyIdentifier } from '@peculiar/asn1-x509';

/** What the time-stamping authority callback receives. */
export interface TimestampRequest {
  /** Canonical (C14N 1.1) bytes of ds:SignatureValue: the time-stamped data. */
  data: Uint8Array;
  /** Hash used for the message imprint. */
  hash: 'sha256';
  /** `hash(data)`: the messageImprint to put in the RFC 3161 request. */
  digest: Uint8Array;
}

/**
 * Callback to a time-stamping authority: send an RFC 3161 TimeStampReq with `digest` as imprint
 * (e.g. over HTTP, `application/timestamp-query`) and return the TimeStampToken (DER ContentInfo).
 */
export type TimestampAuthority = (request: TimestampRequest) => Promise<Uint8Array> | Uint8Array;

/** What a time-stamp token says, checked against the data it should cover. */
export interface TimestampCheck {
  ok: boolean;
  reason?: string;
  genTime?: Date;
  /** The TSA certificate found in the token. */
  tsaCertificate?: X509Certificate;
  /** Every certificate the token carries (the TSA's chain, when it sends one): untrusted path material. */
  tokenCertificates?: X509Certificate[];
}

const ID_CT_TSTINFO = '1.2.840.113549.1.9.16.1.4';
const ID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const ID_SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
const ID_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
const HASH_BY_OID: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const SIG_HASH_BY_OID: Record<string, string | null> = {
  '1.2.840.113549.1.1.1': null, // rsaEncryption: hash from digestAlgorithm
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

function derSetOf(items: Buffer[]): Buffer {
  const body = Buffer.concat(items);
  const n = body.length;
  const len =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([0x31, ...len]), body]);
}

/** The token's certificate its SignerInfo names (issuerAndSerialNumber or subjectKeyIdentifier). */
function signerCertificate(sd: SignedData, si: SignerInfo): X509Certificate | undefined {
  const ias = si.sid.issuerAndSerialNumber;
  const ski = si.sid.subjectKeyIdentifier;
  for (const c of sd.certificates ?? []) {
    if (!c.certificate) continue;
    const tbs = c.certificate.tbsCertificate;
    const matches = ias
      ? Buffer.from(AsnConvert.serialize(tbs.issuer)).equals(Buffer.from(AsnConvert.serialize(ias.issuer))) &&
        Buffer.from(tbs.serialNumber).equals(Buffer.from(ias.serialNumber))
      : ski !== undefined &&
        tbs.extensions?.some(
          (e) =>
            e.extnID === id_ce_subjectKeyIdentifier &&
            Buffer.from(AsnConvert.parse(e.extnValue.buffer, SubjectKeyIdentifier).buffer).equals(
              Buffer.from(ski.buffer),
            ),
        ) === true;
    if (matches) return new X509Certificate(Buffer.from(AsnConvert.serialize(c.certificate)));
  }
  return undefined;
}

interface DerNode {
  tag: number;
  /** Offset of the tag; `start`/`end` bound the content. */
  at: number;
  start: number;
  end: number;
}

/** Minimal DER walk (tag, content bounds) for the two ESS attributes no installed schema describes. */
function derChildren(buf: Buffer, start = 0, end = buf.length): DerNode[] {
  const out: DerNode[] = [];
  let pos = start;
  while (pos < end) {
    const tag = buf[pos]!;
    let len = buf[pos + 1]!;
    let head = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n < 1 || n > 3) throw new Error('unsupported DER length');
      len = 0;
      for (let i = 0; i < n; i++) len = (len << 8) | buf[pos + 2 + i]!;
      head += n;
    }
    if (pos + head + len > end) throw new Error('truncated DER');
    out.push({ tag, at: pos, start: pos + head, end: pos + head + len });
    pos += head + len;
  }
  return out;
}

/**
 * RFC 5035 / RFC 2634 §5.4: the signed ESS signing-certificate(-v2) attribute's first ESSCertID must be the hash of
 * the certificate that signed the token (binds the TSA identity into its signature).
 */
function essIssue(si: SignerInfo, cert: X509Certificate): string | undefined {
  const v2 = si.signedAttrs?.find((a) => a.attrType === ID_SIGNING_CERTIFICATE_V2);
  const v1 = si.signedAttrs?.find((a) => a.attrType === ID_SIGNING_CERTIFICATE);
  const attr = v2 ?? v1;
  if (!attr?.attrValues[0]) return 'the time-stamp carries no ESS signing-certificate(-v2) attribute';
  const der = Buffer.from(attr.attrValues[0]);
  const [outer] = derChildren(der);
  const [certs] = outer ? derChildren(der, outer.start, outer.end) : [];
  const [first] = certs ? derChildren(der, certs.start, certs.end) : [];
  const parts = first ? derChildren(der, first.start, first.end) : [];
  let hash = v2 ? 'sha256' : 'sha1';
  if (v2 && parts[0]?.tag === 0x30) {
    const alg = AsnConvert.parse(der.subarray(parts[0].at, parts[0].end), AlgorithmIdentifier).algorithm;
    hash = HASH_BY_OID[alg] ?? '';
    parts.shift();
  }
  const certHash = parts[0]?.tag === 0x04 ? der.subarray(parts[0].start, parts[0].end) : undefined;
  if (!hash || !certHash) return 'unreadable ESS signing-certificate attribute in the time-stamp';
  if (!createHash(hash).update(cert.raw).digest().equals(certHash))
    return 'the ESS signing-certificate of the time-stamp is not the certificate that signed it';
  return undefined;
}

/** The TSTInfo of a token, or the reason it has none. */
function tstInfoOf(token: Uint8Array): { sd: SignedData; tstDer: Buffer; tst: TSTInfo } | string {
  const ci = AsnConvert.parse(token, ContentInfo);
  if (ci.contentType !== id_signedData) return 'the time-stamp token is not CMS SignedData';
  const sd = AsnConvert.parse(ci.content, SignedData);
  if (sd.encapContentInfo.eContentType !== ID_CT_TSTINFO || !sd.encapContentInfo.eContent)
    return 'the time-stamp token does not hold a TSTInfo';
  const e = sd.encapContentInfo.eContent;
  const raw = e.single ? e.single.buffer : e.any;
  if (!raw) return 'the time-stamp token has an empty TSTInfo';
  const tstDer = Buffer.from(raw);
  return { sd, tstDer, tst: AsnConvert.parse(tstDer, TSTInfo) };
}

/** The CMS signature of the token's SignerInfo verifies with `cert` (signed attributes as a DER SET OF). */
function signatureVerifies(si: SignerInfo, digestHash: string, cert: X509Certificate): boolean | string {
  const attrs = (si.signedAttrs ?? []).map((a) => Buffer.from(AsnConvert.serialize(a)));
  // Signed as a DER SET OF (tag 0x31), not with their [0] IMPLICIT tag; some writers do not sort.
  const candidates = [derSetOf(attrs), derSetOf([...attrs].sort(Buffer.compare))];
  const sigHash = SIG_HASH_BY_OID[si.signatureAlgorithm.algorithm];
  const hash = sigHash === undefined ? undefined : (sigHash ?? digestHash);
  if (!hash) return `unsupported time-stamp signature algorithm ${si.signatureAlgorithm.algorithm}`;
  const signature = Buffer.from(si.signature.buffer);
  return candidates.some((d) => nodeVerify(hash, d, cert.publicKey, signature));
}

/**
 * Check an RFC 3161 TimeStampToken: its imprint covers `data`, the signer named by its SignerInfo is a
 * certificate of the token, the ESS signing-certificate(-v2) attribute names that certificate, and the CMS
 * signature verifies with it. Whether that certificate is trusted (path, id-kp-timeStamping) is the caller's
 * decision (see `verify-timestamp.ts`).
 * @example
 * const check = checkTimestampToken(tokenDer, canonicalSignatureValue);
 * if (check.ok) console.log(check.genTime, check.tsaCertificate?.subject);
 */
export function checkTimestampToken(token: Uint8Array, data: Uint8Array): TimestampCheck {
  try {
    const parsed = tstInfoOf(token);
    if (typeof parsed === 'string') return { ok: false, reason: parsed };
    const { sd, tstDer, tst } = parsed;
    const genTime = tst.genTime;
    const fail = (reason: string): TimestampCheck => ({ ok: false, reason, genTime });
    const imprintHash = HASH_BY_OID[tst.messageImprint.hashAlgorithm.algorithm];
    if (!imprintHash) return fail(`unsupported imprint hash ${tst.messageImprint.hashAlgorithm.algorithm}`);
    const expected = createHash(imprintHash).update(data).digest();
    if (!expected.equals(Buffer.from(tst.messageImprint.hashedMessage.buffer)))
      return fail('the time-stamp imprint does not match the signature value');
    const si = sd.signerInfos[0];
    if (!si?.signedAttrs || sd.signerInfos.length !== 1)
      return fail('the time-stamp token must have one signer with signed attributes');
    const digestHash = HASH_BY_OID[si.digestAlgorithm.algorithm];
    if (!digestHash) return fail('unsupported time-stamp digest algorithm');
    const md = si.signedAttrs.find((a) => a.attrType === ID_MESSAGE_DIGEST);
    const mdValue = md?.attrValues[0] ? Buffer.from(md.attrValues[0]).subarray(2) : undefined; // OCTET STRING, short form
    if (!mdValue || !createHash(digestHash).update(tstDer).digest().equals(mdValue))
      return fail('the time-stamp messageDigest does not match its TSTInfo');
    const cert = signerCertificate(sd, si);
    if (!cert) return fail("the time-stamp signer's certificate (SignerInfo sid) is not in the token");
    const verified = signatureVerifies(si, digestHash, cert);
    if (verified !== true)
      return fail(verified || 'the time-stamp signature does not verify with its signer certificate');
    const ess = essIssue(si, cert);
    if (ess) return fail(ess);
    const tokenCertificates = (sd.certificates ?? []).flatMap((c) =>
      c.certificate ? [new X509Certificate(Buffer.from(AsnConvert.serialize(c.certificate)))] : [],
    );
    return { ok: true, genTime, tsaCertificate: cert, tokenCertificates };
  } catch (e) {
    return { ok: false, reason: `unreadable time-stamp token (${(e as Error).message})` };
  }
}
