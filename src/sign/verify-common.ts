// Types and small helpers shared by the phases of signature verification (verify-*.ts).
import { createHash, timingSafeEqual, type X509Certificate } from 'node:crypto';
import type { XmlElement } from 'libxml2-wasm';
import { DIGEST_BY_URI, NS_DS, type SignatureProfileName } from './algorithms.js';
import type { SignatureLevel } from './sign.js';
import { childElements, is, pathOf, textOf } from './xml.js';

/** Stable codes of verification failures. */
export type VerifyIssueCode =
  | 'MALFORMED_XML'
  | 'STRUCTURE'
  | 'WRAPPING_EXTRA_SIGNATURE'
  | 'WRAPPING_DUPLICATE_ID'
  | 'WRAPPING_EXTRA_REFERENCE'
  | 'WRAPPING_REFERENCE_TARGET'
  | 'WRAPPING_DUPLICATE_ELEMENT'
  | 'UNSUPPORTED_ALGORITHM'
  | 'SIGNATURE_VALUE_INVALID'
  | 'REFERENCE_DIGEST_MISMATCH'
  | 'MANIFEST_DIGEST_MISMATCH'
  | 'MANIFEST_UNRESOLVED'
  | 'DOCUMENT_UNMATCHED'
  | 'DOCUMENT_MISMATCH'
  | 'SIGNING_CERTIFICATE_MISSING'
  | 'SIGNING_CERTIFICATE_MISMATCH'
  | 'SIGNING_TIME_MISSING'
  | 'SIGNING_TIME_OUTSIDE_VALIDITY'
  | 'SIGNING_TIME_IN_FUTURE'
  | 'KEY_USAGE'
  | 'CHAIN_UNTRUSTED'
  | 'TIMESTAMP_INVALID';

/** One reason a signature is invalid. */
export interface VerifyIssue {
  code: VerifyIssueCode;
  message: string;
  /** Element path in the signature, the reference URI, or the document key given by the caller. */
  where?: string;
}

/** Outcome of one manifest reference. */
export interface ManifestReferenceResult {
  uri: string;
  /** `ok` digest matches; `placeholder` the submission-set reference (`AA==`) named by the caller; otherwise failed. */
  status: 'ok' | 'placeholder' | 'mismatch' | 'unresolved' | 'error';
  digestAlgorithm: string;
  transform: string | null;
  expected: string;
  actual?: string;
  message?: string;
}

/** Structured verdict of `verifySignature`. */
/** The signer's certificate as a verdict shows it (XAdES and PAdES alike). */
export interface SignerSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
}

export interface VerificationResult {
  /** True only when every check passed. */
  valid: boolean;
  issues: VerifyIssue[];
  /** Each check: true passed, false failed, undefined not reached (an earlier failure stopped it). */
  checks: {
    structure: boolean;
    signatureValue?: boolean;
    /** Digests of the SignedInfo references (Manifest element, SignedProperties, enveloped Object). */
    signedInfoReferences?: boolean;
    /** Every manifest reference against its document, and every document given matched. */
    manifest?: boolean;
    signingCertificate?: boolean;
    signingTime?: boolean;
    keyUsage?: boolean;
    chain?: boolean;
    timestamp?: boolean;
  };
  profile?: SignatureProfileName;
  packaging?: 'detached' | 'enveloping';
  level?: SignatureLevel;
  signatureId?: string;
  signingTime?: Date;
  /** The time the signer's certificate path was checked at: a verified time-stamp's, else the verification time. */
  validationTime?: Date;
  /** ASTM E1762 purpose (CommitmentTypeIndication, or the DMP clients' SignatureProperty — unsigned in that form). */
  purpose?: string;
  signer?: SignerSummary;
  manifest: ManifestReferenceResult[];
  /** Enveloping signatures: the signed document's bytes. */
  envelopedDocument?: Buffer;
  timestamp?: { genTime?: Date; tsaSubject?: string };
}

/** Bytes of a referenced document by URI (`urn:oid:…`). */
export type DocumentResolver = (uri: string) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

