// The visible seal: a Form XObject (the widget's normal appearance) with a white box, an accent border, the
// words "Cachet électronique", the organisation, the date and time (Europe/Paris) and the reason, and an optional
// logo. PDF/A-1b: no transparency (opaque fills only, a logo with an alpha channel is refused), the font embedded.
import {
  beginText,
  concatTransformationMatrix,
  drawObject,
  endText,
  fill,
  JpegEmbedder,
  moveText,
  PDFContentStream,
  type PDFContext,
  PDFDict,
  PDFName,
  type PDFOperator,
  type PDFRef,
  PDFStream,
  PngEmbedder,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingRgbColor,
  setFontAndSize,
  setLineWidth,
  setStrokingRgbColor,
  showText,
  stroke,
} from 'pdf-lib';
import { SealError } from './errors.js';
import { type SealFont, sealText } from './font.js';

/** Width and height in points. */
export interface SealSize {
  width: number;
  height: number;
}

/** What the seal shows, one line each. */
export interface SealLines {
  title: string;
  lines: string[];
}

const ACCENT: [number, number, number] = [0.09, 0.27, 0.47];
const INK: [number, number, number] = [0.1, 0.1, 0.12];
const PAD = 4;
const TITLE_SIZE = 7;
const LINE_SIZE = 6;
const MIN_SIZE = 4.5;
const LEADING = 1.22;

/** Default seal width (points). */
export const SEAL_WIDTH = 150;

/** Height the seal needs for its lines (points). */
export function sealHeight(content: SealLines): number {
  return 2 * PAD + (TITLE_SIZE + content.lines.length * LINE_SIZE) * LEADING;
}

/**
 * French date and time in Europe/Paris, as the seal shows it.
 * @example parisDateTime(new Date('2024-01-04T16:30:00Z')); // "04/01/2024 17:30:00 (heure de Paris)"
 */
export function parisDateTime(d: Date): string {
  paris ??= new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const p = Object.fromEntries(paris.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}:${p.second} (heure de Paris)`;
}

/** Made once (an Intl formatter costs ~0.3 ms to create), on first use. */
let paris: Intl.DateTimeFormat | undefined;

/** The line at the largest size ≤ `size` (down to 4.5 pt) that fits `maxW`, else cut with "…". */
function fitLine(font: SealFont, text: string, size: number, maxW: number): { text: string; size: number } {
  const t = sealText(text);
  for (let s = size; s >= Math.min(MIN_SIZE, size); s -= 0.5)
    if (font.width(t, s) <= maxW) return { text: t, size: s };
  let cut = t;
  while (cut.length > 1 && font.width(`${cut}…`, MIN_SIZE) > maxW) cut = cut.slice(0, -1);
  return { text: `${cut.trimEnd()}…`, size: MIN_SIZE };
}

/** Registers a logo (JPEG RGB/gray, or PNG without alpha) as an image XObject; returns it with its pixel size. */
async function embedLogo(ctx: PDFContext, bytes: Uint8Array): Promise<{ ref: PDFRef; w: number; h: number }> {
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  if (!isJpeg && !isPng)
    throw new SealError('SEAL_LOGO_UNSUPPORTED', 'the seal logo must be a JPEG or PNG image');
  try {
    const embedder = isJpeg ? await JpegEmbedder.for(bytes) : await PngEmbedder.for(bytes);
    if (embedder.colorSpace === 'DeviceCMYK')
      throw new SealError(
        'SEAL_LOGO_UNSUPPORTED',
        'a CMYK logo would break PDF/A-1b under the sRGB output intent',
      );
    const ref = await embedder.embedIntoContext(ctx);
    const image = ctx.lookup(ref);
    const dict = image instanceof PDFStream ? image.dict : image;
    if (dict instanceof PDFDict && dict.has(PDFName.of('SMask')))
      throw new SealError(
        'SEAL_LOGO_UNSUPPORTED',
        'the seal logo has an alpha channel: PDF/A-1b forbids transparency (flatten it onto white)',
      );
    return { ref, w: embedder.width, h: embedder.height };
  } catch (e) {
    if (e instanceof SealError) throw e;
    throw new SealError('SEAL_LOGO_UNSUPPORTED', 'the seal logo cannot be decoded', { cause: e });
  }
}

/**
 * Registers the seal's appearance stream (Form XObject, BBox 0 0 w h) in `ctx` and returns its reference.
 * Lines are shrunk (down to 4.5 pt) or cut with "…" to fit; the logo, if any, sits in a square on the left.
 */
export async function sealAppearance(
  ctx: PDFContext,
  font: SealFont,
  size: SealSize,
  content: SealLines,
  logo?: Uint8Array,
): Promise<PDFRef> {
  const { width: w, height: h } = size;
  const ops: PDFOperator[] = [
    pushGraphicsState(),
    setFillingRgbColor(1, 1, 1),
    rectangle(0, 0, w, h),
    fill(),
    setStrokingRgbColor(...ACCENT),
    setLineWidth(1),
    rectangle(0.5, 0.5, w - 1, h - 1),
    stroke(),
    popGraphicsState(),
  ];
  const xobjects: Record<string, PDFRef> = {};
  let textX = PAD + 1;
  if (logo) {
    const img = await embedLogo(ctx, logo);
    const box = h - 2 * PAD;
    const k = Math.min(box / img.w, box / img.h);
    const lw = img.w * k;
    const lh = img.h * k;
    xobjects.Logo = img.ref;
    ops.push(
      pushGraphicsState(),
      concatTransformationMatrix(lw, 0, 0, lh, PAD + (box - lw) / 2, PAD + (box - lh) / 2),
      drawObject('Logo'),
      popGraphicsState(),
    );
    textX = PAD + box + PAD;
  }
  const maxW = w - textX - PAD;
  // A box lower than the lines need (e.g. in a page margin) scales them all down alike.
  const k = Math.min(1, (h - 2 * PAD) / (sealHeight(content) - 2 * PAD));
  const rows = [
    { ...fitLine(font, content.title, TITLE_SIZE * k, maxW), slot: TITLE_SIZE * k, color: ACCENT },
    ...content.lines.map((l) => ({
      ...fitLine(font, l, LINE_SIZE * k, maxW),
      slot: LINE_SIZE * k,
      color: INK,
    })),
  ];
  let top = h - PAD;
  for (const r of rows) {
    ops.push(
      beginText(),
      setFontAndSize('F1', r.size),
      setFillingRgbColor(...r.color),
      moveText(textX, top - r.slot * 0.9),
      showText(font.encode(r.text)),
      endText(),
    );
    top -= r.slot * LEADING;
  }
  // Left uncompressed: 1 kB of operators, not worth a deflate per seal.
  const dict = ctx.obj({
    Type: 'XObject',
    Subtype: 'Form',
    BBox: [0, 0, w, h],
    Resources: { Font: { F1: font.copyInto(ctx) }, ...(logo ? { XObject: xobjects } : {}) },
  });
  const stream = PDFContentStream.of(dict, ops, false);
  return ctx.register(stream);
}
