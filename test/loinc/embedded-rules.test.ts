import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCrBio, SCENARIOS } from '../../src/cda/index.js';
import type { CrBioReport } from '../../src/model/index.js';
import { validate } from '../../src/validate/index.js';
import { TEST_NOW } from '../helpers/clock.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';
import { firstObservation } from './helpers.js';

const pdf = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');

/** Findings of our rules about LOINC codes and unit false friends (warnings: the ANS profiles accept both). */
async function loincFindings(bytes: Uint8Array | Buffer): Promise<string[]> {
  const v = await validate(bytes);
  return Object.values(v.profiles)
    .flatMap((p) => ('findings' in p ? p.findings : []))
    .filter((f) => f.id?.startsWith('crbio-loinc') || f.id?.startsWith('crbio-unit'))
    .map((f) => `${f.role} ${f.id} ${f.text}`);
}

function built(mutate: (r: CrBioReport) => void): Uint8Array {
  const r = SCENARIOS[0]?.model() as CrBioReport;
  mutate(r);
  return buildCrBio(r, { pdf, clock: () => TEST_NOW, skipCodeChecks: true }).bytes;
}

describe('embedded rules: LOINC codes and UCUM false friends', () => {
  it('report a wrong check digit and a malformed LOINC code', async () => {
    const bytes = built((r) => {
      firstObservation(r).code.code = '2951-3';
      const s = r.sections[0];
      if (s?.kind === 'chapter' && s.subSections?.[0]?.entry.code) s.subSections[0].entry.code.code = '18719';
    });
    const f = await loincFindings(bytes);
    expect(f).toContain(
      'warning crbio-loinc-02 §3.5 LOINC code 2951-3: the check digit is wrong (LOINC mod-10).',
    );
    expect(f.some((x) => x.startsWith('warning crbio-loinc-01') && x.includes('"18719"'))).toBe(true);
  });

  it('report G/L naming 10*9/L', async () => {
    const f = await loincFindings(
      built((r) => {
        firstObservation(r).value = { type: 'PQ', value: '7.2', unit: 'G/L' };
      }),
    );
    expect(f).toEqual([
      'warning crbio-unit-01 §3.5 unit "G/L" is UCUM for gauss or tesla per litre; the French notation means 10*9/L.',
    ]);
  });

  it('find nothing in the bundled scenarios and the official CR-BIO examples', async () => {
    expect(await loincFindings(built(() => {}))).toEqual([]);
    for (const f of readdirSync(EXAMPLES_DIR).filter((x) => /^BIO-CR-BIO_.*\.xml$/.test(x))) {
      expect(await loincFindings(readFileSync(join(EXAMPLES_DIR, f))), f).toEqual([]);
    }
  });
});
