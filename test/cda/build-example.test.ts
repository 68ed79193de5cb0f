// Runs examples/build-report.ts (the vendor's integration shown in docs/build.md) as a user would.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCrBio } from '../../src/cda/index.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

describe('examples/build-report.ts', () => {
  it('writes a valid N3, N1 and the PDF from SGL-like data', () => {
    const out = mkdtempSync(join(tmpdir(), 'cisis-bio-example-'));
    const stdout = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'examples/build-report.ts'), out],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
      },
    );
    expect(stdout).toContain('n3: valid (level 3');
    expect(stdout).toContain('n1: valid (level 1');
    for (const f of ['DEM-2024-000123.n3.xml', 'DEM-2024-000123.n1.xml', 'DEM-2024-000123.pdf']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const { report, level } = parseCrBio(readFileSync(join(out, 'DEM-2024-000123.n3.xml')));
    expect(level).toBe(3);
    const ch = report.sections[0];
    const items = ch?.kind === 'chapter' ? (ch.entry?.items ?? []) : [];
    expect(items).toHaveLength(3);
    // The CRP without LOINC is carried by its local code, as a translation.
    const crp = items[2];
    expect(crp?.kind === 'observation' ? crp.code.translations?.[0]?.code : undefined).toBe('CRP');
    expect(readFileSync(join(out, 'DEM-2024-000123.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
