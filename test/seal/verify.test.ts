import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SealError,
  type SealPdfOptions,
  sealPdf,
  sealPdfDetailed,
  verifyPdfSeal,
} from '../../src/seal/index.js';
import { daysFromTestNow, TEST_NOW, testClock } from '../helpers/clock.js';
import { encodePng, makeJpeg, pixelAt } from '../pdf/images.js';
import { savePdf, tool } from '../pdf/tools.js';
import { makeIdentity, x509 } from '../sign/pki.js';
import { localTsa } from '../sign/tsa.js';
import { httpTsa, nssDbTrusting, pdfsig, renderedReport, type SealPki, sealPki, tmp } from './fixtures.js';

let pki: SealPki;
let original: Uint8Array;
let sealed: Uint8Array;
let nss: string;
const dir = tmp();

const opts = (extra: Partial<SealPdfOptions> = {}): SealPdfOptions => ({
  key: pki.org.keyPem,
  cert: pki.org.certPem,
  clock: testClock,
  reason: 'Compte rendu validé',
  ...extra,
});
const verify = (pdf: Uint8Array, anchors = [pki.ca.certPem], at?: Date) =>
  verifyPdfSeal(pdf, { trustAnchors: anchors, now: TEST_NOW, ...(at ? { at } : {}) });
const codes = (v: { issues: Array<{ code: string }> }) => v.issues.map((i) => i.code);

beforeAll(async () => {
  pki = await sealPki();
  original = (await renderedReport()).pdf;
  sealed = await sealPdf(original, opts());
  nss = nssDbTrusting(pki.ca.certPem);
}, 60_000);

