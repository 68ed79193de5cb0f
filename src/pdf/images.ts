import { inflateSync } from 'node:zlib';
import { JpegEmbedder, type PDFContext, type PDFRef, PngEmbedder } from 'pdf-lib';
import type { Media } from '../model/index.js';

/**
 * Images of the report (`observationMedia`) turned into PDF/A-1 image XObjects: no SMask, no transparency,
 * DeviceRGB or DeviceGray, 8 bits per component.
 *
 * - JPEG (baseline or progressive, gray or RGB, 8 bits) is embedded as is (`DCTDecode`).
 * - PNG (any colour type, 1–16 bits, palette, tRNS, alpha, interlaced) is decoded by the PNG decoder that
 *   pdf-lib ships (UPNG, through its `PngEmbedder`), composited onto white, and written as Flate-compressed
 *   8-bit pixels (DeviceGray when every pixel is neutral, else DeviceRGB).
 * - Anything else (another media type, CMYK or 12-bit JPEG, an undecodable or oversized image) is not drawn:
 *   the renderer prints a line saying an image is attached instead, so nothing is lost silently.
 */

/** An image ready to be written: its pixel size and a function registering its XObject (once). */
export interface PreparedImage {
  format: 'jpeg' | 'png';
  /** Pixel size. */
  width: number;
  height: number;
  colorSpace: 'DeviceRGB' | 'DeviceGray';
  /** Registers the image XObject in the document (called once, when the image is first drawn). */
  register(ctx: PDFContext): PDFRef;
}

/** Larger images are not decoded (a PNG header can claim any size; decoding allocates 4 bytes a pixel). */
export const MAX_IMAGE_PIXELS = 40_000_000;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(b: Uint8Array): boolean {
  return b.length > 33 && PNG_SIGNATURE.every((v, i) => b[i] === v);
}

