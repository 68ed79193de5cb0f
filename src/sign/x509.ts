// Certificate fields node:crypto does not expose (keyUsage bits, basicConstraints, RFC 4514 names),
// read with @peculiar/asn1-x509 (no DI container nor reflect polyfill, unlike @peculiar/x509).
import type { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_kp_timeStamping,
  KeyUsage,
  KeyUsageFlags,
  type Name,
} from '@peculiar/asn1-x509';

const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.25': 'DC',
};

function escapeRdnValue(v: string): string {
  return v
    .replace(/([,+"\\<>;=])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

/** RFC 4514 string of a Name (most specific RDN first), as XAdES X509IssuerName expects. */
export function nameToString(name: Name): string {
  return [...name]
    .reverse()
    .map((rdn) =>
      [...rdn]
        .map((atv) => `${SHORT[atv.type] ?? atv.type}=${escapeRdnValue(atv.value.toString())}`)
        .join('+'),
    )
    .join(', ');
}

const cache = new WeakMap<X509Certificate, Certificate>();
function parsed(c: X509Certificate): Certificate {
  let p = cache.get(c);
  if (!p) {
    p = AsnConvert.parse(c.raw, Certificate);
    cache.set(c, p);
  }
  return p;
}

export function issuerName(c: X509Certificate): string {
  return nameToString(parsed(c).tbsCertificate.issuer);
}

export function subjectName(c: X509Certificate): string {
  return nameToString(parsed(c).tbsCertificate.subject);
}

function extension(c: X509Certificate, oid: string): ArrayBuffer | undefined {
  return parsed(c).tbsCertificate.extensions?.find((e) => e.extnID === oid)?.extnValue.buffer;
}

/** keyUsage bits, or `null` when the certificate has no keyUsage extension. */
export function keyUsageOf(c: X509Certificate): {
  digitalSignature: boolean;
  nonRepudiation: boolean;
  keyCertSign: boolean;
} | null {
  const raw = extension(c, id_ce_keyUsage);
  if (!raw) return null;
  const flags = AsnConvert.parse(raw, KeyUsage).toNumber();
  return {
    digitalSignature: (flags & KeyUsageFlags.digitalSignature) !== 0,
    nonRepudiation: (flags & KeyUsageFlags.nonRepudiation) !== 0,
    keyCertSign: (flags & KeyUsageFlags.keyCertSign) !== 0,
  };
}

/** basicConstraints: cA and pathLenConstraint (`undefined` = no limit); `null` without the extension. */
export function basicConstraintsOf(c: X509Certificate): { ca: boolean; pathLen?: number } | null {
  const raw = extension(c, id_ce_basicConstraints);
  if (!raw) return null;
  const bc = AsnConvert.parse(raw, BasicConstraints);
  return bc.pathLenConstraint === undefined
    ? { ca: bc.cA === true }
    : { ca: bc.cA === true, pathLen: Number(bc.pathLenConstraint) };
}

/** basicConstraints cA. */
export function isCa(c: X509Certificate): boolean {
  return basicConstraintsOf(c)?.ca === true;
}

/** Extended key usage OIDs, or `null` without the extension. */
export function extKeyUsageOf(c: X509Certificate): string[] | null {
  const raw = extension(c, id_ce_extKeyUsage);
  return raw ? [...AsnConvert.parse(raw, ExtendedKeyUsage)] : null;
}

/** RFC 3161 §2.3: a TSA certificate carries the (critical) extended key usage id-kp-timeStamping. */
export function isTimeStampingCert(c: X509Certificate): boolean {
  return extKeyUsageOf(c)?.includes(id_kp_timeStamping) ?? false;
}

const names = new WeakMap<X509Certificate, { issuer: Buffer; subject: Buffer }>();
/** DER of the issuer and subject Names, for name chaining (RFC 5280 §6.1.3 (a)(4), binary comparison). */
export function namesDer(c: X509Certificate): { issuer: Buffer; subject: Buffer } {
  let n = names.get(c);
  if (!n) {
    const tbs = parsed(c).tbsCertificate;
    n = {
      issuer: Buffer.from(AsnConvert.serialize(tbs.issuer)),
      subject: Buffer.from(AsnConvert.serialize(tbs.subject)),
    };
    names.set(c, n);
  }
  return n;
}
