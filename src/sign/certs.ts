// Certificate checks for verification: key usage, and RFC 5280 path validation to a pinned trust anchor
// (name chaining, signatures, basicConstraints cA + pathLenConstraint, keyCertSign, validity at one time).
// Hand-written because pkijs' CertificateChainValidationEngine does not enforce pathLenConstraint.
import { X509Certificate } from 'node:crypto';
import { loadCertificates } from './keys.js';
import { basicConstraintsOf, extKeyUsageOf, keyUsageOf, namesDer, subjectName } from './x509.js';

export interface CertCheck {
  ok: boolean;
  reason?: string;
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
  const issue = leafIssues(c, { requiredKeyUsage: ['digitalSignature', 'nonRepudiation'] })[0];
  return issue ? { ok: false, reason: issue.message } : { ok: true };
}

/** Stable codes of {@link checkCertificatePath} findings. */
export type CertificatePathIssueCode =
  | 'NO_TRUST_ANCHOR'
  | 'NO_PATH'
  | 'NOT_A_CA'
  | 'PATH_LENGTH'
  | 'NO_KEY_CERT_SIGN'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'KEY_USAGE'
  | 'EXT_KEY_USAGE';

export interface CertificatePathIssue {
  code: CertificatePathIssueCode;
  message: string;
  /** Subject of the certificate concerned. */
  subject: string;
}

type CertInput = X509Certificate | Uint8Array | string;
type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyCertSign';

export interface CertificatePathOptions {
  /** Pinned anchors (PEM/DER or certificates). Nothing else is trusted; a pinned leaf is its own anchor. */
  trustAnchors: ReadonlyArray<CertInput>;
  /** Untrusted certificates that may complete the path. */
  intermediates?: ReadonlyArray<CertInput>;
  /** The time at which every certificate of the path must be valid. */
  at: Date;
  /** The leaf's keyUsage must allow one of these (a leaf without keyUsage extension is unrestricted). */
  requiredKeyUsage?: ReadonlyArray<KeyUsageName>;
  /** The leaf must carry this extended key usage OID (e.g. id-kp-timeStamping 1.3.6.1.5.5.7.3.8). */
  requiredExtKeyUsage?: string;
}

export interface CertificatePathResult {
  ok: boolean;
  issues: CertificatePathIssue[];
  /** The path checked, leaf first, anchor last (the best candidate when none is valid). */
  path: X509Certificate[];
}

const MAX_DEPTH = 8;

function certs(list: ReadonlyArray<CertInput> | undefined, what: string): X509Certificate[] {
  return (list ?? []).flatMap((c, i) =>
    c instanceof X509Certificate ? [c] : loadCertificates(c, `${what} #${i + 1}`),
  );
}

/** `issuer` names `child`'s issuer (binary DN comparison) and its key verifies `child`'s signature. */
function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  if (!namesDer(child).issuer.equals(namesDer(issuer).subject)) return false;
  try {
    return child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Every path leaf → … → anchor through `pool` (depth-first, no certificate twice), at most MAX_DEPTH long. */
function buildPaths(
  leaf: X509Certificate,
  pool: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
): X509Certificate[][] {
  const found: X509Certificate[][] = [];
  const walk = (path: X509Certificate[]): void => {
    const last = path[path.length - 1]!;
    if (anchors.some((a) => a.raw.equals(last.raw))) {
      found.push(path);
      return;
    }
    if (path.length >= MAX_DEPTH) return;
    for (const c of [...anchors, ...pool]) {
      if (path.some((p) => p.raw.equals(c.raw)) || !issuedBy(last, c)) continue;
      walk([...path, c]);
    }
  };
  walk([leaf]);
  return found;
}

function isSelfIssued(c: X509Certificate): boolean {
  const n = namesDer(c);
  return n.issuer.equals(n.subject);
}

/** RFC 5280 §6.1.4 (k), (l), (n) on each issuer of the path: cA, pathLenConstraint, keyCertSign. */
function issuerIssues(path: readonly X509Certificate[]): CertificatePathIssue[] {
  const issues: CertificatePathIssue[] = [];
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    const subject = subjectOf(c);
    const bc = basicConstraintsOf(c);
    if (!bc?.ca) {
      issues.push({ code: 'NOT_A_CA', subject, message: `${subject} is not a CA (basicConstraints cA)` });
      continue;
    }
    const below = path.slice(1, i).filter((x) => !isSelfIssued(x)).length;
    if (bc.pathLen !== undefined && below > bc.pathLen)
      issues.push({
        code: 'PATH_LENGTH',
        subject,
        message: `${subject} allows ${bc.pathLen} intermediate CA(s) below it (pathLenConstraint), the path has ${below}`,
      });
    const ku = keyUsageOf(c);
    if (ku && !ku.keyCertSign)
      issues.push({ code: 'NO_KEY_CERT_SIGN', subject, message: `${subject}'s keyUsage lacks keyCertSign` });
  }
  return issues;
}

