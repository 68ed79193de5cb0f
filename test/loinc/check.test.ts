import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCrBio, SCENARIOS } from '../../src/cda/index.js';
import {
  checkLoincCode,
  checkReportLoinc,
  type LoincFinding,
  type LoincTable,
  loadLoincTable,
  loincCheckDigit,
  loincCodesOf,
} from '../../src/loinc/index.js';
import type { CrBioReport } from '../../src/model/index.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';
import { FIXTURE, firstObservation, freshCacheDir, releaseWith } from './helpers.js';

let table: LoincTable;
beforeAll(() => {
  table = loadLoincTable(FIXTURE, { cacheDir: freshCacheDir() });
});

describe('LOINC code form and check digit', () => {
  it('accepts every LOINC code of the fixture table and of the kit examples', () => {
    const codes = [...table].map((e) => e.code);
    expect(codes.length).toBe(99);
    for (const c of codes) expect(checkLoincCode(c), c).toMatchObject({ valid: true, kind: 'term' });
  });

  it('computes the mod-10 check digit like the Luhn algorithm (independent implementation)', () => {
    const luhnValid = (digits: string) => {
      let sum = 0;
      [...digits].reverse().forEach((ch, i) => {
        let d = Number(ch);
        if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
      });
      return sum % 10 === 0;
    };
    for (let n = 1; n < 3000; n += 7) {
      const base = String(n * 37);
      expect(luhnValid(`${base}${loincCheckDigit(base)}`), base).toBe(true);
    }
  });

  it('refuses a wrong check digit naming the right one, and malformed codes', () => {
    expect(checkLoincCode('6690-3')).toMatchObject({ valid: false, kind: 'term', expectedCheckDigit: 2 });
    expect(checkLoincCode('6690-3').message).toContain('6690-2');
    expect(checkLoincCode('99999-5').valid).toBe(true); // valid form, no such code: the table says so
    for (const bad of ['6690', '6690-', '12345678-9', 'A123-4', '66 90-2', '']) {
      expect(checkLoincCode(bad), bad).toMatchObject({ valid: false });
    }
    expect(checkLoincCode('LA6576-8')).toMatchObject({ valid: true, kind: 'answer' });
    expect(checkLoincCode('LP14635-4')).toMatchObject({ valid: true, kind: 'part' });
    expect(checkLoincCode('LA6576')).toMatchObject({ valid: false });
  });
});

const kitExamples = readdirSync(EXAMPLES_DIR).filter((f) => /^BIO-CR-BIO_.*\.xml$/.test(f));

/** Codes of the kit not in the fixture (attributes not verified, see the fixture README). */
const NOT_IN_FIXTURE = new Set(['96173-0', '101792-0']);

