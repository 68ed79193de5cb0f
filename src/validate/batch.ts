import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CisisBioError, XmlParseError } from '../common/errors.js';
import { getSerialized } from './cache.js';
import type { DocumentFailure } from './formats/report.js';
import {
  compileRequest,
  type DocumentValidation,
  type ValidateOptions,
  validatorFor,
  withXsdResult,
} from './pipeline.js';
import { resolveRules } from './rules.js';
import { workerEntry } from './worker-entry.js';
import { XsdThread } from './xsd-thread.js';

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
  const thread = xsdThreadFor(options);
  try {
    const validator = await validatorFor(thread ? { ...options, xsd: false } : options);
    const out: FileOutcome[] = [];
    for (const file of files) {
      out.push(
        await validateOne(file, async (bytes) => {
          // Sent first: the thread validates against the XSD while this one runs the schematrons.
          const xsd = thread?.validate(bytes, file);
          xsd?.catch(() => undefined); // a document this thread refuses as malformed never awaits it
          const result = validator.validate(bytes, file);
          return xsd ? withXsdResult(result, await xsd, bytes, options.maxBytes) : result;
        }),
      );
    }
    return out;
  } finally {
    await thread?.close();
  }
}

/**
 * The XSD thread of a one-thread batch: with a second core, libxml2 compiles the CDA schema and validates
 * there while this thread runs the schematrons (a cold single-document run pays for the longer of the two,
 * not their sum). `CISIS_BIO_XSD_THREAD=0` keeps the XSD step in this thread.
 */
function xsdThreadFor(options: ValidateOptions): XsdThread | undefined {
  if (process.env.CISIS_BIO_XSD_THREAD === '0' || availableParallelism() < 2) return undefined;
  const { xsdPath } = resolveRules(options); // a bad kit path fails here as it would in validatorFor
  return xsdPath ? XsdThread.start(xsdPath) : undefined;
}

/** Read and validate one file, turning read and parse errors into a failure record. */
export async function validateOne(
  file: string,
  run: (bytes: Uint8Array) => DocumentValidation | Promise<DocumentValidation>,
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
    return { result: await run(bytes) };
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
  const entry = workerEntry('validate-worker', 'worker.ts');
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
