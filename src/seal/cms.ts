// CAdES detached CMS SignedData for PAdES baseline signatures (ETSI EN 319 142-1 §6.3): SHA-256, signed
// attributes content-type, message-digest and ESS signing-certificate-v2, no signing-time (the time is the
// signature dictionary's /M), and for B-T an RFC 3161 token over the signature value as unsigned attribute.
import { createHash, type KeyObject, sign as nodeSign, type X509Certificate } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  id_data,
  id_signedData,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import { setOf, tlv } from './der.js';

export const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
} as const;

/** What the CMS builder needs from the signer. */
export interface CmsSigner {
  privateKey: KeyObject;
  certificate: X509Certificate;
  chain: readonly X509Certificate[];
}

/** Returns the RFC 3161 TimeStampToken (DER ContentInfo) for a SHA-256 digest of the signature value. */
export type TokenSource = (signatureValue: Uint8Array, digest: Uint8Array) => Promise<Uint8Array>;

function ab(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** DER of the OID `oid` (arcs base 128). */
function oidDer(oid: string): Buffer {
  const arcs = oid.split('.').map(Number);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const bytes = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift(0x80 | (v & 0x7f));
    out.push(...bytes);
  }
  return tlv(0x06, Buffer.from(out));
}

/**
 * ESS SigningCertificateV2 (RFC 5035) with one ESSCertIDv2: SHA-256 hash (the DEFAULT algorithm, hence
 * omitted) of the certificate and its IssuerSerial (issuer as a directoryName GeneralName).
 */
export function signingCertificateV2(cert: X509Certificate): Buffer {
  return parts(cert).essV2;
}

const cache = new WeakMap<X509Certificate, { asn: Certificate; essV2: Buffer }>();

/** A certificate's ASN.1 form and ESS attribute, computed once per certificate object. */
function parts(cert: X509Certificate): { asn: Certificate; essV2: Buffer } {
  let p = cache.get(cert);
  if (!p) {
    const asn = AsnConvert.parse(cert.raw, Certificate);
    p = { asn, essV2: essCertV2(asn, cert) };
    cache.set(cert, p);
  }
  return p;
}

function essCertV2(asn: Certificate, cert: X509Certificate): Buffer {
  const tbs = asn.tbsCertificate;
  const issuer = Buffer.from(AsnConvert.serialize(tbs.issuer));
  const serial = tlv(0x02, new Uint8Array(tbs.serialNumber));
  const issuerSerial = tlv(0x30, tlv(0x30, tlv(0xa4, issuer)), serial);
  const hash = tlv(0x04, createHash('sha256').update(cert.raw).digest());
  return tlv(0x30, tlv(0x30, tlv(0x30, hash, issuerSerial)));
}

function attribute(type: string, value: Uint8Array): Attribute {
  return new Attribute({ attrType: type, attrValues: [ab(value)] });
}

/**
 * Builds the detached CAdES SignedData over `contentDigest` (SHA-256 of the ByteRange bytes) and returns its
 * DER ContentInfo. With `timestamp`, the token over the signature value is added as unsigned attribute (B-T).
 */
export async function buildCadesDetached(
  contentDigest: Uint8Array,
  signer: CmsSigner,
  timestamp?: TokenSource,
): Promise<Buffer> {
  const certAsn = parts(signer.certificate).asn;
  const signedAttrs = [
    attribute(OID.contentType, oidDer(id_data)),
    attribute(OID.messageDigest, tlv(0x04, contentDigest)),
    attribute(OID.signingCertificateV2, signingCertificateV2(signer.certificate)),
  ];
  // What is signed is the DER SET OF the attributes (RFC 5652 §5.4), not their [0] IMPLICIT form.
  const toSign = setOf(signedAttrs.map((a) => new Uint8Array(AsnConvert.serialize(a))));
  const ec = signer.privateKey.asymmetricKeyType === 'ec';
  const signature = nodeSign('sha256', toSign, signer.privateKey); // ECDSA: DER (r, s), as CMS wants
  const unsignedAttrs = timestamp
    ? [
        attribute(
          OID.signatureTimeStampToken,
          await timestamp(signature, createHash('sha256').update(signature).digest()),
        ),
      ]
    : undefined;
  const sha256 = new AlgorithmIdentifier({ algorithm: OID.sha256 });
  const si = new SignerInfo({
    version: CMSVersion.v1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: certAsn.tbsCertificate.issuer,
        serialNumber: certAsn.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: sha256,
    signedAttrs,
    signatureAlgorithm: ec
      ? new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 })
      : new AlgorithmIdentifier({ algorithm: OID.rsaEncryption, parameters: null }),
    signature: new OctetString(signature),
    ...(unsignedAttrs ? { unsignedAttrs } : {}),
  });
  const certs = [signer.certificate, ...signer.chain].map(
    (c) => new CertificateChoices({ certificate: parts(c).asn }),
  );
  const sd = new SignedData({
    version: CMSVersion.v1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([sha256]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet(certs),
    signerInfos: new SignerInfos([si]),
  });
  return Buffer.from(
    AsnConvert.serialize(new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(sd) })),
  );
}
