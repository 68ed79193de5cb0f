import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCrBio, SCENARIOS } from '../../src/cda/index.js';
import { run } from '../../src/cli/main.js';
import { elements, tinyPdf } from '../cda/build-helpers.js';
import { captureOutput } from '../helpers/cli.js';

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
