// Building XAdES signatures in the IHE DSG shape: SignedInfo → (Manifest of documents, SignedProperties).

import { createHash, sign as nodeSign, randomUUID, type X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { XmlDocument, XmlElement } from 'libxml2-wasm';
import { parseXml } from '../common/xml.js';
import {
  C14N_11,
  C14N_ALGORITHMS,
  type C14nAlgorithm,
  DIGEST_URI,
  DSG_POLICY_DETACHED,
  DSG_POLICY_ENVELOPING,
  NS_DS,
  PROFILES,
  SIGNATURE_URI,
  type SignatureProfile,
  type SignatureProfileName,
  SUBMISSION_SET_PLACEHOLDER_DIGEST,
  TRANSFORM_BASE64,
  TYPE_MANIFEST,
  TYPE_OBJECT,
} from './algorithms.js';
import { canonicalizeDocument, loadLibxml2, parseForC14n } from './c14n.js';
import { checkKeyUsage, subjectOf, validity } from './certs.js';
import { SignatureError } from './errors.js';
import type { SigningKey } from './keys.js';
import type { TimestampAuthority } from './timestamp.js';
import { issuerName } from './x509.js';
import { b64, escAttr, escText, NCNAME } from './xml.js';

/** One document covered by the manifest. */
export interface ManifestDocument {
  /** Unique id (an OID) of the document; the reference URI is `urn:oid:` + id. */
  id: string;
  /** The exact bytes as stored/sent (freeze them: hash, size and digest derive from them). */
  bytes: Uint8Array;
  /**
   * Canonicalisation transform for an XML document, or `'none'` to digest the exact bytes.
   * Default: the profile's (`dsg`: exact bytes; `dmp-legacy`: C14N 1.0 with comments, as the DMP clients do).
   */
  transform?: C14nAlgorithm | 'none';
}

/** Revocation material supplied by the caller for the long-term level (unsigned properties). */
export interface RevocationValues {
  /** DER-encoded CRLs. */
  crls?: Uint8Array[];
  /** DER-encoded OCSP responses. */
  ocspResponses?: Uint8Array[];
}

/** Options shared by {@link signDocument} and {@link signSubmissionSet}. */
export interface SignOptions {
  /** Signer (from {@link loadSigningKey}). */
  key: SigningKey;
  /** `dsg` (default): IHE DSG, SHA-256, C14N 1.1, XAdES 1.3.2. `dmp-legacy`: what DMP clients send (SHA-1, C14N 1.0, XAdES 1.1.1). */
  profile?: SignatureProfileName;
  /** Claimed signing time (default: now), written to the second in UTC. */
  signingTime?: Date;
  /** `Id` of ds:Signature (an NCName; default `sig-<uuid>`). */
  signatureId?: string;
  /** ASTM E1762 purpose OID (default: Author for `dsg`, Source for `dmp-legacy`). See {@link SIGNATURE_PURPOSE}. */
  purpose?: string;
  /** `dsg` only: callback to a time-stamping authority; adds a SignatureTimeStamp (XAdES B-T). */
  timestampAuthority?: TimestampAuthority;
  /** `dsg` only: certificates of the chain to embed as CertificateValues (default: the key's chain when revocation values are given). */
  certificateValues?: X509Certificate[];
  /** `dsg` only: revocation data to embed as RevocationValues (with a timestamp: B-LT). */
  revocationValues?: RevocationValues;
  /**
   * Sign even with a certificate that is expired or not yet valid at the signing time, or whose keyUsage allows
   * neither digitalSignature nor nonRepudiation (default false: refused with SIGN_CERTIFICATE_INVALID).
   */
  allowInvalidCertificate?: boolean;
}

/** Options of {@link signDocument}. */
export interface SignDocumentOptions extends SignOptions {
  /** Unique id (OID) of the document; default: read from a CDA's `ClinicalDocument/id` (root, or root.extension). */
  documentId?: string;
  /** `detached` (default): manifest reference to `urn:oid:<id>`. `enveloping`: the document travels base64 in a ds:Object. */
  packaging?: 'detached' | 'enveloping';
  /** Transform of the document reference (see {@link ManifestDocument.transform}). */
  transform?: C14nAlgorithm | 'none';
}

/** A submission set to sign (the DMP "lot" signature). */
export interface SubmissionSetToSign {
  /** uniqueId (OID) of the XDS submission set; its manifest reference carries the placeholder digest `AA==`. */
  submissionSetId: string;
  documents: ManifestDocument[];
}

/** XAdES level a signature reaches (ETSI EN 319 132-1 baseline names). */
export type SignatureLevel = 'B-B' | 'B-T' | 'B-LT';

/** A manifest (or enveloped object) reference as written. */
export interface SignedReference {
  uri: string;
  digestAlgorithm: string;
  digestValue: string;
  transform: string | null;
  /** True for the submission-set reference (placeholder digest). */
  placeholder: boolean;
}

/** Result of signing. */
export interface SignatureResult {
  /** The signature document (UTF-8 XML with declaration). */
  xml: string;
  /** Same, as bytes: store/send these exactly. */
  bytes: Buffer;
  signatureId: string;
  profile: SignatureProfileName;
  packaging: 'detached' | 'enveloping';
  level: SignatureLevel;
  signingTime: Date;
  references: SignedReference[];
}

const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;
const HL7_NS = 'urn:hl7-org:v3';

/**
 * Unique id of a CDA document as XDS wants it: `id/@root`, or `root.extension` when the extension is
 * numeric (the DMP refuses `root^extension`). A non-numeric extension cannot form an OID: give the id.
 */
export function cdaDocumentId(bytes: Uint8Array, fileName?: string): string {
  let root: Element;
  try {
    root = parseXml(bytes, fileName ? { fileName } : {}).documentElement!;
  } catch (e) {
    throw unreadableId(e, fileName);
  }
  let idEl: Element | undefined;
  for (let n = root.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).localName === 'id' && (n as Element).namespaceURI === HL7_NS) {
      idEl = n as Element;
      break;
    }
  }
  return documentIdOf(
    root.localName === 'ClinicalDocument' && root.namespaceURI === HL7_NS,
    idEl?.getAttribute('root') ?? '',
    idEl?.getAttribute('extension') ?? undefined,
    fileName,
  );
}

