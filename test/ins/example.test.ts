import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/shared.js';

describe('examples/ins-check.ts', () => {
  it('runs with tsx and prints the checks and the ANS payload', { timeout: 120_000 }, () => {
    const tsx = resolve(PROJECT_ROOT, 'node_modules/.bin/tsx');
    const r = spawnSync(tsx, ['examples/ins-check.ts'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('matricule 279035121518989: valid (NIR, test)');
    expect(r.stdout).toContain('279035121518988 refused: INS_KEY (expected key 89)');
    expect(r.stdout).toContain('NIR and traits agree');
    expect(r.stdout).toContain(
      'IS010000000000000000000000S1279035121518989S21.2.250.1.213.1.4.10S3DOMINIQUE MARIE-LOUISE<GS>S4PAT-TROIS<GS>S5FS628-03-1979S751215',
    );
    expect(r.stdout).toContain('VALI identity refused: INS_NOT_QUALIFIED');
  });
});
