// Verification of XAdES signatures in the IHE DSG shape. Strict by design: one ds:Signature as root,
// unique Ids, SignedInfo references only to the Manifest / SignedProperties / enveloped Object inside
// this signature, canonicalisation transforms only. Anything else is reported as a wrapping attempt.
import { createHash, verify as nodeVerify, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { XmlDocument, XmlElement } from 'libxml2-wasm';
import { XmlParseError } from '../common/errors.js';
import { parseXml } from '../common/xml.js';
import {
  C14N_10,
  C14N_ALGORITHMS,
  DIGEST_BY_URI,
  NS_DS,
  NS_XADES_111,
  NS_XADES_132,
  NS_XADES_141,
  SIGNATURE_BY_URI,
  type SignatureProfileName,
  SUBMISSION_SET_PLACEHOLDER_DIGEST,
  TRANSFORM_BASE64,
  TYPE_MANIFEST,
  TYPE_OBJECT,
  TYPE_SIGNED_PROPERTIES,
  TYPE_SIGNED_PROPERTIES_111,
} from './algorithms.js';
import { canonicalizeDocument, canonicalizeElement, loadLibxml2, parseForC14n } from './c14n.js';
import { checkChain, checkKeyUsage, subjectOf, validity } from './certs.js';
import { SignatureError } from './errors.js';
import { loadCertificates } from './keys.js';
import type { SignatureLevel } from './sign.js';
import { checkTimestampToken } from './timestamp.js';
import { issuerName, isTimeStampingCert } from './x509.js';
import { childElements, is, NCNAME, pathOf, textOf, walk } from './xml.js';

const XADES_NS = new Set([NS_XADES_111, NS_XADES_132, NS_XADES_141]);

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
  /** Element path in the signature, or the reference URI. */
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

/** Structured verdict of {@link verifySignature}. */
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
    /** Every manifest reference against its document. */
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
  /** ASTM E1762 purpose (CommitmentTypeIndication, or the DMP clients' SignatureProperty — unsigned in that form). */
  purpose?: string;
  signer?: {
    subject: string;
    issuer: string;
    serialNumber: string;
    notBefore: Date;
    notAfter: Date;
    fingerprint256: string;
  };
  manifest: ManifestReferenceResult[];
  /** Enveloping signatures: the signed document's bytes. */
  envelopedDocument?: Buffer;
  timestamp?: { genTime?: Date; tsaSubject?: string };
}

/** Bytes of a referenced document by URI (`urn:oid:…`). */
export type DocumentResolver = (uri: string) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

/** Options of {@link verifySignature}. */
export interface VerifyOptions {
  /** Documents of the manifest, keyed by URI (`urn:oid:1.2.3`) or bare OID. */
  documents?: Map<string, Uint8Array> | Record<string, Uint8Array>;
  /** Alternative/extra source of documents. */
  resolver?: DocumentResolver;
  /** Pinned trust anchors (PEM/DER or certificates). Nothing is trusted by default; a pinned self-signed signer is its own anchor. */
  trustAnchors: ReadonlyArray<X509Certificate | Uint8Array | string>;
  /** Extra intermediate certificates to build the path (KeyInfo certificates are used too). */
  intermediates?: ReadonlyArray<X509Certificate>;
  /** uniqueId of the submission set whose manifest reference carries the placeholder digest. */
  submissionSetId?: string;
  /** Time at which the chain must be valid (default: the time-stamp's time, else the claimed signing time). */
  at?: Date;
  /** "Now", to refuse signing times in the future (default: the clock; 5 minutes' tolerance). */
  now?: Date;
}

class Verdict {
  readonly issues: VerifyIssue[] = [];
  /** `where` may be a function: element paths are only computed for failures. */
  fail(code: VerifyIssueCode, message: string, where?: string | (() => string)): false {
    const w = typeof where === 'function' ? where() : where;
    this.issues.push(w ? { code, message, where: w } : { code, message });
    return false;
  }
}

function digestB64(hash: string, data: Uint8Array): string {
  return createHash(hash).update(data).digest('base64');
}

