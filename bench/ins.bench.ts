// INS benchmark: warm time of the matricule check, the NIR/traits consistency check and the Datamatrix payload
// encode/decode on the ANS test identity. Run: npm run bench -- ins
import { Bench } from 'tinybench';
import {
  checkInsMatricule,
  checkNirConsistency,
  decodeInsDatamatrix,
  encodeInsDatamatrix,
} from '../src/ins/index.js';
import { INS_OID, type PatientIdentity } from '../src/model/index.js';
import { ANS_TEST_IDENTITY } from '../test/helpers/identity.js';
import { machineLine, printLatencies } from './common.js';

const identity: PatientIdentity = ANS_TEST_IDENTITY;
const payload = encodeInsDatamatrix(identity);

console.log(machineLine());
const bench = new Bench({ time: 1000, warmupIterations: 100 });
bench
  .add('checkInsMatricule (with OID)', () => void checkInsMatricule('279035121518989', { oid: INS_OID.TEST }))
  .add('checkNirConsistency', () => void checkNirConsistency('279035121518989', identity.traits))
  .add('encodeInsDatamatrix (zod validation included)', () => void encodeInsDatamatrix(identity))
  .add('decodeInsDatamatrix', () => void decodeInsDatamatrix(payload));
await bench.run();
printLatencies(bench, 'µs');
