#!/usr/bin/env node
// Writes package.json `exports` from the module list of tsup.config.ts (the modules whose src/<name>/index.ts
// exists): the root entry, one subpath per module, ./package.json. `--check` only says whether they differ (exit 1).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const config = readFileSync('tsup.config.ts', 'utf8');
const list = /export const MODULES = \[([\s\S]*?)\] as const/.exec(config);
if (!list) throw new Error('tsup.config.ts: MODULES not found');
const modules = [...list[1].matchAll(/'([a-z0-9-]+)'/g)].map((m) => m[1]).filter((m) => existsSync(`src/${m}/index.ts`));
// ESM: unbundled files under dist/esm (the root entry is dist/esm/index.js, a module's dist/esm/<name>/index.js).
const entry = (name) => ({
  import: { types: `./dist/${name}.d.ts`, default: `./dist/esm/${name === 'index' ? 'index' : `${name}/index`}.js` },
  require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
});
const exportsField = { '.': entry('index') };
for (const m of modules) exportsField[`./${m}`] = entry(m);
exportsField['./package.json'] = './package.json';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const same = JSON.stringify(pkg.exports) === JSON.stringify(exportsField);
if (process.argv.includes('--check')) {
  if (!same) console.error('package.json exports differ from tsup.config.ts MODULES: run node scripts/sync-exports.mjs');
  process.exit(same ? 0 : 1);
}
if (!same) {
  pkg.exports = exportsField;
  writeFileSync('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
}
console.log(`exports: . ${modules.map((m) => `./${m}`).join(' ')}`);
