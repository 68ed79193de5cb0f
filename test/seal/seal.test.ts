import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SealResult } from '../../src/seal/index.js';
import { sealPdfDetailed, verifyPdfSeal } from '../../src/seal/index.js';
import { TEST_NOW, testClock } from '../helpers/clock.js';
import { pdfaSuite } from '../pdf/pdfa-suite.js';
import { dmtxread, rasterPage1, savePdf, tool, wordBoxes } from '../pdf/tools.js';
import {
  byteRangeOf,
  nssDbTrusting,
  pdfsig,
  renderedReport,
  type SealPki,
  sealPki,
  tmp,
} from './fixtures.js';

let pki: SealPki;
let original: Uint8Array;
let sealed: SealResult;
let dir: string;
let path: string;

beforeAll(async () => {
  pki = await sealPki();
  const r = await renderedReport();
  original = r.pdf;
  sealed = await sealPdfDetailed(r.pdf, {
    key: pki.org.keyPem,
    cert: pki.org.certPem,
    chain: [pki.ca.certPem],
    reason: 'Compte rendu validé par le biologiste',
    location: 'Boulogne-Billancourt',
    clock: testClock,
    appearance: { layout: r.layout, ...(r.datamatrix ? { datamatrix: r.datamatrix } : {}) },
  });
  dir = tmp();
  path = savePdf(dir, 'sealed.pdf', sealed.pdf);
}, 60_000);

pdfaSuite('sealed report', async () => {
  const r = await renderedReport();
  const p = await sealPki();
  return (
    await sealPdfDetailed(r.pdf, {
      key: p.org.keyPem,
      cert: p.org.certPem,
      clock: testClock,
      reason: 'Compte rendu validé',
      appearance: { layout: r.layout, ...(r.datamatrix ? { datamatrix: r.datamatrix } : {}) },
    })
  ).pdf;
});

