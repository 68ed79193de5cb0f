/**
 * LOINC checks and French units inside the one-call path (docs/loinc.md "In createReport / cisis-bio build"): the
 * SGL writes `G/L` and `T/L`; `normaliseUnits` rewrites them to UCUM (each rewrite reported), `loinc` checks every
 * LOINC code against the lab's LOINC release, and `failOnInvalid` stops a report whose codes contradict its values
 * before anything is built.
 *
 * Run from the project root: `npx tsx examples/loinc-in-create-report.ts OUTDIR [LOINC_DIR]`
 * (LOINC_DIR: the folder of the LOINC release with LoincTable/Loinc.csv; default $CISIS_BIO_LOINC, else only the
 * units are normalised). In your own project, import from 'cisis-bio'.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CrBioReport,
  createReport,
  loadLoincTable,
  ReportCreationError,
  resolveLoincDir,
  SCENARIOS,
  seededIds,
} from '../src/index.js';

const [outDir, loincArg] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: npx tsx examples/loinc-in-create-report.ts OUTDIR [LOINC_DIR]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
// The application decides where the table is (here: the argument, else CISIS_BIO_LOINC); the library never guesses.
const loincDir = resolveLoincDir(loincArg);
const table = loincDir ? loadLoincTable(loincDir) : undefined; // once per process: later loads read the cached index

// A blood count as the SGL exports it: counts in G/L and T/L (UCUM reads G as gauss, T as tesla).
const ucum = SCENARIOS.find((s) => s.name === 'haematology')!.model();
const model = JSON.parse(
  JSON.stringify(ucum)
    .replaceAll('"unit":"10*9/L"', '"unit":"G/L"')
    .replaceAll('"unit":"10*12/L"', '"unit":"T/L"'),
) as CrBioReport;

const fixedClock = () => new Date('2024-01-04T15:05:00Z');
const out = await createReport(model, {
  clock: fixedClock,
  idGenerator: seededIds('loinc-example'),
  normaliseUnits: true,
  ...(table ? { loinc: table } : {}),
  validate: true, // embedded rules
  failOnInvalid: true, // an invalid document or an error-level LOINC finding throws
});
for (const r of out.unitRewrites ?? []) console.log(`unit ${r.path}: ${r.from} → ${r.to}`);
if (out.loinc) {
  const { errors, warnings } = out.loinc.counts;
  console.log(`LOINC: ${errors} errors, ${warnings} warnings against ${out.loinc.table.terms} terms`);
}
writeFileSync(join(outDir, `${out.ids.n3}.n3.xml`), out.n3);
writeFileSync(join(outDir, `${out.ids.n1}.n1.xml`), out.n1);
console.log(`wrote ${out.ids.n3}.n3.xml and .n1.xml (valid: ${out.validation?.valid})`);

// A result coded with a quantitative LOINC term but given a coded value: stopped at step `loinc`, nothing built.
if (table) {
  const wrong = structuredClone(ucum);
  const chapter = wrong.sections[0];
  const battery = chapter?.kind === 'chapter' ? chapter.entry?.items[0] : undefined;
  const first = battery?.kind === 'battery' ? battery.components[0] : undefined;
  if (first?.kind === 'observation')
    first.value = {
      type: 'CD',
      code: '260385009',
      codeSystem: '2.16.840.1.113883.6.96',
      displayName: 'Négatif',
    };
  try {
    await createReport(wrong, { clock: fixedClock, loinc: table, failOnInvalid: true });
  } catch (e) {
    if (!(e instanceof ReportCreationError) || e.step !== 'loinc') throw e;
    console.log(`refused at step ${e.step} (${e.causeCode}): ${e.message}`);
  }
}
