// Seal benchmark: warm time of sealPdf (PAdES B-B, RSA-2048, no TSA, visible seal in the header) on the PDF copy of
// a 50-result report, and of verifyPdfSeal on the result. The key is made on the fly by openssl. Run:
// npm run bench -- seal
import { Bench } from 'tinybench';
import { renderReportPdfDetailed } from '../src/pdf/index.js';
import { sealPdf, verifyPdfSeal } from '../src/seal/index.js';
import { loadSigningKey } from '../src/sign/index.js';
import { bigReport, CLOCK } from '../test/pdf/fixtures.js';
import { machineLine, printLatencies, selfSignedRsa } from './common.js';

const pki = selfSignedRsa();
const key = loadSigningKey(pki);
const r = await renderReportPdfDetailed(bigReport(50), { clock: CLOCK });
// The bench certificate is valid for two days from now (bench/common.ts): the seal time is now.
const now = new Date();
const options = {
  key,
  reason: 'Compte rendu validé',
  clock: () => now,
  appearance: { layout: r.layout, ...(r.datamatrix ? { datamatrix: r.datamatrix } : {}) },
};
const sealed = await sealPdf(r.pdf, options);
const check = await verifyPdfSeal(sealed, { trustAnchors: [pki.cert], now });
if (!check.valid) throw new Error(`bench seal invalid: ${JSON.stringify(check.issues)}`);

console.log(machineLine());
console.log(
  `PDF: 50-result report, ${r.pdf.length} bytes → sealed ${sealed.length} bytes; key RSA-2048, B-B`,
);
const bench = new Bench({ time: 3000, warmupIterations: 30 });
bench
  .add('sealPdf (visible seal, B-B, RSA-2048)', async () => void (await sealPdf(r.pdf, options)))
  .add(
    'sealPdf (invisible, B-B, RSA-2048)',
    async () => void (await sealPdf(r.pdf, { ...options, appearance: false })),
  )
  .add('verifyPdfSeal', async () => void (await verifyPdfSeal(sealed, { trustAnchors: [pki.cert], now })));
await bench.run();
const c0 = process.cpuUsage();
for (let i = 0; i < 50; i++) await sealPdf(r.pdf, options);
const c = process.cpuUsage(c0);
console.log(`sealPdf: CPU ${((c.user + c.system) / 1000 / 50).toFixed(2)} ms per seal (50 runs)`);
printLatencies(bench);
