// RFC 5280 path validation (issue 13.2): one chain per rule, each verdict compared with `openssl verify -attime`
// on the same certificates (OpenSSL is the independent implementation; its time is TEST_NOW, not its clock).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CertificatePathIssueCode, checkCertificatePath } from '../../src/sign/index.js';
import { daysFromTestNow, TEST_NOW } from '../helpers/clock.js';
import { tmp } from './fixtures.js';
import { makeIdentity, type TestIdentity, x509 } from './pki.js';

/** openssl verify at `at` with one pinned root and untrusted intermediates: true when it accepts the leaf. */
function opensslAccepts(
  root: TestIdentity,
  intermediates: TestIdentity[],
  leaf: TestIdentity,
  at: Date,
): boolean {
  const dir = tmp();
  writeFileSync(join(dir, 'root.pem'), root.certPem);
  writeFileSync(join(dir, 'leaf.pem'), leaf.certPem);
  const args = [
    'verify',
    '-attime',
    String(Math.floor(at.getTime() / 1000)),
    '-CAfile',
    join(dir, 'root.pem'),
  ];
  if (intermediates.length) {
    writeFileSync(join(dir, 'inter.pem'), intermediates.map((i) => `${i.certPem.trim()}\n`).join(''));
    args.push('-untrusted', join(dir, 'inter.pem'));
  }
  const r = spawnSync('openssl', [...args, join(dir, 'leaf.pem')], { encoding: 'utf8' });
  // A refusal must be a verdict on the chain, never an input openssl could not read.
  expect(r.stderr).not.toMatch(/Could not read|unable to load/i);
  if (r.status !== 0) expect(r.stdout + r.stderr).toMatch(/error \d+ at \d+ depth lookup/);
  return r.status === 0;
}

function ours(root: TestIdentity, intermediates: TestIdentity[], leaf: TestIdentity, at: Date) {
  return checkCertificatePath(leaf.cert, {
    trustAnchors: [root.certPem],
    intermediates: intermediates.map((i) => i.cert),
    at,
  });
}

let root: TestIdentity;
beforeAll(async () => {
  root = await makeIdentity({ cn: 'Path Root CA', ca: true, notBefore: daysFromTestNow(-400) });
});

describe('checkCertificatePath agrees with openssl verify -attime', () => {
  const cases: Array<{
    name: string;
    build: () => Promise<{ inter: TestIdentity[]; leaf: TestIdentity }>;
    expected: CertificatePathIssueCode[];
  }> = [
    {
      name: 'root → I1 (CA) → leaf is valid',
      build: async () => {
        const i1 = await makeIdentity({ cn: 'I1', issuer: root, ca: true });
        return { inter: [i1], leaf: await makeIdentity({ cn: 'leaf ok', issuer: i1 }) };
      },
      expected: [],
    },
    {
      name: 'pathLenConstraint: root → I1 (pathlen 0) → I2 → leaf is refused',
      build: async () => {
        const i1 = await makeIdentity({ cn: 'I1 pathlen 0', issuer: root, ca: true, pathLen: 0 });
        const i2 = await makeIdentity({ cn: 'I2 below pathlen 0', issuer: i1, ca: true });
        return { inter: [i1, i2], leaf: await makeIdentity({ cn: 'leaf too deep', issuer: i2 }) };
      },
      expected: ['PATH_LENGTH'],
    },
    {
      name: 'pathLenConstraint 1 allows one intermediate below',
      build: async () => {
        const i1 = await makeIdentity({ cn: 'I1 pathlen 1', issuer: root, ca: true, pathLen: 1 });
        const i2 = await makeIdentity({ cn: 'I2 below pathlen 1', issuer: i1, ca: true });
        return { inter: [i1, i2], leaf: await makeIdentity({ cn: 'leaf at depth', issuer: i2 }) };
      },
      expected: [],
    },
    {
      name: 'basicConstraints: an intermediate without cA cannot issue',
      build: async () => {
        const notCa = await makeIdentity({ cn: 'not a CA', issuer: root });
        return { inter: [notCa], leaf: await makeIdentity({ cn: 'leaf of non-CA', issuer: notCa }) };
      },
      expected: ['NOT_A_CA'],
    },
    {
      name: 'keyUsage: an issuer CA without keyCertSign cannot issue',
      build: async () => {
        const noSign = await makeIdentity({
          cn: 'CA without keyCertSign',
          issuer: root,
          ca: true,
          keyUsage: x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        });
        return {
          inter: [noSign],
          leaf: await makeIdentity({ cn: 'leaf of no-keyCertSign', issuer: noSign }),
        };
      },
      expected: ['NO_KEY_CERT_SIGN'],
    },
    {
      name: "name chaining: signed by the root's key but naming another issuer",
      build: async () => ({
        inter: [],
        leaf: await makeIdentity({ cn: 'leaf misnamed', issuer: root, issuerName: 'CN=Someone Else, C=FR' }),
      }),
      expected: ['NO_PATH'],
    },
    {
      name: 'validity: an intermediate expired at the validation time',
      build: async () => {
        const old = await makeIdentity({
          cn: 'I expired',
          issuer: root,
          ca: true,
          notBefore: daysFromTestNow(-300),
          notAfter: daysFromTestNow(-2),
        });
        return {
          inter: [old],
          leaf: await makeIdentity({ cn: 'leaf of expired', issuer: old, notBefore: daysFromTestNow(-30) }),
        };
      },
      expected: ['EXPIRED'],
    },
    {
      name: 'validity: a leaf not yet valid at the validation time',
      build: async () => ({
        inter: [],
        leaf: await makeIdentity({ cn: 'leaf future', issuer: root, notBefore: daysFromTestNow(3) }),
      }),
      expected: ['NOT_YET_VALID'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { inter, leaf } = await c.build();
      const r = ours(root, inter, leaf, TEST_NOW);
      expect(r.issues.map((i) => i.code)).toEqual(c.expected);
      expect(r.ok).toBe(c.expected.length === 0);
      expect(opensslAccepts(root, inter, leaf, TEST_NOW)).toBe(r.ok);
    });
  }
});

