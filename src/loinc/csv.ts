/**
 * CSV as spreadsheets write it: RFC 4180 quoting (`"a ""b"", c"`), `;` (French Excel/LibreOffice), `,` or tab
 * separators detected from the header line, CRLF/LF/CR line ends, an optional UTF-8 BOM. Written back with a BOM
 * and CRLF so that Excel opens UTF-8 (accents, µ) correctly.
 * @module
 */
import { CsvFormatError } from './errors.js';

/** A CSV file read into a header and rows (every row as long as the header). */
export interface CsvTable {
  header: string[];
  rows: string[][];
  separator: string;
}

/** Options of {@link parseCsv}. */
export interface ParseCsvOptions {
  /** Separator; detected from the header line when absent (`;`, `,` or tab, the most frequent outside quotes). */
  separator?: string;
  /** File name for error messages. */
  fileName?: string;
}

function detectSeparator(text: string): string {
  const counts = new Map<string, number>([
    [';', 0],
    [',', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ';';
  for (const [sep, n] of counts) if (n > (counts.get(best) ?? 0)) best = sep;
  return best;
}

/**
 * Read CSV text. Blank lines are skipped; short rows are padded with `''`; a row longer than the header, or an
 * unterminated quoted field, is a {@link CsvFormatError} with its line.
 *
 * @example
 * parseCsv('\ufeffcode;libellé\r\nGLU;"Glucose; à jeun"\r\n').rows // [['GLU', 'Glucose; à jeun']]
 */
export function parseCsv(input: string, options: ParseCsvOptions = {}): CsvTable {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const sep = options.separator ?? detectSeparator(text);
  const records: Array<{ fields: string[]; line: number }> = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') records.push({ fields, line: start });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"' && field === '') {
      const open = line;
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new CsvFormatError('unterminated quoted field', at(options.fileName, open));
        field += text.slice(j, q);
        line += countLines(text, j, q);
        if (text[q + 1] === '"') {
          field += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      continue;
    }
    if (ch === sep) {
      fields.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
    i++;
  }
  if (field !== '' || fields.length > 0) endRecord();
  const [head, ...body] = records;
  if (!head) throw new CsvFormatError('empty CSV (no header line)', at(options.fileName, 1));
  const width = head.fields.length;
  const rows = body.map(({ fields: f, line: l }) => {
    if (f.length > width && f.slice(width).some((x) => x.trim() !== '')) {
      throw new CsvFormatError(`${f.length} fields for ${width} columns`, at(options.fileName, l));
    }
    return f.length >= width ? f.slice(0, width) : [...f, ...new Array<string>(width - f.length).fill('')];
  });
  return { header: head.fields.map((h) => h.trim()), rows, separator: sep };
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    if (text[k] === '\n' || (text[k] === '\r' && text[k + 1] !== '\n')) n++;
  }
  return n;
}

function at(file: string | undefined, line: number): string {
  return `${file ?? '<csv>'}:${line}`;
}

/** Options of {@link writeCsv}. */
export interface WriteCsvOptions {
  /** Separator (default `;`, what a French spreadsheet splits on). */
  separator?: string;
  /** Start with a UTF-8 BOM (default true: Excel then reads UTF-8). */
  bom?: boolean;
}

/**
 * Write CSV: CRLF line ends, fields quoted when they hold the separator, a quote, a line break or edge spaces.
 *
 * @example
 * writeCsv(['code', 'libellé'], [['GLU', 'Glucose; à jeun']]) // '\ufeffcode;libellé\r\nGLU;"Glucose; à jeun"\r\n'
 */
export function writeCsv(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  options: WriteCsvOptions = {},
): string {
  const sep = options.separator ?? ';';
  const quote = (v: string) =>
    v.includes(sep) || v.includes('"') || v.includes('\n') || v.includes('\r') || v !== v.trim()
      ? `"${v.replace(/"/g, '""')}"`
      : v;
  const lines = [header, ...rows].map((r) => r.map(quote).join(sep));
  return `${options.bom === false ? '' : '\ufeff'}${lines.join('\r\n')}\r\n`;
}
