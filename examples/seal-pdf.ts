/**
 * The organisation seal on the PDF copy (docs/pdf.md "Seal"): render the report's PDF/A-1b copy, seal it with the
 * lab's organisation certificate (PAdES B-B, visible seal in the header next to the lab name), write it, and verify
 * it as a receiver would.
 *
 * Run from the project root: `npx tsx examples/seal-pdf.ts OUTDIR KEY.pem CERT.pem [CA.pem]`
 * (without CA.pem the certificate itself is the trust anchor). In your own project, import from 'cisis-bio'.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReportPdfDetailed, SCENARIOS, sealPdfDetailed, verifyPdfSeal } from '../src/index.js';

const [outDir, keyFile, certFile, caFile] = process.argv.slice(2);
if (!outDir || !keyFile || !certFile) {
  console.error('usage: npx tsx examples/seal-pdf.ts OUTDIR KEY.pem CERT.pem [CA.pem]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const model = SCENARIOS[0]!.model(); // the bundled biochemistry report
const rendered = await renderReportPdfDetailed(model);
const sealed = await sealPdfDetailed(rendered.pdf, {
  key: readFileSync(keyFile),
  cert: readFileSync(certFile),
  reason: 'Compte rendu validé par le biologiste',
  // The layout record places the seal in the header, clear of the text and of the INS Datamatrix.
  appearance: {
    layout: rendered.layout,
    ...(rendered.datamatrix ? { datamatrix: rendered.datamatrix } : {}),
  },
});
const out = join(outDir, 'report-sealed.pdf');
writeFileSync(out, sealed.pdf);
console.log(
  `wrote ${out}: ${sealed.pdf.length} bytes, PAdES ${sealed.level}, seal on page ${(sealed.page ?? 0) + 1}`,
);

const verdict = await verifyPdfSeal(sealed.pdf, { trustAnchors: [readFileSync(caFile ?? certFile)] });
console.log(`verifyPdfSeal: ${verdict.valid ? 'valid' : 'INVALID'} (signer ${verdict.signer?.subject})`);
for (const i of verdict.issues) console.log(`  ${i.code}: ${i.message}`);
