import {
  beginText,
  concatTransformationMatrix,
  drawObject,
  endText,
  moveText,
  type PDFDocument,
  type PDFFont,
  type PDFName,
  type PDFPage,
  type PDFRef,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  setFillingRgbColor,
  setFontAndSize,
  showText,
} from 'pdf-lib';
import { PdfRenderError } from './errors.js';
import type { FontFace } from './fonts.js';

/**
 * A small flow-layout engine over pdf-lib: a cursor moving down A4 pages, text measured and wrapped with
 * the embedded fonts, automatic page breaks, and a record of every text drawn (page, box, string) so that
 * tests and callers can prove nothing runs off the page.
 */

/** An sRGB colour, components 0–1 (DeviceRGB under the sRGB OutputIntent). */
export type Rgb = readonly [number, number, number];

export interface TextStyle {
  face: FontFace;
  size: number;
  color?: Rgb;
}

/** Page geometry in points (1/72 in). */
export interface PageGeometry {
  width: number;
  height: number;
  marginTop: number;
  marginBottom: number;
  marginLeft: number;
  marginRight: number;
}

/** A4 portrait with 15 mm side margins and room for the footer. */
export const A4: PageGeometry = {
  width: 595.28,
  height: 841.89,
  marginTop: 42.5,
  marginBottom: 56.7,
  marginLeft: 42.5,
  marginRight: 42.5,
};

/** One text run as drawn: page index (0-based), left/baseline position, measured width, font size. */
export interface DrawnText {
  page: number;
  x: number;
  y: number;
  width: number;
  size: number;
  text: string;
}

/** One image as drawn: page index (0-based), bottom-left corner and size in points, pixel size. */
export interface DrawnImage {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
  pixelWidth: number;
  pixelHeight: number;
}

/** Everything the engine drew, for checks: page size, every text run and every image. */
export interface LayoutRecord {
  pageWidth: number;
  pageHeight: number;
  pageCount: number;
  texts: DrawnText[];
  images: DrawnImage[];
}

const CONTROL = /[\p{Cc}\u2028\u2029]/gu;

/** Text as it can be drawn on one line: control characters become spaces, runs of spaces collapse. */
export function cleanLine(s: string): string {
  return s.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
}

export class Layout {
  readonly pages: PDFPage[] = [];
  readonly texts: DrawnText[] = [];
  readonly images: DrawnImage[] = [];
  /** The cursor: y of the top of the next thing to draw (PDF y grows upwards). */
  y = 0;
  /** Called after each new page is added (running headers, repeated table headers). */
  onNewPage: ((layout: Layout) => void) | undefined;
  private readonly widthCache = new Map<FontFace, Map<string, number>>();
  /** Characters drawn that the embedded font has no glyph for (they would print as empty boxes). */
  readonly missingGlyphs = new Set<string>();
  private readonly charSets = new Map<FontFace, Set<number>>();
  /** Font resource names per page (one entry per face, instead of one per drawText call in pdf-lib). */
  private readonly fontKeys = new Map<PDFPage, Map<FontFace, PDFName>>();
  /** Index of the page drawn on: the last one, except inside {@link withPage}. */
  private current = -1;

  constructor(
    private readonly doc: PDFDocument,
    private readonly fonts: Record<FontFace, PDFFont>,
    readonly geometry: PageGeometry = A4,
  ) {}

  get pageIndex(): number {
    return this.current;
  }
  get page(): PDFPage {
    const p = this.pages[this.current];
    if (!p) throw new PdfRenderError('PDF_INTERNAL', 'layout: no page yet');
    return p;
  }
  get left(): number {
    return this.geometry.marginLeft;
  }
  get right(): number {
    return this.geometry.width - this.geometry.marginRight;
  }
  get contentWidth(): number {
    return this.right - this.left;
  }
  get bottom(): number {
    return this.geometry.marginBottom;
  }
  /** Space left above the bottom margin. */
  get remaining(): number {
    return this.y - this.bottom;
  }

  newPage(): void {
    this.pages.push(this.doc.addPage([this.geometry.width, this.geometry.height]));
    this.current = this.pages.length - 1;
    this.y = this.geometry.height - this.geometry.marginTop;
    this.onNewPage?.(this);
  }

  /** Draws on an earlier page (e.g. "page n/N" once N is known), then returns to the last page. */
  withPage(index: number, draw: () => void): void {
    const saved = this.current;
    this.current = index;
    try {
      draw();
    } finally {
      this.current = saved;
    }
  }

