import { defineConfig } from 'vitest/config';

// The suite. test/package (build in a temp copy, publint, attw, bundle sizes) runs after it, from
// vitest.package.config.ts (`npm run test:package`). Type tests (*.test-d.ts) run through tsc in typecheck mode.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/package/**', '**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Source type errors are `tsc --noEmit`'s job (it runs first in `npm test`); here only the type tests count.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json', ignoreSourceErrors: true },
  },
});
