import { readdirSync, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CisisBioError, XmlParseError } from '../common/errors.js';
import { readXmlFile } from '../common/xml.js';
import { getSerialized, isOnDisk } from './cache.js';
import type { DocumentFailure } from './formats/report.js';
import {
  checkedText,
  compileRequest,
  type DocumentValidation,
  MAX_DOCUMENT_BYTES,
  type ValidateOptions,
  type Validator,
  validatorFor,
  withXsdResult,
} from './pipeline.js';
import { resolveRules } from './rules.js';
import { workerEntry } from './worker-entry.js';
import { isXdsMetadata, validateXdsMetadata } from './xds-profile.js';
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
  /**
   * Profile name → serialized compiled schematron (or the compile error, which every document then reports). A
   * profile absent here is in the disk cache: the worker reads it itself.
   */
  compiled: Record<string, { serialized: string } | { error: string }>;
}

/** A document given in memory (standard input) rather than as a file path. */
export interface InMemoryDocument {
  file: string;
  bytes: Uint8Array;
}

/** A batch input: a file path, or a document already read. */
export type BatchInput = string | InMemoryDocument;

/** Called after each document of a batch (for progress display). */
export type ProgressListener = (done: number, total: number) => void;

/**
 * Validate files. With `jobs` > 1 (and more than one file) they are spread over `jobs` threads: this one and
 * `jobs − 1` workers, each taking the next document when free (see docs/validate.md, "Threads"); the results are the
 * same as with one job, in the order of `files`. A file that cannot be read or parsed becomes a failure; other files
 * go on. `onProgress` is called once per document, in the order they finish.
 * @throws CisisBioError VALIDATE_WORKER (or the worker's own error code, with the document as `where`) when a worker
 * thread fails: the batch stops at once.
 *
 * @example
 * ```ts
 * const { documents, failures } = await validateFiles(expandInputs(['out/']), { kit: '/opt/kit' }, 2);
 * ```
 */
export async function validateFiles(
  files: BatchInput[],
  options: ValidateOptions,
  jobs = 1,
  onProgress?: ProgressListener,
): Promise<BatchResult> {
  const workers = Math.max(1, Math.min(jobs, files.length));
  const outcomes =
    workers > 1
      ? await runInWorkers(files, options, workers, onProgress)
      : await runHere(files, options, onProgress);
  const documents: DocumentValidation[] = [];
  const failures: DocumentFailure[] = [];
  for (const o of outcomes) {
    if ('result' in o) documents.push(o.result);
    else failures.push(o.failure);
  }
  return { documents, failures };
}

/**
 * The documents named by command-line arguments: a folder stands for every `*.xml` below it (recursively, in a fixed
 * order whatever the machine's locale), any other argument for itself. Links are followed: a link to a folder is
 * walked (a link back to a folder being walked is not, so a cycle ends), a link to a document is that document, and
 * a dangling `*.xml` link is listed so that it is reported as unreadable rather than skipped. `-` (standard input) is
 * left to the caller.
 *
 * @example
 * ```ts
 * expandInputs(['out/', 'extra.xml']); // ['out/a.xml', 'out/sub/b.xml', 'extra.xml']
 * ```
 */
export function expandInputs(args: string[]): string[] {
  const out: string[] = [];
  const walking: string[] = []; // real paths of the folders being walked: only a link back to one of them is a cycle
  const walk = (dir: string) => {
    const real = realpathSync(dir);
    if (walking.includes(real)) return;
    walking.push(real);
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      byName.compare(a.name, b.name),
    )) {
      const path = join(dir, e.name);
      const kind = e.isSymbolicLink()
        ? (statKind(path) ?? 'dangling')
        : e.isDirectory()
          ? 'dir'
          : e.isFile()
            ? 'file'
            : undefined;
      if (kind === 'dir') walk(path);
      else if (kind !== undefined && e.name.toLowerCase().endsWith('.xml')) out.push(path);
    }
    walking.pop();
  };
  for (const a of args) {
    let dir = false;
    try {
      dir = statSync(a).isDirectory();
    } catch {
      // not there: reported as that file's failure
    }
    if (dir) walk(a);
    else out.push(a);
  }
  return out;
}