  /** Starts a new page unless `height` points still fit; returns true when it broke the page. */
  ensure(height: number): boolean {
    if (this.pages.length === 0 || this.remaining < height) {
      this.newPage();
      return true;
    }
    return false;
  }

  /**
   * Width of a single-line text. Glyph advances are additive because we disable ligatures and pdf-lib
   * ignores kerning when drawing, so per-character widths are cached (a measured 10× gain over laying
   * out every string with fontkit).
   */
  width(text: string, style: TextStyle): number {
    let cache = this.widthCache.get(style.face);
    if (!cache) {
      cache = new Map();
      this.widthCache.set(style.face, cache);
    }
    const font = this.fonts[style.face];
    let w = 0;
    for (const ch of text) {
      let cw = cache.get(ch);
      if (cw === undefined) {
        cw = font.widthOfTextAtSize(ch, 1000);
        cache.set(ch, cw);
      }
      w += cw;
    }
    return (w * style.size) / 1000;
  }

  /** Line height for a style (1.25 × size). */
  lineHeight(style: TextStyle): number {
    return style.size * 1.25;
  }

  /**
   * Breaks a text into lines no wider than `maxWidth`: on spaces first, then after hyphens and slashes,
   * and inside a word only when a single word is wider than the column. Newlines in the source are kept.
   */
  wrap(text: string, style: TextStyle, maxWidth: number): string[] {
    const out: string[] = [];
    for (const para of text.split(/\r\n|\r|\n/)) {
      const words = cleanLine(para)
        .split(' ')
        .filter((w) => w.length > 0);
      if (words.length === 0) {
        if (out.length > 0) out.push('');
        continue;
      }
      let line = '';
      for (const word of words) {
        const candidate = line ? `${line} ${word}` : word;
        if (this.width(candidate, style) <= maxWidth) {
          line = candidate;
          continue;
        }
        if (line) out.push(line);
        line = '';
        // The word alone does not fit: split it at hyphens/slashes, then by characters.
        let rest = word;
        while (this.width(rest, style) > maxWidth) {
          const cut = this.fitPrefix(rest, style, maxWidth);
          out.push(rest.slice(0, cut));
          rest = rest.slice(cut);
        }
        line = rest;
      }
      if (line) out.push(line);
    }
    return out.length > 0 ? out : [''];
  }

  /** Longest prefix of `word` that fits, preferring a break after `-` or `/`; at least one character. */
  private fitPrefix(word: string, style: TextStyle, maxWidth: number): number {
    const chars = [...word];
    let n = 0;
    let len = 0;
    let lastBreak = 0;
    for (const ch of chars) {
      if (this.width(word.slice(0, len + ch.length), style) > maxWidth) break;
      len += ch.length;
      n++;
      if (ch === '-' || ch === '/') lastBreak = len;
    }
    if (n === 0) return chars[0]?.length ?? 1;
    return lastBreak > 0 ? lastBreak : len;
  }

  /**
   * Draws one line of text with its baseline at `y`. Refuses (PDF_LAYOUT_OVERFLOW) any text that would run
   * outside the page box: the wrapping above must have made it fit.
   */
  text(text: string, x: number, y: number, style: TextStyle): number {
    const line = cleanLine(text);
    if (!line) return 0;
    const width = this.width(line, style);
    const g = this.geometry;
    if (x < 0 || x + width > g.width + 0.01 || y - style.size * 0.3 < 0 || y + style.size > g.height) {
      throw new PdfRenderError(
        'PDF_LAYOUT_OVERFLOW',
        `text ${JSON.stringify(line.slice(0, 40))} would be drawn outside the page (x=${x.toFixed(1)}, width=${width.toFixed(1)}, y=${y.toFixed(1)})`,
        { where: `page ${this.pageIndex + 1}` },
      );
    }
    this.noteMissingGlyphs(line, style.face);
    const c = style.color ?? BLACK;
    // Direct text operators: pdf-lib's drawText validates options, wraps each run in q/Q and registers a new font
    // resource per call, which made it half of the render time.
    this.page.pushOperators(
      beginText(),
      setFontAndSize(this.fontKey(style.face), style.size),
      setFillingRgbColor(c[0], c[1], c[2]),
      moveText(x, y),
      showText(this.fonts[style.face].encodeText(line)),
      endText(),
    );
    this.texts.push({ page: this.pageIndex, x, y, width, size: style.size, text: line });
    return width;
  }