describe('the official examples and the bundled scenarios pass the LOINC checks', () => {
  it.each(kitExamples)('%s', (file) => {
    const { report } = parseCrBio(readFileSync(join(EXAMPLES_DIR, file)), { fileName: file });
    expect(loincCodesOf(report).length).toBeGreaterThan(0);
    const findings = checkReportLoinc(report, { table });
    const unexplained = findings.filter((f) => !(f.rule === 'LOINC_UNKNOWN' && NOT_IN_FIXTURE.has(f.code)));
    const known = KNOWN_FINDINGS[file] ?? [];
    expect(unexplained.length, unexplained.map(show).join('\n')).toBe(known.length);
    const shown = unexplained.map(show).sort();
    [...known].sort().forEach((k, i) => {
      expect(shown[i]?.startsWith(k), shown[i]).toBe(true);
    });
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('scenario %s', (_, s) => {
    const findings = checkReportLoinc(s.model(), { table });
    expect(findings.map(show)).toEqual([]);
  });
});

function show(f: LoincFinding): string {
  return `${f.severity} ${f.rule} ${f.code} ${f.path}`;
}

/** Real findings in the official examples (listed in docs/loinc.md). */
const EPITHELIAL = 'error LOINC_SCALE 30383-4';
const PDW = 'error LOINC_PROPERTY 32207-3';
const CRP_TEXT = 'warning LOINC_SCALE 1988-5';
const KNOWN_FINDINGS: Record<string, string[]> = {
  'BIO-CR-BIO_2021.01_Auto-Presentable.xml': [CRP_TEXT],
  'BIO-CR-BIO_2021.01_Auto-Presentable_avec-image.xml': [CRP_TEXT],
  'BIO-CR-BIO_2021.01_Electrophorese.xml': [PDW, EPITHELIAL],
  'BIO-CR-BIO_2021.01_Microbiologie_V1.xml': [EPITHELIAL],
  'BIO-CR-BIO_2021.01_Microbiologie_V2.xml': [EPITHELIAL],
  'BIO-CR-BIO_2023.01_Electrophorese.xml': [PDW],
  'BIO-CR-BIO_2024.01_Electrophorese.xml': [PDW],
  'BIO-CR-BIO_2024.01_Microbiologie_V1.xml': [EPITHELIAL],
};

describe('mutated codes are caught', () => {
  const sodium = () => {
    const r = SCENARIOS[0]?.model() as CrBioReport;
    return { r, o: firstObservation(r) };
  };
  const rules = (r: CrBioReport, t: LoincTable | undefined = table) =>
    checkReportLoinc(r, t ? { table: t } : {}).map((f) => `${f.severity} ${f.rule} ${f.code}`);

  it('a wrong check digit, without the table too, with the model path', () => {
    const { r, o } = sodium();
    o.code.code = '2951-3';
    const f = checkReportLoinc(r);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      rule: 'LOINC_CHECK_DIGIT',
      severity: 'error',
      path: 'sections[0].subSections[0].entry.items[1].code',
    });
  });

  it('a code with a valid check digit that LOINC does not have', () => {
    const { r, o } = sodium();
    o.code.code = '99999-5';
    expect(rules(r)).toEqual(['error LOINC_UNKNOWN 99999-5']);
    // options.loinc: the release folder instead of a loaded table
    expect(checkReportLoinc(r, { loinc: FIXTURE }).map((f) => f.rule)).toEqual(['LOINC_UNKNOWN']);
  });

  it('a deprecated code: warning naming its MAP_TO (MapTo.csv of the release)', () => {
    const t = loadLoincTable(
      releaseWith(
        [['90000-1', 'Sodium', 'SCnc', 'Ser/Plas', 'Qn', 'DEPRECATED', 'Test-only deprecated term']],
        [['90000-1', '2951-2']],
      ),
      { cache: false },
    );
    const { r, o } = sodium();
    o.code.code = '90000-1';
    const f = checkReportLoinc(r, { table: t }).filter((x) => x.code === '90000-1');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'LOINC_STATUS', severity: 'warning' });
    expect(f[0]?.message).toContain('DEPRECATED; use 2951-2 instead (MAP_TO)');
  });

  it('a Qn code with a coded value', () => {
    const { r, o } = sodium();
    o.value = { type: 'CD', code: '260385009', codeSystem: '2.16.840.1.113883.6.96', displayName: 'Négatif' };
    expect(rules(r)).toEqual(['error LOINC_SCALE 2951-2']);
  });

  it('an Ord code with a quantity', () => {
    const { r, o } = sodium();
    o.code.code = '5802-4'; // Nitrite [Presence] in Urine by Test strip
    expect(rules(r)).toContain('error LOINC_SCALE 5802-4');
  });

  it('an MCnc code with mmol/L (and an SCnc code with g/L)', () => {
    const { r, o } = sodium();
    o.code.code = '2345-7'; // Glucose [Mass/volume]
    expect(rules(r)).toEqual(['error LOINC_PROPERTY 2345-7']);
    const { r: r2, o: o2 } = sodium();
    o2.value = { type: 'PQ', value: '3.2', unit: 'g/L' };
    expect(rules(r2)).toEqual(['error LOINC_PROPERTY 2951-2']);
  });

  it('a blood code on a urine specimen: warning', () => {
    const r = SCENARIOS.find((s) => s.name === 'microbiology')?.model() as CrBioReport;
    const entry = r.sections.flatMap((s) => (s.kind === 'chapter' && s.entry ? [s.entry] : []))[0];
    const spec = entry?.items.find((i) => i.kind === 'specimen');
    if (!entry || !spec || spec.kind !== 'specimen') throw new Error('no specimen');
    spec.specimenType = { code: 'UR', codeSystem: '2.16.840.1.113883.5.129', displayName: 'Urine' };
    entry.items.push({
      kind: 'observation',
      status: 'completed',
      code: { code: '718-7', codeSystem: '2.16.840.1.113883.6.1', displayName: 'Hémoglobine' },
      value: { type: 'PQ', value: '13', unit: 'g/dL' },
    });
    expect(rules(r)).toContain('warning LOINC_SYSTEM 718-7');
  });

  it('a throat swab (HL7 THRT) and a LOINC "Thrt" code agree; the same code on urine does not', () => {
    // LOINC writes the throat system "Thrt" (78012-2, Streptococcus pyogenes Ag [Presence] in Throat).
    expect(table.get('78012-2')?.system).toBe('Thrt');
    const withSpecimen = (specimen: string) => {
      const r = SCENARIOS.find((s) => s.name === 'microbiology')?.model() as CrBioReport;
      const entry = r.sections.flatMap((s) => (s.kind === 'chapter' && s.entry ? [s.entry] : []))[0];
      const spec = entry?.items.find((i) => i.kind === 'specimen');
      if (!entry || !spec || spec.kind !== 'specimen') throw new Error('no specimen');
      spec.specimenType = { code: specimen, codeSystem: '2.16.840.1.113883.5.129' };
      entry.items.push({
        kind: 'observation',
        status: 'completed',
        code: { code: '78012-2', codeSystem: '2.16.840.1.113883.6.1', displayName: 'Streptocoque A' },
        value: { type: 'CD', code: '10828004', codeSystem: '2.16.840.1.113883.6.96', displayName: 'Positif' },
      });
      return rules(r).filter((x) => x.includes('78012-2'));
    };
    expect(withSpecimen('THRT')).toEqual([]);
    expect(withSpecimen('UR')).toEqual(['warning LOINC_SYSTEM 78012-2']);
  });
});
