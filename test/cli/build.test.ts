import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCrBio, SCENARIOS } from '../../src/cda/index.js';
import { run } from '../../src/cli/main.js';
import { elements, tinyPdf } from '../cda/build-helpers.js';
import { captureOutput, runCli } from '../helpers/cli.js';
import { SHARED_DIR } from '../helpers/shared.js';

const HL7_DIR = join(SHARED_DIR, 'hl7v2-examples');

let dir: string;
let pdfPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cisis-bio-build-'));
  pdfPath = join(dir, 'copy.pdf');
  writeFileSync(pdfPath, await tinyPdf());
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const capture = () => captureOutput();

function writeModel(name: string, model: unknown): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(p, JSON.stringify(model));
  return p;
}

describe('cisis-bio build', () => {
  it('writes a level 3 CR-BIO with the given PDF', async () => {
    const model = writeModel('bio', SCENARIOS[0]!.model());
    const out = join(dir, 'bio.xml');
    capture();
    expect(await run(['build', model, '--pdf', pdfPath, '--out', out])).toBe(0);
    const xml = readFileSync(out, 'utf8');
    const parsed = parseCrBio(xml);
    expect(parsed.level).toBe(3);
    expect(Buffer.from(parsed.report.pdf?.data ?? '', 'base64').equals(readFileSync(pdfPath))).toBe(true);
  });

  it('writes a level 1 document with --level 1', async () => {
    const model = writeModel('bio1', SCENARIOS[0]!.model());
    const out = join(dir, 'bio1.xml');
    capture();
    expect(await run(['build', model, '--level', '1', '--pdf', pdfPath, '--out', out])).toBe(0);
    const xml = readFileSync(out, 'utf8');
    expect(elements(xml, 'nonXMLBody')).toHaveLength(1);
    expect(elements(xml, 'structuredBody')).toHaveLength(0);
  });

  it('refuses an invalid model with every zod path, exit 1, and leaves no file', async () => {
    const bad = SCENARIOS[0]!.model() as unknown as Record<string, unknown>;
    bad.versionNumber = -1;
    delete bad.encounter;
    const model = writeModel('bad', bad);
    const out = join(dir, 'bad.xml');
    const { err } = capture();
    expect(await run(['build', model, '--pdf', pdfPath, '--out', out])).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('bad.xml'))).toEqual([]);
    const message = err.join('');
    expect(message).toContain('versionNumber');
    expect(message).toContain('encounter');
  });

  it('refuses a bad --level with exit 2', async () => {
    const model = writeModel('lvl', SCENARIOS[0]!.model());
    capture();
    expect(await run(['build', model, '--level', '2', '--out', join(dir, 'lvl.xml')])).toBe(2);
  });
});

describe('cisis-bio example', () => {
  it('writes each scenario as JSON + XML (no other XML) and validates them with the embedded rules', async () => {
    const out = join(dir, 'examples');
    const { out: stdout } = capture();
    expect(await run(['example', '--out', out])).toBe(0);
    const files = readdirSync(out).sort();
    const names = SCENARIOS.map((s) => s.name);
    expect(files.filter((f) => f.endsWith('.xml')).sort()).toEqual(names.map((n) => `${n}.xml`).sort());
    expect(files.filter((f) => f.endsWith('.json')).sort()).toEqual(names.map((n) => `${n}.json`).sort());
    expect(files).toHaveLength(names.length * 2);
    const text = stdout.join('');
    expect(text).toContain(`${names.length}/${names.length} documents valid`);
    // The JSON written fully determines the document: building it again gives the same bytes.
    const rebuilt = join(dir, 'rebuilt.xml');
    expect(await run(['build', join(out, 'microbiology.json'), '--out', rebuilt])).toBe(0);
    expect(readFileSync(rebuilt, 'utf8')).toBe(readFileSync(join(out, 'microbiology.xml'), 'utf8'));
  });
});

