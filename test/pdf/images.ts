import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { PDFDocument, rgb } from 'pdf-lib';
import type { Media } from '../../src/model/index.js';
import { savePdf, text, tool, workDir } from './tools.js';

/** Test images made on the fly: a small PNG encoder, and JPEGs written by poppler's pdftocairo (libjpeg). */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export interface PngSpec {
  width: number;
  height: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA. */
  colorType: 0 | 2 | 3 | 4 | 6;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  /** Samples of pixel (x, y), in the colour type's order, at the bit depth (palette: the index). */
  pixel(x: number, y: number): number[];
  palette?: Array<[number, number, number]>;
  /** tRNS chunk bytes. */
  trns?: number[];
  /** Adam7 interlacing. */
  interlace?: boolean;
}

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Filtered (filter 0) scanlines of the pixels (x0 + i·dx, y0 + j·dy). */
function scanlines(spec: PngSpec, x0: number, y0: number, dx: number, dy: number): Buffer {
  const w = spec.width > x0 ? Math.ceil((spec.width - x0) / dx) : 0;
  const h = spec.height > y0 ? Math.ceil((spec.height - y0) / dy) : 0;
  if (w === 0 || h === 0) return Buffer.alloc(0);
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[spec.colorType];
  const rowBytes = Math.ceil((w * channels * spec.bitDepth) / 8);
  const raw = Buffer.alloc((rowBytes + 1) * h);
  for (let j = 0; j < h; j++) {
    const row = j * (rowBytes + 1) + 1;
    let bit = 0;
    for (let i = 0; i < w; i++) {
      for (const v of spec.pixel(x0 + i * dx, y0 + j * dy)) {
        if (spec.bitDepth === 16) raw.writeUInt16BE(v, row + bit / 8);
        else if (spec.bitDepth === 8) raw[row + bit / 8] = v;
        else raw[row + (bit >> 3)]! |= v << (8 - spec.bitDepth - (bit & 7));
        bit += spec.bitDepth;
      }
    }
  }
  return raw;
}

/** A PNG (filter 0 on every row), interlaced (Adam7) if asked. */
export function encodePng(spec: PngSpec): Uint8Array {
  const raw = spec.interlace
    ? Buffer.concat(ADAM7.map(([x0, y0, dx, dy]) => scanlines(spec, x0, y0, dx, dy)))
    : scanlines(spec, 0, 0, 1, 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(spec.width, 0);
  ihdr.writeUInt32BE(spec.height, 4);
  ihdr[8] = spec.bitDepth;
  ihdr[9] = spec.colorType;
  ihdr[12] = spec.interlace ? 1 : 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(spec.palette ? [chunk('PLTE', Buffer.from(spec.palette.flat()))] : []),
    ...(spec.trns ? [chunk('tRNS', Buffer.from(spec.trns))] : []),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * A JPEG of `width` × `height` pixels: a PDF page painted in four colour quadrants (pdf-lib), rasterised by
 * pdftocairo -jpeg (libjpeg, baseline, JFIF). `gray` gives a 1-component JPEG (pdftoppm's stays 3-component).
 */
export async function makeJpeg(width: number, height: number, gray = false): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([200, 100]);
  page.drawRectangle({ x: 0, y: 50, width: 100, height: 50, color: rgb(0.9, 0.1, 0.1) });
  page.drawRectangle({ x: 100, y: 50, width: 100, height: 50, color: rgb(0.1, 0.6, 0.2) });
  page.drawRectangle({ x: 0, y: 0, width: 100, height: 50, color: rgb(0.1, 0.2, 0.8) });
  const dir = workDir();
  const pdf = savePdf(dir, 'jpeg-source.pdf', await doc.save());
  const out = join(dir, 'image');
  text('pdftocairo', [
    '-jpeg',
    ...(gray ? ['-gray'] : []),
    '-scale-to-x',
    String(width),
    '-scale-to-y',
    String(height),
    '-singlefile',
    pdf,
    out,
  ]);
  return new Uint8Array(readFileSync(`${out}.jpg`));
}

export function media(mediaType: string, bytes: Uint8Array, caption?: string): Media {
  return {
    kind: 'media',
    mediaType,
    data: Buffer.from(bytes).toString('base64'),
    ...(caption ? { caption } : {}),
  };
}

/** `pdfimages -list` rows. */
export function listImages(pdf: string): Array<{
  page: number;
  type: string;
  width: number;
  height: number;
  color: string;
  comp: number;
  bpc: number;
  enc: string;
  xppi: number;
  yppi: number;
}> {
  return text('pdfimages', ['-list', pdf])
    .trim()
    .split('\n')
    .slice(2)
    .map((l) => l.trim().split(/\s+/))
    .map((c) => ({
      page: Number(c[0]),
      type: c[2]!,
      width: Number(c[3]),
      height: Number(c[4]),
      color: c[5]!,
      comp: Number(c[6]),
      bpc: Number(c[7]),
      enc: c[8]!,
      xppi: Number(c[12]),
      yppi: Number(c[13]),
    }));
}

/**
 * The colour of page `page` (1-based) at (xPt, yPt) in PDF points (origin bottom left), rasterised by pdftoppm
 * at 300 dpi (PPM: no decoder needed).
 */
export function pixelAt(pdf: string, page: number, xPt: number, yPt: number, pageHeight: number): number[] {
  const x = Math.round((xPt * 300) / 72);
  const y = Math.round(((pageHeight - yPt) * 300) / 72);
  const p = String(page);
  const ppm = tool('pdftoppm', [
    '-r',
    '300',
    '-f',
    p,
    '-l',
    p,
    '-x',
    String(x),
    '-y',
    String(y),
    '-W',
    '1',
    '-H',
    '1',
    pdf,
  ]).stdout;
  // P6\n<w> <h>\n<max>\n then the bytes
  if (ppm.subarray(0, 2).toString('latin1') !== 'P6') throw new Error('pdftoppm: no PPM output');
  let at = 0;
  for (let fields = 0; fields < 4 && at < ppm.length; ) {
    while (/\s/.test(String.fromCharCode(ppm[at]!))) at++;
    while (at < ppm.length && !/\s/.test(String.fromCharCode(ppm[at]!))) at++;
    fields++;
  }
  at++;
  return [ppm[at]!, ppm[at + 1]!, ppm[at + 2]!];
}
