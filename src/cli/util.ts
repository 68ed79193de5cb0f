import { readFile } from 'node:fs/promises';
import { CisisBioError, XmlParseError } from '../common/errors.js';

/** Exit codes shared by every command: 0 ok/valid, 1 invalid/refused, 2 usage or I/O error. */
export const EXIT = { OK: 0, INVALID: 1, USAGE: 2 } as const;

/** Thrown by a command to end with a given exit code and a message on stderr. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
  }
}

/** Read a file for a command; a missing or unreadable file is a usage/I-O error (exit 2). */
export async function readInput(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new CliExit(
      EXIT.USAGE,
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

/** Read and parse a JSON file (exit 2 with the position when it is not JSON). */
export async function readJson(path: string): Promise<unknown> {
  const buf = await readInput(path);
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new CliExit(EXIT.USAGE, `${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Turn any error into a one-line message for stderr (never a stack trace for expected errors). */
export function describeError(e: unknown): string {
  if (e instanceof CisisBioError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Exit code of an error a command did not map itself: malformed XML or a DTD (`XmlParseError`) is an input the
 * command cannot read (2, like an unreadable file); any other typed error is a refusal (1); anything else 2.
 * @example
 * return exitCodeFor(e); // in run()'s catch-all
 */
export function exitCodeFor(e: unknown): number {
  if (e instanceof XmlParseError) return EXIT.USAGE;
  return e instanceof CisisBioError ? EXIT.INVALID : EXIT.USAGE;
}
