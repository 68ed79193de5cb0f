import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, KIT_DIR, PROJECT_ROOT } from '../helpers/shared.js';

// The build runs in a copy of the project (sources + config, node_modules linked) so that its `clean`
// never empties the dist/ that other tests may be running from at the same time.
const work = mkdtempSync(join(tmpdir(), 'cisis-bio-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The public modules, as tsup.config.ts lists them (those with an index.ts). */
const MODULES = (() => {
  const list = /export const MODULES = \[([\s\S]*?)\] as const/.exec(
    readFileSync(resolve(PROJECT_ROOT, 'tsup.config.ts'), 'utf8'),
  );
  return [...(list?.[1] ?? '').matchAll(/'([a-z0-9-]+)'/g)]
    .map((m) => m[1]!)
    .filter((m) => existsSync(resolve(PROJECT_ROOT, 'src', m, 'index.ts')));
})();

let checkOutput = '';
beforeAll(() => {
  for (const f of [
    'package.json',
    'tsconfig.json',
    'tsup.config.ts',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'src',
    'schematron',
    'scripts',
    'docs',
  ]) {
    if (existsSync(resolve(PROJECT_ROOT, f)))
      cpSync(resolve(PROJECT_ROOT, f), join(work, f), { recursive: true });
  }
  symlinkSync(resolve(PROJECT_ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  // npm run check:package = build (tsup), exports in step with the module list, publint, attw --pack . --profile node16.
  checkOutput = execFileSync('npm', ['run', '--silent', 'check:package'], {
    cwd: work,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
}, 300_000);

describe('package', () => {
  it('builds ESM + CJS + types + CLI for the root and every module; publint / attw (node16) report no problem', () => {
    const files = ['dist/cli.js', 'dist/validate-worker.js', 'dist/xsd-worker.js', 'dist/esm/index.js'];
    for (const name of ['index', ...MODULES])
      files.push(`dist/${name}.cjs`, `dist/${name}.d.ts`, `dist/${name}.d.cts`);
    for (const m of MODULES) files.push(`dist/esm/${m}/index.js`);
    for (const f of files) expect(existsSync(join(work, f)), f).toBe(true);
    const pkg = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.exports).sort()).toEqual(
      ['.', './package.json', ...MODULES.map((m) => `./${m}`)].sort(),
    );
    // check:package exits non-zero (execFileSync throws) on any attw problem outside the ignored node10 column.
    expect(checkOutput).toMatch(/All good!/); // publint
    expect(checkOutput).toMatch(/ignoring resolutions: 'node10'/); // attw ran, with the node16 profile
    expect(checkOutput).not.toMatch(/Suggestions:|Warnings:|Errors:/); // publint sections
    // attw checked every subpath (listed in its report), and reported nothing but the ignored node10 column.
    for (const m of MODULES) expect(checkOutput, m).toContain(`"cisis-bio/${m}"`);
    expect(checkOutput.replace(/\(ignored[^)]*\)[^\n]*/g, '')).not.toMatch(/💀|❌|🐛|⚠️|🥴|🎭|❗️|🚭/);
  });

  it('every subpath loads with import and with require(), and both reach the same error classes as the root', () => {
    for (const m of MODULES) {
      const esm = probe(
        `const a = await import('cisis-bio/${m}'); const r = await import('cisis-bio'); console.log(Object.keys(a).length > 0, Object.keys(a).every((k) => a[k] === r[k]));`,
        'module',
      );
      expect(esm.stderr, m).toBe('');
      expect(esm.stdout.trim(), m).toBe('true true');
      const cjs = probe(
        `const a = require('cisis-bio/${m}'); const r = require('cisis-bio'); console.log(Object.keys(a).length > 0, Object.keys(a).every((k) => a[k] === r[k]));`,
        'commonjs',
      );
      expect(cjs.stderr, m).toBe('');
      expect(cjs.stdout.trim(), m).toBe('true true');
    }
  });

  it('npm pack ships the built code, rules and docs only: no sources, tests or source maps', () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: work,
        encoding: 'utf8',
      }),
    ) as [{ files: { path: string }[] }];
    const paths = packed.files.map((f) => f.path);
    expect(paths).toContain('dist/esm/ins/index.js');
    expect(paths).toContain('schematron/cisis-bio-cr-bio.sch');
    expect(paths.filter((p) => /\.map$|^src\/|^test\/|^bench\/|\.test\./.test(p))).toEqual([]);
    expect(
      paths.every((p) =>
        /^(dist|schematron|docs)\/|^(README\.md|LICENSE|CHANGELOG\.md|package\.json)$/.test(p),
      ),
    ).toBe(true);
  });
  const probe = (code: string, type: 'commonjs' | 'module') =>
    spawnSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: work, encoding: 'utf8' });

  it('the built library loads with import (ESM)', () => {
    const esm = probe(
      `const m = await import('cisis-bio'); console.log(m.checkInsMatricule('279035121518988').code, typeof m.encodeInsDatamatrix);`,
      'module',
    );
    expect(esm.stderr).toBe('');
    expect(esm.stdout.trim()).toBe('INS_KEY function');
  });

  // libxml2-wasm (ESM with top-level await) is loaded lazily by sign/ and validate/, so require() works.
  it('the built library loads with require() (CJS)', () => {
    const cjs = probe(
      `const m = require('cisis-bio'); console.log(m.checkInsMatricule('279035121518989').valid, typeof m.encodeInsDatamatrix);`,
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

// What a user's bundler makes of the package (esbuild, minified, the package reached as node_modules/cisis-bio).
describe('bundles', () => {
  let consumer = '';
  beforeAll(() => {
    consumer = join(work, 'consumer');
    mkdirSync(join(consumer, 'node_modules'), { recursive: true });
    symlinkSync(work, join(consumer, 'node_modules', 'cisis-bio'), 'dir');
  });

  const bundle = async (code: string, platform: 'node' | 'browser') => {
    const esbuild = await import('esbuild');
    const out = await esbuild.build({
      stdin: { contents: code, resolveDir: consumer, loader: 'js' },
      bundle: true,
      minify: true,
      write: false,
      platform,
      format: platform === 'browser' ? 'iife' : 'esm',
      preserveSymlinks: true,
      logLevel: 'silent',
    });
    return out.outputFiles[0]!.text;
  };
  const runEsm = (js: string) => {
    const file = join(consumer, `bundle-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(file, js);
    return spawnSync(process.execPath, [file], { encoding: 'utf8' });
  };
  const CHECK = `console.log(checkInsMatricule('279035121518989').valid, checkInsMatricule('279035121518988').code);`;

  it("`checkInsMatricule` from 'cisis-bio/ins' bundles to ≤ 80 KB and runs", async () => {
    const js = await bundle(`import { checkInsMatricule } from 'cisis-bio/ins';\n${CHECK}`, 'node');
    expect(js.length).toBeLessThanOrEqual(80 * 1024);
    expect(js).not.toMatch(/pdf-lib|fontoxpath|libxml2|bwip-js/);
    const r = runEsm(js);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('true INS_KEY');
  });

  it("the same through the root entry 'cisis-bio' bundles to ≤ 120 KB and runs", async () => {
    const js = await bundle(`import { checkInsMatricule } from 'cisis-bio';\n${CHECK}`, 'node');
    expect(js.length).toBeLessThanOrEqual(120 * 1024);
    const r = runEsm(js);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('true INS_KEY');
  });

  // A browser bundle fails to build if anything reached imports a Node built-in; the vm context has no process,
  // require, Buffer or module: only the language's own globals.
  const inBrowserContext = (js: string) => {
    const context = vm.createContext({});
    vm.runInContext(js, context, { timeout: 10_000 });
    return (context as { result?: unknown }).result;
  };

  it("'cisis-bio/ins' bundles for the browser and runs without Node", async () => {
    const js = await bundle(
      `import { checkInsMatricule, encodeInsDatamatrix } from 'cisis-bio/ins';
       globalThis.result = [checkInsMatricule('279035121518989').valid, typeof encodeInsDatamatrix];`,
      'browser',
    );
    expect(inBrowserContext(js)).toEqual([true, 'function']);
  });

  it("'cisis-bio/model' bundles for the browser and runs without Node (validateReport names every bad field)", async () => {
    const js = await bundle(
      `import { validateReport, INS_OID } from 'cisis-bio/model';
       let r; try { validateReport({}); } catch (e) { r = [e.code, e.issues.length > 3]; }
       globalThis.result = [...r, INS_OID.TEST];`,
      'browser',
    );
    expect(inBrowserContext(js)).toEqual(['MODEL_INVALID', true, '1.2.250.1.213.1.4.10']);
  });
});