/** Options of `verifySignature`. */
export interface VerifyOptions {
  /**
   * Documents of the manifest, keyed by URI (`urn:oid:1.2.3`) or bare OID. Each one must be matched: to a
   * manifest reference (detached), or to the enveloped document (enveloping); an unmatched one makes the verdict
   * invalid (DOCUMENT_UNMATCHED / DOCUMENT_MISMATCH).
   */
  documents?: Map<string, Uint8Array> | Record<string, Uint8Array>;
  /** Alternative/extra source of documents. */
  resolver?: DocumentResolver;
  /** Pinned trust anchors (PEM/DER or certificates). Nothing is trusted by default; a pinned self-signed signer is its own anchor. */
  trustAnchors: ReadonlyArray<X509Certificate | Uint8Array | string>;
  /** Extra intermediate certificates to build the path (KeyInfo certificates are used too). */
  intermediates?: ReadonlyArray<X509Certificate>;
  /** uniqueId of the submission set whose manifest reference carries the placeholder digest. */
  submissionSetId?: string;
  /**
   * The verification time, chosen explicitly (wins over `now`). Without a verified time-stamp, every certificate
   * must be valid then; a verified time-stamp moves the signer's check back to its genTime, nothing else does.
   */
  at?: Date;
  /** "Now": the verification time when `at` is not given (default: the clock). SigningTime after it is refused. */
  now?: Date;
}

/** Collects the issues; every phase reports into one. */
export class Verdict {
  readonly issues: VerifyIssue[] = [];
  /** `where` may be a function: element paths are only computed for failures. */
  fail(code: VerifyIssueCode, message: string, where?: string | (() => string)): false {
    const w = typeof where === 'function' ? where() : where;
    this.issues.push(w ? { code, message, where: w } : { code, message });
    return false;
  }
}

/** A ds:Reference as written. */
export interface ParsedReference {
  el: XmlElement;
  uri: string | null;
  type: string | null;
  transforms: string[];
  digestUri: string;
  digestValue: string;
}

export function digestB64(hash: string, data: Uint8Array): string {
  return createHash(hash).update(data).digest('base64');
}

/** Constant-time comparison of two base64 digests (an empty one never matches). */
export function sameB64(a: string, b: string): boolean {
  const x = Buffer.from(a, 'base64');
  const y = Buffer.from(b, 'base64');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Node hash name of a digest URI, or a failure. */
export function hashOf(uri: string, v: Verdict, where: string | (() => string)): string | null {
  const h = DIGEST_BY_URI[uri];
  if (!h) v.fail('UNSUPPORTED_ALGORITHM', `unsupported digest algorithm ${uri}`, where);
  return h ?? null;
}

/** xs:dateTime (no zone = UTC), or null. */
export function parseDateTime(s: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})?$/.exec(s);
  if (!m) return null;
  const d = new Date(`${m[1]}${m[2] ?? 'Z'}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** [Transforms], DigestMethod, DigestValue of a ds:Reference; only parameterless transforms. */
export function parseReference(el: XmlElement, v: Verdict): ParsedReference | null {
  const kids = childElements(el);
  let i = 0;
  const transforms: string[] = [];
  if (is(kids[i], NS_DS, 'Transforms')) {
    for (const t of childElements(kids[i]!)) {
      if (!is(t, NS_DS, 'Transform') || childElements(t).length > 0) {
        const msg = 'only parameterless canonicalisation/base64 transforms are accepted';
        v.fail('UNSUPPORTED_ALGORITHM', msg, pathOf(t));
        return null;
      }
      transforms.push(t.attr('Algorithm')?.value ?? '');
    }
    i++;
  }
  const dm = kids[i];
  const dv = kids[i + 1];
  if (!is(dm, NS_DS, 'DigestMethod') || !is(dv, NS_DS, 'DigestValue') || kids.length !== i + 2) {
    v.fail('STRUCTURE', 'a ds:Reference must hold [Transforms], DigestMethod, DigestValue', pathOf(el));
    return null;
  }
  return {
    el,
    uri: el.attr('URI')?.value ?? null,
    type: el.attr('Type')?.value ?? null,
    transforms,
    digestUri: dm.attr('Algorithm')?.value ?? '',
    digestValue: textOf(dv).replace(/\s+/g, ''),
  };
}
