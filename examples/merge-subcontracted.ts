/**
 * A main lab receives its subcontractor's CR-BIO and sends one report with every result, the subcontracted ones
 * attributed to the laboratory that performed them.
 * Run from the project root: `npx tsx examples/merge-subcontracted.ts [OUTDIR]` (default: ./out-merge).
 * It uses two official ANS examples (../shared/ans-kit): the TSH report as the main lab's, and the glycaemia report
 * re-issued by another laboratory as the subcontractor's. In your own project, import from 'cisis-bio'.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  composeMerged,
  IdentityMismatchError,
  MergedReportInvalidError,
  MergeError,
  parseCrBio,
} from '../src/index.js';

const kit = resolve(process.env.CISIS_BIO_KIT ?? '../shared/ans-kit');
const outDir = resolve(process.argv[2] ?? 'out-merge');
const exampleFile = (name: string) => readFileSync(join(kit, 'ExemplesCDA', name));

// The main lab's report (CDA as received from its SGL) and the subcontractor's (parsed, then made another lab's:
// the ANS examples all come from one laboratory).
const main = exampleFile('BIO-CR-BIO_2024.01_TSH_1.xml');
const sub = parseCrBio(exampleFile('BIO-CR-BIO_2024.01_Glycémie mole.xml')).report;
const performer = sub.serviceEvents[0]!.performer!;
performer.organization = {
  ...performer.organization,
  ids: [{ root: '1.2.250.1.71.4.2.2', extension: '330000000' }],
  name: 'Laboratoire Spécialisé Sous-Traitant',
};

try {
  // One call: identity vigilance and CR-BIO checks, results merged into the Biochimie chapter with the performing
  // lab, a new PDF copy naming it, the level 3 built, then the XSD + the five ANS profiles before anything is sent.
  const { n3, pdf, merge } = await composeMerged(main, sub, { onConflict: 'keep-both', kit });
  for (const c of merge.conflicts) console.log(`conflict ${c.test}: ${c.resolution}`);
  for (const w of merge.warnings) console.log(`warning: ${w}`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'merged.xml'), n3);
  writeFileSync(join(outDir, 'merged.pdf'), pdf);
  console.log(`${join(outDir, 'merged.xml')}: valid (XSD + ANS profiles)`);
} catch (e) {
  if (e instanceof IdentityMismatchError) {
    console.error(`not the same patient: ${e.differences.map((d) => d.trait).join(', ')}`);
    process.exitCode = 1;
  } else if (e instanceof MergeError || e instanceof MergedReportInvalidError) {
    console.error(`${e.code}: ${e.message}`);
    process.exitCode = 1;
  } else throw e;
}
