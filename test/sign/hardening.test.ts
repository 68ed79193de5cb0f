// Issue 13 items 1, 3, 4, 5, 6, 10 and 20 (sign/verify): each test reproduces the reported failure.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  checkTimestampToken,
  loadSigningKey,
  type SigningKey,
  signDocument,
  type VerifyOptions,
  verifySignature,
} from '../../src/sign/index.js';
import { runCli } from '../helpers/cli.js';
import { daysFromTestNow, TEST_NOW } from '../helpers/clock.js';
import { DOC, DOC_ID, tmp } from './fixtures.js';
import { makeIdentity, type TestIdentity, x509 } from './pki.js';
import { localTsa } from './tsa.js';

const DOC_URI = `urn:oid:${DOC_ID}`;
const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const codes = (r: { issues: { code: string }[] }) => r.issues.map((i) => i.code);

let ca: TestIdentity;
let signer: TestIdentity;
let key: SigningKey;
let expired: TestIdentity;
let tsaId: TestIdentity;
let dir: string;

beforeAll(async () => {
  ca = await makeIdentity({ cn: 'Hardening CA', ca: true, notBefore: daysFromTestNow(-400) });
  signer = await makeIdentity({ cn: 'Hardening lab', issuer: ca, notBefore: daysFromTestNow(-400) });
  key = loadSigningKey({ key: signer.keyPem, cert: signer.certPem });
  expired = await makeIdentity({
    cn: 'Expired lab',
    issuer: ca,
    notBefore: daysFromTestNow(-40),
    notAfter: daysFromTestNow(-10),
  });
  tsaId = await makeIdentity({
    cn: 'Hardening TSA',
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    extKeyUsage: [TIME_STAMPING],
    notBefore: daysFromTestNow(-100),
  });
  dir = tmp();
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  writeFileSync(join(dir, 'doc.xml'), DOC);
  writeFileSync(join(dir, 'tampered.xml'), DOC.toString('utf8').replace('TSH', 'TSX'));
  writeFileSync(join(dir, 'key.pem'), signer.keyPem);
  writeFileSync(join(dir, 'cert.pem'), signer.certPem);
  writeFileSync(join(dir, 'expired.key.pem'), expired.keyPem);
  writeFileSync(join(dir, 'expired.cert.pem'), expired.certPem);
});

const verifyAt = (sig: Uint8Array | string, opts: Partial<VerifyOptions> = {}) =>
  verifySignature(sig, { trustAnchors: [ca.certPem], now: TEST_NOW, ...opts });

