// Critical (panic) values (issue 19 item 3): `critical: true` on a result writes HL7's critical interpretation code
// (H → HH, L → LL, A → AA, otherwise AA added) with the display name of the kit's value set in the code and the
// narrative, the document passes the kit; a parsed document keeps HH/LL/AA as codes (the flag is not set, so a
// corrected value is not re-flagged) and rebuilds byte for byte. A flag that cannot apply (pending, no value, N) is
// refused with its code at its model path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCrBio, parseCrBio } from '../../src/cda/index.js';
import { type CrBioReport, ModelValidationError, type Observation } from '../../src/model/index.js';
import { validate } from '../../src/validate/index.js';
import { xmllintXpath } from '../compose/helpers.js';
import { KIT_DIR } from '../helpers/shared.js';
import {
  CREATININE,
  counterIds,
  FIXED_CLOCK,
  failures,
  POTASSIUM,
  results,
  tinyPdf,
  withCriticalCreatinine,
} from './build-helpers.js';

const pdf = await tinyPdf();
/** XPath (xmllint) to the interpretationCode attribute `attr` of the result coded `loinc`. */
function interpretationOf(xml: Uint8Array, loinc: string, attr: string): string {
  const obs = `//*[local-name()='observation'][*[local-name()='code'][@code='${loinc}']]`;
  return xmllintXpath(xml, `string(${obs}/*[local-name()='interpretationCode']/@${attr})`);
}

/** The display name the kit's JDV gives an interpretation code (read from the kit's own file). */
function kitDisplayName(code: string): string | undefined {
  const jdv = readFileSync(
    join(KIT_DIR, 'jeuxDeValeurs', 'JDV_HL7_ObservationInterpretation_CISIS.xml'),
    'utf8',
  );
  const concept = new RegExp(`<Concept code="${code}"[^>]*?displayName="([^"]*)"`).exec(jdv);
  return concept?.[1];
}

/** The narrative's interpretation cell (5th column) of the row labelled `label`. */
function interpretationCell(xml: Uint8Array, label: string): string {
  const td = "*[local-name()='td']";
  const row = `//*[local-name()='tr'][${td}[1]/*[local-name()='content'][.='${label}']]`;
  return xmllintXpath(xml, `normalize-space(${row}/${td}[5])`);
}

const build = (m: CrBioReport) => buildCrBio(m, { pdf, clock: FIXED_CLOCK, idGenerator: counterIds() });
const result = (m: CrBioReport, loinc: string) => results(m).find((o) => o.code.code === loinc)!;
const CHLORIDE = '2075-0';

/** The build's refusal: each issue as `where code`. */
function refusal(m: CrBioReport): string[] {
  try {
    build(m);
  } catch (e) {
    if (e instanceof ModelValidationError) return e.issues.map((i) => `${i.where} ${i.code}`);
    throw e;
  }
  throw new Error('the build was not refused');
}

/** The scenario with its potassium not performed (no value, no interpretation) yet flagged critical. */
function abortedCriticalPotassium(): { m: CrBioReport; k: Observation } {
  const m = withCriticalCreatinine();
  const k = result(m, POTASSIUM);
  k.status = 'aborted';
  delete k.value;
  delete k.interpretations;
  k.critical = true;
  return { m, k };
}

/** A scenario result's model path, as the checks name it (`sections[0]…items[2]`). */
function pathOf(m: CrBioReport, o: Observation): string {
  const find = (v: unknown, path: string): string | undefined => {
    if (v === o) return path;
    if (!v || typeof v !== 'object') return undefined;
    for (const [k, x] of Object.entries(v)) {
      const p = Array.isArray(v) ? `${path}[${k}]` : `${path}.${k}`;
      const hit = find(x, p);
      if (hit) return hit;
    }
    return undefined;
  };
  return find(m.sections, 'sections')!;
}

