import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCrBio, parseCrBio } from '../../src/cda/index.js';
import { validatorFor } from '../../src/validate/pipeline.js';
import { EXAMPLES_DIR, KIT_DIR } from '../helpers/shared.js';
import { extractResultFacts } from './result-facts.js';

/**
 * Round trip of every official CR-BIO 2024.01 example: parse → build → the result facts are the same (code and
 * translations, value as written, unit, bounds, interpretation, reference range, times, performing lab), and the
 * rebuilt document passes the CDA XSD and the five ANS profiles.
 */
const examples = readdirSync(EXAMPLES_DIR).filter((f) => f.startsWith('BIO-CR-BIO_2024.01_') && f.endsWith('.xml'));

describe('CR-BIO round trip on the official 2024.01 examples', () => {
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });

  const rebuilt = new Map<string, string>();

  for (const file of examples) {
    it(`${file}: parse → build keeps every result fact`, () => {
      const original = readFileSync(join(EXAMPLES_DIR, file));
      const { report } = parseCrBio(original);
      const { xml } = buildCrBio(report);
      rebuilt.set(file, xml);
      const before = extractResultFacts(original);
      const after = extractResultFacts(xml);
      expect(before.length).toBeGreaterThan(0);
      expect(after).toEqual(before);
      // build(parse(build(parse(x)))) is stable: the model is a fixed point after one round.
      expect(parseCrBio(xml).report.sections.length).toBe(report.sections.length);
    });
  }

  it(
    'rebuilt documents pass the CDA XSD and the five ANS profiles',
    async () => {
      const validator = await validatorFor({ kit: KIT_DIR });
      const failures: string[] = [];
      for (const file of examples) {
        const xml = rebuilt.get(file) ?? buildCrBio(parseCrBio(readFileSync(join(EXAMPLES_DIR, file))).report).xml;
        const r = validator.validate(xml, file);
        expect(Object.keys(r.profiles)).toHaveLength(5);
        expect(r.xsd?.valid).toBe(true);
        if (!r.valid) {
          for (const [name, p] of Object.entries(r.profiles)) {
            if ('error' in p) failures.push(`${file} ${name}: engine error ${p.error.slice(0, 160)}`);
            else for (const f of p.findings.filter((x) => x.kind === 'failed-assert')) failures.push(`${file} ${name}: ${f.location} ${f.text}`);
          }
        }
      }
      expect(failures).toEqual([]);
    },
    600_000,
  );
});
