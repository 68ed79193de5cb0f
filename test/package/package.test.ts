import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/shared.js';

// The build runs in a copy of the project (sources + config, node_modules linked) so that its `clean`
// never empties the dist/ that other tests may be running from at the same time.
const work = mkdtempSync(join(tmpdir(), 'cisis-bio-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('package', () => {
  it('builds ESM + CJS + types + CLI, and publint / attw (node16) report no problem', {
    timeout: 300_000,
  }, () => {
    for (const f of [
      'package.json',
      'tsconfig.json',
      'tsup.config.ts',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'src',
      'schematron',
    ]) {
      if (existsSync(resolve(PROJECT_ROOT, f)))
        cpSync(resolve(PROJECT_ROOT, f), join(work, f), { recursive: true });
    }
    symlinkSync(resolve(PROJECT_ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    // npm run check:package = build (tsup), then publint, then attw --pack . --profile node16.
    const out = execFileSync('npm', ['run', '--silent', 'check:package'], {
      cwd: work,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    for (const f of [
      'dist/index.js',
      'dist/index.cjs',
      'dist/index.d.ts',
      'dist/index.d.cts',
      'dist/cli.js',
    ]) {
      expect(existsSync(join(work, f)), f).toBe(true);
    }
    expect(out).toMatch(/All good!/); // publint
    expect(out).toMatch(/No problems found/); // attw
    expect(out).not.toMatch(/Suggestions:|Warnings:|Errors:/); // publint sections
  });

  const probe = (code: string, type: 'commonjs' | 'module') =>
    spawnSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: work, encoding: 'utf8' });

  it('the built library loads with import (ESM)', () => {
    const esm = probe(
      `const m = await import('./dist/index.js'); console.log(m.checkInsMatricule('279035121518988').code, typeof m.encodeInsDatamatrix);`,
      'module',
    );
    expect(esm.stderr).toBe('');
    expect(esm.stdout.trim()).toBe('INS_KEY function');
  });

  // libxml2-wasm (ESM with top-level await) is loaded lazily by sign/ and validate/, so require() works.
  it('the built library loads with require() (CJS)', () => {
    const cjs = probe(
      `const m = require('./dist/index.cjs'); console.log(m.checkInsMatricule('279035121518989').valid, typeof m.encodeInsDatamatrix);`,
      'commonjs',
    );
    expect(cjs.stderr).toBe('');
    expect(cjs.stdout.trim()).toBe('true function');
  });

  it('the built CLI runs: dist/cli.js ins check, --version', () => {
    const cli = join(work, 'dist/cli.js');
    expect(existsSync(cli)).toBe(true);
    const ok = spawnSync(process.execPath, [cli, 'ins', 'check', '279035121518989'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('valid: 279035121518989');
    const bad = spawnSync(process.execPath, [cli, 'ins', 'check', '279035121518988'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('INS_KEY');
    const usage = spawnSync(process.execPath, [cli, 'ins', 'check'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    const version = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