describe('critical result', () => {
  it('critical + H is written HH with the value set display name, and the document passes the kit', async () => {
    const { bytes } = build(withCriticalCreatinine());
    expect(interpretationOf(bytes, CREATININE, 'code')).toBe('HH');
    expect(interpretationOf(bytes, CREATININE, 'codeSystem')).toBe('2.16.840.1.113883.5.83');
    expect(kitDisplayName('HH')).toBeDefined();
    expect(interpretationOf(bytes, CREATININE, 'displayName')).toBe(kitDisplayName('HH'));
    // A result not flagged keeps its interpretation.
    expect(interpretationOf(bytes, POTASSIUM, 'code')).toBe('L');
    expect(failures(await validate(bytes, { kit: KIT_DIR }))).toEqual([]);
  });

  it('H → HH, L → LL and an added AA: built, in the narrative with the JDV name, parsed back, rebuilt unchanged', async () => {
    const m = withCriticalCreatinine();
    // The creatinine's H with its own text: the narrative must not say "élevé" for a critical value.
    result(m, CREATININE).interpretations = [
      {
        code: 'H',
        displayName: 'Élevé',
        codeSystem: '2.16.840.1.113883.5.83',
        originalText: 'élevé, à contrôler',
      },
    ];
    result(m, POTASSIUM).critical = true;
    const chloride = result(m, CHLORIDE);
    delete chloride.interpretations;
    chloride.critical = true;
    const first = build(m);
    const cases: Array<[string, string, string]> = [
      [CREATININE, 'Créatinine', 'HH'],
      [POTASSIUM, 'Potassium', 'LL'],
      [CHLORIDE, 'Chlore', 'AA'],
    ];
    for (const [loinc, label, code] of cases) {
      expect(interpretationOf(first.bytes, loinc, 'code')).toBe(code);
      expect(interpretationOf(first.bytes, loinc, 'displayName')).toBe(kitDisplayName(code));
      expect(interpretationCell(first.bytes, label)).toBe(kitDisplayName(code));
    }
    expect(first.xml).not.toContain('élevé, à contrôler');
    expect(failures(await validate(first.bytes, { kit: KIT_DIR }))).toEqual([]);
    const parsed = parseCrBio(first.bytes).report;
    for (const [loinc, , code] of cases) {
      expect(result(parsed, loinc).interpretations?.map((c) => c.code)).toEqual([code]);
      expect(result(parsed, loinc).critical).toBeUndefined();
    }
    expect(build(parsed).xml).toBe(first.xml);
  });

  it('parsed HH is kept as a code, not as the flag, and rebuilds byte for byte', () => {
    const first = build(withCriticalCreatinine());
    const parsed = parseCrBio(first.bytes).report;
    const creat = result(parsed, CREATININE);
    expect(creat.critical).toBeUndefined();
    expect(creat.interpretations?.map((c) => c.code)).toEqual(['HH']);
    expect(build(parsed).xml).toBe(first.xml);
  });

  it('parse v1 (potassium HH), correct it to a normal value interpreted N: v2 says N, no AA', () => {
    const v1 = withCriticalCreatinine();
    result(v1, POTASSIUM).critical = true; // L + critical → LL
    const parsed = parseCrBio(build(v1).bytes).report;
    const k = result(parsed, POTASSIUM);
    expect(k.interpretations?.map((c) => c.code)).toEqual(['LL']);
    k.value = { type: 'PQ', value: '4.2', unit: 'mmol/L' };
    k.interpretations = [{ code: 'N', displayName: 'Normal', codeSystem: '2.16.840.1.113883.5.83' }];
    const v2 = build(parsed);
    expect(interpretationOf(v2.bytes, POTASSIUM, 'code')).toBe('N');
    expect(
      xmllintXpath(
        v2.bytes,
        `count(//*[local-name()='observation'][*[local-name()='code'][@code='${POTASSIUM}']]/*[local-name()='interpretationCode'])`,
      ),
    ).toBe('1');
    expect(interpretationCell(v2.bytes, 'Potassium')).toBe('Normal');
  });

  it('critical with an N interpretation is contradictory: refused (CRITICAL_WITH_NORMAL), not rewritten', () => {
    const m = withCriticalCreatinine();
    const chloride = result(m, CHLORIDE);
    chloride.critical = true;
    expect(refusal(m)).toEqual([`${pathOf(m, chloride)}.critical CRITICAL_WITH_NORMAL`]);
  });

  it('a pending result cannot be critical (PENDING_CRITICAL at its model path)', () => {
    const m = withCriticalCreatinine();
    const creat = result(m, CREATININE);
    creat.pending = true;
    delete creat.value;
    delete creat.interpretations;
    expect(refusal(m)).toEqual([`${pathOf(m, creat)}.critical PENDING_CRITICAL`]);
    expect(() => build(m)).toThrow(/\.critical: a pending result/);
  });

  it('a pending result carries no interpretation (PENDING_WITH_INTERPRETATION), critical or not', () => {
    for (const code of ['HH', 'LL', 'AA', 'H']) {
      const m = withCriticalCreatinine();
      const k = result(m, POTASSIUM);
      k.pending = true;
      delete k.value;
      k.interpretations = [{ code, codeSystem: '2.16.840.1.113883.5.83' }];
      expect(refusal(m)).toEqual([`${pathOf(m, k)}.interpretations PENDING_WITH_INTERPRETATION`]);
    }
  });

  it('a result without a value, or not performed, cannot be critical (CRITICAL_WITHOUT_VALUE)', () => {
    const { m, k } = abortedCriticalPotassium();
    expect(refusal(m)).toEqual([`${pathOf(m, k)}.critical CRITICAL_WITHOUT_VALUE`]);
    k.critical = false;
    k.interpretations = [{ code: 'LL', codeSystem: '2.16.840.1.113883.5.83' }];
    expect(refusal(m)).toEqual([`${pathOf(m, k)}.interpretations[0] CRITICAL_WITHOUT_VALUE`]);
  });

  it('received: true makes CRITICAL_WITHOUT_VALUE a warning, and the flag is then not written', () => {
    const { m, k } = abortedCriticalPotassium();
    const built = buildCrBio(m, { pdf, clock: FIXED_CLOCK, idGenerator: counterIds(), received: true });
    expect((built.warnings ?? []).map((w) => `${w.where} ${w.code}`)).toContain(
      `${pathOf(m, k)}.critical CRITICAL_WITHOUT_VALUE`,
    );
    expect(interpretationOf(built.bytes, POTASSIUM, 'code')).toBe('');
  });
});
