import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { seededIds } from '../../src/cda/index.js';
import {
  type CreateReportOptions,
  createReport,
  LoincCheckError,
  type PrepareReportOptions,
  prepareReport,
  ReportCreationError,
  ReportOptionError,
} from '../../src/compose/index.js';
import { type LoincTable, loadLoincTable, loincLoadStats } from '../../src/loinc/index.js';
import { withLoincEnv } from '../cli/loinc-cli.js';
import { PROJECT_ROOT } from '../helpers/shared.js';
import { FIXTURE, freshCacheDir, releaseWith } from '../loinc/helpers.js';
import {
  CLOCK,
  isolateLoincEnv,
  mutatedSodium,
  SODIUM_CODE,
  scenarioModel,
  withFrenchUnits,
  xmllintXpath,
} from './helpers.js';

isolateLoincEnv();
let table: LoincTable;
beforeAll(() => {
  table = loadLoincTable(FIXTURE, { cacheDir: freshCacheDir() });
});

const scenario = scenarioModel;
const opts = (name: string, more: CreateReportOptions = {}): CreateReportOptions => ({
  clock: CLOCK,
  idGenerator: seededIds(name),
  ...more,
});
const show = (f: { severity: string; rule: string; code: string }) => `${f.severity} ${f.rule} ${f.code}`;

async function creationError(run: Promise<unknown>): Promise<ReportCreationError> {
  const e = await run.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (e instanceof ReportCreationError) return e;
  throw new Error(`expected a ReportCreationError, got ${String(e)}`);
}