/** File names in the same order on every machine (not the process locale's). */
const byName = new Intl.Collator('en');

/** What a path leads to, links followed; undefined for a dangling link or anything else. */
function statKind(path: string): 'dir' | 'file' | undefined {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

const nameOf = (input: BatchInput) => (typeof input === 'string' ? input : input.file);

async function runHere(
  files: BatchInput[],
  options: ValidateOptions,
  onProgress?: ProgressListener,
): Promise<FileOutcome[]> {
  const thread = xsdThreadFor(options);
  try {
    const validator = await validatorFor(thread ? { ...options, xsd: false } : options);
    const out: FileOutcome[] = [];
    for (const input of files) {
      const file = nameOf(input);
      out.push(
        await validateOne(input, options.maxBytes, async (bytes) => {
          // Limits, encoding and DTD checked before any step, the XSD thread's included.
          if (thread) checkedText(bytes, file, options.maxBytes);
          // Sent first: the thread validates against the XSD while this one runs the schematrons.
          const xsd = thread?.validate(bytes, file);
          xsd?.catch(() => undefined); // a document this thread refuses as malformed never awaits it
          const result = validator.validate(bytes, file);
          return xsd ? withXsdResult(result, await xsd, bytes, options.maxBytes) : result;
        }),
      );
      onProgress?.(out.length, files.length);
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

/**
 * Read and validate one file, turning read and parse errors into a failure record. The size is checked from
 * `stat` before the file is read: a file above the limit costs no memory.
 */
export async function validateOne(
  input: BatchInput,
  maxBytes: number | undefined,
  run: (bytes: Uint8Array) => DocumentValidation | Promise<DocumentValidation>,
): Promise<FileOutcome> {
  const file = nameOf(input);
  let bytes: Uint8Array;
  try {
    bytes = typeof input === 'string' ? readXmlFile(input, maxBytes ?? MAX_DOCUMENT_BYTES) : input.bytes;
  } catch (e) {
    if (e instanceof XmlParseError) return { failure: { file, code: e.code, message: e.message } };
    return {
      failure: {
        file,
        code: 'IO_ERROR',
        message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      },
    };
  }
  try {
    return { result: isXdsMetadata(bytes) ? await validateXdsMetadata(bytes, file) : await run(bytes) };
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

/**
 * A batch over `count` threads: this one and `count - 1` workers. The workers start first and load the
 * compiled rules from the disk cache themselves while this thread, already warm, validates; on a cold cache the
 * rules are compiled here once and handed to them. Documents are handed out one by one (two in flight per
 * worker, so none waits while this thread is busy), and the outcomes kept in input order.
 */
async function runInWorkers(
  files: BatchInput[],
  options: ValidateOptions,
  count: number,
  onProgress?: ProgressListener,
): Promise<FileOutcome[]> {
  const init = await workerInit(options);
  const entry = workerEntry('validate-worker', 'worker.ts');
  const queue = new BatchQueue(files, onProgress);
  const pool: Worker[] = [];
  try {
    const fed: Promise<void>[] = [];
    for (let k = 1; k < count; k++) {
      const worker = new Worker(entry.url, { workerData: init, eval: entry.eval === true });
      pool.push(worker);
      // Listening from the start: a worker may be ready while this thread loads its own validator.
      const done = feedWorker(worker, queue);
      done.catch((e: unknown) => queue.abort(e)); // a failed worker stops the batch at once, not at its end
      fed.push(done);
    }
    await validateShareHere(await validatorFor(options), queue, options);
    await Promise.all(fed);
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return queue.outcomes;
}

/**
 * What the workers start with. Rules the disk cache holds are left to them (reading the cache costs each
 * thread less than waiting for this one); others are compiled here, once, and sent serialized.
 */
export async function workerInit(options: ValidateOptions): Promise<WorkerInit> {
  const rules = resolveRules(options); // a bad kit path fails here, once, before any worker starts
  const compiled: WorkerInit['compiled'] = {};
  for (const p of rules.forcedVolet ? [rules.forcedVolet, ...rules.profiles] : rules.profiles) {
    const request = compileRequest(p, options);
    if (isOnDisk(request)) continue;
    try {
      compiled[p.name] = { serialized: await getSerialized(request) };
    } catch (e) {
      compiled[p.name] = {
        error: e instanceof CisisBioError ? `${e.code}: ${e.message}` : (e as Error).message,
      };
    }
  }
  return { options, compiled };
}

/** The documents of a batch, handed out in order to whichever thread is free, and their outcomes. */
export class BatchQueue {
  readonly outcomes: FileOutcome[];
  private next = 0;
  private done = 0;
  private failure: { error: unknown } | undefined;

  constructor(
    readonly files: BatchInput[],
    private readonly onProgress?: ProgressListener,
  ) {
    this.outcomes = new Array(files.length);
  }

  /** Index of the next document to validate; undefined when all are handed out or the batch was aborted. */
  take(): number | undefined {
    if (this.failure) return undefined;
    return this.next < this.files.length ? this.next++ : undefined;
  }

  settle(index: number, outcome: FileOutcome): void {
    this.outcomes[index] = outcome;
    this.onProgress?.(++this.done, this.files.length);
  }

  /** Stop handing out documents: a thread failed. The first failure is the one reported. */
  abort(error: unknown): void {
    this.failure ??= { error };
  }

  /** Throws the failure that aborted the batch, if any. */
  throwIfAborted(): void {
    if (this.failure) throw this.failure.error;
  }
}

/** This thread's share of a batch: the next document whenever it is free, the event loop served in between. */
async function validateShareHere(validator: Validator, queue: BatchQueue, options: ValidateOptions) {
  for (let i = queue.take(); i !== undefined; i = queue.take()) {
    const input = queue.files[i]!;
    const file = nameOf(input);
    queue.settle(i, await validateOne(input, options.maxBytes, (bytes) => validator.validate(bytes, file)));
    // Validation is synchronous: let the workers' messages in so that they get their next documents.
    await new Promise((resolve) => setImmediate(resolve));
  }
  queue.throwIfAborted();
}

/** What a worker thread posts: ready to work, a document's outcome, or a failure (with the document's index). */
export type WorkerMessage =
  | { ready: true }
  | { index: number; outcome: FileOutcome }
  | { index: number; fatal: { code: string; message: string; where?: string } };

/**
 * Keep one worker busy until the queue is empty: documents are handed to it once it says it is ready (its rules
 * loaded), two in flight so that it never waits for this thread. Rejects when the worker fails; the error names the
 * document it was validating.
 */
export function feedWorker(worker: WorkerPort, queue: BatchQueue): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let inFlight = 0;
    let settled = false;
    const fail = (e: unknown) => {
      settled = true;
      reject(e);
    };
    const feed = () => {
      const index = queue.take();
      if (index === undefined) {
        if (inFlight === 0 && !settled) {
          settled = true;
          resolve();
        }
        return;
      }
      inFlight++;
      worker.postMessage({ index, input: queue.files[index] });
    };
    worker.on('message', (msg: WorkerMessage) => {
      if ('ready' in msg) {
        feed();
        feed();
      } else if ('fatal' in msg) {
        const file = msg.index >= 0 ? queue.files[msg.index] : undefined;
        const where = msg.fatal.where ?? (file === undefined ? undefined : nameOf(file));
        fail(new CisisBioError(msg.fatal.code, msg.fatal.message, where === undefined ? {} : { where }));
      } else {
        inFlight--;
        queue.settle(msg.index, msg.outcome);
        feed();
      }
    });
    worker.on('error', (e: unknown) =>
      fail(
        new CisisBioError('VALIDATE_WORKER', `a validation worker failed: ${(e as Error).message}`, {
          cause: e,
        }),
      ),
    );
    worker.on('exit', (code: number) => {
      if (!settled) fail(new CisisBioError('VALIDATE_WORKER', `a validation worker stopped (exit ${code})`));
    });
  });
}

/** The part of a worker thread {@link feedWorker} uses (a test can stand in for it). */
export interface WorkerPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (msg: WorkerMessage) => void): unknown;
  on(event: 'error', listener: (e: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}
