/** The engine on the ANS kit itself: every CI-SIS schematron compiles, the official CR-BIO examples conform. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CR_BIO_PROFILES } from '../../../src/validate/rules.js';
import {
  compileSchematron,
  parseForSchematron,
  runSchematron,
} from '../../../src/validate/schematron/index.js';
import { EXAMPLES_DIR, KIT_DIR } from '../../helpers/shared.js';

const SCH = join(KIT_DIR, 'schematrons');
/** The five profiles of the CR-BIO pipeline, as the validator lists them. */
const PROFILES = CR_BIO_PROFILES.map((p) => join(KIT_DIR, p.file));

describe('ANS kit schematrons', () => {
  it('compiles every CI-SIS_*.sch of the kit (folder names matched case-insensitively, as on the ANS Windows build)', () => {
    const files = readdirSync(SCH).filter((f) => /^CI-SIS_.*\.sch$/.test(f));
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const c = compileSchematron(join(SCH, f));
      // The kit ships include/specificationsVolets/BIO-CR-BIO_2023.01 as an empty file instead of a folder: its
      // includes are dropped with a warning naming each file, as the ISO include step run by Saxon does.
      if (f === 'CI-SIS_BIO-CR-BIO_2023.01.sch') {
        const w = (c as unknown as { model: { warnings?: string[] } }).model.warnings ?? [];
        expect(
          w.some((x) => /BIO-CR-BIO_2023\.01\/Entete\/Entete_CR-BIO\.sch" .* does not exist/.test(x)),
        ).toBe(true);
      }
      expect(c.queryBinding, f).toBe('xslt2');
    }
  });

  it('finds no failed assert in the official CR-BIO 2024.01 examples', () => {
    const examples = readdirSync(EXAMPLES_DIR).filter((f) => /^BIO-CR-BIO_2024\.01_.*\.xml$/.test(f));
    expect(examples.length).toBeGreaterThan(0);
    const compiled = PROFILES.map((p) => compileSchematron(p));
    const failures: string[] = [];
    for (const ex of examples) {
      const doc = parseForSchematron(readFileSync(join(EXAMPLES_DIR, ex)), ex);
      for (const c of compiled) {
        const out = runSchematron(c, doc);
        if (!out.ok) failures.push(`${ex} ${c.schPath}: ${out.error}`);
        else {
          expect(out.firedRuleCount).toBeGreaterThan(0);
          for (const f of out.findings)
            if (f.kind === 'failed-assert') failures.push(`${ex} ${c.schPath}: ${f.location} ${f.text}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
