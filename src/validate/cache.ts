import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import {
  cacheRoot,
  pruneCacheFolder,
  readCheckedEntry,
  sha256Hex,
  writeFileAtomicSync,
} from '../common/cache.js';
import {
  type CompiledSchematron,
  compileSchematron,
  deserializeCompiled,
  ENGINE_VERSION,
  engineFingerprint,
  serializeCompiled,
} from './engine.js';

/**
 * Counters of the compiled-schematron cache, for tests and diagnostics (never for timing).
 * `compiles` counts real compilations; a warm disk cache leaves it at 0.
 */
export const cacheStats = {
  compiles: 0,
  memoryHits: 0,
  diskHits: 0,
  diskWrites: 0,
  corruptEntries: 0,
  /** Keys taken from a key stamp (no include file read) instead of hashing the include tree. */
  stampedKeys: 0,
  /** Entries whose binding (schematron path, phase, content hash of every source file, engine) did not hold. */
  bindingMismatches: 0,
};

/** Reset the counters (tests). */
export function resetCacheStats(): void {
  for (const k of Object.keys(cacheStats) as Array<keyof typeof cacheStats>) cacheStats[k] = 0;
}

/** Folder of the disk cache (`$XDG_CACHE_HOME/cisis-bio`, else `~/.cache/cisis-bio`), shared with the LOINC index. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return cacheRoot(env);
}

export interface CompileRequest {
  /** Top-level `.sch`. */
  schPath: string;
  phase?: string;
  /** Use the disk cache (default true). */
  disk?: boolean;
}

const memory = new Map<string, { compiled?: CompiledSchematron; serialized?: string }>();
const memoKey = (r: CompileRequest) => `${resolve(r.schPath)}\u0000${r.phase ?? ''}`;

/** The compiled schematron, compiled at most once per process; from the disk cache when it holds it. */
export async function getCompiled(request: CompileRequest): Promise<CompiledSchematron> {
  return getCompiledSync(request);
}

/** {@link getCompiled}, synchronously (a volet chosen while a document is being validated). */
export function getCompiledSync(request: CompileRequest): CompiledSchematron {
  const key = memoKey(request);
  const memo = memory.get(key);
  if (memo?.compiled) {
    cacheStats.memoryHits++;
    return memo.compiled;
  }
  if (memo?.serialized !== undefined) {
    const compiled = deserializeCompiled(memo.serialized) as CompiledSchematron;
    memo.compiled = compiled;
    return compiled;
  }
  const entry = load(request);
  memory.set(key, entry);
  return entry.compiled ?? (deserializeCompiled(entry.serialized!) as CompiledSchematron);
}

/**
 * The compiled schematron in its serialized form (what worker threads receive), from the same caches.
 */
export async function getSerialized(request: CompileRequest): Promise<string> {
  const key = memoKey(request);
  let entry = memory.get(key);
  if (!entry) {
    entry = load(request);
    memory.set(key, entry);
  }
  const serialized: string = entry.serialized ?? serializeCompiled(entry.compiled!);
  entry.serialized = serialized;
  return serialized;
}

/**
 * Whether the disk cache holds an entry for this request, so that a worker thread can load it itself instead of
 * receiving it from the main thread. Checks presence only (reading it would cost this thread what it saves the
 * workers): an entry present but unusable — truncated, or bound to a value set edited since — is recompiled by each
 * thread that reads it, once, and rewritten.
 */
export function isOnDisk(request: CompileRequest): boolean {
  return request.disk !== false && existsSync(join(cacheDir(), 'compiled', `${stampedKey(request)}.txt`));
}

/** Seed the in-process cache with a serialized form received from the main thread (workers). */
export function seedSerialized(request: CompileRequest, serialized: string): void {
  memory.set(memoKey(request), { serialized });
}

/** Forget the in-process compiled forms (tests). */
export function clearMemoryCache(): void {
  memory.clear();
}

/**
 * Layout of an entry file; part of the key, so that an entry written in another layout is never found under the same
 * name (a worker thread trusts a name that is present, see {@link isOnDisk}).
 */
const ENTRY_FORMAT = '2';
/** First line of an entry, before the checksum: the format and the engine that wrote it. */
const HEAD = `cisis-bio-compiled-schematron ${ENTRY_FORMAT} ${ENGINE_VERSION}`;

function load(request: CompileRequest): { compiled?: CompiledSchematron; serialized?: string } {
  if (request.disk === false) return { compiled: compile(request) };
  const file = join(cacheDir(), 'compiled', `${stampedKey(request)}.txt`);
  const hit = readEntry(file);
  if (hit !== undefined) {
    try {
      const compiled = deserializeCompiled(hit) as CompiledSchematron;
      if (bindingHolds(compiled, request)) {
        cacheStats.diskHits++;
        return { compiled, serialized: hit };
      }
      cacheStats.bindingMismatches++;
    } catch {
      cacheStats.corruptEntries++;
    }
  }
  const compiled = compile(request);
  const serialized = serializeCompiled(compiled);
  try {
    writeFileAtomicSync(file, `${HEAD} ${sha256Hex(serialized)}\n${serialized}`);
    cacheStats.diskWrites++;
    pruneCacheFolder(dirname(file), '.txt', MAX_CACHE_ENTRIES);
  } catch {
    // A cache that cannot be written (read-only home, full disk) only costs speed.
  }
  return { compiled, serialized };
}

/**
 * An entry is used only for what it was compiled from: the same top-level schematron and phase, and every file
 * the compilation read (the schematron, its includes, the value sets named by a literal `doc()`) still has the
 * content hash recorded in it. An entry written for another schematron — or an always-true schematron planted
 * under this key — fails the check and is recompiled. (Someone able to write the cache can still forge an entry
 * whose rules differ from its sources: the cache is as trusted as the kit; see docs/validate.md.)
 */
