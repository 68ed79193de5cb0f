import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  isolateLoincEnv,
  mutatedSodium,
  SODIUM_CODE,
  scenarioModel,
  tmpDir,
  withFrenchUnits,
  xmllintXpath,
} from '../compose/helpers.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURE, releaseWith } from '../loinc/helpers.js';

// `cisis-bio build --loinc DIR --normalise-units` (issue 17): the LOINC table is the test fixture, its index cached
// in a fresh XDG_CACHE_HOME; CISIS_BIO_LOINC is set only by the test that checks it is the default.
isolateLoincEnv();
let dir: string;
beforeAll(() => {
  dir = tmpDir('build-loinc');
});
const scenario = scenarioModel;

function writeModel(name: string, model: unknown): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(p, JSON.stringify(model));
  return p;
}

/** The biochemistry scenario with its first result (sodium) changed, written as `name`.json. */
const sodium = (name: string, mutate: Parameters<typeof mutatedSodium>[0]) =>
  writeModel(name, mutatedSodium(mutate));
const xpath = (file: string, expr: string) => xmllintXpath(readFileSync(file), expr);

describe('cisis-bio build --normalise-units --loinc', () => {
  it('G/L and T/L are written 10*9/L and 10*12/L (each rewrite on stderr), LOINC clean, the document valid', async () => {
    const model = writeModel('haem-fr', withFrenchUnits(scenario('haematology')).model);
    const out = join(dir, 'haem.xml');
    const r = await runCli(['build', model, '--normalise-units', '--loinc', FIXTURE, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(
      'cisis-bio: unit: sections[0].entry.items[0].components[0].value.unit: G/L → 10*9/L',
    );
    expect(r.err).toMatch(/unit: \S+\.unit: T\/L → 10\*12\/L/);
    expect(r.err).toContain('cisis-bio: LOINC: 0 errors, 0 warnings');
    expect(Number(xpath(out, "count(//*[local-name()='value'][@unit='10*9/L'])"))).toBeGreaterThanOrEqual(2);
    expect(Number(xpath(out, "count(//@unit[.='G/L' or .='T/L'])"))).toBe(0);
    const v = await runCli(['validate', out]);
    expect(v.code, v.out + v.err).toBe(0);

    // Without --normalise-units the same model is refused (G/L is gauss per litre in UCUM) and nothing is written.
    const raw = join(dir, 'haem-raw.xml');
    const refused = await runCli(['build', model, '--out', raw]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('10*9/L');
    expect(existsSync(raw)).toBe(false);
  }, 60_000);

  it('a Qn code with a coded value: the finding with its model path, exit 1, nothing written', async () => {
    const model = sodium('qn-coded', (o) => {
      o.value = {
        type: 'CD',
        code: '260385009',
        codeSystem: '2.16.840.1.113883.6.96',
        displayName: 'Négatif',
      };
    });
    const out = join(dir, 'qn.xml');
    const r = await runCli(['build', model, '--loinc', FIXTURE, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `cisis-bio: error: LOINC_SCALE ${SODIUM_CODE}: LOINC 2951-2 is quantitative (Qn)`,
    );
    expect(r.err).toContain('cisis-bio: 1 LOINC error(s): nothing written');
    expect(existsSync(out)).toBe(false);
    // The same model without --loinc builds: the check is opt-in.
    expect((await runCli(['build', model, '--out', out])).code).toBe(0);
  });

  it('CISIS_BIO_LOINC is the default table: an MCnc code with mmol/L, exit 1', async () => {
    const model = sodium('mcnc', (o) => {
      o.code.code = '2345-7';
    });
    process.env.CISIS_BIO_LOINC = FIXTURE;
    try {
      const r = await runCli(['build', model, '--out', join(dir, 'mcnc.xml')]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /error: LOINC_PROPERTY \S+: LOINC 2345-7 is MCnc .* the unit mmol\/L is substance\/volume/,
      );
    } finally {
      delete process.env.CISIS_BIO_LOINC;
    }
  });

  it('a deprecated code is a warning: printed, the document written (exit 0)', async () => {
    const release = releaseWith(
      [['90000-1', 'Sodium', 'SCnc', 'Ser/Plas', 'Qn', 'DEPRECATED', 'Test-only deprecated term']],
      [['90000-1', '2951-2']],
    );
    const model = sodium('deprecated', (o) => {
      o.code.code = '90000-1';
    });
    const out = join(dir, 'deprecated.xml');
    const r = await runCli(['build', model, '--loinc', release, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`cisis-bio: warning: LOINC_STATUS ${SODIUM_CODE}:`);
    expect(r.err).toContain('use 2951-2 instead (MAP_TO)');
    expect(r.err).toContain('LOINC: 0 errors, 1 warnings');
    expect(
      xpath(out, "string(//*[local-name()='observation']/*[local-name()='code'][@code='90000-1']/@code)"),
    ).toBe('90000-1');
  });

  it('a --loinc folder without LoincTable/Loinc.csv is a usage error (exit 2); the help lists the exit codes', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-loinc-'));
    const r = await runCli([
      'build',
      writeModel('plain', scenario('biochemistry')),
      '--loinc',
      empty,
      '--out',
      join(dir, 'n.xml'),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('LOINC_TABLE_NOT_FOUND');
    const help = await runCli(['build', '--help']);
    expect(help.out).toContain('--normalise-units');
    expect(help.out).toMatch(/Exit codes: 0 written; 1 invalid model or an error-level LOINC finding/);
  });
});
