import { describe, expect, it } from 'vitest';
import type { Battery, CrBioReport, Media } from '../../src/model/index.js';
import { flattenOnWhite, grayIfNeutral } from '../../src/pdf/images.js';
import { renderReportPdf, renderReportPdfDetailed } from '../../src/pdf/index.js';
import { bigReport, CLOCK, richReport } from './fixtures.js';
import { encodePng, listImages, makeJpeg, media, pixelAt } from './images.js';
import { pdfaSuite } from './pdfa-suite.js';
import { rawText, savePdf, streamData, tool, wordBoxes, workDir } from './tools.js';

const A4_HEIGHT = 841.89;
const MARGIN = { left: 42.5, right: 42.5, top: 42.5, bottom: 56.7 };
const CONTENT_WIDTH = 595.28 - MARGIN.left - MARGIN.right;
const MAX_IMAGE_HEIGHT = (A4_HEIGHT - MARGIN.top - MARGIN.bottom) / 2;

/**
 * 120 × 60 RGBA: left third opaque red, middle third blue at alpha 128, right third fully transparent
 * *black* (drawn black if the alpha channel were dropped instead of composited on white).
 */
const alphaPng = () =>
  encodePng({
    width: 120,
    height: 60,
    colorType: 6,
    bitDepth: 8,
    pixel: (x) => (x < 40 ? [255, 0, 0, 255] : x < 80 ? [0, 0, 255, 128] : [0, 0, 0, 0]),
  });

/** A battery "Électrophorèse" holding the given media, appended to the first chapter of `r`. */
function withMedia(r: CrBioReport, items: Media[], chapter = 0): CrBioReport {
  const c = r.sections[chapter];
  if (c?.kind !== 'chapter' || !c.entry) throw new Error('fixture: no chapter');
  const battery: Battery = {
    kind: 'battery',
    status: 'completed',
    code: { code: '24351-9', codeSystem: '2.16.840.1.113883.6.1', displayName: 'Électrophorèse' },
    components: items,
  };
  c.entry.items.push(battery);
  return r;
}

let jpeg: Uint8Array | undefined;
const jpeg64x32 = async () => {
  jpeg ??= await makeJpeg(64, 32);
  return jpeg;
};

async function imageReport(): Promise<CrBioReport> {
  return withMedia(richReport(), [
    media('image/png', alphaPng(), 'Courbe d’électrophorèse (PNG)'),
    media('image/jpeg', await jpeg64x32(), 'Photographie du gel (JPEG)'),
    media('application/pdf', new TextEncoder().encode('%PDF-1.4 pas une image'), 'Tracé complet'),
  ]);
}

pdfaSuite('report with a PNG with alpha and a JPEG', async () =>
  renderReportPdf(await imageReport(), { clock: CLOCK }),
);

