/**
 * Parity with the ANS reference engine (Saxon-HE 9.9 + the ANS skeleton) over ../shared/parity: 175 documents ×
 * 5 profiles, each pair must get the same multiset of (kind, location, text), or an error where the reference has
 * one. Prints the parity figure — for the rules as compiled in this process, and for their stored form (what
 * every later CLI run reads from the disk cache: rule contexts already parsed, strings interned).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CompiledSchematron,
  compileSchematron,
  deserializeCompiled,
  parseForSchematron,
  runSchematron,
  serializeCompiled,
} from '../../src/validate/schematron/index.js';
import { KIT_DIR, PARITY_DIR } from '../helpers/shared.js';

const SCH = join(KIT_DIR, 'schematrons');
const PROFILES: Record<string, string> = {
  'CI-SIS_BIO-CR-BIO_2024.01': join(SCH, 'CI-SIS_BIO-CR-BIO_2024.01.sch'),
  IHE: join(SCH, 'profils/IHE.sch'),
  'CI-SIS_ModelesDeContenusCDA': join(SCH, 'profils/CI-SIS_ModelesDeContenusCDA.sch'),
  'CI-SIS_Modeles_ANS': join(SCH, 'profils/CI-SIS_Modeles_ANS.sch'),
  'ASIP-STRUCT-MIN-StrucMin': join(SCH, 'profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch'),
};

type Expected = Array<{ kind: string; location: string; text: string }> | { error: string };

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const key = (f: { kind: string; location: string; text: string }) =>
  `${f.kind} | ${f.location} | ${collapse(f.text)}`;

describe('parity with the ANS reference engine', () => {
  const verdicts = JSON.parse(readFileSync(join(PARITY_DIR, 'expected.json'), 'utf8')).verdicts as Record<
    string,
    Record<string, Expected>
  >;
  const fresh: Record<string, CompiledSchematron> = {};
  const stored: Record<string, CompiledSchematron> = {};

  beforeAll(() => {
    for (const [name, path] of Object.entries(PROFILES)) {
      fresh[name] = compileSchematron(path);
      stored[name] = deserializeCompiled(serializeCompiled(fresh[name]));
    }
  });

  it.each([
    ['compiled in this process', fresh],
    ['read back from their stored form', stored],
  ])(
    'gives the reference verdict for every document and profile, rules %s',
    (mode, compiled) => {
      const files = readdirSync(join(PARITY_DIR, 'documents')).filter((f) => f.endsWith('.xml'));
      expect(files.length).toBe(Object.keys(verdicts).length);
      let agree = 0;
      let total = 0;
      const mismatches: string[] = [];
      for (const file of files) {
        const doc = parseForSchematron(readFileSync(join(PARITY_DIR, 'documents', file)), file);
        for (const [profile, c] of Object.entries(compiled)) {
          const want = verdicts[file]?.[profile];
          expect(want, `${file} ${profile} in expected.json`).toBeDefined();
          const got = runSchematron(c, doc);
          total++;
          if (!Array.isArray(want)) {
            if (!got.ok) agree++;
            else
              mismatches.push(
                `${file} ${profile}: reference error "${want?.error}", got ${got.findings.length} findings`,
              );
            continue;
          }
          if (!got.ok) {
            mismatches.push(`${file} ${profile}: unexpected error ${got.error}`);
            continue;
          }
          const a = got.findings.map(key).sort();
          const b = want.map(key).sort();
          if (JSON.stringify(a) === JSON.stringify(b)) agree++;
          else {
            const missing = b.filter((x) => !a.includes(x));
            const extra = a.filter((x) => !b.includes(x));
            mismatches.push(
              `${file} ${profile}:\n  missing ${missing.join('\n  missing ')}\n  extra ${extra.join('\n  extra ')}`,
            );
          }
        }
      }
      console.log(`parity: ${agree}/${total} (rules ${mode})`);
      if (mismatches.length) console.log(mismatches.slice(0, 20).join('\n'));
      expect(mismatches).toEqual([]);
      expect(agree).toBe(total);
    },
    900_000,
  );
});
