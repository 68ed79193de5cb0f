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
    // Worker-thread entries, found beside the bundle at run time: validate-worker (`cisis-bio validate --jobs`),
    // xsd-worker (the XSD step of a one-thread batch, run alongside the schematrons).
    entry: {
      cli: 'src/cli/main.ts',
      'validate-worker': 'src/validate/worker.ts',
      'xsd-worker': 'src/validate/xsd-worker.ts',
    },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    shims: true,
  },
]);
