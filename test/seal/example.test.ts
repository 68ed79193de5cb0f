import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/shared.js';
import { nssDbTrusting, pdfsig, sealPki, tmp } from './fixtures.js';

describe('examples/seal-pdf.ts', () => {
  it('renders, seals and verifies the bundled report; pdfsig agrees', async () => {
    const pki = await sealPki();
    const dir = tmp();
    writeFileSync(join(dir, 'key.pem'), pki.org.keyPem);
    writeFileSync(join(dir, 'cert.pem'), pki.org.certPem);
    writeFileSync(join(dir, 'ca.pem'), pki.ca.certPem);
    const files = ['key.pem', 'cert.pem', 'ca.pem'].map((f) => join(dir, f));
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'examples', 'seal-pdf.ts'), dir, ...files],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    );
    expect(out).toMatch(/PAdES B-B, seal on page 1/);
    expect(out).toContain('verifyPdfSeal: valid');
    const pdf = join(dir, 'report-sealed.pdf');
    expect(readFileSync(pdf).subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    expect(pdfsig(pdf, nssDbTrusting(pki.ca.certPem))).toContain('Signature is Valid.');
  }, 120_000);
});
