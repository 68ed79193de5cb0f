// A local, in-process RFC 3161 time-stamping authority for the tests: it builds a real TimeStampToken
// (CMS SignedData over a TSTInfo) with @peculiar/asn1-* structures and node:crypto signatures.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  id_signedData,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { MessageImprint, TSTInfo } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import type { TimestampAuthority } from '../../src/sign/index.js';
import { testClock } from '../helpers/clock.js';
import type { TestIdentity } from './pki.js';

const SHA256 = '2.16.840.1.101.3.4.2.1';
// DER of the OID id-ct-TSTInfo (1.2.840.113549.1.9.16.1.4), value of the contentType attribute.
const CT_TSTINFO_DER = Buffer.from('060b2a864886f70d0109100104', 'hex');

/** DER SET OF: elements sorted by their encodings, tag 0x31. */
function derSetOf(items: Buffer[]): Buffer {
  const body = Buffer.concat([...items].sort(Buffer.compare));
  const n = body.length;
  const len =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([0x31]), len, body]);
}

/** DER TLV with a definite length (short or 1–2 byte long form). */
function der(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}

/**
 * ESS signing-certificate attribute value naming `certDer`: v2 (SHA-256, default hashAlgorithm omitted, RFC 5035)
 * or v1 (SHA-1, RFC 2634): SEQUENCE { SEQUENCE OF ESSCertID { certHash } }.
 */
function essValue(version: 'v1' | 'v2', certDer: Uint8Array): ArrayBuffer {
  const hash = createHash(version === 'v2' ? 'sha256' : 'sha1')
    .update(certDer)
    .digest();
  const v = der(0x30, der(0x30, der(0x30, der(0x04, hash))));
  return new Uint8Array(v).buffer;
}

export interface LocalTsaOptions {
  /** The time stamped (default: TEST_NOW). */
  genTime?: () => Date;
  /** ESS signing-certificate attribute: v2 (default), v1, none, or naming `essCertificate` instead of the TSA's. */
  ess?: 'v1' | 'v2' | 'none';
  essCertificate?: Uint8Array;
  /** Issuers sent in the token with the TSA certificate (its chain). */
  chain?: TestIdentity[];
}

export function localTsa(
  tsa: TestIdentity,
  genTimeOrOptions: (() => Date) | LocalTsaOptions = {},
): TimestampAuthority & { calls: number } {
  const opts: LocalTsaOptions =
    typeof genTimeOrOptions === 'function' ? { genTime: genTimeOrOptions } : genTimeOrOptions;
  const genTime = opts.genTime ?? testClock;
  const ess = opts.ess ?? 'v2';
  const key = createPrivateKey(tsa.keyPem);
  const certAsn = AsnConvert.parse(tsa.cert.raw, Certificate);
  const fn = (({ digest }) => {
    fn.calls++;
    const tst = new TSTInfo({
      policy: '1.2.250.1.999.1',
      messageImprint: new MessageImprint({
        hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256 }),
        hashedMessage: new OctetString(digest),
      }),
      serialNumber: new Uint8Array([fn.calls]).buffer,
      genTime: genTime(),
    });
    const tstDer = Buffer.from(AsnConvert.serialize(tst));
    const essAttrs =
      ess === 'none'
        ? []
        : [
            new Attribute({
              attrType: ess === 'v2' ? '1.2.840.113549.1.9.16.2.47' : '1.2.840.113549.1.9.16.2.12',
              attrValues: [essValue(ess, opts.essCertificate ?? tsa.cert.raw)],
            }),
          ];
    const unsorted = [
      ...essAttrs,
      new Attribute({
        attrType: '1.2.840.113549.1.9.3',
        attrValues: [
          CT_TSTINFO_DER.buffer.slice(
            CT_TSTINFO_DER.byteOffset,
            CT_TSTINFO_DER.byteOffset + CT_TSTINFO_DER.byteLength,
          ),
        ],
      }),
      new Attribute({
        attrType: '1.2.840.113549.1.9.4',
        attrValues: [AsnConvert.serialize(new OctetString(createHash('sha256').update(tstDer).digest()))],
      }),
    ];
    // DER: the SET OF in the token in its sorted order, the order the signature covers (OpenSSL checks as stored).
    const signedAttrs = unsorted
      .map((a) => ({ a, der: Buffer.from(AsnConvert.serialize(a)) }))
      .sort((x, y) => Buffer.compare(x.der, y.der))
      .map((x) => x.a);
    const signature = sign(
      'sha256',
      derSetOf(signedAttrs.map((a) => Buffer.from(AsnConvert.serialize(a)))),
      key,
    );
    const si = new SignerInfo({
      version: CMSVersion.v1,
      sid: new SignerIdentifier({
        issuerAndSerialNumber: new IssuerAndSerialNumber({
          issuer: certAsn.tbsCertificate.issuer,
          serialNumber: certAsn.tbsCertificate.serialNumber,
        }),
      }),
      digestAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256 }),
      signedAttrs,
      signatureAlgorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: null }),
      signature: new OctetString(signature),
    });
    const sd = new SignedData({
      version: CMSVersion.v3,
      digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: SHA256 })]),
      encapContentInfo: new EncapsulatedContentInfo({
        eContentType: '1.2.840.113549.1.9.16.1.4',
        eContent: new EncapsulatedContent({ single: new OctetString(tstDer) }),
      }),
      certificates: new CertificateSet(
        [certAsn, ...(opts.chain ?? []).map((c) => AsnConvert.parse(c.cert.raw, Certificate))].map(
          (certificate) => new CertificateChoices({ certificate }),
        ),
      ),
      signerInfos: new SignerInfos([si]),
    });
    return new Uint8Array(
      AsnConvert.serialize(
        new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(sd) }),
      ),
    );
  }) as TimestampAuthority & { calls: number };
  fn.calls = 0;
  return fn;
}
