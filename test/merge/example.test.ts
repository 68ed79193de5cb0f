// Runs examples/merge-subcontracted.ts (the integration shown in docs/merge.md) as a user would.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCrBio } from '../../src/cda/index.js';
import { validate } from '../../src/validate/index.js';
import { KIT_DIR, PROJECT_ROOT } from '../helpers/shared.js';

describe('examples/merge-subcontracted.ts', () => {
  it('writes a valid merged report whose subcontracted result names the performing lab', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cisis-bio-merge-example-'));
    const stdout = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'examples/merge-subcontracted.ts'), out],
      { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, CISIS_BIO_KIT: KIT_DIR } },
    );
    expect(stdout).toContain('merged.xml: valid (XSD + ANS profiles)');
    // Checked again here, not only as the example says.
    expect((await validate(readFileSync(join(out, 'merged.xml')), { kit: KIT_DIR })).valid).toBe(true);
    const { report } = parseCrBio(readFileSync(join(out, 'merged.xml')));
    const biochemistry = report.sections.find((s) => s.kind === 'chapter' && s.code.code === '18719-5');
    const labs =
      biochemistry?.kind === 'chapter'
        ? biochemistry.subSections?.map((x) => x.entry.performer?.organization?.name)
        : [];
    expect(labs).toEqual([undefined, 'Laboratoire Spécialisé Sous-Traitant']);
    expect(readFileSync(join(out, 'merged.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
