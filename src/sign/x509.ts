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
export function keyUsageOf(
  c: X509Certificate,
): { digitalSignature: boolean; nonRepudiation: boolean } | null {
  const raw = extension(c, id_ce_keyUsage);
  if (!raw) return null;
  const ku = AsnConvert.parse(raw, KeyUsage);
  const flags = ku.toNumber();
  return {
    digitalSignature: (flags & KeyUsageFlags.digitalSignature) !== 0,
    nonRepudiation: (flags & KeyUsageFlags.nonRepudiation) !== 0,
  };
}

/** basicConstraints cA. */
export function isCa(c: X509Certificate): boolean {
  const raw = extension(c, id_ce_basicConstraints);
  return raw ? AsnConvert.parse(raw, BasicConstraints).cA === true : false;
}

/** RFC 3161 §2.3: a TSA certificate carries the (critical) extended key usage id-kp-timeStamping. */
export function isTimeStampingCert(c: X509Certificate): boolean {
  const raw = extension(c, id_ce_extKeyUsage);
  return raw ? [...AsnConvert.parse(raw, ExtendedKeyUsage)].includes(id_kp_timeStamping) : false;
}
