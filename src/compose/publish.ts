/**
 * All-or-none publication of a report's files in one folder (issue 13.19): every target is checked before anything
 * is written, the files are written into a temporary folder inside the target folder (same file system: renames
 * are atomic), then renamed into place with the key file (the first one given, e.g. the N3) removed first when it
 * is overwritten and renamed in last — so a reader that sees the key file sees the whole, consistent set.
 * SIGTERM/SIGINT during the call remove the temporary folder; an overwritten file keeps its permissions.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { chmod, lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CisisBioError } from '../common/errors.js';

/** One file of the set: a plain name (no folder) and its bytes. */
export interface PublishedFile {
  name: string;
  data: string | Uint8Array;
}

/** Stable codes of {@link PublishError}. */
export type PublishErrorCode = 'PUBLISH_COLLISION' | 'PUBLISH_BAD_NAME' | 'PUBLISH_FAILED';

/** The set could not be published; nothing of it was left in the folder (`where` names the file). */
export class PublishError extends CisisBioError {
  declare readonly code: PublishErrorCode;
  constructor(code: PublishErrorCode, message: string, where: string, cause?: unknown) {
    super(code, message, { where, ...(cause ? { cause } : {}) });
  }
}

/** Options of {@link publishFiles}. */
export interface PublishOptions {
  /** Test hook: called when every file is staged, before the first rename. */
  beforePublish?: () => Promise<void> | void;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const SIGNAL_NUMBER = { SIGTERM: 15, SIGINT: 2 } as const;

/** Mode of each existing target (to keep it), after refusing any that is not a regular file. */
async function checkTargets(dir: string, files: readonly PublishedFile[]): Promise<(number | undefined)[]> {
  return Promise.all(
    files.map(async (f) => {
      if (!f.name || f.name !== f.name.replace(/[/\\]/g, '') || f.name.startsWith('.'))
        throw new PublishError('PUBLISH_BAD_NAME', `"${f.name}" is not a plain file name`, f.name);
      const st = await lstat(join(dir, f.name)).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw new PublishError('PUBLISH_FAILED', `cannot inspect ${join(dir, f.name)}: ${e.code}`, f.name, e);
      });
      if (st && !st.isFile())
        throw new PublishError(
          'PUBLISH_COLLISION',
          `${join(dir, f.name)} exists and is not a regular file (nothing written)`,
          join(dir, f.name),
        );
      return st ? st.mode & 0o7777 : undefined;
    }),
  );
}

/** Remove the temp folder if the process is told to stop while it exists; then stop as the signal asks. */
function cleanupOnSignal(tmp: string): () => void {
  const handlers = SIGNALS.map((sig) => {
    const h = () => {
      rmSync(tmp, { recursive: true, force: true });
      process.exit(128 + SIGNAL_NUMBER[sig]);
    };
    process.once(sig, h);
    return [sig, h] as const;
  });
  return () => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
  };
}

/**
 * Publish `files` into `dir` all-or-none (see the module comment). The first file is the key file: it appears
 * last. Throws {@link PublishError} (collision, bad name, I/O) with nothing of the set left behind.
 * @example
 * await publishFiles('out', [
 *   { name: `${id}.n3.xml`, data: n3 },
 *   { name: `${id}.n1.xml`, data: n1 },
 *   { name: `${id}.pdf`, data: pdf },
 * ]);
 */
export async function publishFiles(
  dir: string,
  files: readonly PublishedFile[],
  options: PublishOptions = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const modes = await checkTargets(dir, files);
  const tmp = join(dir, `.cisis-bio-${randomBytes(6).toString('hex')}.tmp`);
  mkdirSync(tmp, { mode: 0o700 });
  const release = cleanupOnSignal(tmp);
  try {
    for (const [i, f] of files.entries()) {
      await writeFile(join(tmp, f.name), f.data);
      const mode = modes[i];
      if (mode !== undefined) await chmod(join(tmp, f.name), mode); // new files: 0o666 & ~umask, as writeFile does
    }
    await options.beforePublish?.();
    const [key, ...rest] = files;
    if (key && modes[0] !== undefined) await rm(join(dir, key.name), { force: true }); // old set no longer "complete"
    for (const f of [...rest, ...(key ? [key] : [])]) await rename(join(tmp, f.name), join(dir, f.name));
  } catch (e) {
    if (e instanceof PublishError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new PublishError('PUBLISH_FAILED', `cannot write to ${dir}: ${err.code ?? err.message}`, dir, e);
  } finally {
    release();
    await rm(tmp, { recursive: true, force: true });
  }
}
