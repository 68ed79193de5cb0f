import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCrBio, buildCrBioN1, parseCrBio, replaceReport } from '../../src/cda/index.js';
import { validatorFor } from '../../src/validate/pipeline.js';
import { EXAMPLES_DIR, KIT_DIR } from '../helpers/shared.js';
import { extractResultFacts } from './result-facts.js';

/**
 * Round trip of every official CR-BIO 2024.01 example: parse → build → the result facts are the same (code and
 * translations, value as written, unit, bounds, interpretation, reference range, times, performing lab), and the
 * rebuilt document passes the CDA XSD and the five ANS profiles.
 */
const examples = readdirSync(EXAMPLES_DIR).filter(
  (f) => f.startsWith('BIO-CR-BIO_2024.01_') && f.endsWith('.xml'),
);

describe('CR-BIO round trip on the official 2024.01 examples', () => {
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });

  const rebuilt = new Map<string, string>();

  for (const file of examples) {
    it(`${file}: parse → build keeps every result fact`, () => {
      const original = readFileSync(join(EXAMPLES_DIR, file));
      const { report } = parseCrBio(original);
      const { xml } = buildCrBio(report, { received: true });
      rebuilt.set(file, xml);
      const before = extractResultFacts(original);
      const after = extractResultFacts(xml);
      expect(before.length).toBeGreaterThan(0);
      expect(after).toEqual(before);
      // build(parse(build(parse(x)))) is stable: the model is a fixed point after one round.
      expect(parseCrBio(xml).report.sections.length).toBe(report.sections.length);
    });
  }

  it('rebuilt documents pass the CDA XSD and the five ANS profiles', async () => {
    const validator = await validatorFor({ kit: KIT_DIR });
    const failures: string[] = [];
    for (const file of examples) {
      const xml =
        rebuilt.get(file) ??
        buildCrBio(parseCrBio(readFileSync(join(EXAMPLES_DIR, file))).report, { received: true }).xml;
      const r = validator.validate(xml, file);
      expect(Object.keys(r.profiles)).toHaveLength(5);
      expect(r.xsd?.valid).toBe(true);
      if (!r.valid) {
        for (const [name, p] of Object.entries(r.profiles)) {
          if ('error' in p) failures.push(`${file} ${name}: engine error ${p.error.slice(0, 160)}`);
          else
            for (const f of p.findings.filter((x) => x.kind === 'failed-assert'))
              failures.push(`${file} ${name}: ${f.location} ${f.text}`);
        }
      }
    }
    expect(failures).toEqual([]);

    // A replacement version (RPLC) of a parsed example is a valid document too.
    const v1 = parseCrBio(readFileSync(join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_Microbiologie_V1.xml'))).report;
    const v2 = replaceReport(
      v1,
      {},
      {
        newId: { root: '1.2.250.1.213.1.1.1.55.2024.8.2' },
        effectiveTime: '20240105101500+0100',
      },
    );
    const xml2 = buildCrBio(v2, { received: true }).xml;
    expect(xml2).toMatch(
      /<relatedDocument typeCode="RPLC">\s*<parentDocument>\s*<id root="1\.2\.250\.1\.213\.1\.1\.1\.55\.2024\.8\.1"\/>/,
    );
    expect(xml2).toContain('<versionNumber value="2"/>');
    expect(validator.validate(xml2, 'replacement.xml').valid).toBe(true);
  }, 600_000);

  // Level 1 is judged by the XSD and the four cross-cutting profiles only: no volet-only requirement applies.
  it('level 1 examples: parse → build N1 keeps the PDF and passes the XSD and the four cross-cutting profiles', async () => {
    const validator = await validatorFor({ kit: KIT_DIR });
    for (const file of ['DOC_NON_STRUCTURE_CDA-R2-N1.xml', 'BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml']) {
      const { report, level } = parseCrBio(readFileSync(join(EXAMPLES_DIR, file)));
      expect(level).toBe(1);
      const pdf = Buffer.from(report.pdf?.data ?? '', 'base64');
      const { xml } = buildCrBioN1(report, pdf, { received: true });
      const again = parseCrBio(xml);
      expect(again.level).toBe(1);
      expect(again.report.pdf?.data).toBe(report.pdf?.data);
      const r = validator.validate(xml, file);
      expect(r.level).toBe(1);
      expect(Object.keys(r.profiles)).toHaveLength(4);
      expect(r.valid).toBe(true);
    }
  }, 600_000);
});
