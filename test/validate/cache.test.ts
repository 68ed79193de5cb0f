import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cacheDir,
  cacheKey,
  cacheStats,
  clearMemoryCache,
  getCompiled,
  MAX_CACHE_ENTRIES,
  resetCacheStats,
  stampedKey,
} from '../../src/validate/cache.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

let schDir: string;
let sch: string;
let cache: string;
beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'cisis-bio-cache-'));
  process.env.XDG_CACHE_HOME = cache;
  schDir = mkdtempSync(join(tmpdir(), 'cisis-bio-sch-'));
  cpSync(FIXTURES, schDir, { recursive: true });
  sch = join(schDir, 'mini.sch');
  clearMemoryCache();
  resetCacheStats();
});
afterEach(() => {
  for (const d of [cache, schDir]) rmSync(d, { recursive: true, force: true });
});

const entries = () => readdirSync(join(cache, 'cisis-bio', 'compiled'));

describe('compiled-schematron cache', () => {
  it('lives under $XDG_CACHE_HOME/cisis-bio, else ~/.cache/cisis-bio', () => {
    expect(cacheDir({ XDG_CACHE_HOME: '/x/y' })).toBe('/x/y/cisis-bio');
    expect(cacheDir({})).toBe(join(homedir(), '.cache', 'cisis-bio'));
  });

  it('compiles once per process, then a new process reads the disk instead of compiling', async () => {
    const first = await getCompiled({ schPath: sch });
    expect(cacheStats).toMatchObject({ compiles: 1, diskWrites: 1, diskHits: 0 });
    expect(entries()).toEqual([`${cacheKey({ schPath: sch })}.txt`]);
    expect(await getCompiled({ schPath: sch })).toBe(first);
    expect(cacheStats).toMatchObject({ compiles: 1, memoryHits: 1 });

    clearMemoryCache(); // as a new process would start
    await getCompiled({ schPath: sch });
    expect(cacheStats).toMatchObject({ compiles: 1, diskHits: 1, diskWrites: 1 });
    expect(readdirSync(schDir)).not.toContain('.cache'); // never inside the rules' folder
  });

  it('keys on the content of included files, the phase and the path', () => {
    const before = cacheKey({ schPath: sch });
    expect(cacheKey({ schPath: sch, phase: '#ALL' })).not.toBe(before);
    writeFileSync(
      join(schDir, 'include/title.sch'),
      readFileSync(join(schDir, 'include/title.sch'), 'utf8').replace('no   title', 'no title!'),
    );
    expect(cacheKey({ schPath: sch })).not.toBe(before);
  });

  it("reuses the key stamped with the include files' size and time, and hashes again when one changes", async () => {
    const key = await stampedKey({ schPath: sch });
    expect(key).toBe(cacheKey({ schPath: sch }));
    expect(cacheStats.stampedKeys).toBe(0);
    expect(await stampedKey({ schPath: sch })).toBe(key);
    expect(cacheStats.stampedKeys).toBe(1); // no include file read
    const inc = join(schDir, 'include/title.sch');
    writeFileSync(inc, readFileSync(inc, 'utf8').replace('no   title', 'no title!'));
    utimesSync(inc, 2_000_000, 2_000_000); // a distinct time, whatever the file system's resolution
    const changed = await stampedKey({ schPath: sch });
    expect(cacheStats.stampedKeys).toBe(1);
    expect(changed).not.toBe(key);
    expect(changed).toBe(cacheKey({ schPath: sch }));
    expect(await stampedKey({ schPath: sch })).toBe(changed);
    expect(cacheStats.stampedKeys).toBe(2);
  });

  it('ignores and rewrites a corrupt entry', async () => {
    await getCompiled({ schPath: sch });
    const file = join(cache, 'cisis-bio', 'compiled', entries()[0]!);
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.slice(0, good.length / 2)); // truncated
    clearMemoryCache();
    resetCacheStats();
    await getCompiled({ schPath: sch });
    expect(cacheStats).toMatchObject({ corruptEntries: 1, compiles: 1, diskWrites: 1 });
    expect(readFileSync(file, 'utf8')).toBe(good);
    expect(readdirSync(join(cache, 'cisis-bio', 'compiled')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps at most MAX_CACHE_ENTRIES entries, dropping the oldest', async () => {
    const dir = join(cache, 'cisis-bio', 'compiled');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < MAX_CACHE_ENTRIES + 5; i++) {
      const f = join(dir, `old${i}.txt`);
      writeFileSync(f, 'x');
      utimesSync(f, 1_000_000 + i, 1_000_000 + i);
    }
    await getCompiled({ schPath: sch });
    const left = entries();
    expect(left).toHaveLength(MAX_CACHE_ENTRIES);
    expect(left).toContain(`${cacheKey({ schPath: sch })}.txt`);
    expect(left).not.toContain('old0.txt');
    expect(left).toContain(`old${MAX_CACHE_ENTRIES + 4}.txt`);
  });

  it('--no-cache neither reads nor writes the disk', async () => {
    await getCompiled({ schPath: sch, disk: false });
    expect(cacheStats).toMatchObject({ compiles: 1, diskWrites: 0, diskHits: 0 });
    expect(existsSync(join(cache, 'cisis-bio'))).toBe(false);
  });
});
