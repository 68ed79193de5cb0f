import { defineConfig } from 'tsup';

// Library: ESM + CJS + .d.ts from the single public entry. CLI: one ESM file with a shebang.
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    shims: true,
  },
  {
    // validate-worker: the worker-thread entry of `cisis-bio validate --jobs` (found beside the bundle at run time).
    entry: { cli: 'src/cli/main.ts', 'validate-worker': 'src/validate/worker.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    shims: true,
  },
]);
