import { beforeAll, describe, expect, it } from 'vitest';
import { displayValue, frUnit } from '../../src/pdf/format.js';
import { renderReportPdf, renderReportPdfDetailed } from '../../src/pdf/index.js';
import { allObservations, bigReport, CLOCK, richReport } from './fixtures.js';
import { rawText, savePdf, text, wordBoxes, workDir } from './tools.js';

describe('report content (pdftotext)', () => {
  const report = richReport();
  let txt: string;

  beforeAll(async () => {
    const path = savePdf(workDir(), 'rich.pdf', await renderReportPdf(report, { clock: CLOCK }));
    txt = rawText(path);
  });

  it("contains every result's label, value (as written) and unit", () => {
    const obs = allObservations(report);
    expect(obs.length).toBe(8);
    for (const o of obs) {
      const v = displayValue(o.value);
      expect(txt).toContain(o.code.originalText!);
      expect(txt).toContain(v.value);
      expect(v.unit).not.toBe('');
      expect(txt).toContain(v.unit);
    }
    expect(txt).toContain('5.10'); // decimals kept as written (no "5,1")
  });

  it('shows the identity traits, INS, request and report ids, lab and biologists in French', () => {
    for (const s of [
      'PAT-TROIS',
      'DOMINIQUE MARIE-LOUISE',
      'Nom utilisé MARTIN',
      'Prénom utilisé MARIE',
      'Féminin',
      '28/03/1979',
      'DOMPREMY (code INSEE 51215)',
      'Matricule INS (NIR de test) 279035121518989',
      'Identité qualifiée',
      'IPP778899',
      'CR-2024-000123',
      'DEM-2024-0042',
      'ORD-2024-55',
      'Laboratoire des Charmes',
      'FINESS 120459870',
      'Dr Pascal CHARLES',
      'Reçu au laboratoire le 04/01/2024 à 09:22',
      'Compte rendu validé par Dr Marcel CAMPARINI (RPPS 10003591806), le 04/01/2024 à 17:05',
      'Validé par Dr Jean DE SANTS, le 04/01/2024 à 11:20',
      'BIOCHIMIE',
      'HÉMATOLOGIE',
      'Hémogramme',
    ]) {
      expect(txt, s).toContain(s);
    }
  });

  it('shows reference ranges, interpretation flags, previous results and comments', () => {
    expect(txt).toContain('136 – 145');
    expect(txt).toContain('Élevé');
    expect(txt).toContain('Bas');
    expect(txt).toContain('Antériorité du 12/10/2023 : 91 µmol/L');
    expect(txt).toContain('Contrôlé sur un second prélèvement.');
    expect(txt).toContain('Échantillon légèrement hémolysé.');
    expect(txt).toContain('Résultats transmis au prescripteur.');
  });

  it('names the performing lab of subcontracted results', () => {
    expect(txt).toContain(
      'Réalisé par le laboratoire : Laboratoire Spécialisé de Lyon, LYON, FINESS 690001235',
    );
  });

  it('prints "page n/N" on the single page', () => {
    expect(txt).toContain('page 1/1');
  });
});

