// Builder benchmark: warm time of buildCrBio on a 50-result report (model validation, UCUM/value-set checks,
// writing the document tree and its serialisation by xmlbuilder2's XML writer, UTF-8 bytes), with a small PDF copy;
// then the two halves alone (checks + writing; serialisation of a tree written once). Run: npm run bench -- build
import { PDFDocument } from 'pdf-lib';
import { Bench } from 'tinybench';
import { buildCrBio } from '../src/cda/index.js';
import { baseReport, chapterCode, interp, loinc } from '../src/cda/scenarios/common.js';
import { writeCrBio } from '../src/cda/write/index.js';
import { serialize } from '../src/cda/write/xml.js';
import type { CrBioReport } from '../src/model/index.js';
import type { Observation } from '../src/model/results.js';
import { machineLine, printLatencies } from './common.js';

function fiftyResults(): CrBioReport {
  const r = baseReport(50, chapterCode('18719-5', 'Biochimie'));
  const units = ['mmol/L', 'g/L', 'umol/L', 'm[IU]/L', '%'];
  const items: Observation[] = Array.from({ length: 50 }, (_, i) => ({
    kind: 'observation',
    code: loinc(
      `${1000 + i}-${i % 10}`,
      `Analyte ${i} [Moles/Volume] Sérum/Plasma ; Numérique`,
      `Analyte ${i}`,
    ),
    status: 'completed',
    effectiveTime: { value: '20240104145521+0100' },
    value: { type: 'PQ', value: `${(i * 1.37).toFixed(2)}`, unit: units[i % units.length] },
    interpretations: [interp('N', 'Normal')],
    referenceRange: {
      value: {
        type: 'IVL_PQ',
        low: { value: '0.50', unit: units[i % units.length] },
        high: { value: '99.0', unit: units[i % units.length] },
      },
    },
  }));
  r.sections = [
    {
      kind: 'chapter',
      code: chapterCode('18719-5', 'Biochimie'),
      title: 'BIOCHIMIE',
      entry: { code: chapterCode('18719-5', 'Biochimie'), status: 'completed', items },
    },
  ];
  return r;
}

const doc = await PDFDocument.create();
doc.addPage([200, 200]);
const pdf = await doc.save();
const model = fiftyResults();
let n = 0;
const ids = () => `00000000-0000-4000-8000-${String(++n % 1e12).padStart(12, '0')}`;
const clock = () => new Date('2024-01-04T16:10:00Z');

console.log(machineLine());
const size = buildCrBio(model, { pdf, idGenerator: ids, clock }).bytes.byteLength;
const bench = new Bench({ time: 3000, warmupIterations: 50 });
bench.add(
  `buildCrBio 50 results (${size} bytes), all checks`,
  () => void buildCrBio(model, { pdf, idGenerator: ids, clock }),
);
bench.add(
  'buildCrBio 50 results, skipCodeChecks',
  () => void buildCrBio(model, { pdf, idGenerator: ids, clock, skipCodeChecks: true }),
);
bench.add(
  'writeCrBio 50 results (all checks + writing, no serialisation)',
  () => void writeCrBio(model, { pdf, idGenerator: ids, clock }),
);
const tree = writeCrBio(model, { pdf, idGenerator: ids, clock });
bench.add('serialize only (xmlbuilder2 XMLWriter + UTF-8 bytes)', () => void serialize(tree));
await bench.run();
printLatencies(bench);
