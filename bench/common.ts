// What every bench prints or needs: the machine line, a throwaway RSA key and certificate, the latency lines.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Bench } from 'tinybench';

/** `machine: cores × model, memory, Node version, 1-minute load average` — figures are meaningless without it. */
export function machineLine(): string {
  return `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg()[0]?.toFixed(1)}`;
}

/** A self-signed RSA-2048 key and certificate (PEM), made by openssl in a temporary folder removed at once. */
export function selfSignedRsa(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'cisis-bench-pki-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
      ].concat(['-days', '2', '-subj', '/CN=bench/O=cisis-bio/C=FR']),
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Latency = { mean: number; p50?: number; p99?: number };

/**
 * One line per task: `name: mean …, p50 …, p99 …` in ms (or µs with `unit: 'µs'`). A task that failed (no
 * latency) throws its error: a bench must not print figures for work that did not run.
 */
export function printLatencies(bench: Bench, unit: 'ms' | 'µs' = 'ms'): void {
  const scale = unit === 'µs' ? 1000 : 1;
  const digits = unit === 'µs' ? 1 : 2;
  const f = (v: number | undefined) => ((v ?? Number.NaN) * scale).toFixed(digits);
  for (const t of bench.tasks) {
    const r = t.result as { latency?: Latency; error?: Error };
    if (!r.latency) throw r.error ?? new Error(`task ${t.name} failed`);
    const l = r.latency;
    console.log(`${t.name}: mean ${f(l.mean)} ${unit}, p50 ${f(l.p50)} ${unit}, p99 ${f(l.p99)} ${unit}`);
  }
}
