import { existsSync } from 'node:fs';
import { defineConfig } from 'tsup';

/**
 * The public modules: each `src/<name>/index.ts` is published as the subpath `cisis-bio/<name>` (dist/<name>.js,
 * .cjs, .d.ts, .d.cts), beside the root entry `cisis-bio` (dist/index.*). package.json's `exports` lists the same
 * names; test/package checks that both lists agree. A module still being written (no index.ts yet) is skipped.
 */
export const MODULES = [
  'model',
  'ins',
  'cda',
  'pdf',
  'sign',
  'validate',
  'merge',
  'compose',
  'xds',
  'mss',
  'hl7v2',
  'loinc',
  'seal',
] as const;

const libraryEntries: Record<string, string> = { index: 'src/index.ts' };
for (const m of MODULES) if (existsSync(`src/${m}/index.ts`)) libraryEntries[m] = `src/${m}/index.ts`;

export default defineConfig([
  {
    // ESM, unbundled: one output file per source file (dist/esm/<module>/<file>.js), so that a bundler drops every
    // file an import does not reach (package.json "sideEffects": false): `cisis-bio/ins` never pulls pdf-lib,
    // fontkit, fontoxpath or libxml2-wasm, and `checkInsMatricule` through the root entry stays small.
    entry: ['src/**/*.ts', '!src/cli/**'],
    outDir: 'dist/esm',
    format: ['esm'],
    bundle: false,
    sourcemap: false,
    clean: true,
    target: 'node20',
    platform: 'node',
  },
  {
    // CommonJS: one entry per module plus the root, with code splitting, so that a module's code exists once (one
    // class per error type whichever entry it was reached through). Types: .d.cts beside.
    entry: libraryEntries,
    format: ['cjs'],
    splitting: true,
    dts: true,
    sourcemap: false,
    target: 'node20',
    platform: 'node',
    shims: true,
  },
  {
    // ESM types (.d.ts) of the same entries.
    entry: libraryEntries,
    format: ['esm'],
    dts: { only: true },
    target: 'node20',
    platform: 'node',
  },
  {
    // Worker-thread entries, found beside the CLI at run time: validate-worker (`cisis-bio validate --jobs`),
    // xsd-worker (the XSD step of a one-thread batch, run alongside the schematrons). CLI: one file with a shebang.
    entry: {
      cli: 'src/cli/main.ts',
      'validate-worker': 'src/validate/worker.ts',
      'xsd-worker': 'src/validate/xsd-worker.ts',
    },
    format: ['esm'],
    sourcemap: false,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    shims: true,
  },
]);
