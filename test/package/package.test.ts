import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, KIT_DIR, PROJECT_ROOT } from '../helpers/shared.js';

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
      'dist/validate-worker.js',
      'dist/xsd-worker.js',
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

  it('the built CLI validates with its worker threads: the XSD thread (one job) and --jobs 2 give the same JSON', {
    timeout: 120_000,
  }, () => {
    const cli = join(work, 'dist/cli.js');
    const tsh = join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml');
    const bad = join(work, 'bad.xml');
    writeFileSync(bad, readFileSync(tsh, 'utf8').replace('<title>', '<unknownElement/><title>'));
    const env = { ...process.env, XDG_CACHE_HOME: join(work, 'cache') };
    const run = (extra: string[], threadEnv: Record<string, string> = {}) =>
      spawnSync(
        process.execPath,
        [cli, 'validate', '--kit', KIT_DIR, '--format', 'json', ...extra, tsh, bad],
        {
          encoding: 'utf8',
          env: { ...env, ...threadEnv },
        },
      );
    const threaded = run([]); // dist/xsd-worker.js on a second thread (this machine has 2 cores)
    expect(threaded.status).toBe(1);
    const docs = JSON.parse(threaded.stdout).documents;
    expect(docs.map((d: { valid: boolean }) => d.valid)).toEqual([true, false]);
    expect(docs[1].xsd.errors[0].message).toContain('unknownElement');
    expect(run([], { CISIS_BIO_XSD_THREAD: '0' }).stdout).toBe(threaded.stdout);
    expect(run(['--jobs', '2']).stdout).toBe(threaded.stdout); // dist/validate-worker.js
  });
});
