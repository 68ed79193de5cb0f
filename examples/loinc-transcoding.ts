/**
 * The LOINC transcoding workflow of a lab (docs/loinc.md): export the local analyses of a report as a worksheet,
 * fill it (here: in code, as the biologist would in a spreadsheet), import it as a checked mapping, apply it to the
 * report, check the result against the LOINC table, and export the mapping as FHIR R4 resources.
 *
 * Run from the project root: `npx tsx examples/loinc-transcoding.ts OUTDIR [LOINC_DIR]`
 * (LOINC_DIR: the folder of the LOINC release with LoincTable/Loinc.csv; default $CISIS_BIO_LOINC, else the checks
 * that need the table are skipped). In your own project, import from 'cisis-bio/loinc' and 'cisis-bio'.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS } from '../src/index.js';
import {
  applyMapping,
  checkReportLoinc,
  exportCatalogue,
  importMapping,
  loadLoincTable,
  loincValueSet,
  mappingToConceptMap,
  parseCsv,
  resolveLoincDir,
  writeCsv,
} from '../src/loinc/index.js';

const [outDir, loincArg] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: npx tsx examples/loinc-transcoding.ts OUTDIR [LOINC_DIR]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const loincDir = resolveLoincDir(loincArg);
const table = loincDir ? loadLoincTable(loincDir) : undefined;

// The bundled "local-code" report: a CRP coded with the lab's own code, no LOINC.
const report = SCENARIOS.find((s) => s.name === 'local-code')!.model();

// 1. Export the worksheet (UTF-8 with BOM, ';'): one row per local analysis, candidates when a table is given.
const { analyses, csv } = exportCatalogue([report], table ? { table } : {});
writeFileSync(join(outDir, 'worksheet.csv'), csv);
console.log(`worksheet.csv: ${analyses.length} local analyses`);

// 2. The biologist fills loinc_code (here: 1988-5 C reactive protein [Mass/volume] in Serum or Plasma).
const sheet = parseCsv(csv);
const col = (name: string) => sheet.header.indexOf(name);
const filled = sheet.rows.map((r) => {
  const row = [...r];
  row[col('loinc_code')] = '1988-5';
  row[col('loinc_label')] = 'C reactive protein [Mass/volume] in Serum or Plasma';
  row[col('status')] = 'validated';
  return row;
});
writeFileSync(join(outDir, 'worksheet-filled.csv'), writeCsv(sheet.header, filled));

// 3. Import: every row checked (check digit; with the table: existence, status, unit ↔ property, scale).
const imported = importMapping(writeCsv(sheet.header, filled), {
  catalogue: analyses,
  ...(table ? { table } : {}),
});
for (const p of imported.problems) console.log(`line ${p.line} ${p.localCode}: ${p.severity} ${p.message}`);
if (!imported.valid) process.exit(1);
writeFileSync(join(outDir, 'mapping.json'), `${JSON.stringify(imported.mapping, null, 2)}\n`);

// 4. Apply: LOINC as the result code, the local code kept as a translation.
const { report: coded, applied } = applyMapping(report, imported.mapping);
for (const a of applied) console.log(`${a.path}: ${a.localCode} → ${a.loincCode}`);
writeFileSync(join(outDir, 'report-loinc.json'), `${JSON.stringify(coded, null, 2)}\n`);
const findings = checkReportLoinc(coded, table ? { table } : {});
console.log(
  `LOINC checks${table ? ` (table of ${table.size} terms)` : ' (form and check digit only)'}: ${findings.length} finding(s)`,
);

// 5. FHIR R4: the mapping as a ConceptMap, the LOINC codes used as a ValueSet.
const base = 'https://lab.example/fhir';
writeFileSync(
  join(outDir, 'ConceptMap.json'),
  JSON.stringify(
    mappingToConceptMap(imported.mapping, { url: `${base}/ConceptMap/local-to-loinc` }),
    null,
    2,
  ),
);
writeFileSync(
  join(outDir, 'ValueSet.json'),
  JSON.stringify(loincValueSet(imported.mapping, { url: `${base}/ValueSet/loinc-used` }), null, 2),
);
console.log(
  `wrote ${outDir}/{worksheet.csv, worksheet-filled.csv, mapping.json, report-loinc.json, ConceptMap.json, ValueSet.json}`,
);