/** {@link cdaDocumentId} through libxml2 (loaded by the async entry points): about twice as fast on a large CDA. */
function cdaDocumentIdLibxml2(bytes: Uint8Array, fileName?: string): string {
  let doc: XmlDocument;
  try {
    doc = parseForC14n(bytes, fileName);
  } catch (e) {
    throw unreadableId(e, fileName);
  }
  try {
    const root = doc.root;
    let idEl: XmlElement | undefined;
    for (let n = root.firstChild; n; n = n.next) {
      const e = n as XmlElement;
      if (e.name === 'id' && e.namespaceUri === HL7_NS) {
        idEl = e;
        break;
      }
    }
    return documentIdOf(
      root.name === 'ClinicalDocument' && root.namespaceUri === HL7_NS,
      idEl?.attr('root')?.value ?? '',
      idEl?.attr('extension')?.value,
      fileName,
    );
  } finally {
    doc.dispose();
  }
}

function unreadableId(e: unknown, fileName?: string): SignatureError {
  return new SignatureError('SIGN_DOCUMENT_XML', `cannot read the document id: ${(e as Error).message}`, {
    where: fileName,
  });
}

/** The XDS unique id from `ClinicalDocument/id` (root, or `root.extension` for a numeric extension). */
function documentIdOf(isCda: boolean, r: string, ext: string | undefined, fileName?: string): string {
  if (!isCda) {
    throw new SignatureError(
      'SIGN_DOCUMENT_ID',
      'not a CDA document (root is not hl7:ClinicalDocument): give the document id',
      { where: fileName },
    );
  }
  if (!OID.test(r)) {
    throw new SignatureError('SIGN_DOCUMENT_ID', `ClinicalDocument/id/@root is not an OID ("${r}")`, {
      where: `${fileName ?? '<document>'}:/ClinicalDocument/id/@root`,
    });
  }
  if (ext === undefined || ext === '') return r;
  if (/^(0|[1-9][0-9]*)$/.test(ext)) return `${r}.${ext}`;
  throw new SignatureError(
    'SIGN_DOCUMENT_ID',
    `ClinicalDocument/id has a non-numeric extension ("${ext}"): no urn:oid can be formed; give the document id`,
    { where: `${fileName ?? '<document>'}:/ClinicalDocument/id/@extension` },
  );
}