describe('cisis-bio build: inputs refused, older documents upgraded (issue 13.16, 19.4, 19.6)', () => {
  const scenarioModel = () => writeModel('bio-checks', SCENARIOS[0]!.model());

  it('--pdf must be a PDF: a text file, an empty file and a truncated PDF are refused (exit 2), nothing written', async () => {
    const text = join(dir, 'passwd.pdf');
    writeFileSync(text, 'root:x:0:0:root:/root:/bin/bash\n');
    const empty = join(dir, 'empty.pdf');
    writeFileSync(empty, '');
    const truncated = join(dir, 'truncated.pdf');
    writeFileSync(truncated, (await tinyPdf()).subarray(0, 40));
    for (const [file, why] of [
      [text, /does not start with %PDF-/],
      [empty, /empty/],
      [truncated, /cannot be parsed|no page/],
    ] as const) {
      const out = join(dir, 'never.xml');
      const r = await runCli(['build', scenarioModel(), '--pdf', file, '--out', out]);
      expect(r.code, file).toBe(2);
      expect(r.err).toMatch(why);
      expect(r.err).toContain('PDF_INPUT_INVALID');
      expect(existsSync(out)).toBe(false);
    }
  });

  it('a model with the ANS fictitious RPPS (bad Luhn key) is refused with its model path (exit 1)', async () => {
    const m = SCENARIOS[0]!.model();
    m.legalAuthenticator.ids = [{ root: '1.2.250.1.71.4.2.1', extension: '801234534765' }];
    const out = join(dir, 'bad-rpps.xml');
    const r = await runCli(['build', writeModel('bad-rpps', m), '--pdf', pdfPath, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('legalAuthenticator.ids[0].extension: RPPS 01234534765: wrong Luhn key');
    expect(existsSync(out)).toBe(false);
  });

  it('--upgrade rebuilds an HL7 v2 example document coded in NCBI Taxonomy as 2024.01 with SNOMED CT organisms', async () => {
    const old = join(
      HL7_DIR,
      'TRANS_DOC_CDA_HL7V2/V2.0/ORU/Transmission initiale ORU/CR_Bio_CDA_Niv3_v1.XML',
    );
    const out = join(dir, 'upgraded.xml');
    const r = await runCli(['build', old, '--upgrade', '--practice-setting', 'AMBULATOIRE', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('warning: IDENTIFIER_KEY');
    const xml = readFileSync(out, 'utf8');
    expect(xml).toContain('extension="2024.01"');
    const isolates = parseCrBio(xml).report;
    const codes = JSON.stringify(isolates.sections);
    expect(codes).toContain('"code":"112283007","codeSystem":"2.16.840.1.113883.6.96"');
    expect(codes).toContain('"code":"562","codeSystem":"2.16.840.1.113883.3.9471"');
  });

  it('--upgrade names each organism the mapping lacks; --organism-codes supplies it', async () => {
    const old = join(
      HL7_DIR,
      'TRANS_DOC_CDA_HL7V2/V2.0/ORU/Transmission initiale ORU/CR_Bio_CDA_Niv3_v1.XML',
    );
    const partial = join(dir, 'organisms.json');
    writeFileSync(
      partial,
      JSON.stringify({ '562': { code: '112283007', displayName: 'Escherichia coli (organism)' } }),
    );
    const out = join(dir, 'upgraded2.xml');
    const r = await runCli(['build', old, '--upgrade', '--organism-codes', partial, '--out', out]);
    const setting = ['--practice-setting', 'AMBULATOIRE'];
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ORGANISM_UNMAPPED.*1306 \(Streptococcus sp\.\) at sections\[\d\]/);
    expect(existsSync(out)).toBe(false);
    writeFileSync(
      partial,
      JSON.stringify({
        '562': { code: '112283007', displayName: 'Escherichia coli (organism)' },
        '1306': { code: '58800005', displayName: 'Genus Streptococcus (organism)' },
      }),
    );
    expect(
      (await runCli(['build', old, '--upgrade', '--organism-codes', partial, '--out', out])).err,
    ).toMatch(/UPGRADE_PRACTICE_SETTING_MISSING.*sections\[1\]\.subSections\[0\]\.entry\.performer/);
    expect(
      (await runCli(['build', old, '--upgrade', '--organism-codes', partial, ...setting, '--out', out])).code,
    ).toBe(0);
  });
});
