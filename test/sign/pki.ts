// Test PKI generated at run time (@peculiar/x509 + webcrypto): nothing private is committed.
import 'reflect-metadata';
import { createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { daysFromTestNow } from '../helpers/clock.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface TestIdentity {
  cert: X509Certificate;
  certPem: string;
  keyPem: string;
  keys: CryptoKeyPair;
  peculiar: x509.X509Certificate;
}

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

let serial = 1;

export async function makeIdentity(opts: {
  cn: string;
  keyType?: 'rsa' | 'ec';
  issuer?: TestIdentity;
  ca?: boolean;
  /** KeyUsage flags; `null` = no keyUsage extension. Default digitalSignature|nonRepudiation (CA: keyCertSign). */
  keyUsage?: number | null;
  /** Default: TEST_NOW − 1 day (never the wall clock). */
  notBefore?: Date;
  /** Default: TEST_NOW + 365 days. */
  notAfter?: Date;
  /** Extended key usage OIDs (critical), e.g. id-kp-timeStamping for a TSA. */
  extKeyUsage?: string[];
  /** basicConstraints pathLenConstraint of a CA. */
  pathLen?: number;
  /** Issuer name written in the certificate instead of the issuer's subject (name-chaining tests). */
  issuerName?: string;
}): Promise<TestIdentity> {
  const alg = opts.keyType === 'ec' ? EC : RSA;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = opts.notBefore ?? daysFromTestNow(-1);
  const notAfter = opts.notAfter ?? daysFromTestNow(365);
  const usage =
    opts.keyUsage === undefined
      ? opts.ca
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
        : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation
      : opts.keyUsage;
  const extensions: x509.Extension[] = [];
  if (opts.ca) extensions.push(new x509.BasicConstraintsExtension(true, opts.pathLen, true));
  if (usage !== null) extensions.push(new x509.KeyUsagesExtension(usage, true));
  if (opts.extKeyUsage) extensions.push(new x509.ExtendedKeyUsageExtension(opts.extKeyUsage, true));
  const name = `CN=${opts.cn}, O=cisis-bio test, C=FR`;
  const serialNumber = (0x1000 + serial++).toString(16);
  const cert = opts.issuer
    ? await x509.X509CertificateGenerator.create({
        serialNumber,
        subject: name,
        issuer: opts.issuerName ?? opts.issuer.peculiar.subject,
        notBefore,
        notAfter,
        signingAlgorithm: opts.issuer.keys.privateKey.algorithm.name === 'ECDSA' ? EC : RSA,
        publicKey: keys.publicKey,
        signingKey: opts.issuer.keys.privateKey,
        extensions,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber,
        name,
        notBefore,
        notAfter,
        signingAlgorithm: alg,
        keys,
        extensions,
      });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
  const certPem = cert.toString('pem');
  return { cert: new X509Certificate(certPem), certPem, keyPem, keys, peculiar: cert };
}
export { x509 };
