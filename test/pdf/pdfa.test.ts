import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReportPdf } from '../../src/pdf/index.js';
import { CLOCK, richReport } from './fixtures.js';
import { pdfaSuite } from './pdfa-suite.js';
import { savePdf, text, workDir } from './tools.js';

pdfaSuite('rich report', () => renderReportPdf(richReport(), { clock: CLOCK }));

describe('custom fonts', () => {
  it('embeds the TrueType fonts passed in options.fonts instead of DejaVu Sans', async () => {
    const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const load = (f: string) => new Uint8Array(readFileSync(join(dir, f)));
    const fonts = {
      regular: load('DejaVuSerif.ttf'),
      bold: load('DejaVuSerif-Bold.ttf'),
      oblique: load('DejaVuSerif-Italic.ttf'),
    };
    const path = savePdf(
      workDir(),
      'serif.pdf',
      await renderReportPdf(richReport(), { clock: CLOCK, fonts }),
    );
    const names = text('pdffonts', [path])
      .trim()
      .split('\n')
      .slice(2)
      .map((l) => l.split(/\s+/)[0]);
    expect(names.sort()).toEqual([
      'CBIOAA+DejaVuSerif',
      'CBIOAB+DejaVuSerif-Bold',
      'CBIOAC+DejaVuSerif-Italic',
    ]);
  });
});
