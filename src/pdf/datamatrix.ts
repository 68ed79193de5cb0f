import bwipjs from 'bwip-js';
import {
  fill,
  type PDFOperator,
  type PDFPage,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingRgbColor,
} from 'pdf-lib';
import { PdfRenderError } from './errors.js';

/** Length of the INS Datamatrix header (`IS01` + 22 reserved `0`), which the ANS checker wants C40-encoded. */
export const INS_DATAMATRIX_HEADER_LENGTH = 26;

/** A Data Matrix symbol as a grid of dark (true) / light modules, without quiet zone; `modules[row][col]`. */
export interface DatamatrixSymbol {
  size: number;
  modules: boolean[][];
}

/**
 * Encodes the INS payload as a square Data Matrix ECC 200 with bwip-js. The payload goes in as raw bytes
 * (no `parse`/`parsefnc`): a GS character (0x1D) in the string is encoded as the byte 0x1D, never as the
 * literal text `<GS>` or `^029`. `c40headerlength` makes the encoder open with the C40 latch (codeword 230)
 * and encode the 26-character header in C40, as the ANS checker requires.
 */
export function encodeDatamatrix(
  payload: string,
  c40HeaderLength = INS_DATAMATRIX_HEADER_LENGTH,
): DatamatrixSymbol {
  let raw: unknown[];
  try {
    // `c40headerlength` and `format` are BWIPP options the bwip-js typings do not list.
    const opts: Record<string, unknown> = { bcid: 'datamatrix', text: payload, format: 'square' };
    if (c40HeaderLength > 0) opts.c40headerlength = c40HeaderLength;
    raw = bwipjs.raw(opts as unknown as bwipjs.RawOptions);
  } catch (e) {
    throw new PdfRenderError(
      'PDF_DATAMATRIX_FAILED',
      `bwip-js could not encode the Datamatrix: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  const sym = raw[0] as { pixs?: number[]; pixx?: number; pixy?: number } | undefined;
  if (!sym?.pixs || !sym.pixx || sym.pixx !== sym.pixy) {
    throw new PdfRenderError('PDF_DATAMATRIX_FAILED', 'bwip-js returned no square Datamatrix matrix');
  }
  const size = sym.pixx;
  const modules: boolean[][] = [];
  for (let r = 0; r < size; r++) {
    const row: boolean[] = [];
    for (let c = 0; c < size; c++) row.push(sym.pixs[r * size + c] === 1);
    modules.push(row);
  }
  return { size, modules };
}

/**
 * Draws a symbol as vector rectangles (one `re` per horizontal run of dark modules, filled at once) on a
 * white square that includes the quiet zone. (x, y) is the bottom-left corner of the white square, in points.
 * Returns the side of the white square.
 */
export function drawDatamatrix(
  page: PDFPage,
  sym: DatamatrixSymbol,
  at: { x: number; y: number; module: number; quietZone: number },
): number {
  const { x, y, module: m, quietZone } = at;
  const side = (sym.size + 2 * quietZone) * m;
  const ops: PDFOperator[] = [
    pushGraphicsState(),
    setFillingRgbColor(1, 1, 1),
    rectangle(x, y, side, side),
    fill(),
  ];
  ops.push(setFillingRgbColor(0, 0, 0));
  const top = y + side - quietZone * m;
  for (let r = 0; r < sym.size; r++) {
    const row = sym.modules[r]!;
    let c = 0;
    while (c < sym.size) {
      if (!row[c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < sym.size && row[c]) c++;
      ops.push(rectangle(x + (quietZone + start) * m, top - (r + 1) * m, (c - start) * m, m));
    }
  }
  ops.push(fill(), popGraphicsState());
  page.pushOperators(...ops);
  return side;
}