function isJpeg(b: Uint8Array): boolean {
  return b.length > 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/** Media types drawn (parameters and case ignored); the bytes decide between PNG and JPEG. */
const DRAWN_TYPES = new Set(['image/png', 'image/x-png', 'image/jpeg', 'image/jpg', 'image/pjpeg']);

/**
 * Composites straight (non-premultiplied) alpha onto white: `c·a + 255·(1 − a)`, rounded. `rgb` holds 3 bytes
 * a pixel, `alpha` 1 byte a pixel; returns new RGB pixels.
 */
export function flattenOnWhite(rgb: Uint8Array, alpha: Uint8Array | undefined): Uint8Array {
  const out = new Uint8Array(rgb.length);
  if (!alpha) {
    out.set(rgb);
    return out;
  }
  for (let p = 0, i = 0; i < rgb.length; p++, i += 3) {
    const a = alpha[p]!;
    const white = 255 * (255 - a);
    out[i] = Math.round((rgb[i]! * a + white) / 255);
    out[i + 1] = Math.round((rgb[i + 1]! * a + white) / 255);
    out[i + 2] = Math.round((rgb[i + 2]! * a + white) / 255);
  }
  return out;
}

/** The gray pixels of an RGB image whose every pixel has R = G = B, else undefined. */
export function grayIfNeutral(rgb: Uint8Array): Uint8Array | undefined {
  const gray = new Uint8Array(rgb.length / 3);
  for (let p = 0, i = 0; i < rgb.length; p++, i += 3) {
    const r = rgb[i]!;
    if (rgb[i + 1] !== r || rgb[i + 2] !== r) return undefined;
    gray[p] = r;
  }
  return gray;
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const PNG_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/**
 * Checks a PNG's structure before UPNG sees it (UPNG loops forever on a truncated zlib stream): complete
 * chunks from IHDR to IEND, a valid colour type / bit depth, a palette when indexed, and IDAT data that
 * node:zlib inflates to exactly the size the header implies. Returns the pixel size, or undefined.
 */
export function checkPng(b: Uint8Array): { width: number; height: number } | undefined {
  if (!isPng(b)) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 8;
  let ihdr: { width: number; height: number; depth: number; type: number; interlace: number } | undefined;
  let palette = false;
  let ended = false;
  const idat: Uint8Array[] = [];
  while (at + 12 <= b.length) {
    const len = v.getUint32(at);
    const type = String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
    const data = at + 8;
    if (data + len + 4 > b.length) return undefined; // truncated chunk
    if (!ihdr && (type !== 'IHDR' || len !== 13)) return undefined;
    if (type === 'IHDR')
      ihdr = {
        width: v.getUint32(data),
        height: v.getUint32(data + 4),
        depth: b[data + 8]!,
        type: b[data + 9]!,
        interlace: b[data + 12]!,
      };
    else if (type === 'PLTE') palette = true;
    else if (type === 'IDAT') idat.push(b.subarray(data, data + len));
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    at = data + len + 4;
  }
  if (!ihdr || !ended || idat.length === 0) return undefined;
  const { width, height, depth, type, interlace } = ihdr;
  const channels = PNG_CHANNELS[type];
  if (!channels || !PNG_DEPTHS[type]!.includes(depth) || interlace > 1 || (type === 3 && !palette))
    return undefined;
  if (width === 0 || height === 0 || width * height > MAX_IMAGE_PIXELS) return undefined;
  const rowBytes = (w: number) => Math.ceil((w * channels * depth) / 8);
  let expected = 0;
  if (interlace === 0) expected = height * (1 + rowBytes(width));
  else
    for (const [xs, ys, dx, dy] of ADAM7) {
      const pw = width > xs ? Math.ceil((width - xs) / dx) : 0;
      const ph = height > ys ? Math.ceil((height - ys) / dy) : 0;
      if (pw > 0 && ph > 0) expected += ph * (1 + rowBytes(pw));
    }
  try {
    const raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
    if (raw.length !== expected) return undefined;
  } catch {
    return undefined;
  }
  return { width, height };
}

/** What pdf-lib's PngEmbedder decoded (its private `image`: a `PNG` of src/utils/png.ts, pdf-lib 1.17). */
interface DecodedPng {
  rgbChannel: Uint8Array;
  alphaChannel?: Uint8Array;
  width: number;
  height: number;
}

async function preparePng(bytes: Uint8Array): Promise<PreparedImage | undefined> {
  const size = checkPng(bytes);
  if (!size) return undefined;
  const embedder = await PngEmbedder.for(bytes);
  const png = (embedder as unknown as { image?: DecodedPng }).image;
  // pdf-lib keeps the decoded pixels (8-bit RGB + 8-bit alpha, 16-bit and palettes already expanded by UPNG)
  // in a private field: if its shape ever changes, the image falls back to the "image attached" line.
  const n = size.width * size.height;
  if (
    !png ||
    png.width !== size.width ||
    png.height !== size.height ||
    !(png.rgbChannel instanceof Uint8Array) ||
    png.rgbChannel.length !== n * 3 ||
    (png.alphaChannel !== undefined &&
      (!(png.alphaChannel instanceof Uint8Array) || png.alphaChannel.length !== n))
  )
    return undefined;
  const rgb = flattenOnWhite(png.rgbChannel, png.alphaChannel);
  const gray = grayIfNeutral(rgb);
  const colorSpace = gray ? 'DeviceGray' : 'DeviceRGB';
  return {
    format: 'png',
    width: size.width,
    height: size.height,
    colorSpace,
    register: (ctx) =>
      ctx.register(
        ctx.flateStream(gray ?? rgb, {
          Type: 'XObject',
          Subtype: 'Image',
          Width: size.width,
          Height: size.height,
          ColorSpace: colorSpace,
          BitsPerComponent: 8,
        }),
      ),
  };
}

async function prepareJpeg(bytes: Uint8Array): Promise<PreparedImage | undefined> {
  const jpeg = await JpegEmbedder.for(bytes);
  // PDF/A-1 with an sRGB OutputIntent: DeviceCMYK is not allowed (6.2.3.3); PDF 1.4 DCTDecode is 8-bit.
  const space = String(jpeg.colorSpace);
  if (space !== 'DeviceRGB' && space !== 'DeviceGray') return undefined;
  if (jpeg.bitsPerComponent !== 8 || jpeg.width === 0 || jpeg.height === 0) return undefined;
  const colorSpace = space;
  return {
    format: 'jpeg',
    width: jpeg.width,
    height: jpeg.height,
    colorSpace,
    register: (ctx) =>
      ctx.register(
        ctx.stream(bytes, {
          Type: 'XObject',
          Subtype: 'Image',
          Width: jpeg.width,
          Height: jpeg.height,
          ColorSpace: colorSpace,
          BitsPerComponent: 8,
          Filter: 'DCTDecode',
        }),
      ),
  };
}

/** Decodes one media item; undefined when it is not an image that can be drawn (see the module comment). */
export async function prepareImage(media: Media): Promise<PreparedImage | undefined> {
  const type = media.mediaType.split(';')[0]!.trim().toLowerCase();
  if (!DRAWN_TYPES.has(type)) return undefined;
  const bytes = new Uint8Array(Buffer.from(media.data, 'base64'));
  try {
    if (isPng(bytes)) return await preparePng(bytes);
    if (isJpeg(bytes)) return await prepareJpeg(bytes);
  } catch {
    // undecodable: the renderer prints the "image attached" line
  }
  return undefined;
}

/** Every media item of a value tree (the report's sections), depth-first. */
export function collectMedia(root: unknown): Media[] {
  const out: Media[] = [];
  const seen = new Set<object>();
  const visit = (x: unknown): void => {
    if (!x || typeof x !== 'object' || seen.has(x)) return;
    seen.add(x);
    if (Array.isArray(x)) {
      for (const v of x) visit(v);
      return;
    }
    const o = x as Record<string, unknown>;
    if (o.kind === 'media' && typeof o.data === 'string' && typeof o.mediaType === 'string') {
      out.push(x as Media);
      return;
    }
    for (const v of Object.values(o)) visit(v);
  };
  visit(root);
  return out;
}

/** Decodes every media item of the report's sections (before the synchronous layout pass). */
export async function prepareImages(sections: unknown): Promise<Map<Media, PreparedImage>> {
  const map = new Map<Media, PreparedImage>();
  // The same bytes twice (e.g. one curve referenced from two batteries) give one XObject.
  const byContent = new Map<string, PreparedImage | undefined>();
  for (const m of collectMedia(sections)) {
    const key = `${m.mediaType}\n${m.data}`;
    if (!byContent.has(key)) byContent.set(key, await prepareImage(m));
    const img = byContent.get(key);
    if (img) map.set(m, img);
  }
  return map;
}
