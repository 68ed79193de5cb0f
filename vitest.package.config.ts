import { defineConfig } from 'vitest/config';

// Package checks: build in a temp copy of the project, publint, attw, the CommonJS/ESM loads, the CLI, bundle sizes.
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
