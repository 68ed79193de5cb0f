import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  clearLoincMemory,
  LoincTableError,
  loadLoincTable,
  loincCacheDir,
  loincLoadStats,
  resolveLoincDir,
} from '../../src/loinc/index.js';
import { readReleaseCsv } from '../../src/loinc/release-csv.js';
import { FIXTURE, freshCacheDir } from './helpers.js';

const COLS = ['LOINC_NUM', 'COMPONENT', 'PROPERTY', 'SYSTEM', 'SCALE_TYP', 'STATUS', 'LONG_COMMON_NAME'];

/** Python's csv module reading the same columns: the independent reader. */
function pythonRows(path: string): string[][] {
  const script = `import csv,json,sys
r=csv.DictReader(open(sys.argv[1],newline='',encoding='utf-8-sig'))
print(json.dumps([[row.get(c) or '' for c in sys.argv[2].split(',')] for row in r if any(row.values())]))`;
  return JSON.parse(execFileSync('python3', ['-c', script, path, COLS.join(',')], { encoding: 'utf8' }));
}

function ourRows(path: string, chunk?: number): string[][] {
  const rows: string[][] = [];
  readReleaseCsv(path, COLS, ['LOINC_NUM'], (f) => rows.push(f), chunk);
  return rows;
}

describe('the release CSV reader', () => {
  const fixtureCsv = join(FIXTURE, 'LoincTable', 'Loinc.csv');

  it('reads the fixture as Python csv does', () => {
    expect(ourRows(fixtureCsv)).toEqual(pythonRows(fixtureCsv));
  });

  it('handles quotes, commas, line breaks in fields, BOM, LF or CRLF, at every chunk boundary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loinc-csv-'));
    const file = join(dir, 'Loinc.csv');
    const body = [
      '\ufeffLOINC_NUM,COMPONENT,PROPERTY,TIME_ASPCT,SYSTEM,SCALE_TYP,STATUS,LONG_COMMON_NAME',
      '"2345-7","Glucose","MCnc","Pt","Ser/Plas","Qn","ACTIVE","Glucose [Mass/volume] in Serum or Plasma"',
      '1-8,"A ""quoted"", name",MCnc,Pt,Bld,Qn,ACTIVE,"two\r\nlines, µg/L"',
      '',
      '"3-4",,"",Pt,,Qn,DEPRECATED,"é à ü — ×10⁹/L"',
    ];
    writeFileSync(file, `${body.join('\r\n')}\n`);
    const expected = pythonRows(file);
    expect(expected).toHaveLength(3);
    for (const chunk of [1, 2, 3, 5, 8, 13, 64, 4096])
      expect(ourRows(file, chunk), `chunk ${chunk}`).toEqual(expected);
  });

  it('refuses a file that is not a LOINC release, and an unterminated quote', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loinc-csv-'));
    writeFileSync(join(dir, 'Loinc.csv'), 'code,label\n1-8,x\n');
    expect(() => loadLoincTable(dir, { cache: false })).toThrow(/column LOINC_NUM is missing/);
    writeFileSync(join(dir, 'Loinc.csv'), `${COLS.join(',')}\n1-8,x\n"2-6,x\n`); // the quote never closes
    expect(loadError(dir)).toMatchObject({
      code: 'LOINC_TABLE_MALFORMED',
      where: `${join(dir, 'Loinc.csv')}:3`,
      message: expect.stringContaining('unterminated quoted field'),
    });
    expect(() => loadLoincTable(join(dir, 'nope'))).toThrow(/no LoincTable\/Loinc.csv/);
  });

  it('a file the system refuses to read is LOINC_TABLE_UNREADABLE at its path, not a raw EISDIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loinc-csv-'));
    mkdirSync(join(dir, 'LoincTable'));
    copyFileSync(fixtureCsv, join(dir, 'LoincTable', 'Loinc.csv'));
    mkdirSync(join(dir, 'LoincTable', 'MapTo.csv')); // a directory where the file should be: read() fails EISDIR
    expect(loadError(dir)).toMatchObject({
      code: 'LOINC_TABLE_UNREADABLE',
      where: join(dir, 'LoincTable', 'MapTo.csv'),
      message: expect.stringMatching(/^cannot read the file \(EISDIR.*\(at \S+MapTo\.csv\)$/),
    });
  });
});

/** The LoincTableError loading `dir` (uncached) throws. */
function loadError(dir: string): LoincTableError {
  try {
    loadLoincTable(dir, { cache: false });
  } catch (e) {
    if (e instanceof LoincTableError) return e;
    throw e;
  }
  throw new Error(`${dir} loaded`);
}

describe('the LOINC table index and its cache', () => {
  it('builds the index once, then reads it from the cache; a corrupt entry is rebuilt', () => {
    const cacheDir = freshCacheDir();
    clearLoincMemory();
    const before = { ...loincLoadStats };
    const t1 = loadLoincTable(FIXTURE, { cacheDir });
    expect(loincLoadStats.csvParses - before.csvParses).toBe(1);
    expect(loincLoadStats.cacheWrites - before.cacheWrites).toBe(1);
    clearLoincMemory();
    const t2 = loadLoincTable(FIXTURE, { cacheDir });
    expect(loincLoadStats.cacheHits - before.cacheHits).toBe(1);
    expect([...t2]).toEqual([...t1]);
    expect(t2.get('2345-7')).toMatchObject({
      component: 'Glucose',
      property: 'MCnc',
      system: 'Ser/Plas',
      scale: 'Qn',
      status: 'ACTIVE',
      longName: 'Glucose [Mass/volume] in Serum or Plasma',
      mapTo: [],
    });
    const [entry] = readdirSync(join(cacheDir, 'loinc'));
    const path = join(cacheDir, 'loinc', entry as string);
    writeFileSync(path, readFileSync(path, 'utf8').replace('Glucose', 'Glucoze'));
    clearLoincMemory();
    const t3 = loadLoincTable(FIXTURE, { cacheDir });
    expect(loincLoadStats.corruptEntries - before.corruptEntries).toBe(1);
    expect(t3.get('2345-7')?.component).toBe('Glucose');
  });

  it('is found from the option, else CISIS_BIO_LOINC; the cache folder follows the validator rule', () => {
    expect(resolveLoincDir('/a', { CISIS_BIO_LOINC: '/b' })).toBe('/a');
    expect(resolveLoincDir(undefined, { CISIS_BIO_LOINC: '/b' })).toBe('/b');
    expect(resolveLoincDir(undefined, {})).toBeUndefined();
    expect(loincCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/cisis-bio');
    expect(loincCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/h' })).toMatch(/\.cache\/cisis-bio$/);
  });

  it('looks up every term of the fixture, and nothing else', () => {
    const t = loadLoincTable(FIXTURE, { cacheDir: freshCacheDir() });
    expect(t.size).toBe(99);
    expect(t.has('6690-2')).toBe(true);
    expect(t.get('6690-3')).toBeUndefined();
    expect(t.get('99999-5')).toBeUndefined();
  });
});
