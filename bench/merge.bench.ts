// Merge benchmark: warm time of mergeSubcontracted on official ANS examples — from models (merge alone) and from
// CDA bytes (parse both + merge). Run: npm run bench -- merge
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { parseCrBio } from '../src/cda/index.js';
import { mergeSubcontracted } from '../src/merge/index.js';
import { machineLine, printLatencies } from './common.js';

const examples = join(import.meta.dirname, '../../shared/ans-kit/ExemplesCDA');
const mainXml = readFileSync(join(examples, 'BIO-CR-BIO_2024.01_TSH_1.xml'));
const subXml = readFileSync(join(examples, 'BIO-CR-BIO_2024.01_Microbiologie_V1.xml'));
const main = parseCrBio(mainXml).report;
const sub = parseCrBio(subXml).report;
sub.serviceEvents[0]!.performer!.organization!.ids = [{ root: '1.2.250.1.71.4.2.2', extension: '330000000' }];

console.log(machineLine());
const bench = new Bench({ time: 3000, warmupIterations: 20 });
bench.add('mergeSubcontracted models (TSH + Microbiologie_V1)', () => void mergeSubcontracted(main, sub));
bench.add('parse both CDA + mergeSubcontracted', () => void mergeSubcontracted(mainXml, subXml));
await bench.run();
printLatencies(bench);
