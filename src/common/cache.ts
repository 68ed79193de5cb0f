// The SDK's disk cache: one root folder, entries that carry their own checksum, written atomically.
// Shared by the validator's compiled schematrons and the LOINC table index.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';

/**
 * Folder of the disk cache: `$XDG_CACHE_HOME/cisis-bio`, else `~/.cache/cisis-bio` (the XDG spec ignores a
 * relative XDG_CACHE_HOME). Never inside the kit or a LOINC release, which may be read-only or shared.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'cisis-bio');
}

export const sha256Hex = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex');

/**
 * Payload of a checksummed cache entry — first line `<head> <sha256 of the payload>`, then the payload — or
 * `undefined` when the file is absent, `'corrupt'` when its first line is not `head` with the right checksum
 * (another version's entry, a truncated or edited file).
 */
export function readCheckedEntry(file: string, head: string): string | 'corrupt' | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const nl = text.indexOf('\n');
  if (nl < 0) return 'corrupt';
  const payload = text.slice(nl + 1);
  return text.slice(0, nl) === `${head} ${sha256Hex(payload)}` ? payload : 'corrupt';
}

/** Write a file atomically (a temp file in the same folder, then rename): a reader never sees half a file. */
export function writeFileAtomicSync(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A temp file name beside `path`, for writes that end in a rename. */
export const tempPathFor = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);

/** Age past which a temp file of the cache is an interrupted write (a process killed mid-write), not one in progress. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Keep a cache folder bounded: the `keep` most recently written entries ending in `ext` stay, older ones go, and so do
 * temp files that interrupted writes left behind. Housekeeping: errors are ignored (another process may be pruning).
 */
export function pruneCacheFolder(dir: string, ext: string, keep: number): void {
  removeStaleTemps(dir);
  try {
    const entries = readdirSync(dir)
      .filter((f) => f.endsWith(ext))
      .map((f) => ({ path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs }));
    if (entries.length <= keep) return;
    entries.sort((a, b) => b.mtime - a.mtime);
    for (const e of entries.slice(keep)) rmSync(e.path, { force: true });
  } catch {
    // another process may be pruning the same folder
  }
}

/** Remove the temp files interrupted writes left in a cache folder (housekeeping: errors are ignored). */
export function removeStaleTemps(dir: string, now = Date.now()): void {
  try {
    for (const f of readdirSync(dir)) {
      if (!f.startsWith('.') || !f.endsWith('.tmp')) continue;
      const path = join(dir, f);
      if (now - statSync(path).mtimeMs > STALE_TEMP_MS) rmSync(path, { force: true });
    }
  } catch {
    // another process may be cleaning the same folder
  }
}
