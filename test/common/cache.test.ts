import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cacheRoot,
  pruneCacheFolder,
  readCheckedEntry,
  sha256Hex,
  writeFileAtomicSync,
} from '../../src/common/cache.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cisis-bio-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A file whose modification time is `agoMs` before the file system's now (relative: no dependence on the date). */
function fileAged(name: string, agoMs: number): string {
  const path = join(dir, name);
  writeFileSync(path, name);
  const t = (Date.now() - agoMs) / 1000;
  utimesSync(path, t, t);
  return path;
}

describe('the disk cache helpers', () => {
  it('root folder: $XDG_CACHE_HOME/cisis-bio when absolute, else ~/.cache/cisis-bio', () => {
    expect(cacheRoot({ XDG_CACHE_HOME: '/c' })).toBe('/c/cisis-bio');
    expect(cacheRoot({ XDG_CACHE_HOME: 'relative' })).toMatch(/\.cache\/cisis-bio$/);
  });

  it('a checksummed entry reads back; a changed payload, another head or no file is told apart', () => {
    const file = join(dir, 'e.txt');
    expect(readCheckedEntry(file, 'fmt 1')).toBeUndefined();
    writeFileAtomicSync(file, `fmt 1 ${sha256Hex('payload')}\npayload`);
    expect(readCheckedEntry(file, 'fmt 1')).toBe('payload');
    expect(readCheckedEntry(file, 'fmt 2')).toBe('corrupt');
    writeFileSync(file, `fmt 1 ${sha256Hex('payload')}\npayloaX`);
    expect(readCheckedEntry(file, 'fmt 1')).toBe('corrupt');
    expect(readdirSync(dir)).toEqual(['e.txt']); // the atomic write left no temp file
  });

  it('pruning keeps the most recent entries and removes interrupted writes older than an hour', () => {
    for (let i = 0; i < 6; i++) fileAged(`${i}.idx`, (6 - i) * 60_000); // 5.idx the newest
    const stale = fileAged('.0.idx.abc.tmp', 2 * 3_600_000);
    const fresh = fileAged('.5.idx.def.tmp', 60_000); // a write in progress
    const other = fileAged('keep.json', 10 * 3_600_000);
    pruneCacheFolder(dir, '.idx', 4);
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.idx'))
        .sort(),
    ).toEqual(['2.idx', '3.idx', '4.idx', '5.idx']);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });
});
