import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CisisBioError, XmlParseError } from '../common/errors.js';
import { getSerialized } from './cache.js';
import type { DocumentFailure } from './formats/report.js';
import { compileRequest, type DocumentValidation, type ValidateOptions, validatorFor } from './pipeline.js';
import { resolveRules } from './rules.js';

/** Results of a batch, in the order of the files given. */
export interface BatchResult {
  documents: DocumentValidation[];
  failures: DocumentFailure[];
}

/** One file's outcome, as it travels back from a worker. */
export type FileOutcome = { result: DocumentValidation } | { failure: DocumentFailure };

/** What a worker thread receives at start: the options and the compiled schematrons, serialized. */
export interface WorkerInit {
  options: ValidateOptions;
  /** Profile name → serialized compiled schematron (or the compile error, which every document then reports). */
  compiled: Record<string, { serialized: string } | { error: string }>;
}

/**
 * Validate files, spreading them over `jobs` worker threads when there is more than one of each. The rules
 * are compiled (or read from the cache) once, in this thread, and handed to the workers serialized.
 * A file that cannot be read or parsed becomes a failure; other files go on.
 */
export async function validateFiles(
  files: string[],
  options: ValidateOptions,
  jobs = 1,
): Promise<BatchResult> {
  const workers = Math.max(1, Math.min(jobs, files.length));
  const outcomes = workers > 1 ? await runInWorkers(files, options, workers) : await runHere(files, options);
  const documents: DocumentValidation[] = [];
  const failures: DocumentFailure[] = [];
  for (const o of outcomes) {
    if ('result' in o) documents.push(o.result);
    else failures.push(o.failure);
  }
  return { documents, failures };
}

/** Default `--jobs`: the cores available, at most 8. */
export function defaultJobs(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

async function runHere(files: string[], options: ValidateOptions): Promise<FileOutcome[]> {
  const validator = await validatorFor(options);
  const out: FileOutcome[] = [];
  for (const file of files) out.push(await validateOne(file, (bytes) => validator.validate(bytes, file)));
  return out;
}

/** Read and validate one file, turning read and parse errors into a failure record. */
export async function validateOne(
  file: string,
  run: (bytes: Uint8Array) => DocumentValidation,
): Promise<FileOutcome> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    return {
      failure: {
        file,
        code: 'IO_ERROR',
        message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      },
    };
  }
  try {
    return { result: run(bytes) };
  } catch (e) {
    if (e instanceof XmlParseError) {
      return {
        failure: {
          file,
          code: e.code,
          message: e.message,
          ...(e.line !== undefined ? { line: e.line } : {}),
          ...(e.column !== undefined ? { column: e.column } : {}),
        },
      };
    }
    throw e;
  }
}

async function runInWorkers(
  files: string[],
  options: ValidateOptions,
  count: number,
): Promise<FileOutcome[]> {
  const rules = resolveRules(options); // a bad kit path fails here, once, before any worker starts
  const compiled: WorkerInit['compiled'] = {};
  for (const p of rules.profiles) {
    try {
      compiled[p.name] = { serialized: await getSerialized(compileRequest(p, options)) };
    } catch (e) {
      compiled[p.name] = {
        error: e instanceof CisisBioError ? `${e.code}: ${e.message}` : (e as Error).message,
      };
    }
  }
  const init: WorkerInit = { options, compiled };
  const entry = workerEntry();
  const outcomes: FileOutcome[] = new Array(files.length);
  let next = 0;
  const pool = Array.from(
    { length: count },
    () => new Worker(entry.url, { workerData: init, eval: entry.eval === true }),
  );
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolvePool, reject) => {
            const feed = () => {
              if (next >= files.length) {
                resolvePool();
                return;
              }
              const index = next++;
              worker.postMessage({ index, file: files[index] });
            };
            worker.on('message', (msg: { index: number; outcome?: FileOutcome; fatal?: string }) => {
              if (msg.fatal !== undefined) {
                reject(new CisisBioError('VALIDATE_WORKER', msg.fatal));
                return;
              }
              outcomes[msg.index] = msg.outcome!;
              feed();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (next < files.length || code !== 0)
                reject(new CisisBioError('VALIDATE_WORKER', `a validation worker stopped (exit ${code})`));
            });
            worker.once('online', feed);
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return outcomes;
}

/**
 * The worker's entry. Built: `dist/validate-worker.js`, next to the bundle this code is in (tsup entry
 * `validate-worker`). From the sources (tsx, vitest): `src/validate/worker.ts`, loaded by a tiny bootstrap that
 * first registers tsx's loader in the worker thread (loader hooks of the main thread do not reach workers).
 */
function workerEntry(): { url: URL | string; eval?: boolean } {
  const here = import.meta.url;
  if (!/\.[cm]?ts$/.test(fileURLToPath(here))) {
    const built = new URL('./validate-worker.js', here);
    if (existsSync(fileURLToPath(built))) return { url: built };
  }
  const source = new URL('./worker.ts', here).href;
  // tsx's ESM API (`tsx/esm/api`, import condition): `register()` installs its loader in this thread.
  const tsxPkg = createRequire(here).resolve('tsx/package.json');
  const tsxApi = pathToFileURL(join(dirname(tsxPkg), 'dist/esm/api/index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(source)}); })`;
  return { url: bootstrap, eval: true };
}
