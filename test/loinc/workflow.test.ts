import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCrBio, checkReportCodes, parseCrBio } from '../../src/cda/index.js';
import {
  applyMapping,
  checkReportLoinc,
  exportCatalogue,
  importMapping,
  LOINC_OID,
  type LoincTable,
  loadLoincTable,
  parseCsv,
  parseMapping,
  WORKSHEET_COLUMNS,
} from '../../src/loinc/index.js';
import { TEST_NOW } from '../helpers/clock.js';
import { catalogueModels, LOCAL_OID } from './catalogue-data.js';
import { FIXTURE, freshCacheDir } from './helpers.js';

let table: LoincTable;
beforeAll(() => {
  table = loadLoincTable(FIXTURE, { cacheDir: freshCacheDir() });
});

/**
 * The person filling the worksheet, played by Python's csv module (an independent reader/writer): reads the
 * `;` UTF-8-BOM file, writes the expected LOINC code in loinc_code, sets status, saves as French Excel does.
 */
function fillWithPython(worksheet: string, answers: Map<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'loinc-ws-'));
  writeFileSync(join(dir, 'in.csv'), worksheet);
  writeFileSync(join(dir, 'answers.json'), JSON.stringify(Object.fromEntries(answers)));
  const script = `import csv,json,sys
d=sys.argv[1]
ans=json.load(open(d+'/answers.json'))
rows=list(csv.DictReader(open(d+'/in.csv',newline='',encoding='utf-8-sig'),delimiter=';'))
w=csv.DictWriter(open(d+'/out.csv','w',newline='',encoding='utf-8-sig'),fieldnames=list(rows[0].keys()),delimiter=';',quoting=csv.QUOTE_ALL,lineterminator='\\r\\n')
w.writeheader()
for r in rows:
  r['loinc_code']=ans.get(r['local_code'],'')
  r['status']='validated' if r['loinc_code'] else 'none'
  w.writerow(r)`;
  execFileSync('python3', ['-c', script, dir]);
  return readFileSync(join(dir, 'out.csv'), 'utf8');
}

describe('transcoding workflow: export → edit → import → apply on 300 local analyses', () => {
  it('round-trips and every result ends LOINC-coded with its local code as translation', () => {
    const { models, expected } = catalogueModels(300);
    const { analyses, csv } = exportCatalogue(models, { table });
    expect(analyses).toHaveLength(300);
    expect(csv.startsWith('\ufefflocal_code;local_system;label;')).toBe(true);
    const ws = parseCsv(csv);
    expect(ws.header).toEqual([...WORKSHEET_COLUMNS]);
    expect(ws.rows.every((r) => r[10] === 'todo' && r[8] === '')).toBe(true); // suggestions are never applied

    // Suggestions: how often the right term is the first candidate, or among the three.
    const first = ws.rows.filter((r) => r[12]?.startsWith(`${expected.get(r[0] as string)} `)).length;
    const inTop3 = ws.rows.filter((r) => r[12]?.includes(`${expected.get(r[0] as string)} `)).length;
    console.log(`candidates: right term first for ${first}/300, in the top 3 for ${inTop3}/300`);
    expect(inTop3).toBeGreaterThanOrEqual(270);

    const filled = fillWithPython(csv, expected);
    const imported = importMapping(filled, { table, catalogue: analyses });
    expect(imported.problems).toEqual([]);
    expect(imported.counts).toEqual({ rows: 300, mapped: 300, unmapped: 0, errors: 0, warnings: 0 });
    const mapping = parseMapping(JSON.stringify(imported.mapping));
    expect(mapping).toEqual(imported.mapping);

    let applied = 0;
    for (const m of models) {
      const r = applyMapping(m, mapping);
      expect(r.unmapped).toEqual([]);
      applied += r.applied.length;
      expect(m.sections[0]).not.toEqual(r.report.sections[0]); // input untouched, output recoded
      expect(() => checkReportCodes(r.report)).not.toThrow();
      expect(checkReportLoinc(r.report, { table }).filter((f) => f.severity === 'error')).toEqual([]);
      const pdf = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');
      const back = parseCrBio(buildCrBio(r.report, { pdf, clock: () => TEST_NOW }).bytes).report;
      const s = back.sections[0];
      const items = s?.kind === 'chapter' ? (s.subSections?.[0]?.entry.items ?? []) : [];
      for (const it of items) {
        if (it.kind !== 'observation') continue;
        const local = it.code.translations?.[0];
        expect(it.code.codeSystem).toBe(LOINC_OID);
        expect(it.code.code).toBe(expected.get(local?.code as string));
        expect(local?.codeSystem).toBe(LOCAL_OID);
      }
    }
    expect(applied).toBe(300);
  });
});

