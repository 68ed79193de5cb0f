// INS benchmark: warm time of the matricule check, the NIR/traits consistency check and the Datamatrix payload
// encode/decode on the ANS test identity. Run: npm run bench -- ins
import { cpus, totalmem } from 'node:os';
import { Bench } from 'tinybench';
import {
  checkInsMatricule,
  checkNirConsistency,
  decodeInsDatamatrix,
  encodeInsDatamatrix,
} from '../src/ins/index.js';
import { INS_OID, type PatientIdentity } from '../src/model/identity.js';
import { ANS_TEST_IDENTITY } from '../test/helpers/identity.js';

const identity: PatientIdentity = ANS_TEST_IDENTITY;
const payload = encodeInsDatamatrix(identity);

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
const bench = new Bench({ time: 1000, warmupIterations: 100 });
bench
  .add('checkInsMatricule (with OID)', () => void checkInsMatricule('279035121518989', { oid: INS_OID.TEST }))
  .add('checkNirConsistency', () => void checkNirConsistency('279035121518989', identity.traits))
  .add('encodeInsDatamatrix (zod validation included)', () => void encodeInsDatamatrix(identity))
  .add('decodeInsDatamatrix', () => void decodeInsDatamatrix(payload));
await bench.run();
for (const t of bench.tasks) {
  const r = t.result as { latency?: { mean: number; p50?: number; p99?: number } };
  const l = r.latency;
  console.log(
    `${t.name}: mean ${((l?.mean ?? 0) * 1000).toFixed(1)} µs, p50 ${((l?.p50 ?? 0) * 1000).toFixed(1)} µs, p99 ${((l?.p99 ?? 0) * 1000).toFixed(1)} µs`,
  );
}
