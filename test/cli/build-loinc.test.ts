import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioModel, withFrenchUnits, xmllintXpath } from '../compose/helpers.js';
import { runCli } from '../helpers/cli.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';
import { FIXTURE } from '../loinc/helpers.js';
import {
  deprecatedCase,
  haemRecodedCase,
  loincCliFiles,
  mcncCase,
  qnCodedCase,
  unreadableRelease,
  withLoincEnv,
} from './loinc-cli.js';

// `cisis-bio build --loinc DIR --normalise-units` (issue 17): the LOINC table is the test fixture, its index cached
// in a fresh XDG_CACHE_HOME; CISIS_BIO_LOINC is set only by the test that checks it is the default.
const files = loincCliFiles('build-loinc');
const { writeModel } = files;
const scenario = scenarioModel;
const xpath = (file: string, expr: string) => xmllintXpath(readFileSync(file), expr);
/** `cisis-bio build` of the biochemistry scenario (no LOINC finding) against the `loinc` folder. */
const buildPlain = (loinc: string, out: string) =>
  runCli(['build', writeModel('plain', scenario('biochemistry')), '--loinc', loinc, '--out', out]);

describe('cisis-bio build --normalise-units --loinc', () => {
  it('G/L and T/L are written 10*9/L and 10*12/L (each rewrite on stderr), LOINC clean, the document valid', async () => {
    const model = writeModel('haem-fr', withFrenchUnits(scenario('haematology')).model);
    const out = join(files.dir, 'haem.xml');
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
    const raw = join(files.dir, 'haem-raw.xml');
    const refused = await runCli(['build', model, '--out', raw]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('10*9/L');
    expect(existsSync(raw)).toBe(false);
  }, 60_000);

  it('a Qn code with a coded value: the finding with its model path, exit 1, nothing written', async () => {
    const { model, expectRefused } = qnCodedCase(files);
    const out = join(files.dir, 'qn.xml');
    const r = await runCli(['build', model, '--loinc', FIXTURE, '--out', out]);
    expect(r.code).toBe(1);
    expectRefused(r.err);
    expect(existsSync(out)).toBe(false);
    // The same model without --loinc builds: the check is opt-in.
    expect((await runCli(['build', model, '--out', out])).code).toBe(0);
  });

  it('CISIS_BIO_LOINC is the default table: an MCnc code with mmol/L, exit 1, nothing written', async () => {
    const { model, finding } = mcncCase(files);
    const out = join(files.dir, 'mcnc.xml');
    const r = await withLoincEnv(FIXTURE, () => runCli(['build', model, '--out', out]));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(finding);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['--no-loinc', ['--no-loinc']],
    ["--loinc ''", ['--loinc', '']],
  ])('%s turns the check off whatever CISIS_BIO_LOINC says: written, no LOINC line', async (_, off) => {
    const { model } = mcncCase(files);
    const out = join(files.dir, `mcnc-off-${off.length}.xml`);
    const r = await withLoincEnv(FIXTURE, () => runCli(['build', model, ...off, '--out', out]));
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toContain('LOINC');
    expect(
      xpath(out, "string(//*[local-name()='observation']/*[local-name()='code'][@code='2345-7']/@code)"),
    ).toBe('2345-7');
  });

  it("--upgrade: a received document's LOINC errors are its producer's, printed as warnings, the file written", async () => {
    const received = join(EXAMPLES_DIR, 'BIO-CR-BIO_2021.01_Electrophorese.xml');
    const out = join(files.dir, 'upgraded.xml');
    const args = ['build', received, '--upgrade', '--practice-setting', 'AMBULATOIRE', '--out', out];
    const r = await withLoincEnv(FIXTURE, () => runCli(args));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/cisis-bio: warning: LOINC_PROPERTY \S+: LOINC 32207-3 is EntVol/);
    expect(r.err).toMatch(/cisis-bio: warning: LOINC_SCALE \S+: LOINC 30383-4 is quantitative/);
    expect(r.err).not.toMatch(/cisis-bio: error: LOINC_/);
    expect(r.err).toMatch(/LOINC: 2 errors, 0 warnings \(.*\): the received document's, printed as warnings/);
    expect(r.err).toContain(`cisis-bio: wrote ${out}`);
    expect(xpath(out, "string(//*[local-name()='code'][@code='30383-4']/@code)")).toBe('30383-4');
  });

  it('haematology in G/L recoded 2345-7: the unit rewrites printed, then the finding, exit 1', async () => {
    const { model, expectRewritesThenFinding } = haemRecodedCase(files);
    const out = join(files.dir, 'haem-mcnc.xml');
    const r = await runCli(['build', model, '--normalise-units', '--loinc', FIXTURE, '--out', out]);
    expect(r.code).toBe(1);
    expectRewritesThenFinding(r.err);
    expect(existsSync(out)).toBe(false);
  });

  it('a LOINC folder the system cannot read (MapTo.csv a directory): LOINC_TABLE_UNREADABLE at its path, exit 2', async () => {
    const { release, expectUnreadable } = unreadableRelease();
    const out = join(files.dir, 'unreadable.xml');
    const r = await buildPlain(release, out);
    expect(r.code).toBe(2);
    expectUnreadable(r.err);
    expect(existsSync(out)).toBe(false);
  });

  it('a deprecated code is a warning: printed, the document written (exit 0)', async () => {
    const deprecated = deprecatedCase(files);
    const out = join(files.dir, 'deprecated.xml');
    const r = await runCli(['build', deprecated.model, '--loinc', deprecated.release, '--out', out]);
    expect(r.code, r.err).toBe(0);
    deprecated.expectWarned(r.err);
    expect(xpath(out, deprecated.codeXpath)).toBe('90000-1');
  });

  it('a --loinc folder without LoincTable/Loinc.csv is a usage error (exit 2); the help lists the exit codes', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-loinc-'));
    const r = await buildPlain(empty, join(files.dir, 'n.xml'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('LOINC_TABLE_NOT_FOUND');
    const help = await runCli(['build', '--help']);
    expect(help.out).toContain('--normalise-units');
    expect(help.out).toMatch(/--no-loinc +no LOINC check, even with \$CISIS_BIO_LOINC set/);
    expect(help.out).toMatch(/Exit codes: 0 written; 1 invalid model or an error-level LOINC finding/);
    expect(help.out).toMatch(
      /with --upgrade,\s+LOINC findings are the producer's: warnings, the document written/,
    );
  });
});
