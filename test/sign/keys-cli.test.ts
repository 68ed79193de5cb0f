import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.js';
import { KeyLoadError, loadSigningKey, signDocument, verifySignature } from '../../src/sign/index.js';
import { TEST_NOW } from '../helpers/clock.js';
import { DOC, DOC_ID, DOC_PATH, tmp } from './fixtures.js';
import { makeIdentity, type TestIdentity } from './pki.js';

const PASSWORD = 'Tr3s-s3cret!';
let rsa: TestIdentity;
let ec: TestIdentity;
let dir: string;

beforeAll(async () => {
  rsa = await makeIdentity({ cn: 'Labo RSA' });
  ec = await makeIdentity({ cn: 'Labo EC', keyType: 'ec' });
  dir = tmp();
  for (const [name, id] of [
    ['rsa', rsa],
    ['ec', ec],
  ] as const) {
    writeFileSync(join(dir, `${name}.key.pem`), id.keyPem);
    writeFileSync(join(dir, `${name}.cert.pem`), id.certPem);
    // PKCS#12 made by OpenSSL (AES-256/PBKDF2, and the legacy 3DES/RC2 form for RSA as old IGC-Santé files).
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-inkey',
      join(dir, `${name}.key.pem`),
      '-in',
      join(dir, `${name}.cert.pem`),
      '-out',
      join(dir, `${name}.p12`),
      '-passout',
      `pass:${PASSWORD}`,
    ]);
  }
  execFileSync('openssl', [
    'pkcs12',
    '-export',
    '-legacy',
    '-inkey',
    join(dir, 'rsa.key.pem'),
    '-in',
    join(dir, 'rsa.cert.pem'),
    '-out',
    join(dir, 'legacy.p12'),
    '-passout',
    `pass:${PASSWORD}`,
  ]);
  execFileSync('openssl', [
    'pkey',
    '-in',
    join(dir, 'rsa.key.pem'),
    '-aes256',
    '-passout',
    `pass:${PASSWORD}`,
    '-out',
    join(dir, 'rsa.enc.pem'),
  ]);
});

/** Base64 body of a PEM key, i.e. what would leak. */
const keyMaterial = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');

function expectNoLeak(e: unknown, secrets: string[]): void {
  const err = e as Error;
  const dump = [
    err.message,
    err.stack ?? '',
    JSON.stringify(err),
    String((err as { cause?: unknown }).cause ?? ''),
  ].join('\n');
  for (const s of secrets) {
    expect(dump.includes(s)).toBe(false);
    expect(dump.includes(s.slice(0, 40))).toBe(false);
  }
}

