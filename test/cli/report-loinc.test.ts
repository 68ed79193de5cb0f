import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scenarioModel, withFrenchUnits, xmllintXpath } from '../compose/helpers.js';
import { runCli } from '../helpers/cli.js';
import { TEST_NOW } from '../helpers/clock.js';
import { FIXTURE } from '../loinc/helpers.js';
import * as cases from './loinc-cli.js';

// `cisis-bio report --loinc DIR --normalise-units` (issue 17 follow-up): createReport's `loinc` and `normaliseUnits`,
// printed and exited as `cisis-bio build` does. The LOINC table is the test fixture, its index cached in a fresh
// XDG_CACHE_HOME; CISIS_BIO_LOINC is set only by the test that checks it is the default.
const files = cases.loincCliFiles('report-loinc');
const { writeModel } = files;
// The command creates its documents at "now": only Date is faked (timers stay real), to the suite's TEST_NOW.
beforeAll(() => void vi.useFakeTimers({ toFake: ['Date'], now: TEST_NOW }));
afterAll(() => void vi.useRealTimers());

/** The files a run left in its --out folder (none when the folder was never created). */
const written = (out: string) => (existsSync(out) ? readdirSync(out) : []);

describe('cisis-bio report --normalise-units --loinc', () => {
  it('G/L is written 10*9/L in the N3 (each rewrite on stderr), LOINC clean, the documents valid', async () => {
    const model = writeModel('haem-fr', withFrenchUnits(scenarioModel('haematology')).model);
    const out = join(files.dir, 'haem');
    const r = await runCli(['report', model, '--out', out, '--normalise-units', '--loinc', FIXTURE]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(
      'cisis-bio: unit: sections[0].entry.items[0].components[0].value.unit: G/L → 10*9/L',
    );
    expect(r.err).toMatch(/unit: \S+\.unit: T\/L → 10\*12\/L/);
    expect(r.err).toMatch(/cisis-bio: LOINC: 0 errors, 0 warnings \(\d+ terms, \S+Loinc\.csv\)/);
    const summary = JSON.parse(r.out);
    expect(summary.validation).toMatchObject({ valid: true, n3: true, n1: true });
    const n3 = readFileSync(summary.files.n3.path);
    expect(
      Number(xmllintXpath(n3, "count(//*[local-name()='value'][@unit='10*9/L'])")),
    ).toBeGreaterThanOrEqual(2);
    expect(Number(xmllintXpath(n3, "count(//@unit[.='G/L' or .='T/L'])"))).toBe(0);

    // Without --normalise-units the same model is refused (G/L is gauss per litre in UCUM): nothing written.
    const raw = join(files.dir, 'haem-raw');
    const refused = await runCli(['report', model, '--out', raw]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('10*9/L');
    expect(written(raw)).toEqual([]);
  }, 60_000);

  it('a Qn code with a coded value: the finding with its model path, exit 1, no file written', async () => {
    const { model, expectRefused } = cases.qnCodedCase(files);
    const out = join(files.dir, 'qn');
    const r = await runCli(['report', model, '--out', out, '--loinc', FIXTURE]);
    expect(r.code).toBe(1);
    expectRefused(r.err);
    expect(r.out).toBe('');
    expect(written(out)).toEqual([]);
    // The same model without --loinc is written: the check is opt-in.
    const plain = await runCli(['report', model, '--out', out]);
    expect(plain.code, plain.err).toBe(0);
    expect(written(out)).toHaveLength(3);
  }, 60_000);

  it('CISIS_BIO_LOINC is the default table: an MCnc code with mmol/L, exit 1, nothing written', async () => {
    const { model, finding } = cases.mcncCase(files);
    const out = join(files.dir, 'mcnc');
    const r = await cases.withLoincEnv(FIXTURE, () => runCli(['report', model, '--out', out]));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(finding);
    expect(written(out)).toEqual([]);
  });

  it('--no-loinc turns the check off whatever CISIS_BIO_LOINC says: written, no LOINC line', async () => {
    const { model } = cases.mcncCase(files);
    const out = join(files.dir, 'mcnc-off');
    const r = await cases.withLoincEnv(FIXTURE, () => runCli(['report', model, '--out', out, '--no-loinc']));
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toContain('LOINC');
    expect(written(out)).toHaveLength(3);
  }, 60_000);

  it('haematology in G/L recoded 2345-7: the unit rewrites printed, then the finding, exit 1, nothing written', async () => {
    const { model, expectRewritesThenFinding } = cases.haemRecodedCase(files);
    const out = join(files.dir, 'haem-mcnc');
    const r = await runCli(['report', model, '--out', out, '--normalise-units', '--loinc', FIXTURE]);
    expect(r.code).toBe(1);
    expectRewritesThenFinding(r.err);
    expect(written(out)).toEqual([]);
  });

  it('a LOINC folder the system cannot read (MapTo.csv a directory): LOINC_TABLE_UNREADABLE at its path, exit 2', async () => {
    const { release, expectUnreadable } = cases.unreadableRelease();
    const out = join(files.dir, 'unreadable');
    const model = writeModel('plain', scenarioModel('biochemistry'));
    const r = await runCli(['report', model, '--out', out, '--loinc', release]);
    expect(r.code).toBe(2);
    expectUnreadable(r.err);
    expect(written(out)).toEqual([]);
  });

  it('a deprecated code is a warning: printed, the files written (exit 0)', async () => {
    const deprecated = cases.deprecatedCase(files);
    const out = join(files.dir, 'deprecated');
    const r = await runCli(['report', deprecated.model, '--out', out, '--loinc', deprecated.release]);
    expect(r.code, r.err).toBe(0);
    deprecated.expectWarned(r.err);
    const summary = JSON.parse(r.out);
    expect(written(out)).toHaveLength(3);
    expect(xmllintXpath(readFileSync(summary.files.n3.path), deprecated.codeXpath)).toBe('90000-1');
  }, 60_000);

  it('a --loinc folder without LoincTable/Loinc.csv is a usage error (exit 2, nothing written); the help says it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-loinc-'));
    const out = join(files.dir, 'no-table');
    const model = writeModel('plain', scenarioModel('biochemistry'));
    const r = await runCli(['report', model, '--out', out, '--normalise-units', '--loinc', empty]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('LOINC_TABLE_NOT_FOUND');
    expect(written(out)).toEqual([]);
    const help = await runCli(['report', '--help']);
    expect(help.out).toContain('--normalise-units');
    expect(help.out).toMatch(/--loinc <dir>[\s\S]*\$CISIS_BIO_LOINC/);
    expect(help.out).toMatch(/--no-loinc +no LOINC check, even with \$CISIS_BIO_LOINC set/);
    expect(help.out).toMatch(/Exit codes: 0 written; 1 a step failed or an error-level LOINC finding/);
  });
});
