// Composition benchmark: warm time of createReport (PDF + N3 + N1, then + signature, then + validation with the
// embedded rules) on the bundled biochemistry scenario. Key made on the fly by openssl. Run: npm run bench -- compose
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { SCENARIOS, seededIds } from '../src/cda/index.js';
import { createReport } from '../src/compose/index.js';

const dir = mkdtempSync(join(tmpdir(), 'cisis-bench-compose-'));
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
const sign = {
  key: readFileSync(join(dir, 'k.pem')),
  cert: readFileSync(join(dir, 'c.pem')),
  profile: 'dsg' as const,
};
rmSync(dir, { recursive: true, force: true });

const model = SCENARIOS[0]!.model();
const clock = () => new Date();
const first = await createReport(model, { clock, idGenerator: seededIds('b'), sign, validate: true });
if (!first.validation?.valid) throw new Error('bench report not valid');

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg()[0]?.toFixed(1)}`,
);
console.log(
  `report: scenario ${SCENARIOS[0]!.name}; N3 ${first.n3.byteLength} B, N1 ${first.n1.byteLength} B, PDF ${first.pdf.byteLength} B`,
);
const bench = new Bench({ time: 3000, warmupIterations: 3 });
bench
  .add('createReport: PDF + N3 + N1', async () => void (await createReport(model, { clock })))
  .add(
    'createReport: + submission-set signature (dsg, RSA-2048)',
    async () => void (await createReport(model, { clock, sign })),
  )
  .add(
    '+ validation of both documents (embedded rules)',
    async () => void (await createReport(model, { clock, sign, validate: true })),
  );
await bench.run();
console.table(
  bench.tasks.map((t) => {
    const r = t.result as { latency?: { mean: number; p50?: number; p99?: number }; period?: number };
    return {
      task: t.name,
      'mean ms': r.latency?.mean?.toFixed(1),
      'p50 ms': r.latency?.p50?.toFixed(1),
      'p99 ms': r.latency?.p99?.toFixed(1),
    };
  }),
);
