/**
 * Parity with the ANS reference engine (Saxon-HE 9.9 + the ANS skeleton) over every example of the kit — each
 * with the four common profiles, its own volet (named by its `<?oxygen SCHSchema?>`) and the volet cisis-bio
 * chooses — and over deterministic mutants of fifteen non-biology examples (kit-corpus.ts). The reference
 * verdicts were made once by kit-verdicts-generate.ts and committed (fixtures/kit-verdicts.json): no Java here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseXml } from '../../src/common/xml.js';
import {
  type CompiledSchematron,
  compileSchematron,
  parseForSchematron,
  runSchematron,
} from '../../src/validate/schematron/index.js';
import { chooseVolet, documentHeader, listVolets } from '../../src/validate/volets.js';
import { KIT_DIR } from '../helpers/shared.js';
import { COMMON_PROFILES, kitExamples, kitMutants, sha256 } from './kit-corpus.js';

type Expected = Array<{ kind: string; location: string; text: string }> | { error: string };
interface Fixture {
  documents: Record<string, { sha256: string; ownVolet?: string; autoVolet?: string }>;
  verdicts: Record<string, Record<string, Expected>>;
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'kit-verdicts.json'), 'utf8'),
) as Fixture;
const corpus = [...kitExamples(), ...kitMutants()];
const volets = listVolets(KIT_DIR);
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const key = (f: { kind: string; location: string; text: string }) =>
  `${f.kind} | ${f.location} | ${collapse(f.text)}`;

describe('parity with the ANS reference engine over the whole kit', () => {
  it('has the corpus the reference verdicts were made on (generator unchanged)', () => {
    expect(corpus.map((d) => d.name).sort()).toEqual(Object.keys(fixture.documents).sort());
    for (const d of corpus)
      expect(sha256(d.xml), `${d.name}: regenerate the fixture`).toBe(fixture.documents[d.name]?.sha256);
    expect(corpus.filter((d) => d.source).length).toBe(60);
  });

  it('chooses for every example the volet of the documented rule (its own when it states its version)', () => {
    for (const d of corpus) {
      const sel = chooseVolet(volets, documentHeader(parseXml(d.xml) as never));
      expect(sel.volet, d.name).toBe(fixture.documents[d.name]?.autoVolet);
      if (sel.rule === 'stated-version') expect(sel.volet, d.name).toBe(d.ownVolet);
    }
  });

  it('gives the reference verdict for every (document, profile) pair: own volet, chosen volet, four profiles', () => {
    const compiled = new Map<string, CompiledSchematron>();
    const schematron = (profile: string) => {
      let c = compiled.get(profile);
      if (!c) {
        const rel = COMMON_PROFILES[profile] ?? `schematrons/${profile}.sch`;
        c = compileSchematron(join(KIT_DIR, rel));
        compiled.set(profile, c);
      }
      return c;
    };
    let agree = 0;
    let total = 0;
    const mismatches: string[] = [];
    for (const d of corpus) {
      const doc = parseForSchematron(d.xml, d.name);
      for (const [profile, want] of Object.entries(fixture.verdicts[d.name] ?? {})) {
        total++;
        const got = runSchematron(schematron(profile), doc);
        if (!Array.isArray(want)) {
          if (!got.ok) agree++;
          else
            mismatches.push(
              `${d.name} ${profile}: reference error "${want.error}", got ${got.findings.length} findings`,
            );
          continue;
        }
        if (!got.ok) {
          mismatches.push(`${d.name} ${profile}: unexpected error ${got.error}`);
          continue;
        }
        const a = got.findings.map(key).sort();
        const b = want.map(key).sort();
        if (JSON.stringify(a) === JSON.stringify(b)) agree++;
        else {
          const missing = b.filter((x) => !a.includes(x));
          const extra = a.filter((x) => !b.includes(x));
          mismatches.push(
            `${d.name} ${profile}:\n  missing ${missing.join('\n  missing ')}\n  extra ${extra.join('\n  extra ')}`,
          );
        }
      }
    }
    console.log(`kit parity: ${agree}/${total} (document, profile) pairs`);
    if (mismatches.length) console.log(mismatches.slice(0, 20).join('\n'));
    expect(total).toBeGreaterThan(700);
    expect(mismatches).toEqual([]);
  }, 900_000);
});
