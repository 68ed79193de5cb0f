/**
 * Development cross-check (opt-in: `CISIS_SCH_CROSSCHECK=1 npx vitest run test/validate/xpath/crosscheck.test.ts`):
 * every answer of the compiled closures — rule checks and rule-context predicates — is also computed by fontoxpath
 * while the five CR-BIO profiles run over the parity corpus and the kit's examples; no difference is allowed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CR_BIO_PROFILES } from '../../../src/validate/rules.js';
import {
  compileSchematron,
  parseForSchematron,
  runSchematron,
} from '../../../src/validate/schematron/index.js';
import { CROSSCHECK } from '../../../src/validate/schematron/run.js';
import { EXAMPLES_DIR, KIT_DIR, PARITY_DIR } from '../../helpers/shared.js';

/** The five profiles of the CR-BIO pipeline, as the validator lists them. */
const PROFILES = CR_BIO_PROFILES.map((p) => join(KIT_DIR, p.file));

describe.skipIf(!CROSSCHECK)('XPath closures cross-checked by fontoxpath', () => {
  it('agree with fontoxpath on every check and predicate of the five profiles', () => {
    const compiled = PROFILES.map((p) => compileSchematron(p));
    const docs = [
      ...readdirSync(join(PARITY_DIR, 'documents'))
        .filter((f) => f.endsWith('.xml'))
        .map((f) => join(PARITY_DIR, 'documents', f)),
      ...readdirSync(EXAMPLES_DIR)
        .filter((f) => f.endsWith('.xml'))
        .map((f) => join(EXAMPLES_DIR, f)),
    ];
    let runs = 0;
    for (const file of docs) {
      const doc = parseForSchematron(readFileSync(file), file);
      for (const c of compiled) {
        runSchematron(c, doc);
        runs++;
      }
    }
    console.log(`cross-check: ${runs} runs, ${CROSSCHECK?.length} differences`);
    expect(CROSSCHECK?.slice(0, 20)).toEqual([]);
  }, 1_800_000);
});
