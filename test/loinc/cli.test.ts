import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/cda/index.js';
import { parseCsv, parseMapping, writeCsv } from '../../src/loinc/index.js';
import type { CrBioReport } from '../../src/model/index.js';
import { runCli } from '../helpers/cli.js';
import { catalogueModels } from './catalogue-data.js';
import { FIXTURE } from './helpers.js';

const dir = () => mkdtempSync(join(tmpdir(), 'loinc-cli-'));

// The CLI caches the LOINC index in the user's cache folder: a throwaway one here.
const savedCache = process.env.XDG_CACHE_HOME;
beforeAll(() => {
  process.env.XDG_CACHE_HOME = mkdtempSync(join(tmpdir(), 'loinc-cli-cache-'));
});
afterAll(() => {
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
});

afterEach(() => {
  process.exitCode = undefined; // run() reports through process.exitCode
});

describe('cisis-bio loinc check', () => {
  it('exit 0 for valid codes, 1 for a wrong check digit or a code the table lacks', async () => {
    expect(await runCli(['loinc', 'check', '6690-2', 'LA6576-8'])).toMatchObject({ code: 0 });
    const bad = await runCli(['loinc', 'check', '6690-2', '6690-3']);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('6690-3: invalid: LOINC 6690-3: check digit 3 is wrong (mod-10 gives 6690-2)');
    const t = await runCli(['loinc', 'check', '--loinc', FIXTURE, '2345-7', '99999-5']);
    expect(t.code).toBe(1);
    expect(t.out).toContain('2345-7: ok: Glucose [Mass/volume] in Serum or Plasma');
    expect(t.out).toContain('99999-5: unknown');
  });

  it('checks the LOINC codes of a model file; a missing LOINC folder is exit 2', async () => {
    const d = dir();
    const m = SCENARIOS[0]?.model() as CrBioReport;
    writeFileSync(join(d, 'ok.json'), JSON.stringify(m));
    expect(await runCli(['loinc', 'check', '--loinc', FIXTURE, join(d, 'ok.json')])).toMatchObject({
      code: 0,
      out: '',
    });
    const s = m.sections[0];
    if (s?.kind === 'chapter' && s.code) s.code.code = '18719-4';
    writeFileSync(join(d, 'bad.json'), JSON.stringify(m));
    const r = await runCli(['loinc', 'check', join(d, 'bad.json')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('error LOINC_CHECK_DIGIT sections[0].code');
    expect((await runCli(['loinc', 'check', '--loinc', join(d, 'nowhere'), '2345-7'])).code).toBe(2);
  });
});

describe('cisis-bio loinc export → import → apply, fhir-export → fhir-import', () => {
  it('runs the whole workflow from files', async () => {
    const d = dir();
    const { models, expected } = catalogueModels(48);
    models.forEach((m, i) => {
      writeFileSync(join(d, `m${i}.json`), JSON.stringify(m));
    });
    const inputs = models.map((_, i) => join(d, `m${i}.json`));
    const ws = join(d, 'worksheet.csv');
    const ex = await runCli(['loinc', 'export', ...inputs, '--loinc', FIXTURE, '--out', ws]);
    expect(ex).toMatchObject({ code: 0 });
    expect(ex.err).toContain('48 local analyses');

    const sheet = parseCsv(readFileSync(ws, 'utf8'));
    const filled = sheet.rows.map((r) => {
      const x = [...r];
      x[8] = expected.get(r[0] as string) as string;
      return x;
    });
    writeFileSync(ws, writeCsv(sheet.header, filled, { separator: ',' })); // re-saved with commas
    const mappingFile = join(d, 'mapping.json');
    const im = await runCli([
      'loinc',
      'import',
      ws,
      '--loinc',
      FIXTURE,
      '--catalogue',
      ...inputs,
      '--out',
      mappingFile,
    ]);
    expect(im.err).toContain('48 rows: 48 mapped, 0 unmapped, 0 errors, 0 warnings');
    expect(im.code).toBe(0);
    expect(parseMapping(readFileSync(mappingFile, 'utf8')).entries).toHaveLength(48);

    const out = join(d, 'coded.json');
    const ap = await runCli(['loinc', 'apply', inputs[0] as string, '--mapping', mappingFile, '--out', out]);
    expect(ap.code).toBe(0);
    const coded = JSON.parse(readFileSync(out, 'utf8')) as CrBioReport;
    expect(JSON.stringify(coded)).toContain('"codeSystem":"2.16.840.1.113883.6.1","codeSystemName":"LOINC"');
    expect((await runCli(['loinc', 'check', '--loinc', FIXTURE, out])).code).toBe(0);

    const fx = await runCli([
      'loinc',
      'fhir-export',
      '--catalogue',
      ...inputs,
      '--mapping',
      mappingFile,
      '--url',
      'https://lab.example/fhir',
      '--out',
      join(d, 'fhir'),
    ]);
    expect(fx.code).toBe(0);
    const back = join(d, 'back.json');
    expect(
      (await runCli(['loinc', 'fhir-import', join(d, 'fhir', 'ConceptMap.json'), '--out', back])).code,
    ).toBe(0);
    expect(parseMapping(readFileSync(back, 'utf8'))).toEqual(parseMapping(readFileSync(mappingFile, 'utf8')));
    const csvBack = join(d, 'cs.csv');
    expect(
      (await runCli(['loinc', 'fhir-import', join(d, 'fhir', 'CodeSystem.json'), '--out', csvBack])).code,
    ).toBe(0);
    expect(parseCsv(readFileSync(csvBack, 'utf8')).rows).toHaveLength(48);
  });

  it('import with errors: exit 1, problems by line, no mapping written', async () => {
    const d = dir();
    const ws = join(d, 'ws.csv');
    writeFileSync(ws, 'local_code;label;loinc_code\r\nA;Sodium;2951-3\r\n');
    const r = await runCli(['loinc', 'import', ws, '--out', join(d, 'm.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${ws}:2: error A: LOINC 2951-3: check digit 3 is wrong`);
    expect(() => readFileSync(join(d, 'm.json'))).toThrow();
  });
});
