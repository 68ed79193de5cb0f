import { describe, expect, it } from 'vitest';
import { buildCrBio, CodeValidationError, checkReportCodes, SCENARIOS } from '../../src/cda/index.js';
import type { CrBioReport } from '../../src/model/index.js';
import { TEST_NOW } from '../helpers/clock.js';
import { firstObservation } from './helpers.js';

const model = () => SCENARIOS[0]?.model() as CrBioReport;
const pdf = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');

function codeError(run: () => unknown): CodeValidationError {
  try {
    run();
  } catch (e) {
    if (e instanceof CodeValidationError) return e;
    throw e;
  }
  throw new Error('no CodeValidationError');
}

describe('LOINC codes and units at build', () => {
  it('a wrong check digit is CODE_INVALID at build, with the model path', () => {
    const m = model();
    firstObservation(m).code.code = '2951-3';
    const e = codeError(() => buildCrBio(m, { pdf, clock: () => TEST_NOW }));
    expect(e.code).toBe('CODE_INVALID');
    expect(e.problems).toEqual([
      {
        path: 'sections[0].subSections[0].entry.items[1].code.code',
        message: 'LOINC 2951-3: check digit 3 is wrong (mod-10 gives 2951-2)',
      },
    ]);
  });

  it('a malformed section code is refused too; the bundled scenarios pass', () => {
    const m = model();
    const s = m.sections[0];
    if (s?.kind !== 'chapter' || !s.code) throw new Error('no chapter');
    s.code.code = '18719';
    expect(codeError(() => checkReportCodes(m)).problems.map((p) => p.path)).toEqual([
      'sections[0].code.code',
    ]);
    for (const sc of SCENARIOS)
      expect(() => checkReportCodes(sc.model(), { headerOnly: sc.level === 1 })).not.toThrow();
  });

  it('G/L given as UCUM is refused naming 10*9/L, not read as gauss per litre', () => {
    const m = model();
    firstObservation(m).value = { type: 'PQ', value: '7.2', unit: 'G/L' };
    const e = codeError(() => checkReportCodes(m));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]?.path).toBe('sections[0].subSections[0].entry.items[1].value.unit');
    expect(e.problems[0]?.message).toContain('gauss per litre');
    expect(e.problems[0]?.message).toContain('10*9/L');
  });
});
