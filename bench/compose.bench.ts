// Composition benchmark: warm time of createReport (PDF + N3 + N1, then + signature, then + validation with the
// embedded rules) on the bundled biochemistry scenario. Key made on the fly by openssl. Run: npm run bench -- compose
import { Bench } from 'tinybench';
import { SCENARIOS, seededIds } from '../src/cda/index.js';
import { createReport } from '../src/compose/index.js';
import { machineLine, selfSignedRsa } from './common.js';

const sign = { ...selfSignedRsa(), profile: 'dsg' as const };

const model = SCENARIOS[0]!.model();
const clock = () => new Date();
const first = await createReport(model, { clock, idGenerator: seededIds('b'), sign, validate: true });
if (!first.validation?.valid) throw new Error('bench report not valid');

console.log(machineLine());
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