function sameB64(a: string, b: string): boolean {
  const x = Buffer.from(a, 'base64');
  const y = Buffer.from(b, 'base64');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function anchorsOf(list: VerifyOptions['trustAnchors']): X509Certificate[] {
  return list.flatMap((a, i) =>
    a instanceof X509Certificate ? [a] : loadCertificates(a, `trust anchor #${i + 1}`),
  );
}

interface ParsedReference {
  el: XmlElement;
  uri: string | null;
  type: string | null;
  transforms: string[];
  digestUri: string;
  digestValue: string;
}

function parseReference(el: XmlElement, v: Verdict): ParsedReference | null {
  const kids = childElements(el);
  let i = 0;
  const transforms: string[] = [];
  if (is(kids[i], NS_DS, 'Transforms')) {
    for (const t of childElements(kids[i]!)) {
      if (!is(t, NS_DS, 'Transform') || childElements(t).length > 0) {
        v.fail(
          'UNSUPPORTED_ALGORITHM',
          'only parameterless canonicalisation/base64 transforms are accepted',
          pathOf(t),
        );
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

function hashOf(uri: string, v: Verdict, where: string | (() => string)): string | null {
  const h = DIGEST_BY_URI[uri];
  if (!h) v.fail('UNSUPPORTED_ALGORITHM', `unsupported digest algorithm ${uri}`, where);
  return h ?? null;
}

function parseDateTime(s: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})?$/.exec(s);
  if (!m) return null;
  const d = new Date(`${m[1]}${m[2] ?? 'Z'}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Verify a XAdES signature made by {@link signDocument} / {@link signSubmissionSet} (or a DMP client):
 * core validity, every manifest reference against the documents given, SigningCertificate against the
 * KeyInfo certificate, signing time within its validity, key usage, and a chain to pinned anchors.
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
  const bytes = typeof signature === 'string' ? Buffer.from(signature, 'utf8') : signature;
  try {
    parseXml(bytes, { maxBytes: 256 * 1024 * 1024 }); // gate: no DTD, no entity, well-formed
  } catch (e) {
    v.fail('MALFORMED_XML', e instanceof XmlParseError ? e.message : String(e));
    return result;
  }
  let doc: XmlDocument;
  try {
    doc = parseForC14n(bytes);
  } catch (e) {
    v.fail('MALFORMED_XML', (e as Error).message);
    return result;
  }
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
  if (!is(root, NS_DS, 'Signature')) {
    v.fail(
      'STRUCTURE',
      `the root element must be ds:Signature, found ${(root as XmlElement).name}`,
      pathOf(root as XmlElement),
    );
    return;
  }
  // --- whole-document census: one Signature, unique Ids, one Manifest/SignedProperties at most
  const ids = new Map<string, XmlElement>();
  let signatures = 0;
  let manifests = 0;
  let signedProps = 0;
  for (const el of walk(root)) {
    if (is(el, NS_DS, 'Signature')) signatures++;
    if (is(el, NS_DS, 'Manifest')) manifests++;
    if (XADES_NS.has(el.namespaceUri) && el.name === 'SignedProperties') signedProps++;
    for (const a of el.attrs) {
      if (a.namespaceUri || !['Id', 'ID', 'id'].includes(a.name)) continue;
      if (ids.has(a.value)) {
        v.fail('WRAPPING_DUPLICATE_ID', `Id "${a.value}" appears more than once`, pathOf(el));
      } else ids.set(a.value, el);
    }
  }
  if (signatures > 1)
    v.fail('WRAPPING_EXTRA_SIGNATURE', `${signatures} ds:Signature elements: exactly one is allowed`);
  if (manifests > 1)
    v.fail('WRAPPING_DUPLICATE_ELEMENT', `${manifests} ds:Manifest elements: at most one is allowed`);
  if (signedProps !== 1)
    v.fail(
      'WRAPPING_DUPLICATE_ELEMENT',
      `${signedProps} xades:SignedProperties elements: exactly one is required`,
    );

  const sigId = root.attr('Id')?.value;
  if (sigId !== undefined) result.signatureId = sigId;
  const kids = childElements(root);
  const [signedInfo, signatureValueEl, ...rest] = kids;
  if (!is(signedInfo, NS_DS, 'SignedInfo') || !is(signatureValueEl, NS_DS, 'SignatureValue')) {
    v.fail('STRUCTURE', 'ds:Signature must start with SignedInfo then SignatureValue', pathOf(root));
    return;
  }
  const keyInfo = is(rest[0], NS_DS, 'KeyInfo') ? rest.shift() : undefined;
  const objects = rest;
  for (const o of objects)
    if (!is(o, NS_DS, 'Object'))
      v.fail('STRUCTURE', `unexpected ${(o as XmlElement).name} in ds:Signature`, pathOf(o as XmlElement));

  // --- SignedInfo
  const siKids = childElements(signedInfo);
  const c14nEl = siKids[0];
  const sigMethodEl = siKids[1];
  if (
    !is(c14nEl, NS_DS, 'CanonicalizationMethod') ||
    !is(sigMethodEl, NS_DS, 'SignatureMethod') ||
    siKids.length < 3
  ) {
    v.fail(
      'STRUCTURE',
      'SignedInfo must hold CanonicalizationMethod, SignatureMethod and References',
      pathOf(signedInfo),
    );
    return;
  }
  const c14nAlg = c14nEl.attr('Algorithm')?.value ?? '';
  if (!C14N_ALGORITHMS[c14nAlg])
    v.fail('UNSUPPORTED_ALGORITHM', `unsupported CanonicalizationMethod ${c14nAlg}`, pathOf(c14nEl));
  if (childElements(c14nEl).length)
    v.fail('UNSUPPORTED_ALGORITHM', 'CanonicalizationMethod parameters are not accepted', pathOf(c14nEl));
  const sigAlgUri = sigMethodEl.attr('Algorithm')?.value ?? '';
  const sigAlg = SIGNATURE_BY_URI[sigAlgUri];
  if (!sigAlg)
    v.fail('UNSUPPORTED_ALGORITHM', `unsupported SignatureMethod ${sigAlgUri}`, pathOf(sigMethodEl));

  const refs: ParsedReference[] = [];
  for (const r of siKids.slice(2)) {
    if (!is(r, NS_DS, 'Reference')) {
      v.fail('STRUCTURE', `unexpected ${(r as XmlElement).name} in SignedInfo`, pathOf(r as XmlElement));
      continue;
    }
    const p = parseReference(r, v);
    if (p) refs.push(p);
  }

  // --- classify each SignedInfo reference by what it points at; anything else is refused
  type Kind = 'manifest' | 'props' | 'object';
  const targets: Record<Kind, { ref: ParsedReference; el: XmlElement } | undefined> = {
    manifest: undefined,
    props: undefined,
    object: undefined,
  };
  let qualifyingProperties: XmlElement | undefined;
  for (const ref of refs) {
    const where = () => pathOf(ref.el);
    const m = ref.uri ? /^#(.+)$/.exec(ref.uri) : null;
    if (!m || !NCNAME.test(m[1]!)) {
      v.fail(
        'WRAPPING_REFERENCE_TARGET',
        `SignedInfo reference URI "${ref.uri ?? ''}" does not name an element of this signature`,
        where,
      );
      continue;
    }
    const target = ids.get(m[1]!);
    if (!target) {
      v.fail('WRAPPING_REFERENCE_TARGET', `no element has Id "${m[1]}"`, where);
      continue;
    }
    const parent = target.parent;
    const grand = parent?.parent;
    let kind: Kind | undefined;
    if (is(target, NS_DS, 'Manifest') && is(parent, NS_DS, 'Object') && parent.parent?.isSameNode(root))
      kind = 'manifest';
    else if (
      XADES_NS.has(target.namespaceUri) &&
      target.name === 'SignedProperties' &&
      parent?.name === 'QualifyingProperties' &&
      parent.namespaceUri === target.namespaceUri &&
      is(grand, NS_DS, 'Object') &&
      grand.parent?.isSameNode(root)
    ) {
      kind = 'props';
      qualifyingProperties = parent;
    } else if (is(target, NS_DS, 'Object') && parent?.isSameNode(root)) kind = 'object';
    if (!kind) {
      v.fail(
        'WRAPPING_REFERENCE_TARGET',
        `reference ${ref.uri} points at ${pathOf(target)}, which is not a Manifest, SignedProperties or Object of this signature`,
        where,
      );
      continue;
    }
    const okTypes: Record<Kind, string[]> = {
      manifest: [TYPE_MANIFEST],
      props: [TYPE_SIGNED_PROPERTIES, TYPE_SIGNED_PROPERTIES_111],
      object: [TYPE_OBJECT],
    };
    if (ref.type !== null && !okTypes[kind].includes(ref.type)) {
      v.fail(
        'WRAPPING_REFERENCE_TARGET',
        `reference ${ref.uri} has Type ${ref.type} but points at a ${kind}`,
        where,
      );
      continue;
    }
    if (targets[kind]) {
      v.fail('WRAPPING_EXTRA_REFERENCE', `a second SignedInfo reference to a ${kind} (${ref.uri})`, where);
      continue;
    }
    targets[kind] = { ref, el: target };
  }
  if (!targets.props) v.fail('STRUCTURE', 'SignedInfo does not reference xades:SignedProperties');
  if (!targets.manifest === !targets.object) {
    v.fail(
      'STRUCTURE',
      'SignedInfo must reference exactly one ds:Manifest (detached) or one ds:Object (enveloping)',
    );
  }
  if (manifests === 1 && !targets.manifest)
    v.fail('WRAPPING_DUPLICATE_ELEMENT', 'the ds:Manifest is not the one SignedInfo references');
  if (sigId === undefined) {
    v.fail(
      'STRUCTURE',
      'ds:Signature has no Id: XAdES QualifyingProperties/@Target must name it',
      pathOf(root),
    );
  } else if (qualifyingProperties && qualifyingProperties.attr('Target')?.value !== `#${sigId}`) {
    v.fail('STRUCTURE', `QualifyingProperties/@Target must be "#${sigId}"`, pathOf(qualifyingProperties));
  }
  result.checks.structure = v.issues.length === 0;
  result.packaging = targets.object ? 'enveloping' : 'detached';
  if (!result.checks.structure) return;

  // --- SignedInfo reference digests
  let refsOk = true;
  for (const kind of ['manifest', 'props', 'object'] as const) {
    const t = targets[kind];
    if (!t) continue;
    const where = () => pathOf(t.ref.el);
    const hash = hashOf(t.ref.digestUri, v, where);
    if (!hash) {
      refsOk = false;
      continue;
    }
    let data: Buffer;
    if (kind === 'object') {
      if (t.ref.transforms.length !== 1 || t.ref.transforms[0] !== TRANSFORM_BASE64) {
        refsOk = v.fail(
          'UNSUPPORTED_ALGORITHM',
          'the enveloped object reference must use exactly the base64 transform',
          where,
        );
        continue;
      }
      const text = t.el.content.replace(/\s+/g, '');
      if (!B64.test(text) || childElements(t.el).length) {
        refsOk = v.fail('STRUCTURE', 'the enveloped object must hold base64 text only', pathOf(t.el));
        continue;
      }
      data = Buffer.from(text, 'base64');
      result.envelopedDocument = data;
    } else {
      if (
        t.ref.transforms.length > 1 ||
        (t.ref.transforms[0] !== undefined && !C14N_ALGORITHMS[t.ref.transforms[0]])
      ) {
        refsOk = v.fail(
          'UNSUPPORTED_ALGORITHM',
          `only one canonicalisation transform is accepted (${t.ref.transforms.join(', ')})`,
          where,
        );
        continue;
      }
      // A barename URI selects the element without comments; the default transform is C14N 1.0.
      data = canonicalizeElement(t.el, t.ref.transforms[0] ?? C14N_10, true);
    }
    if (!sameB64(digestB64(hash, data), t.ref.digestValue)) {
      const what =
        kind === 'manifest'
          ? 'ds:Manifest'
          : kind === 'props'
            ? 'xades:SignedProperties'
            : 'enveloped ds:Object';
      refsOk = v.fail(
        'REFERENCE_DIGEST_MISMATCH',
        `the ${what} was modified after signing (digest mismatch)`,
        where,
      );
    }
  }
  result.checks.signedInfoReferences = refsOk;

  // --- KeyInfo certificates and the SignedProperties
  const xNs = targets.props!.el.namespaceUri;
  result.profile = xNs === NS_XADES_111 ? 'dmp-legacy' : 'dsg';
  const keyInfoCerts: X509Certificate[] = [];
  if (keyInfo) {
    for (const el of walk(keyInfo)) {
      if (!is(el, NS_DS, 'X509Certificate')) continue;
      try {
        keyInfoCerts.push(new X509Certificate(Buffer.from(textOf(el).replace(/\s+/g, ''), 'base64')));
      } catch {
        v.fail('STRUCTURE', 'unreadable X509Certificate in KeyInfo', pathOf(el));
      }
    }
  }
  const ssp = childElements(targets.props!.el).find(
    (e) => e.name === 'SignedSignatureProperties' && e.namespaceUri === xNs,
  );
  const sspKids = ssp ? childElements(ssp) : [];
  const find = (name: string) => sspKids.find((e) => e.name === name && e.namespaceUri === xNs);
  const sdop = childElements(targets.props!.el).find((e) => e.name === 'SignedDataObjectProperties');
  const commitment = sdop
    ? [...walk(sdop)].find((e) => e.name === 'Identifier' && e.parent?.name === 'CommitmentTypeId')
    : undefined;
  if (commitment) result.purpose = textOf(commitment).replace(/^urn:oid:/, '');
  else {
    const prop = [...walk(root)].find(
      (e) => is(e, NS_DS, 'SignatureProperty') && e.attr('Id')?.value === 'purposeOfSignature',
    );
    if (prop) result.purpose = textOf(prop);
  }

  // SigningCertificate (v1 or V2): the certificate it digests must be in KeyInfo; it is the signer.
  let signer: X509Certificate | undefined;
  const sc = find('SigningCertificateV2') ?? find('SigningCertificate');
  const certEl = sc ? childElements(sc).find((e) => e.name === 'Cert') : undefined;
  const certDigest = certEl ? childElements(certEl).find((e) => e.name === 'CertDigest') : undefined;
  if (!certDigest) {
    result.checks.signingCertificate = v.fail(
      'SIGNING_CERTIFICATE_MISSING',
      'SignedProperties carry no SigningCertificate',
    );
  } else if (keyInfoCerts.length === 0) {
    result.checks.signingCertificate = v.fail(
      'SIGNING_CERTIFICATE_MISSING',
      'KeyInfo carries no X509Certificate',
    );
  } else {
    const [dm, dv] = childElements(certDigest);
    const hash = hashOf(dm?.attr('Algorithm')?.value ?? '', v, () => pathOf(certDigest));
    const value = textOf(dv).replace(/\s+/g, '');
    signer = hash ? keyInfoCerts.find((c) => sameB64(digestB64(hash, c.raw), value)) : undefined;
    if (!signer) {
      result.checks.signingCertificate = v.fail(
        'SIGNING_CERTIFICATE_MISMATCH',
        'the SigningCertificate digest matches no certificate of KeyInfo',
        pathOf(certDigest),
      );
    } else {
      result.checks.signingCertificate = true;
      const serialEl = [...walk(certEl!)].find((e) => is(e, NS_DS, 'X509SerialNumber'));
      if (serialEl) {
        let claimed: bigint | null = null;
        try {
          claimed = BigInt(textOf(serialEl));
        } catch {
          claimed = null;
        }
        if (claimed !== BigInt(`0x${signer.serialNumber}`)) {
          result.checks.signingCertificate = v.fail(
            'SIGNING_CERTIFICATE_MISMATCH',
            'IssuerSerial/X509SerialNumber is not the serial number of the signing certificate',
            pathOf(serialEl),
          );
        }
      }
    }
  }
  const certForCore = signer ?? keyInfoCerts[0];
  if (certForCore) {
    const { notBefore, notAfter } = validity(certForCore);
    result.signer = {
      subject: subjectOf(certForCore),
      issuer: issuerName(certForCore),
      serialNumber: certForCore.serialNumber,
      notBefore,
      notAfter,
      fingerprint256: certForCore.fingerprint256,
    };
  }

  // --- core validity: SignatureValue over canonical SignedInfo
  if (sigAlg && certForCore) {
    const keyType = certForCore.publicKey.asymmetricKeyType;
    const sv = textOf(signatureValueEl).replace(/\s+/g, '');
    if ((sigAlg.key === 'rsa' && keyType !== 'rsa') || (sigAlg.key === 'ec' && keyType !== 'ec')) {
      result.checks.signatureValue = v.fail(
        'UNSUPPORTED_ALGORITHM',
        `SignatureMethod ${sigAlgUri} does not fit a ${keyType} key`,
      );
    } else {
      const data = canonicalizeElement(signedInfo, c14nAlg);
      let ok = false;
      try {
        ok =
          B64.test(sv) &&
          nodeVerify(
            sigAlg.hash,
            data,
            {
              key: certForCore.publicKey,
              ...(sigAlg.key === 'ec' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
            },
            Buffer.from(sv, 'base64'),
          );
      } catch {
        ok = false;
      }
      result.checks.signatureValue =
        ok ||
        v.fail(
          'SIGNATURE_VALUE_INVALID',
          "the SignatureValue does not verify over SignedInfo with the signing certificate's key",
          pathOf(signatureValueEl),
        );
    }
  } else if (!certForCore) {
    result.checks.signatureValue = v.fail(
      'SIGNING_CERTIFICATE_MISSING',
      'no certificate to check the SignatureValue with',
    );
  }

  // --- manifest references
  if (targets.manifest) {
    result.manifest = await checkManifest(targets.manifest.el, options, v);
    result.checks.manifest = result.manifest.every((r) => r.status === 'ok' || r.status === 'placeholder');
  }

  // --- signing time
  const stEl = find('SigningTime');
  const signingTime = stEl ? parseDateTime(textOf(stEl)) : null;
  if (!signingTime) {
    result.checks.signingTime = v.fail(
      'SIGNING_TIME_MISSING',
      stEl ? `SigningTime "${textOf(stEl)}" is not an xs:dateTime` : 'no SigningTime',
    );
  } else {
    result.signingTime = signingTime;
    result.checks.signingTime = true;
    const now = options.now ?? new Date();
    if (signingTime.getTime() > now.getTime() + 5 * 60_000) {
      result.checks.signingTime = v.fail(
        'SIGNING_TIME_IN_FUTURE',
        `SigningTime ${signingTime.toISOString()} is in the future`,
      );
    }
    if (signer) {
      const { notBefore, notAfter } = validity(signer);
      if (signingTime < notBefore || signingTime > notAfter) {
        result.checks.signingTime = v.fail(
          'SIGNING_TIME_OUTSIDE_VALIDITY',
          `the signing certificate was not valid at SigningTime ${signingTime.toISOString()} (valid ${notBefore.toISOString()} to ${notAfter.toISOString()})`,
        );
      }
    }
  }

  // --- time-stamp (B-T), if any
  let tsTime: Date | undefined;
  let level: SignatureLevel = 'B-B';
  const qp = qualifyingProperties!;
  const usp = [...walk(qp)].find((e) => e.name === 'UnsignedSignatureProperties' && e.namespaceUri === xNs);
  const tsEls = usp ? childElements(usp).filter((e) => e.name === 'SignatureTimeStamp') : [];
  if (tsEls.length) {
    const enc = childElements(tsEls[0]!).find((e) => e.name === 'EncapsulatedTimeStamp');
    const cm =
      childElements(tsEls[0]!)
        .find((e) => is(e, NS_DS, 'CanonicalizationMethod'))
        ?.attr('Algorithm')?.value ?? C14N_10;
    if (!enc || !C14N_ALGORITHMS[cm]) {
      result.checks.timestamp = v.fail(
        'TIMESTAMP_INVALID',
        'SignatureTimeStamp has no EncapsulatedTimeStamp or an unsupported canonicalisation',
        pathOf(tsEls[0]!),
      );
    } else {
      const check = checkTimestampToken(
        Buffer.from(textOf(enc).replace(/\s+/g, ''), 'base64'),
        canonicalizeElement(signatureValueEl, cm),
      );
      result.timestamp = {
        ...(check.genTime ? { genTime: check.genTime } : {}),
        ...(check.tsaCertificate ? { tsaSubject: subjectOf(check.tsaCertificate) } : {}),
      };
      if (!check.ok)
        result.checks.timestamp = v.fail(
          'TIMESTAMP_INVALID',
          check.reason ?? 'invalid time-stamp',
          pathOf(tsEls[0]!),
        );
      else {
        const tsaChain = checkChain(check.tsaCertificate!, [], anchors, check.genTime!);
        if (!isTimeStampingCert(check.tsaCertificate!)) {
          result.checks.timestamp = v.fail(
            'TIMESTAMP_INVALID',
            `the time-stamp certificate (${subjectOf(check.tsaCertificate!)}) lacks the id-kp-timeStamping extended key usage`,
          );
        } else if (!tsaChain.ok)
          result.checks.timestamp = v.fail(
            'TIMESTAMP_INVALID',
            `time-stamp authority not trusted: ${tsaChain.reason}`,
          );
        else {
          result.checks.timestamp = true;
          tsTime = check.genTime;
          level = 'B-T';
          if (signingTime && tsTime && signingTime.getTime() > tsTime.getTime() + 5 * 60_000) {
            result.checks.timestamp = v.fail('TIMESTAMP_INVALID', 'SigningTime is later than the time-stamp');
          }
        }
      }
    }
    if (usp && childElements(usp).some((e) => e.name === 'RevocationValues') && level === 'B-T')
      level = 'B-LT';
  }
  result.level = level;

  // --- key usage and chain
  if (signer) {
    const ku = checkKeyUsage(signer);
    result.checks.keyUsage = ku.ok || v.fail('KEY_USAGE', ku.reason!);
    const at = options.at ?? tsTime ?? signingTime ?? new Date();
    const chain = checkChain(signer, [...keyInfoCerts, ...(options.intermediates ?? [])], anchors, at);
    result.checks.chain = chain.ok || v.fail('CHAIN_UNTRUSTED', chain.reason!);
  }
}

async function checkManifest(
  manifest: XmlElement,
  options: VerifyOptions,
  v: Verdict,
): Promise<ManifestReferenceResult[]> {
  const out: ManifestReferenceResult[] = [];
  const docs =
    options.documents instanceof Map ? options.documents : new Map(Object.entries(options.documents ?? {}));
  const seen = new Set<string>();
  for (const el of childElements(manifest)) {
    if (!is(el, NS_DS, 'Reference')) {
      v.fail('STRUCTURE', `unexpected ${(el as XmlElement).name} in ds:Manifest`, pathOf(el as XmlElement));
      continue;
    }
    const ref = parseReference(el, v);
    if (!ref) continue;
    const uri = ref.uri ?? '';
    const transform = ref.transforms[0] ?? null;
    const r: ManifestReferenceResult = {
      uri,
      status: 'error',
      digestAlgorithm: ref.digestUri,
      transform,
      expected: ref.digestValue,
    };
    out.push(r);
    const hash = hashOf(ref.digestUri, v, uri);
    if (!uri || seen.has(uri)) {
      r.message = uri ? `duplicate manifest reference ${uri}` : 'manifest reference without URI';
      v.fail('WRAPPING_EXTRA_REFERENCE', r.message, pathOf(el));
      continue;
    }
    seen.add(uri);
    if (!hash) continue;
    if (ref.transforms.length > 1 || (transform !== null && !C14N_ALGORITHMS[transform])) {
      r.message = `unsupported manifest transform(s) ${ref.transforms.join(', ')}`;
      v.fail('UNSUPPORTED_ALGORITHM', r.message, uri);
      continue;
    }
    const oid = uri.replace(/^urn:oid:/, '');
    if (options.submissionSetId !== undefined && oid === options.submissionSetId) {
      if (ref.digestValue === SUBMISSION_SET_PLACEHOLDER_DIGEST && transform === null)
        r.status = 'placeholder';
      else {
        r.message = `the submission set reference must carry the placeholder digest ${SUBMISSION_SET_PLACEHOLDER_DIGEST}`;
        v.fail('MANIFEST_DIGEST_MISMATCH', r.message, uri);
      }
      continue;
    }
    let data = docs.get(uri) ?? docs.get(oid);
    if (!data && options.resolver) data = (await options.resolver(uri)) ?? undefined;
    if (!data) {
      r.status = 'unresolved';
      r.message = `document ${uri} was not supplied`;
      v.fail('MANIFEST_UNRESOLVED', r.message, uri);
      continue;
    }
    try {
      const digested = transform ? canonicalizeDocument(data, transform, uri) : data;
      r.actual = digestB64(hash, digested);
    } catch (e) {
      r.message = `document ${uri} cannot be canonicalised: ${(e as Error).message}`;
      v.fail('MANIFEST_DIGEST_MISMATCH', r.message, uri);
      continue;
    }
    if (sameB64(r.actual, ref.digestValue)) r.status = 'ok';
    else {
      r.status = 'mismatch';
      r.message = `document ${uri} does not match its manifest digest (modified, or another document)`;
      v.fail('MANIFEST_DIGEST_MISMATCH', r.message, uri);
    }
  }
  if (out.length === 0) v.fail('STRUCTURE', 'the ds:Manifest holds no reference', pathOf(manifest));
  return out;
}
