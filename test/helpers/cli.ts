import { vi } from 'vitest';
import { run } from '../../src/cli/main.js';

/**
 * Capture what the CLI writes to stdout and stderr until the mocks are restored (`vi.restoreAllMocks()` in an
 * `afterEach`). Bytes written as a Uint8Array are decoded as `encoding` (latin1 keeps raw bytes such as 0x1D).
 */
export function captureOutput(encoding: BufferEncoding = 'utf8'): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out.push(typeof c === 'string' ? c : Buffer.from(c).toString(encoding));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    err.push(String(c));
    return true;
  });
  return { out, err };
}

/** Run `cisis-bio ARGS…` in-process and return its exit code and what it printed. */
export async function runCli(
  args: string[],
  encoding: BufferEncoding = 'utf8',
): Promise<{ code: number; out: string; err: string }> {
  const io = captureOutput(encoding);
  try {
    const code = await run(args);
    return { code, out: io.out.join(''), err: io.err.join('') };
  } finally {
    vi.mocked(process.stdout.write).mockRestore();
    vi.mocked(process.stderr.write).mockRestore();
  }
}
