import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyPdfSeal } from '../../src/seal/index.js';
import { runCli } from '../helpers/cli.js';
import { testClock } from '../helpers/clock.js';
import { richReport } from '../pdf/fixtures.js';
import { localTsa } from '../sign/tsa.js';
import { httpTsa, nssDbTrusting, pdfsig, type SealPki, sealPki, tmp } from './fixtures.js';

// The seal time is a fixed past date (the PDF's --date): verify-pdf compares /M with the real clock, and the
// suite runs under faketime from 2025 to 2031.
const DATE = '2024-01-04T16:30:00Z';

let pki: SealPki;
let dir: string;
const f = (name: string) => join(dir, name);

beforeAll(async () => {
  pki = await sealPki();
  dir = tmp();
  writeFileSync(f('model.json'), JSON.stringify(richReport()));
  writeFileSync(f('key.pem'), pki.org.keyPem);
  writeFileSync(f('cert.pem'), pki.org.certPem);
  writeFileSync(f('ca.pem'), pki.ca.certPem);
  writeFileSync(f('other.pem'), pki.other.certPem);
}, 60_000);

describe('cisis-bio pdf --seal and cisis-bio verify-pdf', () => {
  it('renders and seals; verify-pdf says valid (exit 0), pdfsig agrees', async () => {
    const r = await runCli([
      'pdf',
      f('model.json'),
      '--out',
      f('sealed.pdf'),
      '--date',
      DATE,
      '--seal',
      '--key',
      f('key.pem'),
      '--cert',
      f('cert.pem'),
      '--reason',
      'Compte rendu validé',
    ]);
    expect(r.err).toContain('sealed (PAdES)');
    expect(r.code).toBe(0);
    const v = await runCli(['verify-pdf', f('sealed.pdf'), '--trust', f('ca.pem')]);
    expect(v.out).toMatch(/^valid: .*sealed\.pdf \(PAdES B-B, ETSI\.CAdES\.detached\)/);
    expect(v.out).toContain('signing time (/M): 2024-01-04T16:30:00.000Z');
    expect(v.code).toBe(0);
    expect(pdfsig(f('sealed.pdf'), nssDbTrusting(pki.ca.certPem))).toContain('Signature is Valid.');
    const verdict = await verifyPdfSeal(readFileSync(f('sealed.pdf')), { trustAnchors: [pki.ca.certPem] });
    expect(verdict.reason).toBe('Compte rendu validé');
  });

  it('exit 1 with the reason: another CA, a chain time outside the certificates, a tampered file', async () => {
    const other = await runCli(['verify-pdf', f('sealed.pdf'), '--trust', f('other.pem')]);
    expect(other.code).toBe(1);
    expect(other.out).toContain('CHAIN_UNTRUSTED');
    const late = await runCli([
      'verify-pdf',
      f('sealed.pdf'),
      '--trust',
      f('ca.pem'),
      '--at',
      '2100-01-01T00:00:00Z',
    ]);
    expect(late.code).toBe(1);
    const bytes = readFileSync(f('sealed.pdf'));
    const at = bytes.indexOf('/Author') + 9;
    bytes[at] = bytes[at]! ^ 1;
    writeFileSync(f('tampered.pdf'), bytes);
    const t = await runCli(['verify-pdf', f('tampered.pdf'), '--trust', f('ca.pem'), '--json']);
    expect(t.code).toBe(1);
    expect(JSON.parse(t.out).issues.map((i: { code: string }) => i.code)).toContain('DIGEST_MISMATCH');
  });

  it('--tsa URL: a B-T seal with the token of a TSA on 127.0.0.1', async () => {
    const tsa = await httpTsa(localTsa(pki.tsa, testClock));
    try {
      const args = ['pdf', f('model.json'), '--out', f('bt.pdf'), '--date', DATE, '--seal'];
      const r = await runCli([
        ...args,
        '--key',
        f('key.pem'),
        '--cert',
        f('cert.pem'),
        '--tsa',
        `${tsa.url}/tsp`,
      ]);
      expect(r.code).toBe(0);
      expect(tsa.contentTypes).toEqual(['application/timestamp-query']);
      const v = await runCli(['verify-pdf', f('bt.pdf'), '--trust', f('ca.pem')]);
      expect(v.out).toContain('(PAdES B-T, ETSI.CAdES.detached)');
      expect(v.out).toMatch(/time-stamp: \S+ \(.*Horodatage de test/);
      expect(v.code).toBe(0);
    } finally {
      await tsa.close();
    }
  });

  it('exit 2 on usage and I/O errors', async () => {
    expect((await runCli(['verify-pdf', f('sealed.pdf')])).code).toBe(2);
    expect((await runCli(['verify-pdf', f('missing.pdf'), '--trust', f('ca.pem')])).code).toBe(2);
    expect((await runCli(['verify-pdf', f('sealed.pdf'), '--trust', f('ca.pem'), '--at', 'soon'])).code).toBe(
      2,
    );
    const noKey = await runCli(['pdf', f('model.json'), '--out', f('x.pdf'), '--seal']);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('--seal needs --key');
  });
});
