// Older CR-BIO documents rebuilt as 2024.01 (issue 19 item 6): the twelve CR-BIO documents of the HL7 v2 volet's
// examples and every official 2021.01/2023.01 example parse, upgrade (NCBI organisms → SNOMED CT, NCBI kept as
// translation) and pass the kit; an organism without mapping is named.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildReport,
  DEFAULT_ORGANISM_CODES,
  OrganismMappingError,
  parseCrBio,
  parseOrganismCodes,
  upgradeReport,
} from '../../src/cda/index.js';
import { validate } from '../../src/validate/index.js';
import { EXAMPLES_DIR, KIT_DIR, SHARED_DIR } from '../helpers/shared.js';
import { counterIds, FIXED_CLOCK, failures, tinyPdf } from './build-helpers.js';

const HL7_DIR = join(SHARED_DIR, 'hl7v2-examples');
const walk = (d: string): string[] =>
  readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
const hl7Documents = walk(HL7_DIR).filter((f) => /CR_Bio_CDA_Niv[13]_v\d\.XML$/i.test(f));
const olderExamples = readdirSync(EXAMPLES_DIR)
  .filter((f) => /^BIO-CR-BIO_202[13]\.01_.*\.xml$/.test(f))
  .map((f) => join(EXAMPLES_DIR, f));
const supplied = await tinyPdf();
const PRACTICE = { code: 'AMBULATOIRE', displayName: 'Ambulatoire', codeSystem: '1.2.250.1.213.1.1.4.9' };

describe('older CR-BIO documents upgraded to 2024.01', () => {
  it('finds the twelve CR-BIO documents of the HL7 v2 examples', () => {
    expect(hl7Documents).toHaveLength(12);
  });

  for (const file of [...hl7Documents, ...olderExamples]) {
    const name = relative(SHARED_DIR, file);
    it(`${name}: upgraded document passes the CDA XSD and the ANS profiles of its level`, async () => {
      const { report } = parseCrBio(readFileSync(file));
      const upgraded = upgradeReport(report, { practiceSetting: PRACTICE });
      const built = buildReport(upgraded, {
        received: true,
        clock: FIXED_CLOCK,
        idGenerator: counterIds(),
        ...(upgraded.pdf ? {} : { pdf: supplied }),
      });
      // Level 1 carries only the three templateIds the structuration minimale allows (no volet version).
      if (upgraded.level === 3)
        expect(built.xml).toContain('<templateId root="1.2.250.1.213.1.1.1.55" extension="2024.01"/>');
      const v = await validate(built.bytes, { kit: KIT_DIR });
      expect(failures(v)).toEqual([]);
      expect(v.valid).toBe(true);
    });
  }

  it('organisms in NCBI Taxonomy take the SNOMED CT code of the mapping, the NCBI id kept as translation', () => {
    const file = hl7Documents.find((f) => f.includes('V2.0') && f.includes('Niv3_v1')) as string;
    const up = upgradeReport(parseCrBio(readFileSync(file)).report, { practiceSetting: PRACTICE });
    const text = JSON.stringify(up.sections);
    expect(text).toContain(
      '{"code":"112283007","codeSystem":"2.16.840.1.113883.6.96","codeSystemName":"SNOMED CT","displayName":"Escherichia coli (organism)"',
    );
    expect(text).toContain('"translations":[{"code":"1306","codeSystem":"2.16.840.1.113883.3.9471"');
    expect(text).not.toContain('1.2.250.1.213.2.69.1');
  });

  it('an organism the mapping lacks is named with its model path; parseOrganismCodes refuses a bad mapping', () => {
    const file = hl7Documents.find((f) => f.includes('V2.0') && f.includes('Niv3_v1')) as string;
    const { report } = parseCrBio(readFileSync(file));
    const only562 = { '562': DEFAULT_ORGANISM_CODES['562']! };
    const e = (() => {
      try {
        upgradeReport(report, { organismCodes: only562, practiceSetting: PRACTICE });
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(OrganismMappingError);
    expect((e as OrganismMappingError).organisms).toEqual([
      expect.objectContaining({
        ncbi: '1306',
        name: 'Streptococcus sp.',
        path: expect.stringMatching(/organism\.code$/),
      }),
    ]);
    expect(() => parseOrganismCodes('{"562":{"code":"abc"}}')).toThrow(/SNOMED CT "code"/);
  });
});