describe('13.1 every document given is matched to what the signature covers', () => {
  it('enveloping: a --doc that is not the enveloped document is a mismatch (it used to be ignored)', async () => {
    const sig = await signDocument(DOC, { key, packaging: 'enveloping', signingTime: TEST_NOW });
    expect((await verifyAt(sig.bytes, { documents: { [DOC_ID]: DOC } })).valid).toBe(true);
    const tampered = Buffer.from(DOC.toString('utf8').replace('TSH', 'TSX'));
    const v = await verifyAt(sig.bytes, { documents: { [DOC_ID]: tampered } });
    expect(codes(v)).toEqual(['DOCUMENT_MISMATCH']);
    expect(v.issues[0]!.where).toBe(DOC_ID);
  });
  it('detached: a document whose id is in no manifest reference is named (it used to be ignored)', async () => {
    const sig = await signDocument(DOC, { key, signingTime: TEST_NOW });
    const v = await verifyAt(sig.bytes, { documents: { [DOC_URI]: DOC, '1.2.250.1.999.42': DOC } });
    expect(codes(v)).toEqual(['DOCUMENT_UNMATCHED']);
    expect(v.issues[0]!.message).toContain('1.2.250.1.999.42');
    expect(v.checks.manifest).toBe(false);
  });
  it('CLI: exit 1 naming the document, for both cases', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(TEST_NOW);
    try {
      const env = join(dir, 'env.sig.xml');
      expect(
        (
          await runCli([
            'sign',
            join(dir, 'doc.xml'),
            '--key',
            join(dir, 'key.pem'),
            '--cert',
            join(dir, 'cert.pem'),
            '--enveloping',
            '--out',
            env,
          ])
        ).code,
      ).toBe(0);
      const bad = await runCli([
        'verify',
        env,
        '--doc',
        join(dir, 'tampered.xml'),
        '--trust',
        join(dir, 'ca.pem'),
      ]);
      expect(bad.code).toBe(1);
      expect(bad.out).toContain(`✗ DOCUMENT_MISMATCH: document urn:oid:${DOC_ID}`);
      const det = join(dir, 'det.sig.xml');
      await runCli([
        'sign',
        join(dir, 'doc.xml'),
        '--key',
        join(dir, 'key.pem'),
        '--cert',
        join(dir, 'cert.pem'),
        '--out',
        det,
      ]);
      const extra = await runCli([
        'verify',
        det,
        '--doc',
        join(dir, 'doc.xml'),
        '--doc',
        `1.2.250.1.999.42=${join(dir, 'doc.xml')}`,
        '--trust',
        join(dir, 'ca.pem'),
      ]);
      expect(extra.code).toBe(1);
      expect(extra.out).toContain('✗ DOCUMENT_UNMATCHED: document urn:oid:1.2.250.1.999.42');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('13.3 the certificate must be valid at the verification time unless a verified time-stamp says otherwise', () => {
  const backDated = () =>
    signDocument(DOC, {
      key: loadSigningKey({ key: expired.keyPem, cert: expired.certPem }),
      signingTime: daysFromTestNow(-20), // inside the expired certificate's validity
      allowInvalidCertificate: true,
    });
  it('a SigningTime back-dated into an expired certificate no longer makes it valid', async () => {
    const v = await verifyAt((await backDated()).bytes, { documents: { [DOC_URI]: DOC } });
    expect(codes(v)).toEqual(['CHAIN_UNTRUSTED']);
    expect(v.issues[0]!.message).toMatch(/Expired lab is not valid at 2026-11-25T10:00:00.000Z/);
    expect(v.checks.signingTime).toBe(true); // the claim itself is consistent, it just proves nothing
    expect(v.validationTime).toEqual(TEST_NOW);
  });
  it('a verification time chosen by the caller (`at`) is used as is', async () => {
    const v = await verifyAt((await backDated()).bytes, {
      documents: { [DOC_URI]: DOC },
      at: daysFromTestNow(-15),
    });
    expect(v.issues).toEqual([]);
  });
  it('a verified time-stamp inside the validity moves the check back; an untrusted one does not', async () => {
    const sig = await signDocument(DOC, {
      key: loadSigningKey({ key: expired.keyPem, cert: expired.certPem }),
      signingTime: daysFromTestNow(-20),
      allowInvalidCertificate: true,
      timestampAuthority: localTsa(tsaId, () => daysFromTestNow(-20)),
    });
    const ok = await verifyAt(sig.bytes, {
      documents: { [DOC_URI]: DOC },
      trustAnchors: [ca.certPem, tsaId.certPem],
    });
    expect(ok.issues).toEqual([]);
    expect(ok.level).toBe('B-T');
    expect(ok.validationTime).toEqual(daysFromTestNow(-20));
    const untrusted = await verifyAt(sig.bytes, { documents: { [DOC_URI]: DOC } });
    expect(codes(untrusted)).toEqual(['TIMESTAMP_INVALID', 'CHAIN_UNTRUSTED']);
  });
  it('a not-yet-valid certificate fails whatever SigningTime it claims', async () => {
    const future = await makeIdentity({ cn: 'Future lab', issuer: ca, notBefore: daysFromTestNow(2) });
    const sig = await signDocument(DOC, {
      key: loadSigningKey({ key: future.keyPem, cert: future.certPem }),
      signingTime: daysFromTestNow(3),
      allowInvalidCertificate: true,
    });
    const v = await verifyAt(sig.bytes, { documents: { [DOC_URI]: DOC } });
    expect(codes(v)).toEqual(['SIGNING_TIME_IN_FUTURE', 'CHAIN_UNTRUSTED']);
  });
  it('CLI: exit 1 at "now", exit 0 with an explicit --at inside the validity', async () => {
    const sig = join(dir, 'backdated.sig.xml');
    writeFileSync(sig, (await backDated()).bytes);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(TEST_NOW);
    try {
      const args = ['verify', sig, '--doc', join(dir, 'doc.xml'), '--trust', join(dir, 'ca.pem')];
      expect((await runCli(args)).code).toBe(1);
      const at = await runCli([...args, '--at', daysFromTestNow(-15).toISOString()]);
      expect(at.code, at.out).toBe(0);
      expect(at.out).toContain(`certificates checked at: ${daysFromTestNow(-15).toISOString()}`);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('13.4 time-stamp: TSA identity and ESS signing-certificate', () => {
  const data = Buffer.from('canonical SignatureValue');
  const digest = createHash('sha256').update(data).digest();
  async function token(tsa: ReturnType<typeof localTsa>): Promise<Buffer> {
    return Buffer.from(await tsa({ data, hash: 'sha256', digest }));
  }
  /** openssl ts -verify at TEST_NOW with the TSA certificate as CA: the independent verdict on a token. */
  function opensslTs(tok: Buffer, anchor: TestIdentity): { ok: boolean; err: string } {
    const d = tmp();
    writeFileSync(join(d, 'tok.der'), tok);
    writeFileSync(join(d, 'ca.pem'), anchor.certPem);
    const r = spawnSync(
      'openssl',
      [
        'ts',
        '-verify',
        '-token_in',
        '-in',
        join(d, 'tok.der'),
        '-digest',
        digest.toString('hex'),
        '-CAfile',
        join(d, 'ca.pem'),
        '-attime',
        String(Math.floor(TEST_NOW.getTime() / 1000)),
      ],
      { encoding: 'utf8' },
    );
    return { ok: r.status === 0 && /Verification: OK/.test(r.stdout), err: r.stderr };
  }
  it('ESS v2 and v1 naming the TSA certificate are accepted, as openssl ts -verify accepts them', async () => {
    for (const ess of ['v2', 'v1'] as const) {
      const tok = await token(localTsa(tsaId, { ess }));
      expect(checkTimestampToken(tok, data)).toMatchObject({ ok: true });
      expect(opensslTs(tok, tsaId).ok, ess).toBe(true);
    }
  });
  it('no ESS attribute, or one naming another certificate, is refused (openssl ts -verify refuses them too)', async () => {
    const none = await token(localTsa(tsaId, { ess: 'none' }));
    expect(checkTimestampToken(none, data).reason).toMatch(/no ESS signing-certificate/);
    expect(opensslTs(none, tsaId)).toMatchObject({ ok: false, err: expect.stringMatching(/ESS routines/) });
    const other = await token(localTsa(tsaId, { essCertificate: ca.cert.raw }));
    expect(checkTimestampToken(other, data).reason).toMatch(/not the certificate that signed it/);
    expect(opensslTs(other, tsaId)).toMatchObject({
      ok: false,
      err: expect.stringMatching(/ess cert id not found/),
    });
  });
  it('the TSA is checked on its own path at the verification time (CA-issued TSA, expired TSA)', async () => {
    const tsaCa = await makeIdentity({ cn: 'TSA CA', ca: true, notBefore: daysFromTestNow(-400) });
    const issued = await makeIdentity({
      cn: 'Issued TSA',
      issuer: tsaCa,
      extKeyUsage: [TIME_STAMPING],
      keyUsage: x509.KeyUsageFlags.digitalSignature,
    });
    const sig = await signDocument(DOC, { key, signingTime: TEST_NOW, timestampAuthority: localTsa(issued) });
    const trusted = await verifyAt(sig.bytes, {
      documents: { [DOC_URI]: DOC },
      trustAnchors: [ca.certPem, tsaCa.certPem],
    });
    expect(trusted.issues).toEqual([]);
    // The TSA's intermediate travels in the token only; the root alone is pinned.
    const tsaSub = await makeIdentity({ cn: 'TSA sub-CA', issuer: tsaCa, ca: true });
    const deep = await makeIdentity({
      cn: 'Deep TSA',
      issuer: tsaSub,
      extKeyUsage: [TIME_STAMPING],
      keyUsage: x509.KeyUsageFlags.digitalSignature,
    });
    const sig3 = await signDocument(DOC, {
      key,
      signingTime: TEST_NOW,
      timestampAuthority: localTsa(deep, { chain: [tsaSub] }),
    });
    const viaToken = await verifyAt(sig3.bytes, {
      documents: { [DOC_URI]: DOC },
      trustAnchors: [ca.certPem, tsaCa.certPem],
    });
    expect(viaToken.issues).toEqual([]);
    const noChain = await signDocument(DOC, {
      key,
      signingTime: TEST_NOW,
      timestampAuthority: localTsa(deep),
    });
    const v3 = await verifyAt(noChain.bytes, {
      documents: { [DOC_URI]: DOC },
      trustAnchors: [ca.certPem, tsaCa.certPem],
    });
    expect(codes(v3)).toEqual(['TIMESTAMP_INVALID']);
    const oldTsa = await makeIdentity({
      cn: 'Old TSA',
      extKeyUsage: [TIME_STAMPING],
      keyUsage: x509.KeyUsageFlags.digitalSignature,
      notBefore: daysFromTestNow(-300),
      notAfter: daysFromTestNow(-5),
    });
    const sig2 = await signDocument(DOC, {
      key,
      signingTime: daysFromTestNow(-6),
      timestampAuthority: localTsa(oldTsa, () => daysFromTestNow(-6)),
    });
    const v = await verifyAt(sig2.bytes, {
      documents: { [DOC_URI]: DOC },
      trustAnchors: [ca.certPem, oldTsa.certPem],
    });
    expect(codes(v)).toEqual(['TIMESTAMP_INVALID']);
    expect(v.issues[0]!.message).toMatch(/Old TSA is not valid at/);
  });
});

describe('13.5 sign refuses a certificate the verifier would refuse', () => {
  it('expired, not yet valid, or without digitalSignature/nonRepudiation → SIGN_CERTIFICATE_INVALID', async () => {
    const enc = await makeIdentity({
      cn: 'Enc lab',
      issuer: ca,
      keyUsage: x509.KeyUsageFlags.keyEncipherment,
    });
    const future = await makeIdentity({ cn: 'Later lab', issuer: ca, notBefore: daysFromTestNow(5) });
    for (const [id, re] of [
      [expired, /expired at/],
      [future, /not yet valid at/],
      [enc, /keyUsage allows none of digitalSignature, nonRepudiation/],
    ] as const) {
      const k = loadSigningKey({ key: id.keyPem, cert: id.certPem });
      const e = await signDocument(DOC, { key: k, signingTime: TEST_NOW }).catch((x: unknown) => x);
      expect(e).toMatchObject({ name: 'SignatureError', code: 'SIGN_CERTIFICATE_INVALID' });
      expect((e as Error).message).toMatch(re);
      await expect(
        signDocument(DOC, { key: k, signingTime: TEST_NOW, allowInvalidCertificate: true }),
      ).resolves.toBeTruthy();
    }
  });
  it('CLI: exit 1 with the reason, nothing written; --allow-invalid-cert signs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(TEST_NOW);
    try {
      const out = join(dir, 'expired.sig.xml');
      const args = [
        'sign',
        join(dir, 'doc.xml'),
        '--key',
        join(dir, 'expired.key.pem'),
        '--cert',
        join(dir, 'expired.cert.pem'),
        '--out',
        out,
      ];
      const r = await runCli(args);
      expect(r.code).toBe(1);
      expect(r.err).toContain('SIGN_CERTIFICATE_INVALID');
      expect(spawnSync('test', ['-e', out]).status).toBe(1);
      expect((await runCli([...args, '--allow-invalid-cert'])).code).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('13.6 and 13.20: verify output and exit codes', () => {
  it('--json on an enveloping signature shows the document by size and SHA-256, not as a byte array', async () => {
    const sig = join(dir, 'env-json.sig.xml');
    writeFileSync(
      sig,
      (await signDocument(DOC, { key, packaging: 'enveloping', signingTime: TEST_NOW })).bytes,
    );
    const r = await runCli([
      'verify',
      sig,
      '--trust',
      join(dir, 'ca.pem'),
      '--json',
      '--at',
      TEST_NOW.toISOString(),
    ]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toContain('"Buffer"');
    expect(r.out.length).toBeLessThan(DOC.length);
    expect(JSON.parse(r.out).envelopedDocument).toEqual({
      bytes: DOC.length,
      sha256: createHash('sha256').update(DOC).digest('hex'),
    });
  });
  it('sign (dmp-legacy: canonicalised): a document with a DTD is exit 2 (it was 1), nothing written', async () => {
    const dtd = join(dir, 'dtd.xml');
    writeFileSync(dtd, '<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>');
    const out = join(dir, 'dtd.sig.xml');
    const r = await runCli([
      'sign',
      dtd,
      '--key',
      join(dir, 'key.pem'),
      '--cert',
      join(dir, 'cert.pem'),
      '--doc-id',
      '1.2.3',
      '--profile',
      'dmp-legacy',
      '--out',
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('XML_DTD_FORBIDDEN');
    expect(spawnSync('test', ['-e', out]).status).toBe(1);
  });
  it('a malformed signature or one with a DTD is exit 2 (it was 1)', async () => {
    const bad = join(dir, 'bad.sig.xml');
    writeFileSync(bad, '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><unclosed>');
    expect((await runCli(['verify', bad, '--trust', join(dir, 'ca.pem')])).code).toBe(2);
    writeFileSync(bad, '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>');
    const r = await runCli(['verify', bad, '--trust', join(dir, 'ca.pem')]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('MALFORMED_XML');
  });
});

describe('13.10 a text node over 7.5 MB (an 8 MB PDF copy) is not "malformed"', () => {
  let big: Buffer;
  beforeAll(() => {
    // An 8 MB base64 text node where the example carries its PDF copy.
    const text = DOC.toString('utf8');
    const pdf = 'JVBERi0xLjcK'.repeat(Math.ceil((8 * 1024 * 1024) / 12));
    big = Buffer.from(
      text.replace(
        '</ClinicalDocument>',
        `<!-- copy --><component><text>${pdf}</text></component></ClinicalDocument>`,
      ),
    );
    expect(big.length).toBeGreaterThan(8 * 1024 * 1024);
  });
  afterAll(() => {
    big = Buffer.alloc(0);
  });
  it('both profiles sign it and the signature verifies against it', async () => {
    for (const profile of ['dsg', 'dmp-legacy'] as const) {
      const sig = await signDocument(big, { key, profile, signingTime: TEST_NOW });
      const v = await verifyAt(sig.bytes, { documents: { [DOC_URI]: big } });
      expect(v.issues, profile).toEqual([]);
    }
  }, 60_000);
});