function validityIssues(path: readonly X509Certificate[], at: Date): CertificatePathIssue[] {
  return path.flatMap((c): CertificatePathIssue[] => {
    const { notBefore, notAfter } = validity(c);
    if (at >= notBefore && at <= notAfter) return [];
    const subject = subjectOf(c);
    const span = `valid ${notBefore.toISOString()} to ${notAfter.toISOString()}`;
    return [
      {
        code: at < notBefore ? 'NOT_YET_VALID' : 'EXPIRED',
        subject,
        message: `certificate ${subject} is not valid at ${at.toISOString()} (${span})`,
      },
    ];
  });
}

function leafIssues(
  leaf: X509Certificate,
  opts: Pick<CertificatePathOptions, 'requiredKeyUsage' | 'requiredExtKeyUsage'>,
): CertificatePathIssue[] {
  const subject = subjectOf(leaf);
  const issues: CertificatePathIssue[] = [];
  const ku = keyUsageOf(leaf);
  const wanted = opts.requiredKeyUsage ?? [];
  if (ku && wanted.length && !wanted.some((k) => ku[k]))
    issues.push({
      code: 'KEY_USAGE',
      subject,
      message: `the certificate's keyUsage allows none of ${wanted.join(', ')} (${subject})`,
    });
  const eku = opts.requiredExtKeyUsage;
  if (eku && !extKeyUsageOf(leaf)?.includes(eku))
    issues.push({
      code: 'EXT_KEY_USAGE',
      subject,
      message: `the certificate (${subject}) lacks the extended key usage ${eku === '1.3.6.1.5.5.7.3.8' ? 'id-kp-timeStamping' : eku}`,
    });
  return issues;
}

/**
 * RFC 5280 path validation of `leaf` to one of the pinned trust anchors: names chain and every signature
 * verifies, every issuer is a CA (basicConstraints cA) whose keyUsage (if any) has keyCertSign and whose
 * pathLenConstraint holds, every certificate of the path is valid at `at`; optionally the leaf's key usage and
 * extended key usage. The first valid path wins; otherwise the issues of the first complete path are given.
 * Revocation is not checked (no CRL/OCSP fetching).
 * @example
 * const r = checkCertificatePath(signerCert, {
 *   trustAnchors: [readFileSync('ca.pem')],
 *   intermediates: keyInfoCerts,
 *   at: new Date(),
 *   requiredKeyUsage: ['digitalSignature', 'nonRepudiation'],
 * });
 * if (!r.ok) console.error(r.issues.map((i) => `${i.code}: ${i.message}`).join('\n'));
 */
export function checkCertificatePath(
  leaf: X509Certificate,
  options: CertificatePathOptions,
): CertificatePathResult {
  const anchors = certs(options.trustAnchors, 'trust anchor');
  const subject = subjectOf(leaf);
  const own = leafIssues(leaf, options);
  if (anchors.length === 0) {
    const message = 'no trust anchor is pinned: nothing is trusted by default';
    return { ok: false, issues: [{ code: 'NO_TRUST_ANCHOR', subject, message }, ...own], path: [leaf] };
  }
  const paths = buildPaths(leaf, certs(options.intermediates, 'intermediate'), anchors);
  if (paths.length === 0) {
    const message = `the certificate (${subject}) does not chain to a pinned trust anchor`;
    return { ok: false, issues: [{ code: 'NO_PATH', subject, message }, ...own], path: [leaf] };
  }
  const checked = paths.map((path) => ({
    path,
    issues: [...issuerIssues(path), ...validityIssues(path, options.at), ...own],
  }));
  const best = checked.find((c) => c.issues.length === 0) ?? checked[0]!;
  return { ok: best.issues.length === 0, ...best };
}