function looksLikeXml(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  return bytes[i] === 0x3c; // '<'
}

function digest(hash: string, data: Uint8Array): string {
  return createHash(hash).update(data).digest('base64');
}

function checkOid(id: string, what: string): void {
  if (!OID.test(id)) throw new SignatureError('SIGN_INVALID_OPTION', `${what} must be an OID, got "${id}"`);
}

function resolveProfile(opts: SignOptions): SignatureProfile {
  const name = opts.profile ?? 'dsg';
  const profile = PROFILES[name];
  if (!profile)
    throw new SignatureError('SIGN_INVALID_OPTION', `unknown profile "${String(name)}" (dsg, dmp-legacy)`);
  if (name === 'dmp-legacy' && (opts.timestampAuthority || opts.revocationValues || opts.certificateValues)) {
    throw new SignatureError(
      'SIGN_INVALID_OPTION',
      "the dmp-legacy profile is the DMP clients' baseline form: no timestamp nor revocation values (use profile dsg)",
    );
  }
  if (name === 'dmp-legacy' && opts.key?.keyType !== 'rsa') {
    throw new SignatureError(
      'SIGN_INVALID_OPTION',
      'the dmp-legacy profile is RSA-SHA1, as the DMP clients send it: use an RSA key',
    );
  }
  return profile;
}

function transformsXml(algs: (string | null)[]): string {
  const list = algs.filter((a): a is string => !!a);
  if (list.length === 0) return '';
  return `<ds:Transforms>${list.map((a) => `<ds:Transform Algorithm="${escAttr(a)}"></ds:Transform>`).join('')}</ds:Transforms>`;
}

function referenceXml(r: {
  uri: string;
  type?: string;
  transforms: (string | null)[];
  hash: string;
  value: string;
}): string {
  const type = r.type ? ` Type="${escAttr(r.type)}"` : '';
  return (
    `<ds:Reference${type} URI="${escAttr(r.uri)}">${transformsXml(r.transforms)}` +
    `<ds:DigestMethod Algorithm="${DIGEST_URI[r.hash as 'sha1']}"></ds:DigestMethod><ds:DigestValue>${r.value}</ds:DigestValue></ds:Reference>`
  );
}

function xsDateTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** What the manifest / object references cover, before the XML is assembled. */
interface Content {
  manifest: SignedReference[] | null;
  enveloped: { id: string; bytes: Uint8Array; mimeType: string } | null;
  policy: string;
}

function manifestReference(doc: ManifestDocument, profile: SignatureProfile): SignedReference {
  checkOid(doc.id, 'document id');
  const isXml = looksLikeXml(doc.bytes);
  const requested = doc.transform ?? (isXml ? profile.documentTransform : null) ?? 'none';
  const transform = requested === 'none' ? null : requested;
  if (transform && !C14N_ALGORITHMS[transform]) {
    throw new SignatureError('SIGN_INVALID_OPTION', `unsupported document transform ${transform}`);
  }
  const data = transform ? canonicalizeDocument(doc.bytes, transform, `urn:oid:${doc.id}`) : doc.bytes;
  return {
    uri: `urn:oid:${doc.id}`,
    digestAlgorithm: DIGEST_URI[profile.hash],
    digestValue: digest(profile.hash, data),
    transform,
    placeholder: false,
  };
}

