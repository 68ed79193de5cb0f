// Certificate checks for verification: key usage, validity, and a path to a pinned trust anchor.
import type { X509Certificate } from 'node:crypto';
import { isCa, keyUsageOf, subjectName } from './x509.js';

export interface CertCheck {
  ok: boolean;
  reason?: string;
  path?: X509Certificate[];
}

export function validity(c: X509Certificate): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(c.validFrom), notAfter: new Date(c.validTo) };
}

/** One-line subject for messages. */
export function subjectOf(c: X509Certificate): string {
  return subjectName(c);
}

/** A signing certificate needs digitalSignature or nonRepudiation; without a keyUsage extension it is unrestricted. */
export function checkKeyUsage(c: X509Certificate): CertCheck {
  const ku = keyUsageOf(c);
  if (!ku) return { ok: true };
  if (ku.digitalSignature || ku.nonRepudiation) return { ok: true };
  return {
    ok: false,
    reason: `the signing certificate's keyUsage allows neither digitalSignature nor nonRepudiation (${subjectOf(c)})`,
  };
}

function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Find a path signer → … → pinned anchor, every link's signature verified, every issuer a CA, every
 * certificate valid at `at`. A pinned certificate equal to the signer is its own anchor. Nothing else is trusted.
 */
export function checkChain(
  signer: X509Certificate,
  pool: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  at: Date,
): CertCheck {
  if (anchors.length === 0)
    return { ok: false, reason: 'no trust anchor is pinned: nothing is trusted by default' };
  const path: X509Certificate[] = [signer];
  let current = signer;
  let anchored = false;
  for (let depth = 0; depth < 8 && !anchored; depth++) {
    if (anchors.some((a) => a.raw.equals(current.raw))) {
      anchored = true;
      break;
    }
    const anchor = anchors.find((a) => isCa(a) && issuedBy(current, a));
    if (anchor) {
      path.push(anchor);
      anchored = true;
      break;
    }
    const next = pool.find((c) => !path.some((p) => p.raw.equals(c.raw)) && isCa(c) && issuedBy(current, c));
    if (!next) break;
    path.push(next);
    current = next;
  }
  if (!anchored) {
    return {
      ok: false,
      reason: `the signing certificate (${subjectOf(signer)}) does not chain to a pinned trust anchor`,
      path,
    };
  }
  for (const c of path) {
    const { notBefore, notAfter } = validity(c);
    if (at < notBefore || at > notAfter) {
      return {
        ok: false,
        reason: `certificate ${subjectOf(c)} is not valid at ${at.toISOString()} (valid ${notBefore.toISOString()} to ${notAfter.toISOString()})`,
        path,
      };
    }
  }
  return { ok: true, path };
}
