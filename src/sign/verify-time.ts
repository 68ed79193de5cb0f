// Phases 4 and 5 of verification: time and certificates. The claimed SigningTime, the signature time-stamp
// (B-T: token, TSA identity and path), and the signer's certificate path at the right time: a verified
// time-stamp's genTime, else the verification time — a claimed SigningTime never moves that check back.
import type { X509Certificate } from 'node:crypto';
import { C14N_10, C14N_ALGORITHMS, NS_DS } from './algorithms.js';
import { canonicalizeElement } from './c14n.js';
import { checkCertificatePath, checkKeyUsage, subjectOf, validity } from './certs.js';
import type { SignatureLevel } from './sign.js';
import { checkTimestampToken } from './timestamp.js';
import { parseDateTime, type Verdict, type VerificationResult } from './verify-common.js';
import type { Located } from './verify-locate.js';
import { signedProperty } from './verify-value.js';
import { childElements, is, pathOf, textOf, walk } from './xml.js';

/** Clock skew tolerated between the signer's, the TSA's and the verifier's clocks. */
export const CLOCK_SKEW_MS = 5 * 60_000;
const ID_KP_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

/** What the certificate checks work with. */
export interface TrustContext {
  anchors: readonly X509Certificate[];
  /** KeyInfo certificates and the caller's intermediates. */
  pool: readonly X509Certificate[];
  /** The verification time (`at`, else `now`, else the clock). */
  validationTime: Date;
}

/**
 * SigningTime: present, not after the verification time, inside the signer's validity (a consistency check of
 * the claim only — the claim is not trusted as a time).
 * @example
 * const { signingTime, ok } = checkSigningTime(located, signer, new Date(), verdict);
 */
export function checkSigningTime(
  located: Located,
  signer: X509Certificate | undefined,
  validationTime: Date,
  v: Verdict,
): { signingTime?: Date; ok: boolean } {
  const stEl = signedProperty(located, 'SigningTime');
  const signingTime = stEl ? parseDateTime(textOf(stEl)) : null;
  if (!signingTime) {
    const msg = stEl ? `SigningTime "${textOf(stEl)}" is not an xs:dateTime` : 'no SigningTime';
    return { ok: v.fail('SIGNING_TIME_MISSING', msg) };
  }
  let ok = true;
  if (signingTime.getTime() > validationTime.getTime() + CLOCK_SKEW_MS)
    ok = v.fail('SIGNING_TIME_IN_FUTURE', `SigningTime ${signingTime.toISOString()} is in the future`);
  if (signer) {
    const { notBefore, notAfter } = validity(signer);
    if (signingTime < notBefore || signingTime > notAfter)
      ok = v.fail(
        'SIGNING_TIME_OUTSIDE_VALIDITY',
        `the signing certificate was not valid at SigningTime ${signingTime.toISOString()} (valid ${notBefore.toISOString()} to ${notAfter.toISOString()})`,
      );
  }
  return { signingTime, ok };
}

/** The TSA certificate: a trusted path at the verification time, id-kp-timeStamping, valid at genTime. */
function tsaIssue(
  tsa: X509Certificate,
  genTime: Date,
  trust: TrustContext,
  tokenCertificates: readonly X509Certificate[],
): string | undefined {
  const path = checkCertificatePath(tsa, {
    trustAnchors: trust.anchors,
    intermediates: [...tokenCertificates, ...trust.pool],
    at: trust.validationTime,
    requiredExtKeyUsage: ID_KP_TIME_STAMPING,
  });
  if (!path.ok) return `time-stamp authority not trusted: ${path.issues.map((i) => i.message).join('; ')}`;
  const { notBefore, notAfter } = validity(tsa);
  if (genTime < notBefore || genTime > notAfter)
    return `the TSA certificate (${subjectOf(tsa)}) was not valid at the time-stamp's genTime ${genTime.toISOString()}`;
  if (genTime.getTime() > trust.validationTime.getTime() + CLOCK_SKEW_MS)
    return `the time-stamp's genTime ${genTime.toISOString()} is in the future`;
  return undefined;
}