/** Issue 13.5: a signature the verifier would refuse for its certificate is not made unless asked for. */
function refuseUnusableCertificate(cert: X509Certificate, signingTime: Date): void {
  const { notBefore, notAfter } = validity(cert);
  const subject = subjectOf(cert);
  if (signingTime < notBefore || signingTime > notAfter) {
    const state = signingTime < notBefore ? 'not yet valid' : 'expired';
    throw new SignatureError(
      'SIGN_CERTIFICATE_INVALID',
      `the signing certificate (${subject}) is ${state} at ${signingTime.toISOString()} (valid ${notBefore.toISOString()} to ${notAfter.toISOString()}); allowInvalidCertificate / --allow-invalid-cert to sign anyway`,
    );
  }
  const ku = checkKeyUsage(cert);
  if (!ku.ok)
    throw new SignatureError(
      'SIGN_CERTIFICATE_INVALID',
      `${ku.reason}; allowInvalidCertificate / --allow-invalid-cert to sign anyway`,
    );
}

async function buildSignature(
  content: Content,
  opts: SignOptions,
  packaging: 'detached' | 'enveloping',
): Promise<SignatureResult> {
  await loadLibxml2();
  const profile = resolveProfile(opts);
  const key = opts.key;
  const sigId = opts.signatureId ?? `sig-${randomUUID()}`;
  if (!NCNAME.test(sigId)) {
    throw new SignatureError(
      'SIGN_INVALID_OPTION',
      `signatureId must be an XML NCName (letters, digits, . _ -), got "${sigId}"`,
    );
  }
  const purpose = opts.purpose ?? profile.defaultPurpose;
  checkOid(purpose, 'purpose');
  const signingTime = new Date(Math.floor((opts.signingTime ?? new Date()).getTime() / 1000) * 1000);
  if (Number.isNaN(signingTime.getTime()))
    throw new SignatureError('SIGN_INVALID_OPTION', 'signingTime is not a valid date');
  if (!opts.allowInvalidCertificate) refuseUnusableCertificate(key.certificate, signingTime);
  const legacy = profile.name === 'dmp-legacy';
  const manifestId = legacy ? 'IHEManifest' : `${sigId}-manifest`;
  const propsId = legacy ? 'S0-SignedProperties' : `${sigId}-signedprops`;
  const valueId = `${sigId}-value`;
  const x = 'xades';
  const hash = profile.hash;
  const signer = key.certificate;
  const certDigest = digest(hash, signer.raw);
  const serial = BigInt(`0x${signer.serialNumber}`).toString(10);

  // --- SignedProperties
  const digestMethodNs = legacy ? x : 'ds';
  const certDigestXml =
    `<${x}:CertDigest><${digestMethodNs}:DigestMethod Algorithm="${DIGEST_URI[hash]}"></${digestMethodNs}:DigestMethod>` +
    `<${digestMethodNs}:DigestValue>${certDigest}</${digestMethodNs}:DigestValue></${x}:CertDigest>`;
  const signingCertificate = legacy
    ? `<${x}:SigningCertificate><${x}:Cert>${certDigestXml}<${x}:IssuerSerial>` +
      `<ds:X509IssuerName>${escText(issuerName(signer))}</ds:X509IssuerName><ds:X509SerialNumber>${serial}</ds:X509SerialNumber>` +
      `</${x}:IssuerSerial></${x}:Cert></${x}:SigningCertificate>`
    : `<${x}:SigningCertificateV2><${x}:Cert>${certDigestXml}</${x}:Cert></${x}:SigningCertificateV2>`;
  const policy = legacy
    ? `<${x}:SignaturePolicyIdentifier><${x}:SignaturePolicyImplied></${x}:SignaturePolicyImplied></${x}:SignaturePolicyIdentifier>`
    : `<${x}:SignaturePolicyIdentifier><${x}:SignaturePolicyId><${x}:SigPolicyId><${x}:Identifier>${content.policy}</${x}:Identifier></${x}:SigPolicyId>` +
      // IHE names the policy by URN only: there is no policy document to hash, so the hash is that of the URN.
      `<${x}:SigPolicyHash><ds:DigestMethod Algorithm="${DIGEST_URI[hash]}"></ds:DigestMethod><ds:DigestValue>${digest(hash, Buffer.from(content.policy))}</ds:DigestValue></${x}:SigPolicyHash>` +
      `</${x}:SignaturePolicyId></${x}:SignaturePolicyIdentifier>`;
  const dataObjectProps = legacy
    ? `<${x}:SignedDataObjectProperties></${x}:SignedDataObjectProperties>`
    : `<${x}:SignedDataObjectProperties><${x}:CommitmentTypeIndication><${x}:CommitmentTypeId>` +
      `<${x}:Identifier>urn:oid:${purpose}</${x}:Identifier></${x}:CommitmentTypeId>` +
      `<${x}:AllSignedDataObjects></${x}:AllSignedDataObjects></${x}:CommitmentTypeIndication></${x}:SignedDataObjectProperties>`;
  // Every signed fragment is written directly in canonical form (C14N 1.0/1.1: expanded empty elements,
  // namespace declarations then attributes in sorted order, C14N escaping), so its canonical bytes are the text
  // itself once the in-scope namespace declarations are put on it: inclusive C14N renders them all on the apex.
  // In the assembled signature the declarations are inherited instead. No XML parsing on the signing path; the
  // tests check these digests against libxml2's in-context canonicalisation (verifySignature) and xmlsec1.
  const dsNs = ` xmlns:ds="${NS_DS}"`;
  const xNs = ` xmlns:${x}="${profile.xadesNamespace}"`;
  const signedProperties = (ns: string) =>
    `<${x}:SignedProperties${ns} Id="${propsId}"><${x}:SignedSignatureProperties>` +
    `<${x}:SigningTime>${xsDateTime(signingTime)}</${x}:SigningTime>${signingCertificate}${policy}` +
    `</${x}:SignedSignatureProperties>${dataObjectProps}</${x}:SignedProperties>`;
  const manifest = (ns: string) =>
    `<ds:Manifest${ns} Id="${manifestId}">\n${content
      .manifest!.map((r) =>
        referenceXml({ uri: r.uri, transforms: [r.transform], hash, value: r.digestValue }),
      )
      .join('\n')}\n</ds:Manifest>`;
  const sigAlg = SIGNATURE_URI[key.keyType][hash];
  const signedInfo = (ns: string, digests: { manifest: string; props: string; object: string }) => {
    const refs: string[] = [];
    if (content.manifest) {
      refs.push(
        referenceXml({
          uri: `#${manifestId}`,
          type: TYPE_MANIFEST,
          transforms: [profile.referenceTransform],
          hash,
          value: digests.manifest,
        }),
      );
    }
    if (content.enveloped) {
      refs.push(
        referenceXml({
          uri: `#${content.enveloped.id}`,
          type: TYPE_OBJECT,
          transforms: [TRANSFORM_BASE64],
          hash,
          value: digests.object,
        }),
      );
    }
    refs.push(
      referenceXml({
        uri: `#${propsId}`,
        type: profile.signedPropertiesType,
        transforms: [profile.referenceTransform],
        hash,
        value: digests.props,
      }),
    );
    return (
      `<ds:SignedInfo${ns}>\n<ds:CanonicalizationMethod Algorithm="${profile.canonicalization}"></ds:CanonicalizationMethod>\n` +
      `<ds:SignatureMethod Algorithm="${sigAlg}"></ds:SignatureMethod>\n${refs.join('\n')}\n</ds:SignedInfo>`
    );
  };
  const signatureValueXml = (ns: string, value: string) =>
    `<ds:SignatureValue${ns} Id="${valueId}">${value}</ds:SignatureValue>`;

  // --- Objects
  const envelopedXml = content.enveloped
    ? `<ds:Object Id="${content.enveloped.id}" MimeType="${escAttr(content.enveloped.mimeType)}" Encoding="${TRANSFORM_BASE64}">${b64(content.enveloped.bytes)}</ds:Object>\n`
    : '';
  const purposeXml = legacy
    ? `<ds:Object><ds:SignatureProperties><ds:SignatureProperty Id="purposeOfSignature" Target="#${sigId}">${purpose}</ds:SignatureProperty></ds:SignatureProperties></ds:Object>\n`
    : '';
  const keyInfo = `<ds:KeyInfo><ds:X509Data>${[signer, ...key.chain]
    .map((c) => `<ds:X509Certificate>${b64(c.raw)}</ds:X509Certificate>`)
    .join('')}</ds:X509Data></ds:KeyInfo>`;

  const assemble = (
    digests: { manifest: string; props: string; object: string },
    value: string,
    unsigned: string,
  ) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<ds:Signature${dsNs} Id="${sigId}">\n${signedInfo('', digests)}\n` +
    `${signatureValueXml('', value)}\n${keyInfo}\n${purposeXml}` +
    `${content.manifest ? `<ds:Object>${manifest('')}</ds:Object>\n` : ''}${envelopedXml}` +
    `<ds:Object><${x}:QualifyingProperties${xNs} Target="#${sigId}">${signedProperties('')}${unsigned}</${x}:QualifyingProperties></ds:Object>\n` +
    '</ds:Signature>\n';

  const digests = {
    manifest: content.manifest ? digest(hash, Buffer.from(manifest(dsNs))) : '',
    props: digest(hash, Buffer.from(signedProperties(dsNs + xNs))),
    object: content.enveloped ? digest(hash, content.enveloped.bytes) : '',
  };
  const signedInfoC14n = Buffer.from(signedInfo(dsNs, digests));
  const signatureValue = nodeSign(hash, signedInfoC14n, {
    key: key.privateKey,
    ...(key.keyType === 'ec' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
  }).toString('base64');

  // Unsigned properties: timestamp over the canonical SignatureValue, then long-term values.
  let unsigned = '';
  let level: SignatureLevel = 'B-B';
  const unsignedParts: string[] = [];
  if (opts.timestampAuthority) {
    const sv = Buffer.from(signatureValueXml(dsNs, signatureValue));
    let token: Uint8Array;
    try {
      token = await opts.timestampAuthority({
        data: sv,
        hash: 'sha256',
        digest: createHash('sha256').update(sv).digest(),
      });
    } catch (e) {
      throw new SignatureError(
        'SIGN_TSA_FAILED',
        `the time-stamping authority failed: ${(e as Error).message}`,
      );
    }
    unsignedParts.push(
      `<${x}:SignatureTimeStamp Id="${sigId}-ts"><ds:CanonicalizationMethod Algorithm="${C14N_11}"></ds:CanonicalizationMethod>` +
        `<${x}:EncapsulatedTimeStamp>${b64(token)}</${x}:EncapsulatedTimeStamp></${x}:SignatureTimeStamp>`,
    );
    level = 'B-T';
  }
  if (opts.revocationValues || opts.certificateValues) {
    const certs = opts.certificateValues ?? key.chain;
    if (certs.length) {
      unsignedParts.push(
        `<${x}:CertificateValues>${certs.map((c) => `<${x}:EncapsulatedX509Certificate>${b64(c.raw)}</${x}:EncapsulatedX509Certificate>`).join('')}</${x}:CertificateValues>`,
      );
    }
    const rv = opts.revocationValues;
    if (rv && ((rv.crls?.length ?? 0) > 0 || (rv.ocspResponses?.length ?? 0) > 0)) {
      const crl = rv.crls?.length
        ? `<${x}:CRLValues>${rv.crls.map((c) => `<${x}:EncapsulatedCRLValue>${b64(c)}</${x}:EncapsulatedCRLValue>`).join('')}</${x}:CRLValues>`
        : '';
      const ocsp = rv.ocspResponses?.length
        ? `<${x}:OCSPValues>${rv.ocspResponses.map((c) => `<${x}:EncapsulatedOCSPValue>${b64(c)}</${x}:EncapsulatedOCSPValue>`).join('')}</${x}:OCSPValues>`
        : '';
      unsignedParts.push(`<${x}:RevocationValues>${crl}${ocsp}</${x}:RevocationValues>`);
      if (level === 'B-T') level = 'B-LT';
    }
  }
  if (unsignedParts.length) {
    unsigned = `<${x}:UnsignedProperties><${x}:UnsignedSignatureProperties>${unsignedParts.join('')}</${x}:UnsignedSignatureProperties></${x}:UnsignedProperties>`;
  }
  const xml = assemble(digests, signatureValue, unsigned);
  const references: SignedReference[] = content.manifest ?? [
    {
      uri: `#${content.enveloped!.id}`,
      digestAlgorithm: DIGEST_URI[hash],
      digestValue: digests.object,
      transform: TRANSFORM_BASE64,
      placeholder: false,
    },
  ];
  return {
    xml,
    bytes: Buffer.from(xml, 'utf8'),
    signatureId: sigId,
    profile: profile.name,
    packaging,
    level,
    signingTime,
    references,
  };
}

