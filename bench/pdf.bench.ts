// PDF benchmark: warm time of renderReportPdf on a 50-result report (model validation, layout, INS Datamatrix,
// font subsetting, PDF/A-1b metadata and serialisation), plus a 300-result report. Run: npm run bench -- pdf
import { Bench } from 'tinybench';
import { renderReportPdf } from '../src/pdf/index.js';
import { bigReport, CLOCK } from '../test/pdf/fixtures.js';
import { machineLine, printLatencies } from './common.js';

const fifty = bigReport(50);
const threeHundred = bigReport(300);
console.log(machineLine());
const size50 = (await renderReportPdf(fifty, { clock: CLOCK })).byteLength;
const size300 = (await renderReportPdf(threeHundred, { clock: CLOCK })).byteLength;
const bench = new Bench({ time: 4000, warmupIterations: 20 });
bench.add(
  `renderReportPdf 50 results (${size50} bytes)`,
  async () => void (await renderReportPdf(fifty, { clock: CLOCK })),
);
bench.add(
  `renderReportPdf 300 results (${size300} bytes)`,
  async () => void (await renderReportPdf(threeHundred, { clock: CLOCK })),
);
await bench.run();
// Wall time is inflated when the machine is shared; CPU time of this process per render is reported too.
for (const [name, model] of [
  ['50 results', fifty],
  ['300 results', threeHundred],
] as const) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < 40; i++) await renderReportPdf(model, { clock: CLOCK });
  const c = process.cpuUsage(c0);
  console.log(
    `renderReportPdf ${name}: CPU ${((c.user + c.system) / 1000 / 40).toFixed(2)} ms per render (40 runs)`,
  );
}
printLatencies(bench);