describe('pagination of a long report', () => {
  const report = bigReport(300);
  let path: string;
  let detailed: Awaited<ReturnType<typeof renderReportPdfDetailed>>;

  beforeAll(async () => {
    detailed = await renderReportPdfDetailed(report, { clock: CLOCK });
    path = savePdf(workDir(), 'big.pdf', detailed.pdf);
  });

  it('shows every one of the 300 results (label, value, unit) in order', () => {
    const txt = rawText(path);
    const obs = allObservations(report);
    expect(obs).toHaveLength(300);
    let at = 0;
    for (const o of obs) {
      const label = o.code.originalText!;
      const i = txt.indexOf(label, at);
      expect(i, label).toBeGreaterThanOrEqual(0);
      const v = displayValue(o.value);
      const after = txt.slice(i + label.length, i + label.length + 200);
      expect(after.startsWith(` ${v.value} ${frUnit(v.unit)}`), `${label}: ${after.slice(0, 40)}`).toBe(true);
      at = i + label.length;
    }
  });

  it('numbers every page "page n/N"', () => {
    const n = detailed.layout.pageCount;
    expect(n).toBeGreaterThan(5);
    expect(Number(/Pages:\s+(\d+)/.exec(text('pdfinfo', [path]))![1])).toBe(n);
    for (let p = 1; p <= n; p++) {
      const t = text('pdftotext', ['-f', String(p), '-l', String(p), '-raw', path, '-']);
      expect(t).toContain(`page ${p}/${n}`);
    }
  });

  it('draws no text outside the page, and no body text in the margins (layout record)', () => {
    const { pageWidth, pageHeight, texts } = detailed.layout;
    expect(texts.length).toBeGreaterThan(600);
    for (const t of texts) {
      expect(t.x).toBeGreaterThanOrEqual(42.5 - 0.01);
      expect(t.x + t.width).toBeLessThanOrEqual(pageWidth - 42.5 + 0.01);
      expect(t.y).toBeGreaterThan(20);
      expect(t.y + t.size).toBeLessThan(pageHeight - 30);
      const isFooter = t.y < 40;
      if (!isFooter) expect(t.y - t.size * 0.25, t.text).toBeGreaterThanOrEqual(56.7 - 0.01);
    }
  });

  it('draws no word outside the page box (pdftotext -bbox, independent of the layout engine)', () => {
    const { pages } = wordBoxes(path);
    expect(pages.length).toBe(detailed.layout.pageCount);
    let words = 0;
    for (const p of pages) {
      for (const w of p.words) {
        words++;
        expect(w.xMin).toBeGreaterThanOrEqual(0);
        expect(w.yMin).toBeGreaterThanOrEqual(0);
        expect(w.xMax, w.word).toBeLessThanOrEqual(p.width - 40);
        expect(w.yMax).toBeLessThanOrEqual(p.height);
      }
    }
    expect(words).toBeGreaterThan(3000);
  });

  it('wraps long labels inside their column', () => {
    const long = detailed.layout.texts.filter((t) => t.text.startsWith('Analyse 001'));
    expect(long).toHaveLength(1);
    expect(long[0]!.width).toBeLessThanOrEqual(190);
    const cont = detailed.layout.texts.filter((t) => t.text.includes('transglutaminase'));
    expect(cont.length).toBeGreaterThanOrEqual(75); // every 4th label wraps onto further lines
  });

  it('wraps a label longer than a page onto as many pages as needed, inside the page, never cut (13.15)', async () => {
    const r = bigReport(3);
    const first = r.sections[0]!;
    if (first.kind !== 'chapter' || !first.entry) throw new Error('fixture');
    const o = first.entry.items[0]!;
    if (o.kind !== 'observation') throw new Error('fixture');
    o.code.originalText = 'très long libellé '.repeat(2000);
    const d = await renderReportPdfDetailed(r, { clock: CLOCK });
    for (const t of d.layout.texts) {
      expect(t.y).toBeGreaterThan(20);
      expect(t.x + t.width).toBeLessThanOrEqual(d.layout.pageWidth - 42.5 + 0.01);
    }
    // Every word is drawn: 2000 times "très long libellé", nothing cut with an ellipsis.
    const words = d.layout.texts.map((t) => t.text).join(' ');
    expect(words.match(/libellé/g)?.length).toBe(2000);
    expect(d.layout.texts.some((t) => t.text.endsWith('…'))).toBe(false);
    expect(d.layout.pageCount).toBeGreaterThan(5); // ~36,000 characters in the label column
    expect(d.warnings).toEqual([]);
  });

  it('reports the characters the embedded fonts lack (CJK) as a warning listing them (13.15)', async () => {
    const r = bigReport(3);
    const first = r.sections[0]!;
    if (first.kind !== 'chapter' || !first.entry) throw new Error('fixture');
    const o = first.entry.items[0]!;
    if (o.kind !== 'observation') throw new Error('fixture');
    o.code.originalText = 'Résultat 血液 😀'; // DejaVu Sans has the emoticons, not the CJK ideographs
    const d = await renderReportPdfDetailed(r, { clock: CLOCK });
    expect(d.warnings).toHaveLength(1);
    expect(d.warnings[0]).toMatch(
      /^PDF_GLYPHS_MISSING: the embedded fonts have no glyph for 血 \(U\+8840\), 液 \(U\+6DB2\):/,
    );
    expect(d.warnings[0]).not.toMatch(/é/);
  });
});
