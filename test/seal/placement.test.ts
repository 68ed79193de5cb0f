import { describe, expect, it } from 'vitest';
import { headerSealRect, type PlacementLayout } from '../../src/seal/index.js';

const page = { pageWidth: 595.28, pageHeight: 841.89 };
const text = (x: number, y: number, width: number, size = 10, p = 0) => ({ page: p, x, y, width, size });
const size = { width: 150, height: 40 };

describe('headerSealRect', () => {
  it('centres the seal in the widest header gap, level with the first line', () => {
    const layout: PlacementLayout = {
      ...page,
      texts: [
        text(42.5, 786, 180, 13),
        text(42.5, 770, 150, 8),
        text(400, 787, 152, 12),
        text(20, 30, 500, 7),
      ],
    };
    const r = headerSealRect(layout, size)!;
    expect(r.width).toBe(150);
    expect(r.y + r.height).toBeCloseTo(799, 5); // top of the highest line (12 pt at 787)
    expect(r.x).toBeGreaterThan(222.5 + 4);
    expect(r.x + r.width).toBeLessThan(400 - 4);
    expect(r.x + r.width / 2).toBeCloseTo((222.5 + 400) / 2, 5);
  });

  it('narrows to the gap, and gives up below 100 pt (the caller then uses the top margin)', () => {
    const narrow: PlacementLayout = { ...page, texts: [text(42.5, 786, 200, 13), text(360, 786, 192, 13)] };
    expect(headerSealRect(narrow, size)!.width).toBeCloseTo(360 - 242.5 - 8, 5);
    const full: PlacementLayout = { ...page, texts: [text(42.5, 786, 260, 13), text(360, 786, 192, 13)] };
    expect(headerSealRect(full, size)).toBeUndefined();
  });

  it('keeps clear of an image or the Datamatrix crossing the band, and ignores other pages', () => {
    const layout: PlacementLayout = {
      ...page,
      texts: [text(42.5, 786, 100, 13), text(500, 786, 52, 13), text(150, 786, 300, 13, 1)],
      images: [{ page: 0, x: 200, y: 770, width: 60, height: 30 }],
    };
    const r = headerSealRect(layout, size, { x: 430, y: 760, side: 40 })!;
    expect(r.x).toBeGreaterThanOrEqual(260 + 4);
    expect(r.x + r.width).toBeLessThanOrEqual(430 - 4);
  });
});
