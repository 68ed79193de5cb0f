// Where the visible seal goes. With the layout record of the report renderer (`renderReportPdfDetailed`), it goes
// in the header of page 1, in the free gap next to the lab name, clear of every text run, image and the INS
// Datamatrix; without it, in the top margin of the page (empty in the reports cisis-bio renders).

/** A rectangle in PDF user space (points, origin bottom-left). */
export interface SealRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The part of a layout record placement reads (as returned by `renderReportPdfDetailed`). */
export interface PlacementLayout {
  pageWidth: number;
  pageHeight: number;
  texts: ReadonlyArray<{ page: number; x: number; y: number; width: number; size: number }>;
  images?: ReadonlyArray<{ page: number; x: number; y: number; width: number; height: number }>;
}

/** Clearance kept around the seal (points). */
const CLEAR = 4;
/** Narrowest seal placed in a header gap (points): the lines shrink or are cut to fit. */
const MIN_WIDTH = 100;

type Box = { x0: number; x1: number; y0: number; y1: number };

function boxesOnPage(layout: PlacementLayout, page: number, extra: readonly Box[]): Box[] {
  const texts = layout.texts
    .filter((t) => t.page === page)
    .map((t) => ({ x0: t.x, x1: t.x + t.width, y0: t.y - 0.3 * t.size, y1: t.y + t.size }));
  const images = (layout.images ?? [])
    .filter((i) => i.page === page)
    .map((i) => ({ x0: i.x, x1: i.x + i.width, y0: i.y, y1: i.y + i.height }));
  return [...texts, ...images, ...(page === 0 ? extra : [])];
}

/**
 * The seal's rectangle in the header of page 1: its top level with the first line of the page, centred in the
 * widest horizontal gap (between the lab block and the title block) that no text, image or the Datamatrix
 * crosses over the seal's height, narrowed to the gap (down to 100 pt). `undefined` when no gap is that wide.
 * @example
 * const { pdf, layout, datamatrix } = await renderReportPdfDetailed(report);
 * const rect = headerSealRect(layout, { width: 150, height: 40 }, datamatrix);
 */
export function headerSealRect(
  layout: PlacementLayout,
  size: { width: number; height: number },
  datamatrix?: { x: number; y: number; side: number },
): SealRect | undefined {
  const dm = datamatrix
    ? [
        {
          x0: datamatrix.x,
          x1: datamatrix.x + datamatrix.side,
          y0: datamatrix.y,
          y1: datamatrix.y + datamatrix.side,
        },
      ]
    : [];
  const boxes = boxesOnPage(layout, 0, dm);
  if (boxes.length === 0) return undefined;
  const top = Math.max(...boxes.map((b) => b.y1));
  const y0 = top - size.height;
  const inBand = boxes.filter((b) => b.y1 > y0 - CLEAR && b.y0 < top + CLEAR);
  const left = Math.min(...boxes.map((b) => b.x0));
  const right = Math.max(...boxes.map((b) => b.x1));
  const spans = inBand.map((b) => [b.x0, b.x1] as const).sort((a, b) => a[0] - b[0]);
  let best: { from: number; to: number } | undefined;
  let cursor = left;
  for (const [a, b] of [...spans, [right, right] as const]) {
    if (a - cursor > (best ? best.to - best.from : 0)) best = { from: cursor, to: a };
    cursor = Math.max(cursor, b);
  }
  const width = Math.min(size.width, best ? best.to - best.from - 2 * CLEAR : 0);
  if (!best || width < MIN_WIDTH) return undefined;
  return { x: (best.from + best.to - width) / 2, y: y0, width, height: size.height };
}

/** Top-right corner inside a 42.5 pt top margin, 3 pt below the page edge (the fallback without a layout). */
export function marginSealRect(
  page: { width: number; height: number },
  size: { width: number; height: number },
): SealRect {
  const height = Math.min(size.height, 38);
  return { x: page.width - 42.5 - size.width, y: page.height - 3 - height, width: size.width, height };
}
