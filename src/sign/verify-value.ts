// Phase 3 of verification: SignedInfo and its value. The KeyInfo certificates, the signed properties read
// (SigningCertificate, purpose), the signer identified by the SigningCertificate digest, and the SignatureValue
// over the canonical SignedInfo with the signer's key.
import { verify as nodeVerify, X509Certificate } from 'node:crypto';
import type { XmlElement } from 'libxml2-wasm';
import { NS_DS, NS_XADES_111, SIGNATURE_BY_URI } from './algorithms.js';
import { canonicalizeElement } from './c14n.js';
import { subjectOf, validity } from './certs.js';
import { B64, digestB64, hashOf, sameB64, type Verdict, type VerificationResult } from './verify-common.js';
import type { Located } from './verify-locate.js';
import { issuerName } from './x509.js';
import { childElements, is, pathOf, textOf, walk } from './xml.js';

/** The certificates of ds:KeyInfo (an unreadable one is reported). */
export function keyInfoCertificates(keyInfo: XmlElement | undefined, v: Verdict): X509Certificate[] {
  const out: X509Certificate[] = [];
  if (!keyInfo) return out;
  for (const el of walk(keyInfo)) {
    if (!is(el, NS_DS, 'X509Certificate')) continue;
    try {
      out.push(new X509Certificate(Buffer.from(textOf(el).replace(/\s+/g, ''), 'base64')));
    } catch {
      v.fail('STRUCTURE', 'unreadable X509Certificate in KeyInfo', pathOf(el));
    }
  }
  return out;
}

/** The SignedSignatureProperties child of that name, in the SignedProperties' XAdES namespace. */
export function signedProperty(located: Located, name: string): XmlElement | undefined {
  const props = located.targets.props!.el;
  const ns = props.namespaceUri;
  const ssp = childElements(props).find(
    (e) => e.name === 'SignedSignatureProperties' && e.namespaceUri === ns,
  );
  return ssp ? childElements(ssp).find((e) => e.name === name && e.namespaceUri === ns) : undefined;
}

/** dsg (XAdES 1.3.2/1.4.1) or dmp-legacy (XAdES 1.1.1), from the SignedProperties' namespace. */
export function profileOf(located: Located): 'dsg' | 'dmp-legacy' {
  return located.targets.props!.el.namespaceUri === NS_XADES_111 ? 'dmp-legacy' : 'dsg';
}

/** ASTM E1762 purpose: CommitmentTypeIndication, else the DMP clients' (unsigned) SignatureProperty. */
export function purposeOf(located: Located): string | undefined {
  const sdop = childElements(located.targets.props!.el).find((e) => e.name === 'SignedDataObjectProperties');
  const commitment = sdop
    ? [...walk(sdop)].find((e) => e.name === 'Identifier' && e.parent?.name === 'CommitmentTypeId')
    : undefined;
  if (commitment) return textOf(commitment).replace(/^urn:oid:/, '');
  const prop = [...walk(located.root)].find(
    (e) => is(e, NS_DS, 'SignatureProperty') && e.attr('Id')?.value === 'purposeOfSignature',
  );
  return prop ? textOf(prop) : undefined;
}

/** IssuerSerial/X509SerialNumber, when present, must be the signer's serial number. */
function serialMatches(certEl: XmlElement, signer: X509Certificate, v: Verdict): boolean {
  const serialEl = [...walk(certEl)].find((e) => is(e, NS_DS, 'X509SerialNumber'));
  if (!serialEl) return true;
  let claimed: bigint | null = null;
  try {
    claimed = BigInt(textOf(serialEl));
  } catch {
    claimed = null;
  }
  if (claimed === BigInt(`0x${signer.serialNumber}`)) return true;
  const msg = 'IssuerSerial/X509SerialNumber is not the serial number of the signing certificate';
  return v.fail('SIGNING_CERTIFICATE_MISMATCH', msg, pathOf(serialEl));
}

/**
 * The signer: the KeyInfo certificate whose digest SigningCertificate(V2) carries; `ok` false when missing or
 * mismatched (reasons reported).
 * @example
 * const { signer, ok } = findSigner(located, keyInfoCertificates(located.keyInfo, v), v);
 */
export function findSigner(
  located: Located,
  keyInfoCerts: readonly X509Certificate[],
  v: Verdict,
): { signer?: X509Certificate; ok: boolean } {
  const sc = signedProperty(located, 'SigningCertificateV2') ?? signedProperty(located, 'SigningCertificate');
  const certEl = sc ? childElements(sc).find((e) => e.name === 'Cert') : undefined;
  const certDigest = certEl ? childElements(certEl).find((e) => e.name === 'CertDigest') : undefined;
  if (!certEl || !certDigest)
    return { ok: v.fail('SIGNING_CERTIFICATE_MISSING', 'SignedProperties carry no SigningCertificate') };
  if (keyInfoCerts.length === 0)
    return { ok: v.fail('SIGNING_CERTIFICATE_MISSING', 'KeyInfo carries no X509Certificate') };
  const [dm, dv] = childElements(certDigest);
  const hash = hashOf(dm?.attr('Algorithm')?.value ?? '', v, () => pathOf(certDigest));
  const value = textOf(dv).replace(/\s+/g, '');
  const signer = hash ? keyInfoCerts.find((c) => sameB64(digestB64(hash, c.raw), value)) : undefined;
  if (!signer) {
    const msg = 'the SigningCertificate digest matches no certificate of KeyInfo';
    return { ok: v.fail('SIGNING_CERTIFICATE_MISMATCH', msg, pathOf(certDigest)) };
  }
  return { signer, ok: serialMatches(certEl, signer, v) };
}

/** The verdict's description of a certificate. */
export function describeSigner(c: X509Certificate): NonNullable<VerificationResult['signer']> {
  const { notBefore, notAfter } = validity(c);
  return {
    subject: subjectOf(c),
    issuer: issuerName(c),
    serialNumber: c.serialNumber,
    notBefore,
    notAfter,
    fingerprint256: c.fingerprint256,
  };
}

/**
 * Core validity: the SignatureValue verifies over the canonical SignedInfo with `cert`'s public key.
 * @example
 * result.checks.signatureValue = checkSignatureValue(located, signerCert, verdict);
 */
export function checkSignatureValue(
  located: Located,
  cert: X509Certificate,
  v: Verdict,
): boolean | undefined {
  const sigAlg = SIGNATURE_BY_URI[located.sigAlgUri];
  if (!sigAlg) return undefined; // reported when SignedInfo was read
  const keyType = cert.publicKey.asymmetricKeyType;
  if ((sigAlg.key === 'rsa' && keyType !== 'rsa') || (sigAlg.key === 'ec' && keyType !== 'ec'))
    return v.fail(
      'UNSUPPORTED_ALGORITHM',
      `SignatureMethod ${located.sigAlgUri} does not fit a ${keyType} key`,
    );
  const sv = textOf(located.signatureValue).replace(/\s+/g, '');
  const data = canonicalizeElement(located.signedInfo, located.c14nAlg);
  let ok = false;
  try {
    const key = {
      key: cert.publicKey,
      ...(sigAlg.key === 'ec' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
    };
    ok = B64.test(sv) && nodeVerify(sigAlg.hash, data, key, Buffer.from(sv, 'base64'));
  } catch {
    ok = false;
  }
  const msg = "the SignatureValue does not verify over SignedInfo with the signing certificate's key";
  return ok || v.fail('SIGNATURE_VALUE_INVALID', msg, pathOf(located.signatureValue));
}
