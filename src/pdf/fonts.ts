import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PdfRenderError } from './errors.js';

/** The faces the report uses. */
export type FontFace = 'regular' | 'bold' | 'oblique';

/** TrueType bytes for each face. Pass your own to `renderReportPdf` to use another open font. */
export type FontSet = Record<FontFace, Uint8Array>;

const FILES: Record<FontFace, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  oblique: 'DejaVuSans-Oblique.ttf',
};

let cached: FontSet | undefined;

/**
 * Locates the `dejavu-fonts-ttf` package through Node's resolver, which works the same from `src/`
 * (tsx, vitest), from `dist/` (ESM and CJS builds) and from an application's `node_modules`: the fonts
 * are a runtime dependency rather than bytes inlined in the bundle (2 MB saved per build format).
 */
export function defaultFonts(): FontSet {
  if (cached) return cached;
  let dir: string;
  try {
    const require = createRequire(import.meta.url);
    dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch (e) {
    throw new PdfRenderError(
      'PDF_FONT_MISSING',
      'the DejaVu fonts (npm package dejavu-fonts-ttf) cannot be found; install it or pass options.fonts',
      { cause: e },
    );
  }
  const load = (face: FontFace): Uint8Array => {
    const path = join(dir, FILES[face]);
    try {
      return new Uint8Array(readFileSync(path));
    } catch (e) {
      throw new PdfRenderError('PDF_FONT_MISSING', `cannot read font file ${path}`, { cause: e });
    }
  };
  cached = { regular: load('regular'), bold: load('bold'), oblique: load('oblique') };
  return cached;
}

/** The slice of a fontkit Font that pdf-lib uses and that we override. */
interface FontkitFont {
  layout(text: string, features?: unknown): { glyphs: unknown[]; positions?: unknown[] };
  glyphForCodePoint(cp: number): { advanceWidth: number };
}

const parsed = new WeakMap<Uint8Array, FontkitFont>();

/**
 * A fontkit facade for pdf-lib that (1) parses each font program once per process and reuses it for every
 * document (fontkit parses tables lazily and caches them on the Font object), and (2) maps text to glyphs
 * through the cmap only, without OpenType shaping: the report is Latin text (NFC-normalised), ligatures
 * are unwanted, and pdf-lib ignores positioning anyway. Measured: a warm 50-result render drops from
 * ~400 ms to the figure in docs/benchmarks.md.
 */
export function cachingFontkit(fontkit: { create(data: Uint8Array, postscriptName?: string): unknown }) {
  return {
    create(data: Uint8Array, postscriptName?: string): unknown {
      const hit = parsed.get(data);
      if (hit) return hit;
      const font = fontkit.create(data, postscriptName) as FontkitFont;
      const fast = Object.create(font) as FontkitFont;
      fast.layout = (text: string) => {
        const glyphs: unknown[] = [];
        for (const ch of text.normalize('NFC')) glyphs.push(font.glyphForCodePoint(ch.codePointAt(0)!));
        return { glyphs };
      };
      parsed.set(data, fast);
      return fast;
    },
  };
}
