// Certificate checks of the seal verifier: key usage, and a path from the signer to a pinned anchor (every link's
// signature verified, every issuer a CA, every certificate valid at the given time).
// TODO(issue 13 hardening): switch to the RFC 5280 path checker src/sign/index.ts is to export; src/sign/index.ts
// exports no path checker yet, and module rules forbid importing src/sign/certs.ts directly.
import type { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, id_ce_keyUsage, KeyUsage, KeyUsageFlags } from '@peculiar/asn1-x509';

export interface PathCheck {
  ok: boolean;
  reason?: string;
  path: X509Certificate[];
}

/** One-line subject (RFC 4514 order as node prints it, joined by commas). */
export function subjectLine(c: X509Certificate): string {
  return c.subject.split('\n').join(', ');
}

/** True when the certificate may sign content: keyUsage absent, or digitalSignature/nonRepudiation set. */
export function allowsSigning(c: X509Certificate): boolean {
  const ext = AsnConvert.parse(c.raw, Certificate).tbsCertificate.extensions?.find(
    (e) => e.extnID === id_ce_keyUsage,
  );
  if (!ext) return true;
  const flags = AsnConvert.parse(ext.extnValue.buffer, KeyUsage).toNumber();
  return (flags & (KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation)) !== 0;
}

function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * A path signer → … → pinned anchor (a pinned certificate equal to the signer is its own anchor), each
 * certificate valid at `at`. Nothing is trusted by default.
 */
export function checkPath(
  signer: X509Certificate,
  pool: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  at: Date,
): PathCheck {
  if (anchors.length === 0)
    return { ok: false, reason: 'no trust anchor is pinned: nothing is trusted', path: [] };
  const path = [signer];
  let current = signer;
  let anchored = false;
  for (let depth = 0; depth < 8 && !anchored; depth++) {
    if (anchors.some((a) => a.raw.equals(current.raw))) break;
    const anchor = anchors.find((a) => a.ca && issuedBy(current, a));
    const next =
      anchor ?? pool.find((c) => !path.some((p) => p.raw.equals(c.raw)) && c.ca && issuedBy(current, c));
    if (!next) break;
    path.push(next);
    current = next;
    anchored = anchor !== undefined;
  }
  anchored ||= anchors.some((a) => a.raw.equals(current.raw));
  if (!anchored)
    return { ok: false, reason: `${subjectLine(signer)} does not chain to a pinned trust anchor`, path };
  for (const c of path) {
    const from = new Date(c.validFrom);
    const to = new Date(c.validTo);
    if (at < from || at > to)
      return {
        ok: false,
        reason: `certificate ${subjectLine(c)} is not valid at ${at.toISOString()} (valid ${from.toISOString()} to ${to.toISOString()})`,
        path,
      };
  }
  return { ok: true, path };
}
