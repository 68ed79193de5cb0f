import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCrBio } from '../../src/cda/index.js';
import { encodeInsDatamatrix } from '../../src/ins/index.js';
import type { PatientIdentity } from '../../src/model/index.js';
import { drawDatamatrix, encodeDatamatrix } from '../../src/pdf/datamatrix.js';
import { INS_DATAMATRIX_CAPTION, renderReportPdfDetailed } from '../../src/pdf/index.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';
import { CLOCK, qualifiedIdentity, richReport } from './fixtures.js';
import { dmtxread, rasterPage1, rawText, savePdf, workDir } from './tools.js';

const C40_LATCH = 230;

function firstCodeword(png: string): number {
  const first = dmtxread(png, { codewords: true }).toString('latin1').split('\n')[0] ?? '';
  const m = /^d:(\d+)$/.exec(first.trim());
  if (!m) throw new Error(`dmtxread printed no data codeword: ${JSON.stringify(first)}`);
  return Number(m[1]);
}

describe('INS Datamatrix on page 1', () => {
  const dir = workDir();
  const identity = qualifiedIdentity();
  const expected = encodeInsDatamatrix(identity);
  let png: string;
  let placement: Awaited<ReturnType<typeof renderReportPdfDetailed>>;

  beforeAll(async () => {
    placement = await renderReportPdfDetailed(richReport(identity), { clock: CLOCK });
    const pdf = savePdf(dir, 'qual.pdf', placement.pdf);
    png = rasterPage1(pdf, dir); // whole page 1 at 300 dpi
  });

  it('decodes (pdftoppm 300 dpi → dmtxread) to exactly the payload of encodeInsDatamatrix', () => {
    const decoded = dmtxread(png);
    expect(decoded.toString('latin1')).toBe(expected);
    expect(decoded.includes(0x1d)).toBe(true); // GS as the byte 0x1D …
    expect(decoded.toString('latin1')).not.toContain('<GS>'); // … never as text
  });

  it('starts with the C40 latch (codeword 230): the 26-character header is C40-encoded', () => {
    expect(firstCodeword(png)).toBe(C40_LATCH);
  });

  it('is a square ECC 200 symbol drawn as vectors on page 1 with the caption under it', () => {
    const dm = placement.datamatrix!;
    expect(dm.payload).toBe(expected);
    expect(dm.modules).toBeGreaterThanOrEqual(10);
    expect(dm.side).toBeCloseTo((dm.modules + 4) * dm.moduleSize, 5); // quiet zone of 2 modules each side
    const caption = placement.layout.texts.find((t) => t.text === INS_DATAMATRIX_CAPTION);
    expect(caption?.page).toBe(0);
    expect(caption!.y).toBeLessThan(dm.y);
    expect(Math.abs(caption!.x + caption!.width / 2 - (dm.x + dm.side / 2))).toBeLessThan(0.5);
    // Vector drawing: page 1 holds no image XObject.
    expect(Buffer.from(placement.pdf).toString('latin1')).not.toContain('/Subtype /Image');
  });

  it('control: without c40headerlength the first codeword is not the C40 latch (the check above can fail)', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([200, 200]);
    drawDatamatrix(page, encodeDatamatrix(expected, 0), { x: 40, y: 40, module: 2, quietZone: 2 });
    const pdf = savePdf(dir, 'control.pdf', await doc.save());
    const controlPng = rasterPage1(pdf, dir);
    expect(dmtxread(controlPng).toString('latin1')).toBe(expected);
    expect(firstCodeword(controlPng)).not.toBe(C40_LATCH);
  });

  it('is absent, caption included, for an identity that is not qualified', async () => {
    const notQualified: PatientIdentity = { ...qualifiedIdentity(), status: 'VALI' };
    delete notQualified.ins;
    const r = await renderReportPdfDetailed(richReport(notQualified), { clock: CLOCK });
    expect(r.datamatrix).toBeUndefined();
    const pdf = savePdf(dir, 'vali.pdf', r.pdf);
    expect(rawText(pdf)).not.toContain(INS_DATAMATRIX_CAPTION);
    expect(rawText(pdf)).toContain('Identité validée');
    // Top-right quarter of page 1 (where the code would be): nothing to decode.
    const crop = rasterPage1(pdf, dir, { x: 1240, y: 0, w: 1240, h: 1200 });
    expect(dmtxread(crop, { timeoutMs: 4000 }).length).toBe(0);
  });

  it('refuses, with the typed model error, a QUAL identity without INS (never a code without INS)', async () => {
    const noIns: PatientIdentity = { ...qualifiedIdentity() };
    delete noIns.ins;
    await expect(renderReportPdfDetailed(richReport(noIns), { clock: CLOCK })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
    });
  });

  it('refuses with a typed error a qualified identity whose traits cannot be encoded', async () => {
    const bad = qualifiedIdentity();
    bad.traits.birthGivenNames = 'Dominique Marie-Louise'; // INSi traits are upper case, without accents
    await expect(renderReportPdfDetailed(richReport(bad), { clock: CLOCK })).rejects.toMatchObject({
      code: expect.stringMatching(/^(MODEL_INVALID|INS_)/), // the model or the ins module refuses it
    });
  });

  it('from an official CR-BIO CDA (INS root in patientRole/id): decodes to the payload of the parsed identity', async () => {
    const xml = readFileSync(join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml'));
    const { report } = parseCrBio(xml);
    expect(report.patient.identity.status).toBe('QUAL');
    const r = await renderReportPdfDetailed(report, { clock: CLOCK });
    const pdf = savePdf(dir, 'tsh.pdf', r.pdf);
    const crop = rasterPage1(pdf, dir, { x: 1240, y: 0, w: 1240, h: 1200 });
    expect(dmtxread(crop).toString('latin1')).toBe(encodeInsDatamatrix(report.patient.identity));
  });
});
