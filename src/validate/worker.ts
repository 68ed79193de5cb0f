// Worker-thread entry of `cisis-bio validate --jobs N` (bundled as dist/validate-worker.js).
import { parentPort, workerData } from 'node:worker_threads';
import { type BatchInput, validateOne, type WorkerInit } from './batch.js';
import { seedSerialized } from './cache.js';
import { compileRequest, Validator } from './pipeline.js';
import { resolveRules } from './rules.js';

const init = workerData as WorkerInit;
const port = parentPort!;

async function start(): Promise<void> {
  const rules = resolveRules(init.options);
  const errors: Record<string, string> = {};
  for (const p of rules.forcedVolet ? [rules.forcedVolet, ...rules.profiles] : rules.profiles) {
    const c = init.compiled[p.name];
    if (c && 'serialized' in c) seedSerialized(compileRequest(p, init.options), c.serialized);
    else if (c) errors[p.name] = c.error;
  }
  const validator = await Validator.create(init.options, errors);
  port.on('message', (msg: { index: number; input: BatchInput }) => {
    const file = typeof msg.input === 'string' ? msg.input : msg.input.file;
    validateOne(msg.input, init.options.maxBytes, (bytes) => validator.validate(bytes, file)).then(
      (outcome) => port.postMessage({ index: msg.index, outcome }),
      (e: unknown) => port.postMessage({ index: msg.index, fatal: (e as Error).message ?? String(e) }),
    );
  });
}

start().catch((e: unknown) => port.postMessage({ index: -1, fatal: (e as Error).message ?? String(e) }));