/**
 * Sign one document (e.g. a CR-BIO CDA) with a detached XAdES signature in the IHE DSG shape, or an
 * enveloping one. The signature is a separate XML document: register it as its own XDS entry (SIGNS association).
 * @example
 * const key = loadSigningKey({ key: readFileSync('key.pem'), cert: readFileSync('cert.pem') });
 * const sig = await signDocument(readFileSync('cr-bio.xml'), { key, profile: 'dsg' });
 * writeFileSync('cr-bio.sig.xml', sig.bytes);
 */
export async function signDocument(
  document: Uint8Array,
  options: SignDocumentOptions,
): Promise<SignatureResult> {
  await loadLibxml2();
  const profile = resolveProfile(options);
  const packaging = options.packaging ?? 'detached';
  if (packaging === 'enveloping') {
    if (profile.name !== 'dsg')
      throw new SignatureError('SIGN_INVALID_OPTION', 'enveloping packaging exists in the dsg profile only');
    const sigId = options.signatureId ?? `sig-${randomUUID()}`;
    return buildSignature(
      {
        manifest: null,
        enveloped: {
          id: `${sigId}-document`,
          bytes: document,
          mimeType: looksLikeXml(document) ? 'text/xml' : 'application/octet-stream',
        },
        policy: DSG_POLICY_ENVELOPING,
      },
      { ...options, signatureId: sigId },
      packaging,
    );
  }
  if (packaging !== 'detached')
    throw new SignatureError('SIGN_INVALID_OPTION', `unknown packaging "${String(packaging)}"`);
  const id = options.documentId ?? cdaDocumentIdLibxml2(document);
  const ref = manifestReference(
    { id, bytes: document, ...(options.transform ? { transform: options.transform } : {}) },
    profile,
  );
  return buildSignature(
    { manifest: [ref], enveloped: null, policy: DSG_POLICY_DETACHED },
    options,
    packaging,
  );
}

