// Worker-thread entry of `cisis-bio validate --jobs N` (bundled as dist/validate-worker.js).
import { parentPort, workerData } from 'node:worker_threads';
import { CisisBioError } from '../common/errors.js';
import { type BatchInput, validateOne, type WorkerInit, type WorkerMessage } from './batch.js';
import { seedSerialized } from './cache.js';
import { compileRequest, Validator } from './pipeline.js';
import { resolveRules } from './rules.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (msg: WorkerMessage) => port.postMessage(msg);

/** A failure as it crosses to the main thread: its code kept, so the error is the same whichever thread met it. */
const fatal = (index: number, e: unknown): WorkerMessage => ({
  index,
  fatal:
    e instanceof CisisBioError
      ? {
          code: e.code,
          // the message without the " (at …)" the constructor appended: the main thread adds the where again
          message: e.where === undefined ? e.message : e.message.slice(0, -` (at ${e.where})`.length),
          ...(e.where === undefined ? {} : { where: e.where }),
        }
      : { code: 'VALIDATE_WORKER', message: (e as Error)?.message ?? String(e) },
});

async function start(): Promise<void> {
  const rules = resolveRules(init.options);
  const errors: Record<string, string> = {};
  for (const p of rules.forcedVolet ? [rules.forcedVolet, ...rules.profiles] : rules.profiles) {
    const c = init.compiled[p.name];
    if (c && 'serialized' in c) seedSerialized(compileRequest(p, init.options), c.serialized);
    else if (c) errors[p.name] = c.error;
    // absent: the disk cache holds it; Validator.create reads it here
  }
  const validator = await Validator.create(init.options, errors);
  port.on('message', (msg: { index: number; input: BatchInput }) => {
    const file = typeof msg.input === 'string' ? msg.input : msg.input.file;
    validateOne(msg.input, init.options.maxBytes, (bytes) => validator.validate(bytes, file)).then(
      (outcome) => post({ index: msg.index, outcome }),
      (e: unknown) => post(fatal(msg.index, e)),
    );
  });
  post({ ready: true });
}

start().catch((e: unknown) => post(fatal(-1, e)));
