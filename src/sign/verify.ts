// Verification of XAdES signatures in the IHE DSG shape. Strict by design: one ds:Signature as root,
// unique Ids, SignedInfo references only to the Manifest / SignedProperties / enveloped Object inside
// this signature, canonicalisation transforms only. Anything else is reported as a wrapping attempt.
// The phases live in verify-*.ts: locate → references and manifest → SignedInfo and value → time-stamp →
// certificate path → verdict (this file).
import { X509Certificate } from 'node:crypto';
import type { XmlDocument } from 'libxml2-wasm';
import { XmlParseError } from '../common/errors.js';
import { parseXml } from '../common/xml.js';
import { loadLibxml2, parseForC14n } from './c14n.js';
import { SignatureError } from './errors.js';
import { loadCertificates } from './keys.js';
import { Verdict, type VerificationResult, type VerifyOptions } from './verify-common.js';
import { locateSignature } from './verify-locate.js';
import {
  checkDocumentsMatched,
  checkManifest,
  checkSignedInfoReferences,
  DocumentSource,
} from './verify-references.js';
import {
  checkSignatureTimestamp,
  checkSignerCertificate,
  checkSigningTime,
  type TrustContext,
} from './verify-time.js';
import {
  checkSignatureValue,
  describeSigner,
  findSigner,
  keyInfoCertificates,
  profileOf,
  purposeOf,
} from './verify-value.js';

export type {
  DocumentResolver,
  ManifestReferenceResult,
  SignerSummary,
  VerificationResult,
  VerifyIssue,
  VerifyIssueCode,
  VerifyOptions,
} from './verify-common.js';

function anchorsOf(list: VerifyOptions['trustAnchors']): X509Certificate[] {
  return list.flatMap((a, i) =>
    a instanceof X509Certificate ? [a] : loadCertificates(a, `trust anchor #${i + 1}`),
  );
}

/** Refuse a DTD/entity or malformed XML before anything; the document tree for C14N otherwise. */
function parseSignature(bytes: Uint8Array, v: Verdict): XmlDocument | null {
  try {
    parseXml(bytes, { maxBytes: 256 * 1024 * 1024 }); // gate: no DTD, no entity, well-formed
    return parseForC14n(bytes, undefined, 256 * 1024 * 1024);
  } catch (e) {
    v.fail('MALFORMED_XML', e instanceof XmlParseError ? e.message : (e as Error).message);
    return null;
  }
}

/**
 * Verify a XAdES signature made by {@link signDocument} / {@link signSubmissionSet} (or a DMP client):
 * core validity, every manifest reference against the documents given (and every document given matched),
 * SigningCertificate against the KeyInfo certificate, signing time, time-stamp (TSA identity and path), key
 * usage, and an RFC 5280 path to pinned anchors — at the verification time (`at`, else `now`, else the clock),
 * or at a verified time-stamp's time; a claimed SigningTime never moves that check back.
 * @example
 * const verdict = await verifySignature(sigBytes, {
 *   documents: new Map([[`urn:oid:${docId}`, cdaBytes]]),
 *   trustAnchors: [readFileSync('ca.pem')],
 * });
 * if (!verdict.valid) console.error(verdict.issues.map((i) => `${i.code}: ${i.message}`).join('\n'));
 */
export async function verifySignature(
  signature: Uint8Array | string,
  options: VerifyOptions,
): Promise<VerificationResult> {
  await loadLibxml2();
  if (!options || !Array.isArray(options.trustAnchors)) {
    throw new SignatureError(
      'VERIFY_INVALID_OPTION',
      'trustAnchors is required (an empty list trusts nothing)',
    );
  }
  const anchors = anchorsOf(options.trustAnchors);
  const v = new Verdict();
  const result: VerificationResult = {
    valid: false,
    issues: v.issues,
    checks: { structure: false },
    manifest: [],
  };
  const doc = parseSignature(typeof signature === 'string' ? Buffer.from(signature, 'utf8') : signature, v);
  if (!doc) return result;
  try {
    await verifyParsed(doc, options, anchors, v, result);
  } finally {
    doc.dispose();
  }
  result.valid = v.issues.length === 0;
  return result;
}

async function verifyParsed(
  doc: XmlDocument,
  options: VerifyOptions,
  anchors: X509Certificate[],
  v: Verdict,
  result: VerificationResult,
): Promise<void> {
  const root = doc.root;
  const signatureId = root.attr('Id')?.value;
  if (signatureId !== undefined) result.signatureId = signatureId;
  const { located, packaging } = locateSignature(root, v);
  if (packaging) result.packaging = packaging;
  result.checks.structure = located !== null;
  if (!located) return;

  const refs = checkSignedInfoReferences(located.targets, v);
  result.checks.signedInfoReferences = refs.ok;
  if (refs.envelopedDocument) result.envelopedDocument = refs.envelopedDocument;
  result.profile = profileOf(located);
  const keyInfoCerts = keyInfoCertificates(located.keyInfo, v);
  const purpose = purposeOf(located);
  if (purpose !== undefined) result.purpose = purpose;
  const { signer, ok: signerOk } = findSigner(located, keyInfoCerts, v);
  result.checks.signingCertificate = signerOk;
  const certForCore = signer ?? keyInfoCerts[0];
  if (certForCore) {
    result.signer = describeSigner(certForCore);
    const ok = checkSignatureValue(located, certForCore, v);
    if (ok !== undefined) result.checks.signatureValue = ok;
  } else {
    result.checks.signatureValue = v.fail(
      'SIGNING_CERTIFICATE_MISSING',
      'no certificate to check the SignatureValue with',
    );
  }

  const source = new DocumentSource(options);
  if (located.targets.manifest) {
    result.manifest = await checkManifest(located.targets.manifest.el, source, options, v);
    result.checks.manifest = result.manifest.every((r) => r.status === 'ok' || r.status === 'placeholder');
  }
  const matched = checkDocumentsMatched(source, refs.envelopedDocument, v);
  if (!matched || result.checks.manifest !== undefined)
    result.checks.manifest = (result.checks.manifest ?? true) && matched;

  const validationTime = options.at ?? options.now ?? new Date();
  const trust: TrustContext = {
    anchors,
    pool: [...keyInfoCerts, ...(options.intermediates ?? [])],
    validationTime,
  };
  const st = checkSigningTime(located, signer, validationTime, v);
  result.checks.signingTime = st.ok;
  if (st.signingTime) result.signingTime = st.signingTime;
  const ts = checkSignatureTimestamp(located, st.signingTime, trust, v);
  result.level = ts.level;
  if (ts.timestamp) result.timestamp = ts.timestamp;
  if (ts.ok !== undefined) result.checks.timestamp = ts.ok;
  if (!signer) return;
  // Only a verified time-stamp moves the check back (never forward past the verification time).
  const at = ts.time && ts.time < validationTime ? ts.time : validationTime;
  result.validationTime = at;
  const certs = checkSignerCertificate(signer, trust, at, v);
  result.checks.keyUsage = certs.keyUsage;
  result.checks.chain = certs.chain;
}
