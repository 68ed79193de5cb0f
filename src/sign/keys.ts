// Loading the signer's private key and certificate (PEM, DER or PKCS#12). Error messages never quote
// the key, the password or the underlying library's message (which could echo either).
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { KeyLoadError } from './errors.js';

/** A loaded signing identity. `privateKey` is a node KeyObject: inspecting or logging it shows no key material. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  /** The signer's certificate (goes into KeyInfo). */
  readonly certificate: X509Certificate;
  /** Further certificates (issuers) found with the key, signer excluded; written into KeyInfo after the signer's. */
  readonly chain: readonly X509Certificate[];
  readonly keyType: 'rsa' | 'ec';
}

/** Input of {@link loadSigningKey}. */
export interface SigningKeyInput {
  /** PEM private key (PKCS#8, PKCS#1, SEC1; encrypted or not) or PKCS#12 bytes (`.p12`/`.pfx`). */
  key: Uint8Array | string;
  /** PEM or DER certificate(s), signer first; optional with PKCS#12 (taken from the bundle). */
  cert?: Uint8Array | string;
  /** Password of an encrypted PEM key or of the PKCS#12 bundle. */
  password?: string;
  /** Names used in error messages (e.g. file names). */
  keyName?: string;
  certName?: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function isPem(data: Uint8Array | string): boolean {
  const head =
    typeof data === 'string' ? data.slice(0, 4096) : Buffer.from(data.subarray(0, 4096)).toString('latin1');
  return head.includes('-----BEGIN ');
}

/**
 * Read certificates from PEM (one or more blocks) or DER.
 * @example const [cert] = loadCertificates(readFileSync('signer.pem'));
 */
export function loadCertificates(data: Uint8Array | string, name = 'certificate'): X509Certificate[] {
  try {
    if (isPem(data)) {
      const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
      const blocks = text.match(PEM_CERT) ?? [];
      if (blocks.length === 0)
        throw new KeyLoadError('CERT_UNREADABLE', `no CERTIFICATE block in ${name}`, name);
      return blocks.map((b) => new X509Certificate(b));
    }
    return [new X509Certificate(typeof data === 'string' ? Buffer.from(data, 'base64') : Buffer.from(data))];
  } catch (e) {
    if (e instanceof KeyLoadError) throw e;
    throw new KeyLoadError(
      'CERT_UNREADABLE',
      `${name} is not a readable X.509 certificate (PEM or DER)`,
      name,
    );
  }
}

function spki(k: KeyObject): Buffer {
  return k.export({ type: 'spki', format: 'der' });
}

function keyTypeOf(k: KeyObject, name: string): 'rsa' | 'ec' {
  const t = k.asymmetricKeyType;
  if (t === 'rsa') return 'rsa';
  if (t === 'ec') return 'ec';
  throw new KeyLoadError(
    'KEY_UNSUPPORTED',
    `${name} is a ${t ?? 'unknown'} key; RSA and ECDSA keys are supported`,
    name,
  );
}

function loadPemKey(key: Uint8Array | string, password: string | undefined, name: string): KeyObject {
  const pem = typeof key === 'string' ? key : Buffer.from(key).toString('utf8');
  const encrypted = /ENCRYPTED/.test(pem);
  if (encrypted && password === undefined) {
    throw new KeyLoadError('KEY_BAD_PASSWORD', `${name} is encrypted: a password is needed`, name);
  }
  try {
    return createPrivateKey(
      password === undefined
        ? { key: pem, format: 'pem' }
        : { key: pem, format: 'pem', passphrase: password },
    );
  } catch {
    if (encrypted)
      throw new KeyLoadError('KEY_BAD_PASSWORD', `${name} could not be decrypted: wrong password?`, name);
    throw new KeyLoadError('KEY_UNREADABLE', `${name} is not a readable PEM private key`, name);
  }
}

function loadPkcs12(
  data: Uint8Array,
  password: string | undefined,
  name: string,
): { key: KeyObject; certs: X509Certificate[] } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(data).toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (/MAC|password|decrypt/i.test(msg)) {
      throw new KeyLoadError('KEY_BAD_PASSWORD', `the PKCS#12 password is wrong`, name);
    }
    throw new KeyLoadError(
      'KEY_UNREADABLE',
      `${name} is neither a PEM private key nor a readable PKCS#12 file`,
      name,
    );
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ??
      []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const bag = keyBags[0];
  if (!bag) throw new KeyLoadError('KEY_UNREADABLE', `the PKCS#12 file holds no private key`, name);
  // forge decodes RSA only; for other keys it keeps the ASN.1 (PrivateKeyInfo), which node reads.
  const info =
    (bag as { asn1?: forge.asn1.Asn1 }).asn1 ??
    forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key as forge.pki.rsa.PrivateKey));
  let key: KeyObject;
  try {
    key = createPrivateKey({
      key: Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary'),
      format: 'der',
      type: 'pkcs8',
    });
  } catch {
    throw new KeyLoadError('KEY_UNREADABLE', `the PKCS#12 private key cannot be read`, name);
  }
  const certs = certBags.map((b) => {
    const asn1 = (b as { asn1?: forge.asn1.Asn1 }).asn1 ?? forge.pki.certificateToAsn1(b.cert!);
    return new X509Certificate(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
  });
  return { key, certs };
}

/**
 * Load a signing key and its certificate. The certificate matching the private key becomes the signer;
 * the others are kept as its chain.
 * @example
 * const key = loadSigningKey({ key: readFileSync('signature.p12'), password: process.env.P12_PASSWORD });
 * const pem = loadSigningKey({ key: readFileSync('key.pem'), cert: readFileSync('cert.pem') });
 */
export function loadSigningKey(input: SigningKeyInput): SigningKey {
  const keyName = input.keyName ?? 'private key';
  const certName = input.certName ?? 'certificate';
  let privateKey: KeyObject;
  let certs: X509Certificate[] = [];
  if (isPem(input.key)) {
    privateKey = loadPemKey(input.key, input.password, keyName);
  } else {
    const bytes = typeof input.key === 'string' ? Buffer.from(input.key, 'binary') : input.key;
    const p12 = loadPkcs12(bytes, input.password, keyName);
    privateKey = p12.key;
    certs = p12.certs;
  }
  if (input.cert !== undefined) certs = [...loadCertificates(input.cert, certName), ...certs];
  if (certs.length === 0) {
    throw new KeyLoadError(
      'CERT_MISSING',
      `no certificate for ${keyName}: give the signer's certificate`,
      certName,
    );
  }
  const keyType = keyTypeOf(privateKey, keyName);
  const pub = spki(createPublicKey(privateKey));
  const signer = certs.find((c) => spki(c.publicKey).equals(pub));
  if (!signer) {
    throw new KeyLoadError(
      'KEY_CERT_MISMATCH',
      `${certName} does not hold the public key of ${keyName} (certificate subject: ${certs[0]!.subject.replace(/\n/g, ', ')})`,
      certName,
    );
  }
  const seen = new Set<string>([signer.fingerprint256]);
  const chain: X509Certificate[] = [];
  for (const c of certs) {
    if (seen.has(c.fingerprint256)) continue;
    seen.add(c.fingerprint256);
    chain.push(c);
  }
  return { privateKey, certificate: signer, chain, keyType };
}
