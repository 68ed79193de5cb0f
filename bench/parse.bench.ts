// Parser benchmark: warm time of parseCrBio on official CR-BIO examples (XML parse + model mapping + zod validation).
// Run: npm run bench -- parse
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { parseCrBio } from '../src/cda/parse/index.js';
import { machineLine, printLatencies } from './common.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EX = resolve(ROOT, '../shared/ans-kit/ExemplesCDA');
const docs = [
  'BIO-CR-BIO_2024.01_TSH_1.xml',
  'BIO-CR-BIO_2024.01_Microbiologie_V1.xml',
  'BIO-CR-BIO_2024.01_Electrophorese.xml',
].map((name) => ({ name, bytes: readFileSync(resolve(EX, name)) }));

console.log(machineLine());
const bench = new Bench({ time: 2000, warmupIterations: 20 });
for (const d of docs) {
  const results = parseCrBio(d.bytes).report;
  bench.add(
    `parseCrBio ${d.name} (${d.bytes.length} bytes, ${results.sections.length} sections)`,
    () => void parseCrBio(d.bytes),
  );
}
await bench.run();
printLatencies(bench);