  private noteMissingGlyphs(line: string, face: FontFace): void {
    let set = this.charSets.get(face);
    if (!set) {
      set = new Set(this.fonts[face].getCharacterSet());
      this.charSets.set(face, set);
    }
    for (const ch of line) {
      const cp = ch.codePointAt(0) as number;
      if (cp > 0x20 && !set.has(cp)) this.missingGlyphs.add(ch);
    }
  }

  private fontKey(face: FontFace): PDFName {
    let keys = this.fontKeys.get(this.page);
    if (!keys) {
      keys = new Map();
      this.fontKeys.set(this.page, keys);
    }
    let key = keys.get(face);
    if (!key) {
      const font = this.fonts[face];
      key = this.page.node.newFontDictionary(font.name, font.ref);
      keys.set(face, key);
    }
    return key;
  }

  /** Text right-aligned on `xRight`. */
  textRight(text: string, xRight: number, y: number, style: TextStyle): void {
    this.text(text, xRight - this.width(cleanLine(text), style), y, style);
  }

  /** Text centred on `xCenter`. */
  textCenter(text: string, xCenter: number, y: number, style: TextStyle): void {
    this.text(text, xCenter - this.width(cleanLine(text), style) / 2, y, style);
  }

  /**
   * Flows a paragraph at the cursor within [x, x+maxWidth], breaking pages between lines. Returns the lines.
   */
  paragraph(
    text: string,
    x: number,
    maxWidth: number,
    style: TextStyle,
    opts?: { spaceAfter?: number },
  ): string[] {
    const lines = this.wrap(text, style, maxWidth);
    const lh = this.lineHeight(style);
    for (const l of lines) {
      this.ensure(lh);
      this.text(l, x, this.y - style.size, style);
      this.y -= lh;
    }
    this.y -= opts?.spaceAfter ?? 0;
    return lines;
  }

  /**
   * Draws an image XObject with its bottom-left corner at (x, y), `w` × `h` points. Refuses
   * (PDF_LAYOUT_OVERFLOW) an image that would leave the page box.
   */
  image(
    xobject: PDFRef,
    x: number,
    y: number,
    w: number,
    h: number,
    pixels: { width: number; height: number },
  ): void {
    const g = this.geometry;
    if (!(w > 0 && h > 0) || x < 0 || y < 0 || x + w > g.width + 0.01 || y + h > g.height + 0.01) {
      throw new PdfRenderError(
        'PDF_LAYOUT_OVERFLOW',
        `image ${pixels.width}×${pixels.height} px would be drawn outside the page (x=${x.toFixed(1)}, y=${y.toFixed(1)}, ${w.toFixed(1)}×${h.toFixed(1)} pt)`,
        { where: `page ${this.pageIndex + 1}` },
      );
    }
    const name = this.page.node.newXObject('Im', xobject);
    this.page.pushOperators(
      pushGraphicsState(),
      concatTransformationMatrix(w, 0, 0, h, x, y),
      drawObject(name),
      popGraphicsState(),
    );
    this.images.push({
      page: this.pageIndex,
      x,
      y,
      width: w,
      height: h,
      pixelWidth: pixels.width,
      pixelHeight: pixels.height,
    });
  }

  rect(x: number, y: number, w: number, h: number, fill: Rgb): void {
    this.page.drawRectangle({ x, y, width: w, height: h, color: rgb(fill[0], fill[1], fill[2]) });
  }

  strokeRect(x: number, y: number, w: number, h: number, color: Rgb, thickness = 0.5): void {
    this.page.drawRectangle({
      x,
      y,
      width: w,
      height: h,
      borderColor: rgb(color[0], color[1], color[2]),
      borderWidth: thickness,
    });
  }

  hline(x1: number, x2: number, y: number, color: Rgb, thickness = 0.5): void {
    this.page.drawLine({
      start: { x: x1, y },
      end: { x: x2, y },
      thickness,
      color: rgb(color[0], color[1], color[2]),
    });
  }

  record(): LayoutRecord {
    return {
      pageWidth: this.geometry.width,
      pageHeight: this.geometry.height,
      pageCount: this.pages.length,
      texts: this.texts,
      images: this.images,
    };
  }
}

export const BLACK: Rgb = [0, 0, 0];
