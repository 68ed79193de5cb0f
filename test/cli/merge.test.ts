import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCrBio } from '../../src/cda/index.js';
import { run } from '../../src/cli/main.js';
import { EXAMPLES_DIR, KIT_DIR } from '../helpers/shared.js';
import { example, GLYCEMIE, reissuedBySubcontractor, SUB_LAB, TSH } from '../merge/fixtures.js';

let dir: string;
let subJson: string;
const mainXml = join(EXAMPLES_DIR, TSH);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cisis-bio-merge-'));
  subJson = join(dir, 'sub.json');
  writeFileSync(subJson, JSON.stringify(reissuedBySubcontractor(GLYCEMIE)));
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function capture() {
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    err.push(String(c));
    return true;
  });
  return err;
}

describe('cisis-bio merge', () => {
  it('merges a CDA main and a JSON sub into a level 3 (checked with --kit) with a new PDF naming the performing lab', async () => {
    const out = join(dir, 'merged.xml');
    const err = capture();
    expect(await run(['merge', mainXml, subJson, '--out', out, '--kit', KIT_DIR])).toBe(0);
    expect(err.join('')).toContain('results merged');
    const merged = parseCrBio(readFileSync(out)).report;
    const performers = merged.sections.flatMap((s) =>
      s.kind === 'chapter' ? (s.subSections ?? []).map((x) => x.entry.performer?.organization?.name) : [],
    );
    expect(performers).toContain(SUB_LAB.name);
    // the PDF copy is a new one (not the main lab's), and it says who performed the subcontracted tests
    const mainPdf = parseCrBio(example(TSH)).report.pdf?.data;
    expect(merged.pdf?.data).toBeDefined();
    expect(merged.pdf?.data).not.toBe(mainPdf);
    const pdfPath = join(dir, 'merged.pdf');
    writeFileSync(pdfPath, Buffer.from(merged.pdf!.data, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' }).replace(
      /\s+/g,
      ' ',
    );
    expect(text).toContain(SUB_LAB.name);
  });

  it('refuses another patient: exit 1, nothing written', async () => {
    const other = reissuedBySubcontractor(GLYCEMIE);
    other.patient.identity.ins = { matricule: '180125825804231', oid: '1.2.250.1.213.1.4.10' };
    const otherJson = join(dir, 'other.json');
    writeFileSync(otherJson, JSON.stringify(other));
    const out = join(dir, 'refused', 'merged.xml');
    const err = capture();
    expect(await run(['merge', mainXml, otherJson, '--out', out])).toBe(1);
    expect(err.join('')).toContain('IDENTITY_MISMATCH');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('rejects an unknown --on-conflict policy with exit 2', async () => {
    const out = join(dir, 'usage.xml');
    const err = capture();
    expect(await run(['merge', mainXml, subJson, '--out', out, '--on-conflict', 'newest'])).toBe(2);
    expect(err.join('')).toContain('--on-conflict');
    expect(existsSync(out)).toBe(false);
  });
});

describe('cisis-bio merge refusals (issue 13.18, 13.20)', () => {
  it('a document of another volet (AVC-AUNV, code 34133-9) is refused: exit 1, MERGE_NOT_CR_BIO, nothing written', async () => {
    const out = join(dir, 'avc.xml');
    const err = capture();
    expect(await run(['merge', mainXml, join(EXAMPLES_DIR, 'AVC-AUNV_2022.01.xml'), '--out', out])).toBe(1);
    expect(err.join('')).toMatch(/MERGE_NOT_CR_BIO: the sub document is not a CR-BIO: document code 34133-9/);
    expect(existsSync(out)).toBe(false);
  });
  it('a report merged with itself is refused: exit 1, MERGE_SAME_DOCUMENT', async () => {
    const out = join(dir, 'self.xml');
    const err = capture();
    expect(await run(['merge', mainXml, mainXml, '--out', out])).toBe(1);
    expect(err.join('')).toContain('MERGE_SAME_DOCUMENT');
    expect(existsSync(out)).toBe(false);
  });
  it('malformed XML or a DTD is exit 2 (it was 1)', async () => {
    const bad = join(dir, 'bad.xml');
    const out = join(dir, 'never.xml');
    for (const text of [
      '<ClinicalDocument xmlns="urn:hl7-org:v3"><id',
      '<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>',
    ]) {
      writeFileSync(bad, text);
      const err = capture();
      expect(await run(['merge', mainXml, bad, '--out', out]), text).toBe(2);
      expect(err.join('')).toMatch(/XML_/);
      vi.restoreAllMocks();
    }
    expect(existsSync(out)).toBe(false);
  });
});
