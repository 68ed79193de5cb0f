import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCrBio, parseCrBio } from '../../src/cda/index.js';
import { LOINC_OID, parseMapping } from '../../src/loinc/index.js';
import { validateReport } from '../../src/model/index.js';
import { TEST_NOW } from '../helpers/clock.js';
import { PROJECT_ROOT } from '../helpers/shared.js';
import { FIXTURE } from './helpers.js';

describe('examples/loinc-transcoding.ts', () => {
  it('maps the local CRP of the bundled report to 1988-5, keeping the local code as translation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loinc-example-'));
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'examples', 'loinc-transcoding.ts'), dir, FIXTURE],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        env: { ...process.env, CISIS_BIO_LOINC: '', XDG_CACHE_HOME: join(dir, 'cache') },
      },
    );
    expect(out).toContain('worksheet.csv: 1 local analyses');
    expect(out).toContain('components[0].code: 1234 → 1988-5');
    expect(out).toContain('LOINC checks (table of 99 terms): 0 finding(s)');
    expect(parseMapping(readFileSync(join(dir, 'mapping.json'), 'utf8')).entries).toHaveLength(1);
    const model = validateReport(JSON.parse(readFileSync(join(dir, 'report-loinc.json'), 'utf8')));
    const pdf = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');
    const back = parseCrBio(buildCrBio(model, { pdf, clock: () => TEST_NOW }).bytes).report;
    const s = back.sections[0];
    const bat = s?.kind === 'chapter' ? s.entry?.items[0] : undefined;
    const obs = bat?.kind === 'battery' ? bat.components[0] : undefined;
    expect(obs?.kind === 'observation' && obs.code).toMatchObject({
      code: '1988-5',
      codeSystem: LOINC_OID,
      originalText: 'CRP (protéine C réactive)',
      translations: [{ code: '1234', codeSystem: '1.2.250.1.2.3.4' }],
    });
  }, 60_000);
});