describe('importMapping reports every problem by line', () => {
  const header = 'code local;libellé;unité;type de résultat;code LOINC;libellé LOINC;statut;commentaire';
  const sheet = (...rows: string[]) => `\ufeff${[header, ...rows].join('\r\n')}\r\n`;

  it('check digit, unknown code, unit/property, scale, duplicates, catalogue, comments', () => {
    const r = importMapping(
      sheet(
        'A1;Glucose;g/L;PQ;2345-7;;validé;',
        'A2;Glucose mmol;mmol/L;PQ;2345-7;;;',
        'A3;Sodium;mmol/L;PQ;2951-3;;;',
        'A4;Inconnu;;PQ;99999-5;;;',
        'A1;Glucose bis;g/L;PQ;2093-3;;;',
        'A5;Nitrites;;PQ;5802-4;;;',
        'A6;Potassium;mmol/L;PQ;2823-3;;narrower;',
        'ZZ;Hors catalogue;;PQ;2951-2;;;',
        'A7;Sans LOINC;;;;;aucun;pas de code',
      ),
      {
        table,
        catalogue: ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7'].map((c) => ({
          localCode: c,
          label: c,
          occurrences: 1,
        })),
        fileName: 'ws.csv',
      },
    );
    const shown = r.problems.map((p) => `${p.line} ${p.localCode} ${p.severity}: ${p.message}`);
    expect(shown).toEqual([
      '3 A2 error: LOINC 2345-7 is MCnc but the unit mmol/L is substance/volume',
      '4 A3 error: LOINC 2951-3: check digit 3 is wrong (mod-10 gives 2951-2)',
      '5 A4 error: LOINC 99999-5 is not in the LOINC table',
      '6 A1 error: local code A1 is also on line 2 with 2345-7',
      '7 A5 error: LOINC 5802-4 is Ord but the result type is PQ',
      '8 A6 error: status narrower needs a comment saying how the LOINC term differs',
      '9 ZZ error: local code ZZ is not in the catalogue',
    ]);
    expect(r.valid).toBe(false);
    expect(r.mapping.entries.map((e) => [e.localCode, e.loincCode, e.loincLabel])).toEqual([
      ['A1', '2345-7', 'Glucose [Mass/volume] in Serum or Plasma'],
    ]);
    expect(r.mapping.unmapped).toEqual([
      { localCode: 'A7', localLabel: 'Sans LOINC', status: 'none', comment: 'pas de code' },
    ]);
  });

  it('refuses a worksheet without a local code column, and a malformed mapping file', () => {
    expect(() => importMapping('libellé;code LOINC\r\nx;2345-7\r\n')).toThrow(/no local_code column/);
    expect(() =>
      parseMapping('{"format":"cisis-bio-loinc-mapping","version":1,"entries":[{}],"unmapped":[]}'),
    ).toThrow(/entries\.0\.localCode/);
  });
});

describe('importMapping with a deprecated term', () => {
  it('warns naming MAP_TO and keeps the row', async () => {
    const { releaseWith } = await import('./helpers.js');
    const t = loadLoincTable(
      releaseWith(
        [['90000-1', 'Sodium', 'SCnc', 'Ser/Plas', 'Qn', 'DEPRECATED', 'Test-only deprecated term']],
        [['90000-1', '2951-2']],
      ),
      { cache: false },
    );
    const r = importMapping('local_code;label;unit;loinc_code\r\nNA;Sodium;mmol/L;90000-1\r\n', { table: t });
    expect(r.problems).toEqual([
      {
        line: 2,
        localCode: 'NA',
        severity: 'warning',
        message: 'LOINC 90000-1 is DEPRECATED (MAP_TO 2951-2)',
      },
    ]);
    expect(r.valid).toBe(true);
    expect(r.mapping.entries[0]).toMatchObject({
      loincCode: '90000-1',
      loincLabel: 'Test-only deprecated term',
    });
  });
});
