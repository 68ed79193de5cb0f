import { EventEmitter } from 'node:events';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CisisBioError } from '../../src/common/errors.js';
import {
  BatchQueue,
  expandInputs,
  feedWorker,
  validateFiles,
  type WorkerMessage,
  type WorkerPort,
  workerInit,
} from '../../src/validate/batch.js';
import { cacheStats, resetCacheStats } from '../../src/validate/cache.js';
import { resetValidators } from '../../src/validate/pipeline.js';
import { EXAMPLES_DIR, KIT_DIR } from '../helpers/shared.js';

// A batch over threads (this one + workers) must give exactly the one-thread result, whether the workers get the
// compiled rules from this thread (cold disk cache) or read them from the disk cache themselves (warm).
describe('validateFiles over threads', () => {
  let work = '';
  let files: string[] = [];
  const savedCache = process.env.XDG_CACHE_HOME;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'cisis-bio-batch-'));
    process.env.XDG_CACHE_HOME = join(work, 'cache'); // workers inherit it; an empty cache to start with
    const tsh = readFileSync(join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml'), 'utf8');
    const bad = join(work, 'bad.xml');
    writeFileSync(bad, tsh.replace('<title>', '<unknownElement/><title>'));
    const malformed = join(work, 'malformed.xml');
    writeFileSync(malformed, '<ClinicalDocument><unclosed></ClinicalDocument>');
    const bio = readdirSync(EXAMPLES_DIR)
      .filter((f) => f.startsWith('BIO-CR-BIO_2024.01'))
      .sort()
      .slice(0, 4)
      .map((f) => join(EXAMPLES_DIR, f));
    files = [bio[0]!, bad, malformed, ...bio.slice(1), join(work, 'missing.xml')];
  });
  afterAll(() => {
    if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = savedCache;
    rmSync(work, { recursive: true, force: true });
  });

  it('cold cache: the rules are compiled once here and handed over; the result is the one-thread result', {
    timeout: 180_000,
  }, async () => {
    resetValidators();
    resetCacheStats();
    expect(Object.keys((await workerInit({ kit: KIT_DIR })).compiled)).toHaveLength(4); // none on disk: sent
    expect(cacheStats.compiles).toBe(4); // the four common profiles, compiled once, in this thread
    const two = await validateFiles(files, { kit: KIT_DIR }, 2);
    expect(cacheStats.compiles).toBe(5); // + the documents' volet (CR-BIO 2024.01), chosen while validating
    resetValidators();
    const one = await validateFiles(files, { kit: KIT_DIR }, 1);
    expect(two).toEqual(one);
    expect(one.documents.map((d) => [d.file, d.valid])).toEqual([
      [files[0], true],
      [files[1], false],
      ...files.slice(3, -1).map((f) => [f, true]),
    ]);
    expect(one.failures.map((f) => f.code)).toEqual(['XML_MALFORMED', 'IO_ERROR']);
  });

  it('warm cache: nothing is compiled, the workers load the rules themselves, same result', {
    timeout: 180_000,
  }, async () => {
    resetValidators();
    const one = await validateFiles(files, { kit: KIT_DIR }, 1);
    resetValidators();
    resetCacheStats();
    expect((await workerInit({ kit: KIT_DIR })).compiled).toEqual({}); // all on disk: the workers read them
    const three = await validateFiles(files, { kit: KIT_DIR }, 3);
    expect(cacheStats.compiles).toBe(0);
    expect(three).toEqual(one);
  });

  it('reports progress once per document, whichever thread validated it', { timeout: 180_000 }, async () => {
    const seen: number[] = [];
    await validateFiles(files, { kit: KIT_DIR }, 2, (done, total) => {
      expect(total).toBe(files.length);
      seen.push(done);
    });
    expect(seen).toEqual(files.map((_, i) => i + 1));
  });
});

/** A worker thread stand-in: records what it is sent; the test says what it answers. */
class FakeWorker extends EventEmitter implements WorkerPort {
  readonly sent: Array<{ index: number }> = [];
  postMessage(message: unknown): void {
    this.sent.push(message as { index: number });
  }
  say(msg: WorkerMessage): void {
    this.emit('message', msg);
  }
}

