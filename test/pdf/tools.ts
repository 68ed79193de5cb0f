import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian tools run on the rendered PDFs, to check them independently of pdf-lib (installed by
 * scripts/ensure-tools.sh, which `npm test` runs first).
 */

export const workDir = (): string => mkdtempSync(join(tmpdir(), 'cisis-pdf-'));

export function savePdf(dir: string, name: string, pdf: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, pdf);
  return path;
}

/** Runs a tool; returns stdout (as a Buffer), stderr and the exit status. */
export function tool(
  cmd: string,
  args: string[],
  timeoutMs = 60_000,
): { stdout: Buffer; stderr: string; status: number | null } {
  const r = spawnSync(cmd, args, { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (run scripts/ensure-tools.sh)`);
  return { stdout: r.stdout, stderr: r.stderr.toString('utf8'), status: r.status };
}

export function text(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Page 1 of `pdf` at 300 dpi as PNG (pdftoppm); returns the PNG path. */
export function rasterPage1(
  pdf: string,
  dir: string,
  crop?: { x: number; y: number; w: number; h: number },
): string {
  const out = join(dir, crop ? 'page1-crop' : 'page1');
  const area = crop
    ? ['-x', String(crop.x), '-y', String(crop.y), '-W', String(crop.w), '-H', String(crop.h)]
    : [];
  text('pdftoppm', ['-r', '300', '-png', '-f', '1', '-l', '1', '-singlefile', ...area, pdf, out]);
  return `${out}.png`;
}

/** Decodes the first Data Matrix of an image (dmtxread); `codewords` prints its codewords instead. */
export function dmtxread(png: string, opts: { codewords?: boolean; timeoutMs?: number } = {}): Buffer {
  const args = [
    '-N1',
    ...(opts.timeoutMs ? ['-m', String(opts.timeoutMs)] : []),
    ...(opts.codewords ? ['-c'] : []),
    png,
  ];
  return tool('dmtxread', args, 120_000).stdout;
}

/** The objects of a PDF as qpdf sees them (`qpdf --json`, v2). */
export interface QpdfJson {
  trailer: Record<string, unknown>;
  objects: Map<string, { value?: Record<string, unknown>; stream?: { dict: Record<string, unknown> } }>;
}

export function qpdfJson(pdf: string): QpdfJson {
  const j = JSON.parse(text('qpdf', ['--json', '--json-key=qpdf', pdf])) as {
    qpdf: [unknown, Record<string, unknown>];
  };
  const objects = new Map<
    string,
    { value?: Record<string, unknown>; stream?: { dict: Record<string, unknown> } }
  >();
  let trailer: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(j.qpdf[1])) {
    if (k === 'trailer') trailer = (v as { value: Record<string, unknown> }).value;
    else objects.set(k.replace(/^obj:/, ''), v as never);
  }
  return { trailer, objects };
}

/** Decoded stream data of object `ref` ("12 0 R"). */
export function streamData(pdf: string, ref: string): Buffer {
  const id = ref.split(' ')[0]!;
  return tool('qpdf', [`--show-object=${id}`, '--filtered-stream-data', pdf]).stdout;
}

/** pdftotext -bbox output: one entry per word with its box, and the page sizes. */
export function wordBoxes(pdf: string): {
  pages: Array<{
    width: number;
    height: number;
    words: Array<{ xMin: number; yMin: number; xMax: number; yMax: number; word: string }>;
  }>;
} {
  const html = text('pdftotext', ['-bbox', pdf, '-']);
  const pages = [];
  for (const m of html.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)) {
    const words = [
      ...m[3]!.matchAll(
        /<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)<\/word>/g,
      ),
    ].map((w) => ({
      xMin: Number(w[1]),
      yMin: Number(w[2]),
      xMax: Number(w[3]),
      yMax: Number(w[4]),
      word: w[5]!,
    }));
    pages.push({ width: Number(m[1]), height: Number(m[2]), words });
  }
  return { pages };
}

/** Text of the PDF in content-stream order (`pdftotext -raw`), whitespace collapsed. */
export function rawText(pdf: string): string {
  return text('pdftotext', ['-raw', '-enc', 'UTF-8', pdf, '-']).replace(/\s+/g, ' ');
}
