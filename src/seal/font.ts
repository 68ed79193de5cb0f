// The seal's font: DejaVu Sans (the report's font, npm package dejavu-fonts-ttf), subset once per process to a
// fixed character set and copied into each sealed PDF. Subsetting per seal cost ~9 ms warm (fontkit); copying
// the ready objects costs nothing, so the seal fits its 15 ms budget. Characters outside the set print as "?".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import {
  PDFArray,
  type PDFContext,
  PDFDict,
  PDFDocument,
  type PDFFont,
  PDFName,
  PDFObjectCopier,
  PDFRawStream,
  type PDFRef,
} from 'pdf-lib';
import { SealError } from './errors.js';

/** Basic Latin, Latin-1 letters and signs, and the French typographic extras. */
const CHARSET = (() => {
  let s = '';
  for (let c = 0x20; c <= 0x7e; c++) s += String.fromCharCode(c);
  for (let c = 0xa0; c <= 0xff; c++) s += String.fromCharCode(c);
  return `${s}ŒœŸ€‘’“”–—…•`;
})();
const KNOWN = new Set(CHARSET);

/** A font ready to be copied into a document: widths and glyph encoding from the subset. */
export interface SealFont {
  /** Width of `text` (already {@link sealText}-cleaned) at `size` points. */
  width(text: string, size: number): number;
  /** Hex glyph string of `text` in the subset. */
  encode(text: string): ReturnType<PDFFont['encodeText']>;
  /** Copies the font objects into `ctx`; returns the Type0 font's reference there. */
  copyInto(ctx: PDFContext): PDFRef;
}

/** NFC text restricted to the subset: control characters become spaces, other characters "?". */
export function sealText(s: string): string {
  return [...s.normalize('NFC').replace(/[\p{Cc}\u2028\u2029]/gu, ' ')]
    .map((ch) => (KNOWN.has(ch) ? ch : '?'))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
}

function dejaVuSans(): Uint8Array {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json'));
    return new Uint8Array(readFileSync(join(dir, 'ttf', 'DejaVuSans.ttf')));
  } catch (e) {
    throw new SealError(
      'SEAL_FONT_MISSING',
      'the DejaVu fonts (npm package dejavu-fonts-ttf) cannot be found',
      {
        cause: e,
      },
    );
  }
}

/** `maxp.numGlyphs` of a TrueType program. */
function glyphCount(ttf: Uint8Array): number {
  const v = new DataView(ttf.buffer, ttf.byteOffset, ttf.byteLength);
  for (let i = 0; i < v.getUint16(4); i++) {
    const rec = 12 + 16 * i;
    if (String.fromCharCode(...ttf.subarray(rec, rec + 4)) === 'maxp')
      return v.getUint16(v.getUint32(rec + 8) + 4);
  }
  throw new Error('TrueType font without maxp table');
}

/**
 * PDF/A-1 §6.3.5: a CIDFont subset lists its CIDs in a CIDSet. pdf-lib numbers subset glyphs 0…n−1 with an
 * Identity CIDToGIDMap, so the set is every CID below the embedded program's glyph count.
 */
function addCidSet(ctx: PDFContext, type0: PDFRef): void {
  const font = ctx.lookup(type0, PDFDict);
  const cid = ctx.lookup(font.lookup(PDFName.of('DescendantFonts'), PDFArray).get(0), PDFDict);
  const descriptor = cid.lookup(PDFName.of('FontDescriptor'), PDFDict);
  const file = descriptor.lookup(PDFName.of('FontFile2'));
  if (!(file instanceof PDFRawStream)) throw new Error('the subset font has no FontFile2 stream');
  const compressed = file.dict.get(PDFName.of('Filter')) === PDFName.of('FlateDecode');
  const n = glyphCount(compressed ? inflateSync(file.contents) : file.contents);
  const bits = new Uint8Array(Math.ceil(n / 8));
  for (let c = 0; c < n; c++) bits[c >> 3]! |= 0x80 >> (c & 7);
  descriptor.set(PDFName.of('CIDSet'), ctx.register(ctx.flateStream(bits)));
}

let cached: Promise<SealFont> | undefined;

async function build(): Promise<SealFont> {
  const scratch = await PDFDocument.create({ updateMetadata: false });
  scratch.registerFontkit(fontkit);
  const font = await scratch.embedFont(dejaVuSans(), { subset: true, features: { liga: false } });
  // ISO 32000 §9.6.4 subset name TAG+PostScriptName (pdf-lib reads `customName`); fixed tag: reproducible output.
  const embedder = (font as unknown as { embedder?: { customName?: string; fontName?: string } }).embedder;
  if (embedder?.fontName) embedder.customName = `CBIOSE+${embedder.fontName}`;
  font.encodeText(CHARSET); // every glyph of the set enters the subset before it is written
  await font.embed();
  addCidSet(scratch.context, font.ref);
  // Advances are additive (no kerning, no ligatures drawn): one fontkit measure per character, then cached.
  const advance = new Map<string, number>();
  const width = (text: string, size: number) => {
    let w = 0;
    for (const ch of text) {
      let a = advance.get(ch);
      if (a === undefined) {
        a = font.widthOfTextAtSize(ch, 1000);
        advance.set(ch, a);
      }
      w += a;
    }
    return (w * size) / 1000;
  };
  return {
    width,
    encode: (text) => font.encodeText(text),
    copyInto: (ctx) => PDFObjectCopier.for(scratch.context, ctx).copy(font.ref),
  };
}

/** The process-wide seal font (built on first use, ~30 ms). */
export function sealFont(): Promise<SealFont> {
  cached ??= build().catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}
