import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * How to start the worker-thread entry `name` of this folder. Built: `dist/<name>.js`, next to the bundle this
 * code is in (a tsup entry of the same name). From the sources (tsx, vitest): `src/validate/<source>`, loaded by a
 * tiny bootstrap that first registers tsx's loader in the worker thread (loader hooks of the main thread do not
 * reach workers).
 */
export function workerEntry(name: string, source: string): { url: URL | string; eval?: boolean } {
  const here = import.meta.url;
  if (!/\.[cm]?ts$/.test(fileURLToPath(here))) {
    const built = new URL(`./${name}.js`, here);
    if (existsSync(fileURLToPath(built))) return { url: built };
  }
  const sourceUrl = new URL(`./${source}`, here).href;
  // tsx's ESM API (`tsx/esm/api`, import condition): `register()` installs its loader in this thread.
  const tsxPkg = createRequire(here).resolve('tsx/package.json');
  const tsxApi = pathToFileURL(join(dirname(tsxPkg), 'dist/esm/api/index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(sourceUrl)}); })`;
  return { url: bootstrap, eval: true };
}