describe('checkCertificatePath options', () => {
  it('the validation time is the one given: the same chain is valid at TEST_NOW, expired a year and a day later', async () => {
    const leaf = await makeIdentity({ cn: 'leaf one year', issuer: root });
    expect(ours(root, [], leaf, TEST_NOW).ok).toBe(true);
    const later = daysFromTestNow(366);
    const r = ours(root, [], leaf, later);
    expect(r.issues.map((i) => i.code)).toContain('EXPIRED');
    expect(opensslAccepts(root, [], leaf, later)).toBe(false);
  });
  it('requiredKeyUsage / requiredExtKeyUsage on the leaf; no anchor trusts nothing', async () => {
    const enc = await makeIdentity({
      cn: 'enc only',
      issuer: root,
      keyUsage: x509.KeyUsageFlags.keyEncipherment,
    });
    const opts = { trustAnchors: [root.cert], at: TEST_NOW };
    expect(checkCertificatePath(enc.cert, opts).ok).toBe(true);
    const ku = checkCertificatePath(enc.cert, {
      ...opts,
      requiredKeyUsage: ['digitalSignature', 'nonRepudiation'],
    });
    expect(ku.issues.map((i) => i.code)).toEqual(['KEY_USAGE']);
    const eku = checkCertificatePath(enc.cert, { ...opts, requiredExtKeyUsage: '1.3.6.1.5.5.7.3.8' });
    expect(eku.issues[0]!.message).toMatch(/id-kp-timeStamping/);
    const none = checkCertificatePath(enc.cert, { trustAnchors: [], at: TEST_NOW });
    expect(none.issues.map((i) => i.code)).toEqual(['NO_TRUST_ANCHOR']);
  });
  it('a second, valid path is found when the first candidate issuer fails (cross-certified intermediates)', async () => {
    const i1 = await makeIdentity({ cn: 'I cross', issuer: root, ca: true });
    const leaf = await makeIdentity({ cn: 'leaf cross', issuer: i1 });
    // Same subject and key as i1, but not a CA: a path through it fails, through i1 succeeds.
    const bad = await x509.X509CertificateGenerator.create({
      serialNumber: '77',
      subject: i1.peculiar.subject,
      issuer: root.peculiar.subject,
      notBefore: daysFromTestNow(-1),
      notAfter: daysFromTestNow(10),
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      publicKey: i1.keys.publicKey,
      signingKey: root.keys.privateKey,
    });
    const { X509Certificate } = await import('node:crypto');
    const r = checkCertificatePath(leaf.cert, {
      trustAnchors: [root.cert],
      intermediates: [new X509Certificate(bad.toString('pem')), i1.cert],
      at: TEST_NOW,
    });
    expect(r.ok).toBe(true);
    expect(r.path.map((c) => c.subject)).toEqual([leaf.cert.subject, i1.cert.subject, root.cert.subject]);
  });
});