function bindingHolds(compiled: CompiledSchematron, request: CompileRequest): boolean {
  const model = (
    compiled as unknown as { model?: { sources?: Array<[string, string | null]>; baseDir?: string } }
  ).model;
  const top = resolve(request.schPath);
  if (!model || compiled.schPath !== top || model.baseDir !== dirname(top)) return false;
  if (request.phase !== undefined && request.phase !== '#DEFAULT' && compiled.phase !== request.phase)
    return false;
  const sources = model.sources;
  if (!Array.isArray(sources) || !sources.some(([p]) => resolve(model.baseDir!, p) === top)) return false;
  for (const [rel, hash] of sources) {
    let now: string | null;
    try {
      now = sha256Hex(readFileSync(resolve(model.baseDir!, rel)));
    } catch {
      now = null;
    }
    if (now !== hash) return false;
  }
  return true;
}

/** Entries kept on disk: each kit or engine update adds some; the least recently written go first. */
export const MAX_CACHE_ENTRIES = 64;

function compile(request: CompileRequest): CompiledSchematron {
  cacheStats.compiles++;
  return compileSchematron(request.schPath, request.phase === undefined ? {} : { phase: request.phase });
}

/** Payload of a cache file, or undefined when absent or corrupt (another engine's entry, bad checksum). */
function readEntry(file: string): string | undefined {
  const entry = readCheckedEntry(file, HEAD);
  if (entry !== 'corrupt') return entry;
  cacheStats.corruptEntries++;
  return undefined;
}

/**
 * Cache key: the engine version and build, the phase, the schematron's path, and the content of every file
 * of its include tree. Value sets read by `doc()` at run time are not part of the compiled form and so not of the key.
 */
export function cacheKey(
  request: CompileRequest,
  onFile?: (path: string, stat: { size: number; mtimeMs: number } | undefined) => void,
): string {
  const top = resolve(request.schPath);
  const h = createHash('sha256');
  // The absolute path is part of the key: the compiled form resolves doc() from the schematron's folder.
  h.update(
    `${ENTRY_FORMAT}\u0000${ENGINE_VERSION}\u0000${engineFingerprint()}\u0000${request.phase ?? ''}\u0000${top}\u0000`,
  );
  for (const [path, content] of includeTree(top, onFile)) {
    h.update(`${relative(dirname(top), path)}\u0000`);
    h.update(content);
    h.update('\u0000');
  }
  return h.digest('hex');
}

/** What a key stamp records: the key, and the size and modification time of each file hashed into it. */
interface KeyStamp {
  key: string;
  files: Array<[path: string, size: number, mtimeMs: number]>;
}

/**
 * {@link cacheKey}, without reading the include tree when nothing in it changed: the key is stamped with the
 * size and modification time of every file hashed into it (`keys/` in the cache folder), and reused while they
 * all still match — as make and ccache judge freshness. Hashing a large kit profile's hundreds of included
 * files costs ≈ 50 ms per profile; checking their stamps a few. A file edited in place keeping both its size
 * and its modification time would go unnoticed: `--no-cache` or deleting the cache folder settles that.
 */
export function stampedKey(request: CompileRequest): string {
  const top = resolve(request.schPath);
  const id = sha256Hex(
    `${ENTRY_FORMAT}\u0000${ENGINE_VERSION}\u0000${engineFingerprint()}\u0000${request.phase ?? ''}\u0000${top}`,
  );
  const stampFile = join(cacheDir(), 'keys', `${id}.json`);
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as KeyStamp;
    if (typeof stamp.key === 'string' && stamp.files.every(([p, size, mtime]) => sameStat(p, size, mtime))) {
      cacheStats.stampedKeys++;
      return stamp.key;
    }
  } catch {
    // No stamp yet, or an unreadable one: hash the tree.
  }
  const files: KeyStamp['files'] = [];
  const key = cacheKey(request, (path, st) => files.push([path, st ? st.size : -1, st ? st.mtimeMs : -1]));
  try {
    writeFileAtomicSync(stampFile, JSON.stringify({ key, files } satisfies KeyStamp));
    pruneCacheFolder(dirname(stampFile), '.json', MAX_CACHE_ENTRIES);
  } catch {
    // Only costs speed.
  }
  return key;
}

function sameStat(path: string, size: number, mtimeMs: number): boolean {
  try {
    const st = statSync(path);
    return st.size === size && st.mtimeMs === mtimeMs;
  } catch {
    return size === -1; // recorded as missing, still missing
  }
}

const INCLUDE = /<(?:[\w.-]+:)?(?:include|extends)\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Every file reachable from `top` through `include`/`extends href`, each once, in discovery order. */
function includeTree(
  top: string,
  onFile?: (path: string, stat: { size: number; mtimeMs: number } | undefined) => void,
): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const stack = [top];
  while (stack.length) {
    const path = stack.pop()!;
    if (files.has(path)) continue;
    let content: Buffer;
    try {
      // Stat before reading: a file changed in between gets a stamp older than what was hashed (so, re-hashed).
      const st = onFile ? statSync(path) : undefined;
      content = readFileSync(path);
      if (st) onFile?.(path, st);
    } catch {
      onFile?.(path, undefined);
      files.set(path, Buffer.from('\u0000missing'));
      continue;
    }
    files.set(path, content);
    for (const m of content.toString('utf8').matchAll(INCLUDE)) {
      const href = (m[1] ?? m[2] ?? '').split('#')[0]!;
      if (href && !/^[a-z][\w+.-]*:/i.test(href)) stack.push(resolve(dirname(path), safeDecode(href)));
    }
  }
  return files;
}

function safeDecode(href: string): string {
  try {
    return decodeURI(href);
  } catch {
    return href;
  }
}
