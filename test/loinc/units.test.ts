import { describe, expect, it } from 'vitest';
import { checkUcumUnit } from '../../src/cda/index.js';
import {
  displayUnit,
  FRENCH_UNITS,
  normaliseUnit,
  normaliseUnits,
  ucumFalseFriend,
} from '../../src/model/index.js';

describe('French unit notations ⇄ UCUM', () => {
  it('every UCUM form of the table is valid UCUM for the NLM library', () => {
    const bad = FRENCH_UNITS.filter((n) => !checkUcumUnit(n.ucum).valid).map((n) => n.ucum);
    expect(bad).toEqual([]);
  });

  it('every alias normalises to its UCUM unit and every UCUM unit displays back', () => {
    for (const n of FRENCH_UNITS) {
      for (const a of n.aliases) expect(normaliseUnit(a).unit, a).toBe(n.ucum);
      expect(normaliseUnit(n.ucum)).toMatchObject({ unit: n.ucum, changed: false, known: true });
      expect(normaliseUnit(displayUnit(n.ucum)).unit, n.display).toBe(n.ucum);
    }
  });

  it('rewrites the usual French notations and says what it rewrote', () => {
    const cases: Array<[string, string]> = [
      ['G/L', '10*9/L'],
      ['T/L', '10*12/L'],
      ['UI/L', '[IU]/L'],
      ['mUI/L', 'm[IU]/L'],
      ['µmol/L', 'umol/L'],
      ['µg/mL', 'ug/mL'],
      ['sec', 's'],
      ['ml/min/1,73m²', 'mL/min/{1.73_m2}'],
      ['mmol/L', 'mmol/L'],
      ['%', '%'],
    ];
    for (const [fr, ucum] of cases) expect(normaliseUnit(fr).unit, fr).toBe(ucum);
    expect(normaliseUnit('G/L').rules).toEqual(['table: G/L → 10*9/L']);
    expect(normaliseUnit('mmol/L').rules).toEqual([]);
  });

  it('rewrites notations outside the table piecewise, and the result is UCUM', () => {
    const n = normaliseUnit('µUI/dl');
    expect(n).toMatchObject({ unit: 'u[IU]/dL', changed: true, known: false });
    expect(n.rules).toEqual(['µ → u', 'UI → [IU]', 'l → L']);
    expect(checkUcumUnit(n.unit).valid).toBe(true);
    expect(normaliseUnit(' nmol/24 h').unit).toBe('nmol/(24.h)');
    expect(checkUcumUnit('nmol/(24.h)').valid).toBe(true);
    expect(normaliseUnit('nmol/l').unit).toBe('nmol/L');
  });

  it('displays UCUM the way a French lab prints it', () => {
    expect(displayUnit('ug/mL')).toBe('µg/mL');
    expect(displayUnit('10*9/L')).toBe('G/L');
    expect(displayUnit('[IU]/mL')).toBe('UI/mL');
    expect(displayUnit('m[IU]/L')).toBe('mUI/L');
    expect(displayUnit('10*6/L')).toBe('×10⁶/L');
    expect(displayUnit('10*7/L')).toBe('×10⁷/L');
    expect(displayUnit('ug/g')).toBe('µg/g');
    expect(displayUnit('{cells}/uL')).toBe('cells/µL');
  });

  it('names the unit meant when a French notation is a UCUM false friend', () => {
    expect(checkUcumUnit('G/L').valid).toBe(true); // gauss per litre for UCUM
    expect(ucumFalseFriend('G/L')).toEqual({ readAs: 'gauss per litre', meant: '10*9/L' });
    expect(ucumFalseFriend('10*9/L')).toBeUndefined();
  });

  it('normaliseUnits rewrites every unit of a model, reports each rewrite and leaves the input alone', () => {
    const model = {
      sections: [
        {
          entry: {
            items: [
              { value: { type: 'PQ', value: '7.2', unit: 'G/L' } },
              {
                value: {
                  type: 'IVL_PQ',
                  low: { value: '1', unit: 'µmol/l' },
                  high: { value: '2', unit: 'umol/L' },
                },
              },
            ],
          },
        },
      ],
    };
    const before = JSON.stringify(model);
    const { report, rewrites } = normaliseUnits(model);
    expect(JSON.stringify(model)).toBe(before);
    expect(rewrites).toEqual([
      {
        path: 'sections[0].entry.items[0].value.unit',
        from: 'G/L',
        to: '10*9/L',
        rules: ['table: G/L → 10*9/L'],
      },
      {
        path: 'sections[0].entry.items[1].value.low.unit',
        from: 'µmol/l',
        to: 'umol/L',
        rules: ['table: µmol/l → umol/L'],
      },
    ]);
    expect(report.sections[0]?.entry.items[1]?.value).toMatchObject({
      high: { unit: 'umol/L' },
      low: { unit: 'umol/L' },
    });
  });
});
