import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { validateReport } from '../../src/model/index.js';
import { runCli } from '../helpers/cli.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';

const tmp = mkdtempSync(join(tmpdir(), 'cisis-parse-cli-'));
const TSH = join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml');

const cli = (...args: string[]) => runCli(args);

afterEach(() => {
  process.exitCode = undefined;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cisis-bio parse', () => {
  it('writes the model JSON to --out (a valid model) and says the level', async () => {
    const out = join(tmp, 'tsh.json');
    const r = await cli('parse', TSH, '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain('level 3');
    const model = validateReport(JSON.parse(readFileSync(out, 'utf8')));
    expect(model.patient.identity.status).toBe('QUAL');
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('prints the model on stdout without --out', async () => {
    const r = await cli('parse', TSH, '--compact');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).versionNumber).toBe(1);
  });

  it('exits 2 with line and column on malformed XML, and leaves no file', async () => {
    const bad = join(tmp, 'bad.xml');
    writeFileSync(
      bad,
      '<ClinicalDocument xmlns="urn:hl7-org:v3">\n  <id root="1.2"/>\n  <title>x</titl>\n</ClinicalDocument>',
    );
    const out = join(tmp, 'bad.json');
    const r = await cli('parse', bad, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/XML_MALFORMED.*bad\.xml:3:\d+/);
    expect(readdirSync(tmp).some((f) => f.startsWith('bad.json'))).toBe(false);
  });

  it('exits 1 with the XPath when the XML is not a usable CR-BIO', async () => {
    const doc = join(tmp, 'nopatient.xml');
    writeFileSync(doc, readFileSync(TSH, 'utf8').replace(/<recordTarget>[\s\S]*<\/recordTarget>/, ''));
    const r = await cli('parse', doc);
    expect(r.code).toBe(1);
    expect(r.err).toContain('/ClinicalDocument/recordTarget');
  });

  it('exits 2 when the file cannot be read', async () => {
    const r = await cli('parse', join(tmp, 'missing.xml'));
    expect(r.code).toBe(2);
  });
});
