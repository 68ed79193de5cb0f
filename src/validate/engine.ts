// The one place the pipeline reaches the schematron engine (src/validate/schematron/), so the pipeline, the
// cache and the workers all speak to it through the same names.
import * as engine from './schematron/index.js';
import { VERSION } from '../version.js';

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
