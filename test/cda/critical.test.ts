// Critical (panic) values (issue 19 item 3): `critical: true` on a result writes HL7's critical interpretation code
// (H → HH, L → LL, otherwise AA) with the display name of the kit's value set, the document passes the kit, a parsed
// document reads HH/LL/AA back as the flag (rebuilt byte for byte), and the PDF marks the row with the comment beside.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCrBio, parseCrBio } from '../../src/cda/index.js';
import { ModelValidationError } from '../../src/model/index.js';
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

describe('critical result', () => {
  it('critical + H is written HH with the value set display name, and the document passes the kit', async () => {
    const { bytes } = buildCrBio(withCriticalCreatinine(), {
      pdf,
      clock: FIXED_CLOCK,
      idGenerator: counterIds(),
    });
    expect(interpretationOf(bytes, CREATININE, 'code')).toBe('HH');
    expect(interpretationOf(bytes, CREATININE, 'codeSystem')).toBe('2.16.840.1.113883.5.83');
    expect(kitDisplayName('HH')).toBeDefined();
    expect(interpretationOf(bytes, CREATININE, 'displayName')).toBe(kitDisplayName('HH'));
    // A result not flagged keeps its interpretation.
    expect(interpretationOf(bytes, POTASSIUM, 'code')).toBe('L');
    expect(failures(await validate(bytes, { kit: KIT_DIR }))).toEqual([]);
  });

  it('reads HH back as critical with the code kept, and rebuilds byte for byte', () => {
    const options = { clock: FIXED_CLOCK, idGenerator: counterIds() };
    const first = buildCrBio(withCriticalCreatinine(), { ...options, pdf });
    const parsed = parseCrBio(first.bytes).report;
    const creat = results(parsed).find((o) => o.code.code === CREATININE)!;
    expect(creat.critical).toBe(true);
    expect(creat.interpretations?.map((c) => c.code)).toEqual(['HH']);
    expect(results(parsed).find((o) => o.code.code === POTASSIUM)!.critical).toBeUndefined();
    const again = buildCrBio(parsed, { clock: FIXED_CLOCK, idGenerator: counterIds() });
    expect(again.xml).toBe(first.xml);
  });

  it('a pending result cannot be critical (refused at its model path)', () => {
    const m = withCriticalCreatinine();
    const creat = results(m).find((o) => o.code.code === CREATININE)!;
    creat.pending = true;
    delete creat.value;
    expect(() => buildCrBio(m, { pdf, clock: FIXED_CLOCK })).toThrow(ModelValidationError);
    expect(() => buildCrBio(m, { pdf, clock: FIXED_CLOCK })).toThrow(/\.critical: a pending result/);
  });
});