describe('key loading', () => {
  it('reads PKCS#12 (RSA, ECDSA, legacy RSA) with its password, and encrypted PEM', () => {
    for (const [file, type, cn] of [
      ['rsa.p12', 'rsa', 'Labo RSA'],
      ['ec.p12', 'ec', 'Labo EC'],
      ['legacy.p12', 'rsa', 'Labo RSA'],
    ] as const) {
      const k = loadSigningKey({ key: readFileSync(join(dir, file)), password: PASSWORD });
      expect(k.keyType).toBe(type);
      expect(k.certificate.subject).toContain(`CN=${cn}`);
    }
    const pem = loadSigningKey({
      key: readFileSync(join(dir, 'rsa.enc.pem')),
      cert: rsa.certPem,
      password: PASSWORD,
    });
    expect(pem.certificate.fingerprint256).toBe(rsa.cert.fingerprint256);
  });

  it('wrong password, garbage and mismatched certificate give typed errors that never show key or password', () => {
    const cases: Array<[() => unknown, string]> = [
      [
        () =>
          loadSigningKey({
            key: readFileSync(join(dir, 'rsa.p12')),
            password: 'wrong-password',
            keyName: 'rsa.p12',
          }),
        'KEY_BAD_PASSWORD',
      ],
      [
        () =>
          loadSigningKey({
            key: readFileSync(join(dir, 'rsa.enc.pem')),
            cert: rsa.certPem,
            password: 'wrong-password',
          }),
        'KEY_BAD_PASSWORD',
      ],
      [() => loadSigningKey({ key: rsa.keyPem.replace(/A/g, 'B'), cert: rsa.certPem }), 'KEY_UNREADABLE'],
      [() => loadSigningKey({ key: rsa.keyPem, cert: ec.certPem }), 'KEY_CERT_MISMATCH'],
      [() => loadSigningKey({ key: rsa.keyPem }), 'CERT_MISSING'],
    ];
    for (const [fn, code] of cases) {
      let caught: unknown;
      try {
        fn();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(KeyLoadError);
      expect((caught as KeyLoadError).code).toBe(code);
      expectNoLeak(caught, [keyMaterial(rsa.keyPem), keyMaterial(ec.keyPem), PASSWORD, 'wrong-password']);
    }
  });

  it('a loaded key shows no key material when logged', () => {
    const k = loadSigningKey({ key: rsa.keyPem, cert: rsa.certPem });
    const shown = `${JSON.stringify(k)} ${String(k.privateKey)} ${inspect(k, { depth: 5 })}`;
    expect(shown.includes(keyMaterial(rsa.keyPem).slice(0, 40))).toBe(false);
  });

  it('signs with a PKCS#12 ECDSA key and verifies', async () => {
    const k = loadSigningKey({ key: readFileSync(join(dir, 'ec.p12')), password: PASSWORD });
    const sig = await signDocument(DOC, { key: k, signingTime: TEST_NOW });
    expect(sig.xml).toContain('ecdsa-sha256');
    const v = await verifySignature(sig.bytes, {
      documents: { [DOC_ID]: DOC },
      trustAnchors: [ec.certPem],
      now: TEST_NOW,
    });
    expect(v.issues).toEqual([]);
  });
});

describe('CLI sign / verify', () => {
  // The commands sign and verify at "now": only Date is faked (timers stay real), to TEST_NOW.
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(TEST_NOW);
  });
  afterAll(() => {
    vi.useRealTimers();
  });
  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out += String(s);
      return true;
    });
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      err += String(s);
      return true;
    });
    try {
      const code = await run(args);
      process.exitCode = undefined;
      return { code, out, err };
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
  }

  it('signs the official example (both profiles) and verifies it: exit 0', async () => {
    for (const profile of ['dsg', 'dmp-legacy']) {
      const out = join(dir, `${profile}.sig.xml`);
      const s = await cli([
        'sign',
        DOC_PATH,
        '--key',
        join(dir, 'rsa.p12'),
        '--password',
        PASSWORD,
        '--profile',
        profile,
        '--out',
        out,
      ]);
      expect(s.code, s.err).toBe(0);
      expect(s.out).toContain(`urn:oid:${DOC_ID}`);
      expect(s.out + s.err).not.toContain(PASSWORD);
      const v = await cli(['verify', out, '--doc', DOC_PATH, '--trust', join(dir, 'rsa.cert.pem')]);
      expect(v.code, v.out + v.err).toBe(0);
      expect(v.out).toMatch(new RegExp(`^valid: .*profile ${profile}`));
      expect(v.out).toContain(`reference urn:oid:${DOC_ID}: ok`);
    }
  });

  it('a tampered document → exit 1 with the reason; an untrusted signer → exit 1', async () => {
    const sig = join(dir, 'dsg.sig.xml');
    const tampered = join(dir, 'tampered.xml');
    writeFileSync(tampered, DOC.toString('utf8').replace('TSH', 'TSX'));
    const v = await cli(['verify', sig, '--doc', tampered, '--trust', join(dir, 'rsa.cert.pem')]);
    expect(v.code).toBe(1);
    expect(v.out).toContain('✗ MANIFEST_DIGEST_MISMATCH');
    const u = await cli(['verify', sig, '--doc', DOC_PATH, '--trust', join(dir, 'ec.cert.pem')]);
    expect(u.code).toBe(1);
    expect(u.out).toContain('✗ CHAIN_UNTRUSTED');
  });

  it('usage errors → exit 2 (no --trust, wrong password, unknown profile, missing file); no half-written output', async () => {
    const sig = join(dir, 'dsg.sig.xml');
    expect((await cli(['verify', sig, '--doc', DOC_PATH])).code).toBe(2);
    const out = join(dir, 'never.xml');
    const bad = await cli([
      'sign',
      DOC_PATH,
      '--key',
      join(dir, 'rsa.p12'),
      '--password',
      'nope',
      '--out',
      out,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('KEY_BAD_PASSWORD');
    expect(bad.err).not.toContain('nope');
    expect(
      (
        await cli([
          'sign',
          DOC_PATH,
          '--key',
          join(dir, 'rsa.p12'),
          '--password',
          PASSWORD,
          '--profile',
          'x',
          '--out',
          out,
        ])
      ).code,
    ).toBe(2);
    expect(
      (await cli(['sign', join(dir, 'missing.xml'), '--key', join(dir, 'rsa.p12'), '--out', out])).code,
    ).toBe(2);
    expect(() => readFileSync(out)).toThrow();
  });
});