/**
 * Sign an XDS submission set the way the DMP expects (IHE DSG "SubmissionSet signature"): the manifest
 * lists the submission set (placeholder digest `AA==`) and every document of the set.
 * @example
 * const sig = await signSubmissionSet(
 *   { submissionSetId: '1.2.250.1.999.1.20261125', documents: [{ id: cdaId, bytes: cdaBytes }] },
 *   { key, profile: 'dmp-legacy', signatureId: 'sig-1' },
 * );
 */
export async function signSubmissionSet(
  set: SubmissionSetToSign,
  options: SignOptions,
): Promise<SignatureResult> {
  await loadLibxml2();
  const profile = resolveProfile(options);
  checkOid(set.submissionSetId, 'submissionSetId');
  if (!set.documents.length)
    throw new SignatureError('SIGN_INVALID_OPTION', 'a submission set signature needs at least one document');
  const ids = new Set<string>([set.submissionSetId]);
  for (const d of set.documents) {
    if (ids.has(d.id))
      throw new SignatureError(
        'SIGN_INVALID_OPTION',
        `document id ${d.id} appears twice in the submission set`,
      );
    ids.add(d.id);
  }
  const manifest: SignedReference[] = [
    {
      uri: `urn:oid:${set.submissionSetId}`,
      digestAlgorithm: DIGEST_URI[profile.hash],
      digestValue: SUBMISSION_SET_PLACEHOLDER_DIGEST,
      transform: null,
      placeholder: true,
    },
    ...set.documents.map((d) => manifestReference(d, profile)),
  ];
  return buildSignature({ manifest, enveloped: null, policy: DSG_POLICY_DETACHED }, options, 'detached');
}