type TimestampOutcome = Pick<VerificationResult, 'timestamp'> & {
  ok?: boolean;
  time?: Date;
  level: SignatureLevel;
};

/**
 * The XAdES SignatureTimeStamp, if any: token over the canonical SignatureValue, TSA trusted, genTime not before
 * the SigningTime claim. `time` is set only when all of this holds.
 * @example
 * const ts = checkSignatureTimestamp(located, signingTime, trust, verdict);
 */
export function checkSignatureTimestamp(
  located: Located,
  signingTime: Date | undefined,
  trust: TrustContext,
  v: Verdict,
): TimestampOutcome {
  const xNs = located.targets.props!.el.namespaceUri;
  const qp = located.qualifyingProperties!;
  const usp = [...walk(qp)].find((e) => e.name === 'UnsignedSignatureProperties' && e.namespaceUri === xNs);
  const tsEl = usp ? childElements(usp).find((e) => e.name === 'SignatureTimeStamp') : undefined;
  if (!tsEl) return { level: 'B-B' };
  const enc = childElements(tsEl).find((e) => e.name === 'EncapsulatedTimeStamp');
  const cm =
    childElements(tsEl)
      .find((e) => is(e, NS_DS, 'CanonicalizationMethod'))
      ?.attr('Algorithm')?.value ?? C14N_10;
  if (!enc || !C14N_ALGORITHMS[cm]) {
    const msg = 'SignatureTimeStamp has no EncapsulatedTimeStamp or an unsupported canonicalisation';
    return { ok: v.fail('TIMESTAMP_INVALID', msg, pathOf(tsEl)), level: 'B-B' };
  }
  const token = Buffer.from(textOf(enc).replace(/\s+/g, ''), 'base64');
  const check = checkTimestampToken(token, canonicalizeElement(located.signatureValue, cm));
  const timestamp = {
    ...(check.genTime ? { genTime: check.genTime } : {}),
    ...(check.tsaCertificate ? { tsaSubject: subjectOf(check.tsaCertificate) } : {}),
  };
  const failed = (reason: string, where?: string): TimestampOutcome => ({
    timestamp,
    ok: v.fail('TIMESTAMP_INVALID', reason, where),
    level: 'B-B',
  });
  if (!check.ok) return failed(check.reason ?? 'invalid time-stamp', pathOf(tsEl));
  const issue = tsaIssue(check.tsaCertificate!, check.genTime!, trust, check.tokenCertificates ?? []);
  if (issue) return failed(issue);
  if (signingTime && signingTime.getTime() > check.genTime!.getTime() + CLOCK_SKEW_MS)
    return failed('SigningTime is later than the time-stamp');
  const lt = childElements(usp!).some((e) => e.name === 'RevocationValues');
  return { timestamp, ok: true, time: check.genTime!, level: lt ? 'B-LT' : 'B-T' };
}

/**
 * Key usage and RFC 5280 path of the signer at `at` (the verified time-stamp's time, else the verification time).
 * @example
 * const { keyUsage, chain } = checkSignerCertificate(signer, trust, at, verdict);
 */
export function checkSignerCertificate(
  signer: X509Certificate,
  trust: TrustContext,
  at: Date,
  v: Verdict,
): { keyUsage: boolean; chain: boolean } {
  const ku = checkKeyUsage(signer);
  const keyUsage = ku.ok || v.fail('KEY_USAGE', ku.reason!);
  const path = checkCertificatePath(signer, { trustAnchors: trust.anchors, intermediates: trust.pool, at });
  const reason = path.issues.map((i) =>
    i.code === 'NO_PATH' ? i.message.replace('the certificate', 'the signing certificate') : i.message,
  );
  const chain = path.ok || v.fail('CHAIN_UNTRUSTED', reason.join('; '));
  return { keyUsage, chain };
}
