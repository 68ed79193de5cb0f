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
