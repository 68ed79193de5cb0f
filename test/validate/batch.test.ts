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
import { expandInputs, validateFiles } from '../../src/validate/batch.js';
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
    const two = await validateFiles(files, { kit: KIT_DIR }, 2);
    expect(cacheStats.compiles).toBeGreaterThanOrEqual(4); // the four profiles, compiled in this thread
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

describe('expandInputs', () => {
  it('follows links to documents and folders, and walks a folder once even through a link cycle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cisis-bio-inputs-'));
    try {
      mkdirSync(join(dir, 'run/sub'), { recursive: true });
      writeFileSync(join(dir, 'a.xml'), '<a/>');
      writeFileSync(join(dir, 'run/sub/b.xml'), '<b/>');
      symlinkSync(join(dir, 'a.xml'), join(dir, 'run/link-to-a.xml'));
      symlinkSync(join(dir, 'run'), join(dir, 'run/sub/back-to-run')); // a cycle
      symlinkSync(join(dir, 'gone.xml'), join(dir, 'run/dangling.xml'));
      expect(expandInputs([join(dir, 'run')])).toEqual([
        join(dir, 'run/link-to-a.xml'),
        join(dir, 'run/sub/b.xml'),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
