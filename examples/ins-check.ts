/**
 * INS in a few lines: check a matricule, compare it with the INSi traits, build the Datamatrix payload.
 * Run from the project root: `npx tsx examples/ins-check.ts [examples/identity.json]`.
 * In your own project, import from 'cisis-bio' instead of '../src/index.js'.
 */
import { readFileSync } from 'node:fs';
import {
  checkInsMatricule,
  checkNirConsistency,
  decodeInsDatamatrix,
  encodeInsDatamatrix,
  InsError,
  normalizeInsMatricule,
  patientIdentitySchema,
  showGs,
} from '../src/index.js';

const file = process.argv[2] ?? new URL('./identity.json', import.meta.url);
// 1. Validate the identity against the model (status, INS shape, INSi alphabet for QUAL, dates).
const identity = patientIdentitySchema.parse(JSON.parse(readFileSync(file, 'utf8')));

// 2. Check the matricule and its OID. A typed matricule is normalised first (spaces, lower case).
const typed = '2 79 03 51 215 189 89';
const check = checkInsMatricule(normalizeInsMatricule(typed), { oid: identity.ins?.oid });
console.log(
  check.valid
    ? `matricule ${check.matricule}: valid (${check.oidInfo?.authority}, ${check.oidInfo?.environment})`
    : `refused: ${check.code} ${check.message}`,
);
const wrong = checkInsMatricule('279035121518988');
if (!wrong.valid) console.log(`279035121518988 refused: ${wrong.code} (expected key ${wrong.expectedKey})`);

// 3. Compare what the NIR encodes with the traits: findings, the caller decides.
const findings = checkNirConsistency(identity.ins!.matricule, identity.traits);
console.log(
  findings.length === 0
    ? 'NIR and traits agree'
    : findings.map((f) => `${f.severity} ${f.code}: ${f.message}`).join('\n'),
);

// 4. The Datamatrix payload (qualified identities only), and back.
const payload = encodeInsDatamatrix(identity);
console.log(`Datamatrix payload: ${showGs(payload)}`);
console.log('decoded:', decodeInsDatamatrix(payload).traits);

// 5. A non-qualified identity is refused with a typed error.
try {
  encodeInsDatamatrix({ ...identity, status: 'VALI', ins: undefined });
} catch (e) {
  if (e instanceof InsError) console.log(`VALI identity refused: ${e.code}`);
  else throw e;
}