describe('sealPdf: an incremental PAdES update', () => {
  it('keeps every original byte and appends one revision', () => {
    expect(Buffer.from(sealed.pdf.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
    const tail = Buffer.from(sealed.pdf.subarray(original.length)).toString('latin1');
    expect(tail.match(/%%EOF/g)).toHaveLength(1);
    expect(tail).toMatch(/\/Prev \d+/);
    expect(sealed.level).toBe('B-B');
  });

  it('has a ByteRange covering the whole file but the /Contents hex string', () => {
    const { range, contentsHex } = byteRangeOf(sealed.pdf);
    expect(range[0]).toBe(0);
    expect(range[2]! + range[3]!).toBe(sealed.pdf.length);
    expect(contentsHex).toMatch(/^<[0-9a-f]+>$/);
    expect(range[2]! - range[1]!).toBe(contentsHex.length);
    const before = Buffer.from(sealed.pdf.subarray(range[1]! - 10, range[1]!)).toString('latin1');
    expect(before).toMatch(/\/Contents\s*$/);
    expect(sealed.byteRange).toEqual(range);
  });

  it('is valid for pdfsig (poppler + NSS) with the test CA trusted in an NSS database made by certutil', () => {
    const out = pdfsig(path, nssDbTrusting(pki.ca.certPem));
    expect(out).toContain('Signature Type: ETSI.CAdES.detached');
    expect(out).toContain('Signing Hash Algorithm: SHA-256');
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Certificate Validation: Certificate is Trusted.');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Signer Certificate Common Name: Laboratoire des Charmes');
  });

  it('verifies with openssl cms over the ByteRange bytes, with ESS signing-certificate-v2 and no signingTime', () => {
    const { signed, contentsHex } = byteRangeOf(sealed.pdf);
    const cms = Buffer.from(contentsHex.slice(1, -1), 'hex');
    writeFileSync(join(dir, 'cms.der'), cms);
    writeFileSync(join(dir, 'signed.bin'), signed);
    writeFileSync(join(dir, 'ca.pem'), pki.ca.certPem);
    const r = tool('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, 'cms.der'),
      '-content',
      join(dir, 'signed.bin'),
      '-CAfile',
      join(dir, 'ca.pem'),
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);
    expect(r.stderr).toContain('Verification successful');
    expect(r.status).toBe(0);
    const printed = execFileSync(
      'openssl',
      ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(dir, 'cms.der')],
      {
        encoding: 'utf8',
      },
    );
    expect(printed).toMatch(/id-smime-aa-signingCertificateV2|1\.2\.840\.113549\.1\.9\.16\.2\.47/);
    expect(printed).toContain('messageDigest');
    expect(printed).not.toMatch(/signingTime/);
    expect(printed).toContain('sha256');
  });

  it('writes the signature dictionary: SubFilter, /M from the clock, reason, location', () => {
    const latin = Buffer.from(sealed.pdf.subarray(original.length)).toString('latin1');
    expect(latin).toContain('/SubFilter /ETSI.CAdES.detached');
    expect(latin).toContain('/M (D:20261125100000Z)');
    expect(sealed.signingTime.toISOString()).toBe(TEST_NOW.toISOString());
    expect(latin).toContain('/FT /Sig');
  });

  it('passes qpdf --check and keeps the PDF 1.4 header', () => {
    const r = tool('qpdf', ['--check', path]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toContain('No syntax or stream encoding errors');
    expect(Buffer.from(sealed.pdf.subarray(0, 8)).toString('latin1')).toBe('%PDF-1.4');
  });
});

describe('the visible seal', () => {
  it('sits in the page-1 header, clear of every word of the report and of the Datamatrix', async () => {
    const r = await renderedReport();
    expect(sealed.page).toBe(0);
    const rect = sealed.rect!;
    const words = wordBoxes(savePdf(dir, 'original.pdf', original)).pages[0]!;
    const H = words.height;
    const seal = { x0: rect.x, x1: rect.x + rect.width, y0: H - rect.y - rect.height, y1: H - rect.y }; // top-down
    for (const w of words.words) {
      const overlap = w.xMin < seal.x1 && w.xMax > seal.x0 && w.yMin < seal.y1 && w.yMax > seal.y0;
      expect(overlap, `seal over "${w.word}"`).toBe(false);
    }
    const dm = r.datamatrix!;
    expect(rect.y > dm.y + dm.side || rect.x + rect.width < dm.x).toBe(true);
    // In the header: level with the lab name (first line of the page).
    const lab = words.words.find((w) => w.word === 'Laboratoire')!;
    expect(seal.y0).toBeLessThanOrEqual(lab.yMax);
    expect(seal.y1).toBeGreaterThan(lab.yMin);
  });

  it('shows "Cachet électronique", the organisation, the Paris date and time and the reason (pdftotext)', () => {
    const words = wordBoxes(path).pages[0]!;
    const rect = sealed.rect!;
    const H = words.height;
    const inSeal = words.words
      .filter((w) => w.xMin >= rect.x - 1 && w.xMax <= rect.x + rect.width + 1 && w.yMax <= H - rect.y + 1)
      .filter((w) => w.yMin >= H - rect.y - rect.height - 1)
      .sort((a, b) => Math.round(a.yMax) - Math.round(b.yMax) || a.xMin - b.xMin)
      .map((w) => w.word)
      .join(' ');
    expect(inSeal).toContain('Cachet électronique');
    expect(inSeal).toContain('cisis-bio test');
    expect(inSeal).toContain('Laboratoire des Charmes');
    expect(inSeal).toContain('25/11/2026 11:00:00 (heure de Paris)'); // 10:00Z is 11:00 in Paris (CET)
    expect(inSeal).toMatch(/Motif : Compte rendu validé/);
  });

  it('is drawn on the page-1 render (pdftoppm) and the INS Datamatrix still decodes (dmtxread)', async () => {
    const r = await renderedReport();
    const png = rasterPage1(path, dir);
    expect(dmtxread(png, { timeoutMs: 60_000 }).toString('latin1')).toBe(r.datamatrix!.payload);
    const rect = sealed.rect!;
    const k = 300 / 72;
    const crop = (file: string) =>
      tool('pdftoppm', [
        '-r',
        '300',
        '-gray',
        '-f',
        '1',
        '-l',
        '1',
        '-x',
        String(Math.round(rect.x * k)),
        '-y',
        String(Math.round((841.89 - rect.y - rect.height) * k)),
        '-W',
        String(Math.round(rect.width * k)),
        '-H',
        String(Math.round(rect.height * k)),
        file,
      ]).stdout;
    const dark = (pgm: Buffer) =>
      pgm
        .subarray(pgm.length - Math.round(rect.width * k) * Math.round(rect.height * k))
        .filter((b) => b < 128).length;
    expect(dark(crop(join(dir, 'original.pdf')))).toBe(0); // nothing of the report under the seal
    expect(dark(crop(path))).toBeGreaterThan(500); // the seal's border and text
  });
});

describe('verifyPdfSeal on the sealed report', () => {
  it('is valid with the CA pinned, B-B, signer and reason reported', async () => {
    const v = await verifyPdfSeal(sealed.pdf, { trustAnchors: [pki.ca.certPem], now: TEST_NOW });
    expect(v.issues).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.level).toBe('B-B');
    expect(v.subFilter).toBe('ETSI.CAdES.detached');
    expect(v.fieldName).toBe('Cachet1');
    expect(v.signingTime?.toISOString()).toBe(TEST_NOW.toISOString());
    expect(v.reason).toBe('Compte rendu validé par le biologiste');
    expect(v.signer?.subject).toContain('CN=Laboratoire des Charmes');
    expect(v.checks).toMatchObject({
      byteRange: true,
      wholeFile: true,
      digest: true,
      signatureValue: true,
      chain: true,
    });
  });
});