describe('createReport with options.loinc (fixture LOINC table)', () => {
  it.each(['biochemistry', 'haematology', 'microbiology'])(
    'scenario %s: no finding, counts 0, failOnInvalid passes',
    async (name) => {
      const out = await createReport(
        scenario(name),
        opts(name, { loinc: FIXTURE, failOnInvalid: true, validate: true }),
      );
      expect(out.loinc?.findings.map(show)).toEqual([]);
      expect(out.loinc).toMatchObject({ valid: true, counts: { errors: 0, warnings: 0 } });
      expect(out.loinc?.table.terms).toBe(table.size);
      expect(out.loinc?.table.source).toBe(join(FIXTURE, 'LoincTable', 'Loinc.csv'));
      expect(out.validation?.valid).toBe(true);
    },
    60_000,
  );

  it('a Qn code with a coded value: error LOINC_SCALE; failOnInvalid throws at step loinc, before any build', async () => {
    const model = mutatedSodium((o) => {
      o.value = {
        type: 'CD',
        code: '260385009',
        codeSystem: '2.16.840.1.113883.6.96',
        displayName: 'Négatif',
      };
    });
    // The PDF renderer and the CDA builders are the only callers of the clock and the id generator: never called
    // when the LOINC check refuses, called when it lets the same model through (failOn 'never').
    const clock = vi.fn(CLOCK);
    const idGenerator = vi.fn(seededIds('qn'));
    const e = await creationError(
      createReport(model, { clock, idGenerator, loinc: table, failOnInvalid: true }),
    );
    expect([clock.mock.calls.length, idGenerator.mock.calls.length]).toEqual([0, 0]);
    await createReport(model, { clock, idGenerator, loinc: { table, failOn: 'never' } });
    expect(clock).toHaveBeenCalled();
    expect(idGenerator).toHaveBeenCalled();
    expect(e.step).toBe('loinc');
    expect(e.causeCode).toBe('LOINC_INVALID');
    expect(e.where).toBe(`loinc: ${SODIUM_CODE}`);
    expect(e.cause).toBeInstanceOf(LoincCheckError);
    expect((e.cause as LoincCheckError).problems).toEqual([
      expect.objectContaining({ path: SODIUM_CODE, severity: 'error', rule: 'LOINC_SCALE' }),
    ]);
    expect(e.message).toContain('quantitative (Qn) but the value is coded (CD)');
    expect(e.loinc).toMatchObject({ valid: false, counts: { errors: 1, warnings: 0 } });
  });

  it('an MCnc code with mmol/L: error LOINC_PROPERTY; failOn never returns it with the documents', async () => {
    const model = mutatedSodium((o) => {
      o.code.code = '2345-7'; // Glucose [Mass/volume] in Serum or Plasma
    });
    const out = await createReport(
      model,
      opts('mcnc', { loinc: { table, failOn: 'never' }, failOnInvalid: true }),
    );
    expect(out.loinc?.findings.map(show)).toEqual(['error LOINC_PROPERTY 2345-7']);
    expect(out.loinc?.findings[0]?.message).toContain('the unit mmol/L is substance/volume');
    expect(out.loinc).toMatchObject({ valid: false, counts: { errors: 1, warnings: 0 } });
    expect(Buffer.from(out.n3).toString('utf8')).toContain('code="2345-7"');
    // Without failOnInvalid nor failOn, findings never throw either.
    expect((await createReport(model, opts('mcnc', { loinc: table }))).loinc?.valid).toBe(false);
  });

  it('an MCnc code with G/L: normalised to 10*9/L, then error LOINC_PROPERTY (number/volume); not normalised, step n3 refuses G/L', async () => {
    const model = mutatedSodium((o) => {
      o.code.code = '2345-7';
      o.value = { type: 'PQ', value: '7.2', unit: 'G/L' };
    });
    const e = await creationError(
      createReport(model, opts('gl', { loinc: table, normaliseUnits: true, failOnInvalid: true })),
    );
    expect(e.step).toBe('loinc');
    expect(e.loinc?.findings).toEqual([
      expect.objectContaining({
        rule: 'LOINC_PROPERTY',
        message: expect.stringContaining('the unit 10*9/L is number/volume'),
      }),
    ]);
    // The rewrite that led to the finding travels with the error, as it would with the documents.
    expect(e.unitRewrites).toEqual([
      expect.objectContaining({
        path: SODIUM_CODE.replace(/code$/, 'value.unit'),
        from: 'G/L',
        to: '10*9/L',
      }),
    ]);
    const raw = await creationError(createReport(model, opts('gl', { loinc: table, failOnInvalid: true })));
    expect(raw.step).toBe('n3');
    expect(raw.message).toContain('10*9/L');
  });

  it("a deprecated code: warning naming MAP_TO; it fails only with failOn 'warning'", async () => {
    const release = loadLoincTable(
      releaseWith(
        [['90000-1', 'Sodium', 'SCnc', 'Ser/Plas', 'Qn', 'DEPRECATED', 'Test-only deprecated term']],
        [['90000-1', '2951-2']],
      ),
      { cache: false },
    );
    const model = mutatedSodium((o) => {
      o.code.code = '90000-1';
    });
    const out = await createReport(model, opts('dep', { loinc: release, failOnInvalid: true }));
    expect(out.loinc?.findings.map(show)).toEqual(['warning LOINC_STATUS 90000-1']);
    expect(out.loinc?.findings[0]?.message).toContain('DEPRECATED; use 2951-2 instead (MAP_TO)');
    expect(out.loinc).toMatchObject({ valid: true, counts: { errors: 0, warnings: 1 } });
    const e = await creationError(
      createReport(model, opts('dep', { loinc: { table: release, failOn: 'warning' } })),
    );
    expect([e.step, e.causeCode, e.where]).toEqual(['loinc', 'LOINC_INVALID', `loinc: ${SODIUM_CODE}`]);
  });

  it('a folder without LoincTable/Loinc.csv: step loinc, LOINC_TABLE_NOT_FOUND', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-loinc-'));
    const e = await creationError(createReport(scenario('biochemistry'), opts('x', { loinc: empty })));
    expect([e.step, e.causeCode]).toEqual(['loinc', 'LOINC_TABLE_NOT_FOUND']);
  });

  it('without the option no table is read (CISIS_BIO_LOINC is for the CLI) and the result has no loinc field', async () => {
    const before = { ...loincLoadStats };
    const out = await withLoincEnv(mkdtempSync(join(tmpdir(), 'no-loinc-')), () =>
      createReport(scenario('biochemistry'), opts('none')),
    );
    expect(loincLoadStats).toEqual(before);
    expect('loinc' in out || 'unitRewrites' in out).toBe(false);
  });

  it.each([
    [
      'a misspelt failOn',
      { table: FIXTURE, failOn: 'errors' },
      'options.loinc.failOn',
      /failOn must be 'error', 'warning', 'never', got 'errors'/,
    ],
    [
      'null',
      null,
      'options.loinc',
      /loinc must be a LOINC release folder, a LoincTable or \{ table, failOn \}, got null/,
    ],
    [
      'an object without a table',
      { failOn: 'error' },
      'options.loinc',
      /an object without a table \(failOn\)/,
    ],
  ])(
    '%s: step loinc, REPORT_INVALID_OPTION naming the option, nothing read',
    async (_, loinc, option, message) => {
      const before = { ...loincLoadStats };
      // A JavaScript caller's options, as TypeScript would refuse them.
      const bad = { loinc } as unknown as CreateReportOptions;
      const e = await creationError(
        createReport(
          mutatedSodium(() => {}),
          opts('bad', bad),
        ),
      );
      expect([e.step, e.causeCode, e.where]).toEqual(['loinc', 'REPORT_INVALID_OPTION', `loinc: ${option}`]);
      expect(e.cause).toBeInstanceOf(ReportOptionError);
      expect(e.message).toMatch(message);
      expect(loincLoadStats).toEqual(before);
      expect(() => prepareReport(scenario('biochemistry'), bad as PrepareReportOptions)).toThrow(
        ReportOptionError,
      );
    },
  );

  it('a failure after the checks (step n1) still carries the unit rewrites and the LOINC verdict', async () => {
    const { model, replaced } = withFrenchUnits(scenario('haematology'));
    model.id = { root: model.id.root, extension: 'CR-2026-001' }; // not an OID: the N1 id cannot be derived
    const e = await creationError(createReport(model, opts('n1', { normaliseUnits: true, loinc: table })));
    expect(e.step).toBe('n1');
    expect(e.unitRewrites).toHaveLength(replaced);
    expect(e.loinc).toMatchObject({ valid: true, counts: { errors: 0, warnings: 0 } });
  });

  it('a LoincCheckError without findings still says where: the check', () => {
    const e = new LoincCheckError([]);
    expect([e.code, e.where, e.message]).toEqual([
      'LOINC_INVALID',
      'loinc',
      '0 LOINC finding(s) (none listed)',
    ]);
  });
});