/** A real incremental update appended by hand: one new object, its xref section, a trailer with /Prev. */
function appendUpdate(pdf: Uint8Array): Uint8Array {
  const latin = Buffer.from(pdf).toString('latin1');
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(latin)![1]);
  const size = Number([...latin.matchAll(/\/Size (\d+)/g)].at(-1)![1]);
  const root = [...latin.matchAll(/\/Root (\d+ \d+ R)/g)].at(-1)![1];
  const head = `${latin}\n`;
  const obj = `${size} 0 obj\n(added after the seal)\nendobj\n`;
  const xref = head.length + obj.length;
  const tail = `xref\n0 1\n0000000000 65535 f \n${size} 1\n${String(head.length).padStart(10, '0')} 00000 n \ntrailer\n<< /Size ${size + 1} /Root ${root} /Prev ${prev} >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(head + obj + tail, 'latin1'));
}

describe('verifyPdfSeal catches tampering (and so does pdfsig)', () => {
  it('one byte changed before the seal (in the original revision): digest mismatch', async () => {
    const bad = new Uint8Array(sealed);
    const at = Buffer.from(bad).indexOf('/Author');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(original.length);
    bad[at + 9] = bad[at + 9]! ^ 0x01; // a digit of the Info /Author hex string (pdfsig also warns about the now illegal hex digit)
    const v = await verify(bad);
    expect(v.valid).toBe(false);
    expect(codes(v)).toContain('DIGEST_MISMATCH');
    expect(pdfsig(savePdf(dir, 'tampered-before.pdf', bad), nss)).toMatch(
      /Signature Validation: Digest Mismatch/,
    );
  });

  it('one byte changed in the sealing revision after /Contents: digest mismatch', async () => {
    const bad = new Uint8Array(sealed);
    const at = Buffer.from(bad).lastIndexOf('/SigFlags 3');
    bad[at + 10] = 0x31; // SigFlags 3 → 1
    const v = await verify(bad);
    expect(codes(v)).toContain('DIGEST_MISMATCH');
    expect(pdfsig(savePdf(dir, 'tampered-after.pdf', bad), nss)).toMatch(/Digest Mismatch/);
  });

  it('an incremental update appended after the seal: the seal no longer covers the file', async () => {
    const bad = appendUpdate(sealed);
    expect(tool('qpdf', ['--check', savePdf(dir, 'appended.pdf', bad)]).status).toBe(0);
    const v = await verify(bad);
    expect(v.valid).toBe(false);
    expect(codes(v)).toEqual(['NOT_WHOLE_FILE']);
    expect(v.checks.digest).toBe(true); // the sealed revision itself is intact
    const out = pdfsig(join(dir, 'appended.pdf'), nss);
    expect(out).not.toContain('Total document signed');
    expect(out).toMatch(/not total document signed/i);
  });

  it('a byte of the CMS signature value or of the zero padding of /Contents changed', async () => {
    const latin = Buffer.from(sealed).toString('latin1');
    const start = latin.lastIndexOf('/Contents <') + '/Contents <'.length;
    const der = Buffer.from(latin.slice(start, start + 8), 'hex'); // 30 82 hh ll
    const total = 4 + der.readUInt16BE(2);
    const flip = (pos: number) => {
      const bad = new Uint8Array(sealed);
      bad[pos] = bad[pos] === 0x30 ? 0x31 : 0x30;
      return bad;
    };
    expect(codes(await verify(flip(start + 2 * (total - 8))))).toContain('SIGNATURE_INVALID');
    expect(codes(await verify(flip(start + 2 * total + 40)))).toContain('CMS_MALFORMED');
  });

  it('an unpinned CA, or a chain checked at a time outside the certificates (`at`)', async () => {
    expect(codes(await verify(sealed, [pki.other.certPem]))).toEqual(['CHAIN_UNTRUSTED']);
    expect(codes(await verify(sealed, []))).toEqual(['CHAIN_UNTRUSTED']);
    const late = await verify(sealed, [pki.ca.certPem], new Date('2100-06-01T00:00:00Z'));
    expect(codes(late)).toEqual(['CHAIN_UNTRUSTED']);
    expect(late.issues[0]!.message).toContain('not valid at 2100-06-01');
  });

  it('an expired certificate with a back-dated /M is not valid: without a time-stamp the chain is checked now', async () => {
    // Valid from 40 to 10 days before TEST_NOW; the seal claims (/M) a time inside that window.
    const expired = await makeIdentity({
      cn: 'Laboratoire expiré',
      issuer: pki.ca,
      notBefore: daysFromTestNow(-40),
      notAfter: daysFromTestNow(-10),
    });
    const backDated = () => daysFromTestNow(-20);
    const pdf = await sealPdf(
      original,
      opts({ key: expired.keyPem, cert: expired.certPem, clock: backDated }),
    );
    const v = await verify(pdf);
    expect(v.signingTime?.toISOString()).toBe(backDated().toISOString());
    expect(codes(v)).toEqual(['CHAIN_UNTRUSTED']);
    // The caller may still ask for the chain at a time of its own choosing (an archive's trusted date).
    expect(codes(await verify(pdf, [pki.ca.certPem], backDated()))).toEqual([]);
  });

  it('a signer certificate whose keyUsage allows neither digitalSignature nor nonRepudiation', async () => {
    const enc = await makeIdentity({
      cn: 'Chiffrement seulement',
      issuer: pki.ca,
      keyUsage: x509.KeyUsageFlags.keyEncipherment,
      notBefore: new Date('2000-01-01T00:00:00Z'),
      notAfter: new Date('2099-12-31T00:00:00Z'),
    });
    const pdf = await sealPdf(original, opts({ key: enc.keyPem, cert: enc.certPem }));
    expect(codes(await verify(pdf))).toEqual(['KEY_USAGE']);
  });

  it('a PDF without a seal, and bytes that are not a PDF', async () => {
    expect(codes(await verify(original))).toEqual(['NO_SEAL']);
    expect(codes(await verify(new TextEncoder().encode('not a pdf')))).toEqual(['PDF_UNREADABLE']);
  });
});

describe('B-T: an RFC 3161 time-stamp over the signature value', () => {
  it('from an injected TSA function: level B-T, genTime reported, pdfsig still valid', async () => {
    const tsa = localTsa(pki.tsa, testClock);
    const r = await sealPdfDetailed(original, opts({ timestamp: tsa }));
    expect(r.level).toBe('B-T');
    expect(tsa.calls).toBe(1);
    const v = await verify(r.pdf);
    expect(v.issues).toEqual([]);
    expect(v.level).toBe('B-T');
    expect(v.timestamp?.genTime?.toISOString()).toBe(TEST_NOW.toISOString());
    expect(v.timestamp?.tsaSubject).toContain('Horodatage de test');
    const out = pdfsig(savePdf(dir, 'bt.pdf', r.pdf), nss);
    expect(out).toContain('Signature Validation: Signature is Valid.');
  });

  it('a TSA whose certificate is not trusted makes the time-stamp invalid', async () => {
    const rogue = await makeIdentity({
      cn: 'TSA inconnue',
      extKeyUsage: ['1.3.6.1.5.5.7.3.8'],
      notBefore: new Date('2000-01-01T00:00:00Z'),
      notAfter: new Date('2099-12-31T00:00:00Z'),
    });
    const pdf = await sealPdf(original, opts({ timestamp: localTsa(rogue, testClock) }));
    expect(codes(await verify(pdf))).toEqual(['TIMESTAMP_INVALID']);
  });

  describe('from a TSA URL (HTTP, application/timestamp-query) on 127.0.0.1', () => {
    let server: Awaited<ReturnType<typeof httpTsa>>;
    let url: string;
    beforeAll(async () => {
      server = await httpTsa(localTsa(pki.tsa, testClock));
      url = server.url;
    });
    afterAll(() => server.close());

    it('seals at B-T with the token the TSA returned', async () => {
      const pdf = await sealPdf(original, opts({ timestamp: `${url}/tsp` }));
      const v = await verify(pdf);
      expect(v.issues).toEqual([]);
      expect(v.level).toBe('B-T');
      expect(server.contentTypes.at(-1)).toBe('application/timestamp-query');
    });

    it('a failing TSA is a SealError (SEAL_TSA_FAILED): no PDF', async () => {
      await expect(sealPdf(original, opts({ timestamp: `${url}/fail` }))).rejects.toMatchObject({
        code: 'SEAL_TSA_FAILED',
      });
    });
  });
});

describe('options', () => {
  it('seals twice: both revisions verify, the first stays byte-identical', async () => {
    const twice = await sealPdf(sealed, opts({ reason: 'Second cachet' }));
    expect(Buffer.from(twice.subarray(0, sealed.length)).equals(Buffer.from(sealed))).toBe(true);
    const v = await verify(twice);
    expect(v.valid).toBe(true);
    expect(v.signatures).toBe(2);
    expect(v.fieldName).toBe('Cachet2');
    const out = pdfsig(savePdf(dir, 'twice.pdf', twice), nss);
    expect(out.match(/Signature is Valid/g)).toHaveLength(2);
  });

  it('an invisible seal (appearance: false) and an ECDSA P-256 key', async () => {
    const ec = await makeIdentity({
      cn: 'Cachet EC',
      keyType: 'ec',
      issuer: pki.ca,
      notBefore: new Date('2000-01-01T00:00:00Z'),
      notAfter: new Date('2099-12-31T00:00:00Z'),
    });
    const r = await sealPdfDetailed(original, opts({ key: ec.keyPem, cert: ec.certPem, appearance: false }));
    expect(r.rect).toBeUndefined();
    expect((await verify(r.pdf)).issues).toEqual([]);
    expect(pdfsig(savePdf(dir, 'ec.pdf', r.pdf), nss)).toContain('Signature is Valid.');
  });

  it('draws a JPEG logo on the left of the seal, at an explicit place', async () => {
    const rect = { x: 300, y: 60, width: 160, height: 50 };
    const logo = await makeJpeg(64, 64);
    const r = await sealPdfDetailed(original, opts({ appearance: { rect, logo } }));
    expect(r.rect).toEqual(rect);
    const path = savePdf(dir, 'logo.pdf', r.pdf);
    const box = rect.height - 8;
    const [red, green, blue] = pixelAt(path, 1, rect.x + 4 + box * 0.25, rect.y + 4 + box * 0.75, 841.89);
    expect(red).toBeGreaterThan(180); // the JPEG's top-left quadrant is red
    expect(green! + blue!).toBeLessThan(200);
    expect((await verify(r.pdf)).valid).toBe(true);
  });

  it('refuses a PNG logo with an alpha channel (PDF/A-1b), a missing page and a missing key', async () => {
    const rgba = encodePng({ width: 4, height: 4, colorType: 6, bitDepth: 8, pixel: () => [255, 0, 0, 128] });
    await expect(sealPdf(original, opts({ appearance: { logo: rgba } }))).rejects.toMatchObject({
      code: 'SEAL_LOGO_UNSUPPORTED',
    });
    await expect(sealPdf(original, opts({ appearance: { page: 4 } }))).rejects.toMatchObject({
      code: 'SEAL_PAGE_MISSING',
    });
    await expect(sealPdf(original, { key: undefined } as never)).rejects.toBeInstanceOf(SealError);
    await expect(sealPdf(new Uint8Array([1, 2, 3]), opts())).rejects.toMatchObject({
      code: 'SEAL_PDF_UNREADABLE',
    });
  });

  it('is byte-identical for the same input, key and clock (RSA PKCS#1 v1.5)', async () => {
    expect(Buffer.from(await sealPdf(original, opts())).equals(Buffer.from(sealed))).toBe(true);
  });
});