describe('images of the report (observationMedia)', () => {
  it('draws the PNG (flattened, no SMask) and the JPEG (DCT), and keeps a line for another media type', async () => {
    const d = await renderReportPdfDetailed(await imageReport(), { clock: CLOCK });
    const path = savePdf(workDir(), 'images.pdf', d.pdf);

    const images = listImages(path);
    expect(images).toHaveLength(2); // no smask row, no image for application/pdf
    expect(images.map((i) => ({ ...i, xppi: 0, yppi: 0 }))).toEqual([
      {
        page: 1,
        type: 'image',
        width: 120,
        height: 60,
        color: 'rgb',
        comp: 3,
        bpc: 8,
        enc: 'image',
        xppi: 0,
        yppi: 0,
      },
      {
        page: 1,
        type: 'image',
        width: 64,
        height: 32,
        color: 'rgb',
        comp: 3,
        bpc: 8,
        enc: 'jpeg',
        xppi: 0,
        yppi: 0,
      },
    ]);
    // natural size at 96 dpi, the same scale on both axes
    for (const i of images) expect([i.xppi, i.yppi]).toEqual([96, 96]);

    const check = tool('qpdf', ['--check', path]);
    expect(check.status).toBe(0);
    expect(check.stdout.toString('utf8') + check.stderr).not.toMatch(/WARNING|error:/i);

    const txt = rawText(path);
    expect(txt).toContain('Courbe d’électrophorèse (PNG)');
    expect(txt).toContain('Photographie du gel (JPEG)');
    expect(txt).toContain('Image jointe au document électronique : Tracé complet (application/pdf).');
    expect(txt.match(/Image jointe/g)).toHaveLength(1);

    // Caption under its image, inside the text column.
    const [png, jpg] = d.layout.images;
    for (const [img, caption] of [
      [png!, 'Courbe'],
      [jpg!, 'Photographie'],
    ] as const) {
      const t = d.layout.texts.find((x) => x.text.startsWith(caption))!;
      expect(t.page).toBe(img.page);
      expect(t.y + t.size).toBeLessThanOrEqual(img.y);
      expect(img.y - t.y).toBeLessThan(20);
    }
  });

  it('composites the alpha channel on white (page rasterised by pdftoppm)', async () => {
    const d = await renderReportPdfDetailed(await imageReport(), { clock: CLOCK });
    const path = savePdf(workDir(), 'alpha.pdf', d.pdf);
    const img = d.layout.images[0]!;
    expect([img.width, img.height]).toEqual([90, 45]);
    const at = (fx: number) => pixelAt(path, 1, img.x + fx * img.width, img.y + img.height / 2, A4_HEIGHT);
    const red = at(1 / 6);
    const blue = at(3 / 6);
    const transparent = at(5 / 6);
    expect(red[0]).toBeGreaterThan(200);
    expect(red[1]! + red[2]!).toBeLessThan(60);
    // blue at alpha 128 on white ≈ (127, 127, 255)
    expect(blue[2]).toBeGreaterThan(230);
    for (const c of [blue[0]!, blue[1]!]) expect(Math.abs(c - 127)).toBeLessThan(25);
    for (const c of transparent) expect(c).toBeGreaterThanOrEqual(250);
  });

  it('writes the flattened pixels exactly: RGBA, 16-bit gray + alpha, palette + tRNS, 16-bit RGB, 1-bit gray, interlaced', async () => {
    const cases: Array<{ png: Uint8Array; color: string; expected: (x: number) => number[] }> = [
      {
        png: alphaPng(),
        color: 'rgb',
        expected: (x) => (x < 40 ? [255, 0, 0] : x < 80 ? [127, 127, 255] : [255, 255, 255]),
      },
      {
        png: encodePng({
          width: 8,
          height: 2,
          colorType: 4,
          bitDepth: 16,
          pixel: (x) => [x * 8000, x < 4 ? 65535 : 0],
        }),
        color: 'gray',
        expected: (x) => [x < 4 ? (x * 8000) >> 8 : 255],
      },
      {
        png: encodePng({
          width: 6,
          height: 1,
          colorType: 3,
          bitDepth: 8,
          palette: [
            [10, 20, 30],
            [200, 100, 0],
            [0, 0, 0],
          ],
          trns: [255, 255, 0],
          pixel: (x) => [x % 3],
        }),
        color: 'rgb',
        expected: (x) =>
          [
            [10, 20, 30],
            [200, 100, 0],
            [255, 255, 255],
          ][x % 3]!,
      },
      {
        png: encodePng({
          width: 4,
          height: 1,
          colorType: 2,
          bitDepth: 16,
          pixel: (x) => [x * 0x1234, 0xffff, 0x0101],
        }),
        color: 'rgb',
        expected: (x) => [(x * 0x1234) >> 8, 255, 1],
      },
      {
        png: encodePng({ width: 10, height: 1, colorType: 0, bitDepth: 1, pixel: (x) => [x % 2] }),
        color: 'gray',
        expected: (x) => [x % 2 ? 255 : 0],
      },
      {
        png: encodePng({
          width: 13,
          height: 11,
          colorType: 6,
          bitDepth: 8,
          interlace: true,
          pixel: (x, y) => (y === 0 ? [x * 10, 255 - x * 10, 7, x < 6 ? 255 : 0] : [0, 0, 0, 0]),
        }),
        color: 'rgb',
        expected: (x) => (x < 6 ? [x * 10, 255 - x * 10, 7] : [255, 255, 255]),
      },
    ];
    const r = withMedia(
      richReport(),
      cases.map((c) => media('image/png', c.png)),
    );
    const path = savePdf(workDir(), 'variants.pdf', await renderReportPdf(r, { clock: CLOCK }));
    const rows = listImages(path);
    expect(rows).toHaveLength(cases.length);
    const objects = tool('pdfimages', ['-list', path])
      .stdout.toString('utf8')
      .trim()
      .split('\n')
      .slice(2)
      .map((l) => l.trim().split(/\s+/)[10]!);
    cases.forEach((c, i) => {
      const row = rows[i]!;
      expect(row.type).toBe('image');
      expect(row.color, `case ${i}`).toBe(c.color);
      expect(row.bpc).toBe(8);
      const pixels = streamData(path, `${objects[i]} 0 R`);
      const comps = c.color === 'rgb' ? 3 : 1;
      expect(pixels.length).toBe(row.width * row.height * comps);
      for (let x = 0; x < row.width; x++)
        expect([...pixels.subarray(x * comps, (x + 1) * comps)], `case ${i}, x=${x}`).toEqual(c.expected(x));
    });
  });

  it('keeps the line for images it cannot draw (undecodable, CMYK or 12-bit JPEG, other image types)', async () => {
    // Minimal JPEG headers: SOI + SOF0 (precision, height 8, width 8, components).
    const sof = (precision: number, comps: number) =>
      new Uint8Array([
        0xff,
        0xd8,
        0xff,
        0xc0,
        0,
        8 + 3 * comps,
        precision,
        0,
        8,
        0,
        8,
        comps,
        ...Array(3 * comps).fill(1),
      ]);
    const items = [
      media('image/png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), 'PNG tronqué'),
      media('image/png', alphaPng().subarray(0, 60), 'PNG coupé'),
      media('image/jpeg', sof(8, 4), 'JPEG CMYK'),
      media('image/jpeg', sof(12, 3), 'JPEG 12 bits'),
      media('image/gif', new TextEncoder().encode('GIF89a'), 'GIF'),
      media('image/svg+xml', new TextEncoder().encode('<svg/>'), 'SVG'),
    ];
    const path = savePdf(
      workDir(),
      'fallback.pdf',
      await renderReportPdf(withMedia(richReport(), items), { clock: CLOCK }),
    );
    expect(listImages(path)).toHaveLength(0);
    const txt = rawText(path);
    for (const m of items)
      expect(txt).toContain(`Image jointe au document électronique : ${m.caption} (${m.mediaType}).`);
  });

  it('is reproducible: same report, same bytes', async () => {
    const a = await renderReportPdf(await imageReport(), { clock: CLOCK });
    const b = await renderReportPdf(await imageReport(), { clock: CLOCK });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('writes an image used twice once', async () => {
    const png = media('image/png', alphaPng());
    const path = savePdf(
      workDir(),
      'twice.pdf',
      await renderReportPdf(withMedia(richReport(), [png, png]), { clock: CLOCK }),
    );
    const objects = tool('pdfimages', ['-list', path])
      .stdout.toString('utf8')
      .trim()
      .split('\n')
      .slice(2)
      .map((l) => l.trim().split(/\s+/)[10]);
    expect(objects).toHaveLength(2);
    expect(objects[0]).toBe(objects[1]);
  });
});

describe('image layout', () => {
  /** bigReport(20) fills page 1 but for ~55 pt; the media go at the end of its chapter. */
  const tail = (items: Media[]) => withMedia(bigReport(20), items);

  it('moves an image taller than the space left to the next page, under the running header', async () => {
    const probe = await renderReportPdfDetailed(
      tail([
        media('image/png', encodePng({ width: 1, height: 1, colorType: 0, bitDepth: 8, pixel: () => [0] })),
      ]),
      { clock: CLOCK },
    );
    const small = probe.layout.images[0]!;
    expect(small.page).toBe(0); // a 1-pixel image still fits on page 1
    const spaceLeft = small.y + small.height - MARGIN.bottom;
    expect(spaceLeft).toBeLessThan(150);

    const tall = encodePng({
      width: 200,
      height: 300,
      colorType: 2,
      bitDepth: 8,
      pixel: (x) => [x, 80, 160],
    });
    const d = await renderReportPdfDetailed(tail([media('image/png', tall, 'Grande image')]), {
      clock: CLOCK,
    });
    const img = d.layout.images[0]!;
    expect(img.page).toBe(1);
    expect([img.width, img.height]).toEqual([150, 225]); // natural size: it fitted on a page, not scaled
    expect(img.height).toBeGreaterThan(spaceLeft);
    // Below the running header and the repeated chapter title of page 2, above the bottom margin.
    const pageTexts = d.layout.texts.filter((t) => t.page === 1 && t.y > img.y + img.height);
    expect(pageTexts.some((t) => t.text.includes('(suite)'))).toBe(true);
    expect(img.y).toBeGreaterThanOrEqual(MARGIN.bottom);
    const caption = d.layout.texts.find((t) => t.text === 'Grande image')!;
    expect(caption.page).toBe(1);
    expect(caption.y).toBeLessThan(img.y);
    expect(listImages(savePdf(workDir(), 'moved.pdf', d.pdf)).map((i) => i.page)).toEqual([2]);
  });

  it('scales huge images down to the column width or half a page, keeping the aspect ratio', async () => {
    const gray = (w: number, h: number) =>
      encodePng({ width: w, height: h, colorType: 0, bitDepth: 8, pixel: (x, y) => [(x + y) % 256] });
    const items = [
      media('image/png', gray(1500, 3000), 'Très haute'),
      media('image/png', gray(4000, 500), 'Très large'),
      media('image/jpeg', await makeJpeg(3000, 2000, true), 'Très grande (JPEG gris)'),
    ];
    const d = await renderReportPdfDetailed(tail(items), { clock: CLOCK });
    const path = savePdf(workDir(), 'huge.pdf', d.pdf);
    const [high, wide, big] = d.layout.images;
    expect(high!.height).toBeCloseTo(MAX_IMAGE_HEIGHT, 6);
    expect(high!.width).toBeCloseTo(MAX_IMAGE_HEIGHT / 2, 6);
    expect(wide!.width).toBeCloseTo(CONTENT_WIDTH - 10, 6); // in a battery: indented 10 pt
    expect(wide!.height).toBeCloseTo((CONTENT_WIDTH - 10) / 8, 6);
    expect(big!.width).toBeCloseTo(CONTENT_WIDTH - 10, 6);
    expect(big!.height).toBeCloseTo(((CONTENT_WIDTH - 10) * 2) / 3, 6);

    const rows = listImages(path);
    expect(rows.map((r) => [r.width, r.height, r.color, r.enc])).toEqual([
      [1500, 3000, 'gray', 'image'],
      [4000, 500, 'gray', 'image'],
      [3000, 2000, 'gray', 'jpeg'],
    ]);
    for (const r of rows) expect(Math.abs(r.xppi - r.yppi)).toBeLessThanOrEqual(1); // aspect ratio kept

    // Nothing leaves the page or enters the margins.
    for (const img of d.layout.images) {
      expect(img.x).toBeGreaterThanOrEqual(MARGIN.left);
      expect(img.x + img.width).toBeLessThanOrEqual(595.28 - MARGIN.right + 0.01);
      expect(img.y).toBeGreaterThanOrEqual(MARGIN.bottom - 0.01);
      expect(img.y + img.height).toBeLessThanOrEqual(A4_HEIGHT - MARGIN.top + 0.01);
    }
    const { pages } = wordBoxes(path);
    expect(pages.length).toBe(d.layout.pageCount);
    for (const p of pages)
      for (const w of p.words) {
        expect(w.xMin).toBeGreaterThanOrEqual(0);
        expect(w.yMin).toBeGreaterThanOrEqual(0);
        expect(w.xMax, w.word).toBeLessThanOrEqual(p.width);
        expect(w.yMax).toBeLessThanOrEqual(p.height);
      }
    // Each image's caption follows it on the same page; no image overlaps a text run.
    for (const [img, caption] of [
      [high!, 'Très haute'],
      [wide!, 'Très large'],
      [big!, 'Très grande (JPEG gris)'],
    ] as const) {
      const t = d.layout.texts.find((x) => x.text === caption)!;
      expect(t.page).toBe(img.page);
      expect(t.y).toBeLessThan(img.y);
      for (const x of d.layout.texts.filter((x) => x.page === img.page)) {
        const overlaps = x.y + x.size > img.y && x.y - x.size * 0.3 < img.y + img.height;
        const sideBySide = x.x + x.width <= img.x || x.x >= img.x + img.width;
        expect(overlaps && !sideBySide, x.text).toBe(false);
      }
    }
  });
});

describe('image helpers', () => {
  it('flattenOnWhite composites straight alpha on white', () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 0, 255, 10, 20, 30]);
    expect([...flattenOnWhite(rgb, new Uint8Array([255, 128, 0]))]).toEqual([
      255, 0, 0, 127, 127, 255, 255, 255, 255,
    ]);
    expect([...flattenOnWhite(rgb, undefined)]).toEqual([...rgb]);
  });

  it('grayIfNeutral keeps one channel only when R = G = B everywhere', () => {
    expect([...grayIfNeutral(new Uint8Array([1, 1, 1, 200, 200, 200]))!]).toEqual([1, 200]);
    expect(grayIfNeutral(new Uint8Array([1, 1, 1, 200, 201, 200]))).toBeUndefined();
  });
});