describe('createReport with normaliseUnits', () => {
  it('G/L → 10*9/L and T/L → 10*12/L: each rewrite reported, the CDA carries UCUM, identical to the UCUM model, valid', async () => {
    const original = scenario('haematology');
    const { model, replaced } = withFrenchUnits(original);
    expect(replaced).toBeGreaterThanOrEqual(4);
    const options = { normaliseUnits: true, loinc: table, validate: true, failOnInvalid: true };
    const out = await createReport(model, opts('haematology', options));
    const rewrites = out.unitRewrites ?? [];
    expect(rewrites).toHaveLength(replaced);
    for (const r of rewrites) {
      expect(`${r.from} → ${r.to}`).toMatch(/^(G\/L → 10\*9\/L|T\/L → 10\*12\/L)$/);
      expect(r.path).toMatch(/^sections\[\d+\]\..*\.unit$/);
    }
    expect(rewrites.map((r) => r.path)).toContain('sections[0].entry.items[0].components[0].value.unit');
    expect(out.loinc?.findings).toEqual([]);
    expect([out.validation?.n3.valid, out.validation?.n1.valid]).toEqual([true, true]);

    const count = (unit: string) =>
      Number(
        xmllintXpath(
          out.n3,
          `count(//*[local-name()='value' or local-name()='low' or local-name()='high'][@unit='${unit}'])`,
        ),
      );
    expect(count('10*9/L')).toBeGreaterThanOrEqual(3);
    expect(count('10*12/L')).toBeGreaterThanOrEqual(1);
    expect(Number(xmllintXpath(out.n3, "count(//@unit[.='G/L' or .='T/L'])"))).toBe(0);
    // The normalised model is the scenario as written in UCUM: same documents, byte for byte.
    const ucum = await createReport(original, opts('haematology', { validate: true }));
    expect(Buffer.from(out.n3).equals(Buffer.from(ucum.n3))).toBe(true);
    expect(Buffer.from(out.n1).equals(Buffer.from(ucum.n1))).toBe(true);
  }, 60_000);

  it('a model already in UCUM: no rewrite, an empty list', async () => {
    const out = await createReport(scenario('biochemistry'), opts('b', { normaliseUnits: true }));
    expect(out.unitRewrites).toEqual([]);
  });
});

describe('examples/loinc-in-create-report.ts', () => {
  it('runs with the fixture table: units rewritten, LOINC clean, documents written in UCUM, the coded Qn refused', () => {
    const out = mkdtempSync(join(tmpdir(), 'loinc-example-'));
    const example = join(PROJECT_ROOT, 'examples', 'loinc-in-create-report.ts');
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', example, out, FIXTURE], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    expect(stdout).toContain('unit sections[0].entry.items[0].components[0].value.unit: G/L → 10*9/L');
    expect(stdout).toContain(`LOINC: 0 errors, 0 warnings against ${table.size} terms`);
    expect(stdout).toMatch(/refused at step loinc \(LOINC_INVALID\): .*LOINC 6690-2 is quantitative \(Qn\)/);
    const n3 = readdirSync(out).find((f) => f.endsWith('.n3.xml'));
    expect(n3).toBeDefined();
    const xml = readFileSync(join(out, n3 as string));
    expect(
      Number(xmllintXpath(xml, "count(//*[local-name()='value'][@unit='10*9/L'])")),
    ).toBeGreaterThanOrEqual(2);
    expect(Number(xmllintXpath(xml, "count(//@unit[.='G/L' or .='T/L'])"))).toBe(0);
  }, 60_000);
});
