// RFC 3161 time-stamp hook (XAdES SignatureTimeStamp) and the check of a returned token.
import { createHash, verify as nodeVerify, X509Certificate } from 'node:crypto';
import { ContentInfo, id_signedData, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { TSTInfo } from '@peculiar/asn1-tsp';

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
}

const ID_CT_TSTINFO = '1.2.840.113549.1.9.16.1.4';
const ID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
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

/**
 * Check an RFC 3161 TimeStampToken: its imprint covers `data`, and the CMS signature verifies with the TSA
 * certificate carried in the token. Whether that certificate is trusted is the caller's decision.
 */
export function checkTimestampToken(token: Uint8Array, data: Uint8Array): TimestampCheck {
  try {
    const ci = AsnConvert.parse(token, ContentInfo);
    if (ci.contentType !== id_signedData)
      return { ok: false, reason: 'the time-stamp token is not CMS SignedData' };
    const sd = AsnConvert.parse(ci.content, SignedData);
    if (sd.encapContentInfo.eContentType !== ID_CT_TSTINFO || !sd.encapContentInfo.eContent) {
      return { ok: false, reason: 'the time-stamp token does not hold a TSTInfo' };
    }
    const e = sd.encapContentInfo.eContent;
    const raw = e.single ? e.single.buffer : e.any;
    if (!raw) return { ok: false, reason: 'the time-stamp token has an empty TSTInfo' };
    const tstDer = Buffer.from(raw);
    const tst = AsnConvert.parse(tstDer, TSTInfo);
    const imprintHash = HASH_BY_OID[tst.messageImprint.hashAlgorithm.algorithm];
    if (!imprintHash)
      return { ok: false, reason: `unsupported imprint hash ${tst.messageImprint.hashAlgorithm.algorithm}` };
    const expected = createHash(imprintHash).update(data).digest();
    const genTime = tst.genTime;
    if (!expected.equals(Buffer.from(tst.messageImprint.hashedMessage.buffer))) {
      return { ok: false, reason: 'the time-stamp imprint does not match the signature value', genTime };
    }
    const si = sd.signerInfos[0];
    if (!si?.signedAttrs)
      return { ok: false, reason: 'the time-stamp token has no signed attributes', genTime };
    const digestHash = HASH_BY_OID[si.digestAlgorithm.algorithm];
    if (!digestHash) return { ok: false, reason: 'unsupported time-stamp digest algorithm', genTime };
    const md = si.signedAttrs.find((a) => a.attrType === ID_MESSAGE_DIGEST);
    const mdValue = md?.attrValues[0] ? Buffer.from(md.attrValues[0]).subarray(2) : undefined; // OCTET STRING, short form
    if (!mdValue || !createHash(digestHash).update(tstDer).digest().equals(mdValue)) {
      return { ok: false, reason: 'the time-stamp messageDigest does not match its TSTInfo', genTime };
    }
    // Signed attributes are signed as a SET OF (tag 0x31), not with their [0] IMPLICIT tag.
    // Signed attributes are signed as a DER SET OF (tag 0x31), not with their [0] IMPLICIT tag.
    const attrs = si.signedAttrs.map((a) => Buffer.from(AsnConvert.serialize(a)));
    const candidates = [derSetOf(attrs), derSetOf([...attrs].sort(Buffer.compare))];
    const sigHash = SIG_HASH_BY_OID[si.signatureAlgorithm.algorithm];
    const hash = sigHash === undefined ? undefined : (sigHash ?? digestHash);
    if (!hash)
      return {
        ok: false,
        reason: `unsupported time-stamp signature algorithm ${si.signatureAlgorithm.algorithm}`,
        genTime,
      };
    const signature = Buffer.from(si.signature.buffer);
    for (const c of sd.certificates ?? []) {
      if (!c.certificate) continue;
      const cert = new X509Certificate(Buffer.from(AsnConvert.serialize(c.certificate)));
      if (candidates.some((d) => nodeVerify(hash, d, cert.publicKey, signature)))
        return { ok: true, genTime, tsaCertificate: cert };
    }
    return {
      ok: false,
      reason: 'the time-stamp signature does not verify with a certificate of the token',
      genTime,
    };
  } catch (e) {
    return { ok: false, reason: `unreadable time-stamp token (${(e as Error).message})` };
  }
}