describe('feedWorker', () => {
  const outcome = (file: string) => ({ failure: { file, code: 'IO_ERROR', message: 'x' } });

  it('sends nothing before the worker is ready, then keeps two documents in flight', async () => {
    const queue = new BatchQueue(['a', 'b', 'c']);
    const w = new FakeWorker();
    const done = feedWorker(w, queue);
    w.emit('online');
    expect(w.sent).toEqual([]);
    w.say({ ready: true });
    expect(w.sent.map((m) => m.index)).toEqual([0, 1]);
    w.say({ index: 1, outcome: outcome('b') });
    expect(w.sent.map((m) => m.index)).toEqual([0, 1, 2]);
    w.say({ index: 0, outcome: outcome('a') });
    w.say({ index: 2, outcome: outcome('c') });
    await done;
    expect(queue.outcomes.map((o) => ('failure' in o ? o.failure.file : ''))).toEqual(['a', 'b', 'c']);
  });

  it("a worker's error keeps its code and names the document; the batch stops handing out documents", async () => {
    const queue = new BatchQueue(['a', 'b', 'c', 'd', 'e']);
    const w = new FakeWorker();
    const done = feedWorker(w, queue);
    w.say({ ready: true });
    w.say({ index: 1, fatal: { code: 'XSD_LOAD', message: 'cannot load the XSD' } });
    const e = await done.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CisisBioError);
    expect(e).toMatchObject({ code: 'XSD_LOAD', where: 'b' });
    queue.abort(e);
    expect(queue.take()).toBeUndefined();
    expect(() => queue.throwIfAborted()).toThrow(e as Error);
  });

  it('a worker that stops before it is ready, or dies, fails the batch (no hang)', async () => {
    const early = new FakeWorker();
    const p1 = feedWorker(early, new BatchQueue(['a']));
    early.emit('exit', 0);
    await expect(p1).rejects.toMatchObject({ code: 'VALIDATE_WORKER' });
    const crashed = new FakeWorker();
    const p2 = feedWorker(crashed, new BatchQueue(['a', 'b']));
    crashed.say({ ready: true });
    crashed.emit('error', new Error('ERR_WORKER_OUT_OF_MEMORY'));
    await expect(p2).rejects.toMatchObject({
      code: 'VALIDATE_WORKER',
      cause: { message: 'ERR_WORKER_OUT_OF_MEMORY' },
    });
  });
});

describe('expandInputs', () => {
  it('follows links to documents and folders, walks a folder linked twice twice, ends cycles, lists dangling links', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cisis-bio-inputs-'));
    try {
      mkdirSync(join(dir, 'run/sub'), { recursive: true });
      mkdirSync(join(dir, 'store'));
      writeFileSync(join(dir, 'a.xml'), '<a/>');
      writeFileSync(join(dir, 'store/r.xml'), '<r/>');
      writeFileSync(join(dir, 'run/sub/b.xml'), '<b/>');
      symlinkSync(join(dir, 'a.xml'), join(dir, 'run/link-to-a.xml'));
      symlinkSync(join(dir, 'store'), join(dir, 'run/lab1')); // two links to one folder: both walked
      symlinkSync(join(dir, 'store'), join(dir, 'run/lab2'));
      symlinkSync(join(dir, 'run'), join(dir, 'run/sub/back-to-run')); // a cycle: not walked again
      symlinkSync(join(dir, 'gone.xml'), join(dir, 'run/z-dangling.xml')); // listed: reported as unreadable
      expect(expandInputs([join(dir, 'run')])).toEqual([
        join(dir, 'run/lab1/r.xml'),
        join(dir, 'run/lab2/r.xml'),
        join(dir, 'run/link-to-a.xml'),
        join(dir, 'run/sub/b.xml'),
        join(dir, 'run/z-dangling.xml'),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('orders names the same whatever the locale (a fixed collation, not the process locale)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cisis-bio-order-'));
    try {
      for (const n of ['b.xml', 'B2.xml', 'ä.xml', 'a10.xml', 'a9.xml', 'z.xml'])
        writeFileSync(join(dir, n), '<x/>');
      const names = expandInputs([dir]).map((p) => p.slice(dir.length + 1));
      expect(names).toEqual([...names].sort(new Intl.Collator('en').compare));
      expect(names).toEqual(['ä.xml', 'a10.xml', 'a9.xml', 'b.xml', 'B2.xml', 'z.xml']); // sv_SE would put ä last
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
