import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvFormatError, parseCsv, writeCsv } from '../../src/loinc/index.js';

/** csv-parse (the Node CSV project) is the independent reader. */
function reference(text: string, delimiter: string): string[][] {
  return parse(text, {
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
  }) as string[][];
}

const SAMPLES: Array<[string, string]> = [
  [';', '\ufeffcode;libellé;unité\r\nGLU;"Glucose; à jeun";mmol/L\r\nCRP;"Protéine ""C"" réactive";mg/L\r\n'],
  [',', 'code,label,comment\nHB,Hémoglobine,"two\nlines"\nPLT,Plaquettes,"x,y"\n'],
  ['\t', 'code\tlabel\r\nNA\tSodium\r\n\r\nK\t"Potassium\t(sérum)"\r\n'],
];

describe('CSV reader and writer', () => {
  it.each(SAMPLES)('reads %j-separated text as csv-parse does, separator detected', (sep, text) => {
    const t = parseCsv(text);
    expect(t.separator).toBe(sep);
    expect([t.header, ...t.rows]).toEqual(reference(text, sep));
  });

  it('writes what csv-parse and our reader read back identically (BOM, CRLF, quoting)', () => {
    const header = ['code', 'libellé', 'commentaire'];
    const rows = [
      ['GLU', 'Glucose; à jeun', ' espace '],
      ['CRP', 'Protéine "C"', 'ligne 1\r\nligne 2'],
      ['µ', '10*9/L', ''],
    ];
    for (const separator of [';', ',']) {
      const text = writeCsv(header, rows, { separator });
      expect(text.startsWith('\ufeff')).toBe(true);
      expect(text.endsWith('\r\n')).toBe(true);
      expect(reference(text, separator)).toEqual([header, ...rows]);
      expect(parseCsv(text)).toEqual({ header, rows, separator });
    }
  });

  it('refuses an unterminated quote and an overlong row, with the line', () => {
    expect(() => parseCsv('a;b\r\n1;"x\r\n', { fileName: 'ws.csv' })).toThrow(CsvFormatError);
    expect(() => parseCsv('a;b\r\n1;"x\r\n', { fileName: 'ws.csv' })).toThrow(/ws\.csv:2/);
    expect(() => parseCsv('a;b\n1;2\n1;2;3\n')).toThrow(/<csv>:3/);
    expect(parseCsv('a;b\n1\n').rows).toEqual([['1', '']]);
  });
});
