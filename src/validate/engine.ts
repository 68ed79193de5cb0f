// The one place the pipeline reaches the schematron engine (src/validate/schematron/), so the pipeline, the
// cache and the workers all speak to it through the same names.

import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import * as engine from './schematron/index.js';

export {
  compileSchematron,
  deserializeCompiled,
  parseForSchematron,
  runSchematron,
  serializeCompiled,
} from './schematron/index.js';

/** A compiled schematron, as the engine returns it. */
export type CompiledSchematron = ReturnType<typeof engine.compileSchematron>;
/** The document form the engine runs on. */
export type EngineDocument = ReturnType<typeof engine.parseForSchematron>;

/**
 * Version of the compiled form: the engine's own `ENGINE_VERSION` (or `MODEL_VERSION`) when it exports one, else the package
 * version. Part of the disk-cache key, so a new engine never reads an old compiled form.
 */
export const ENGINE_VERSION: string = (() => {
  const exports = engine as unknown as Record<string, unknown>;
  const own = exports.ENGINE_VERSION ?? exports.MODEL_VERSION;
  return typeof own === 'string' || typeof own === 'number' ? `${VERSION}+${own}` : VERSION;
})();

let fingerprint: string | undefined;
/**
 * Identity of the engine code that runs: size and modification time of its files (from the sources,
 * `src/validate/schematron/*.ts`; from a build, the bundles beside this one). Part of the disk-cache key, so a
 * changed engine never reads a form compiled by another build even when the versions were not bumped.
 */
export function engineFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const here = fileURLToPath(import.meta.url);
  const fromSources = /\.[cm]?ts$/.test(here);
  const dir = fromSources ? join(dirname(here), 'schematron') : dirname(here);
  const parts: string[] = [];
  try {
    for (const name of readdirSync(dir).sort()) {
      if (!(fromSources ? /\.ts$/ : /\.[cm]?js$/).test(name)) continue;
      const st = statSync(join(dir, name));
      parts.push(`${name}:${st.size}:${Math.trunc(st.mtimeMs)}`);
    }
  } catch {
    // Unreadable folder (bundled into another tool): the versions alone key the cache.
  }
  fingerprint = parts.join('|');
  return fingerprint;
}
