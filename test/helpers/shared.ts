import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root (this file is test/helpers/shared.ts). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** `../shared` beside the project: reference data, read-only. */
export const SHARED_DIR = resolve(PROJECT_ROOT, '../shared');
export const KIT_DIR = resolve(SHARED_DIR, 'ans-kit');
export const EXAMPLES_DIR = resolve(KIT_DIR, 'ExemplesCDA');
export const PARITY_DIR = resolve(SHARED_DIR, 'parity');
export const SPEC_DIR = resolve(SHARED_DIR, 'spec');

if (!existsSync(KIT_DIR)) {
  throw new Error(
    `reference data not found: expected the ANS kit at ${KIT_DIR} (../shared beside the project)`,
  );
}
