// Renders a bundled scenario to PDF and rasterises its page 1 with poppler (pdftoppm) into
// docs/images/report-page1.png, the picture shown in the README. Run: npx tsx scripts/make-readme-image.ts [scenario]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from '../src/cda/scenarios/index.js';
import { renderReportPdf } from '../src/pdf/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2] ?? 'biochemistry';
const scenario = SCENARIOS.find((s) => s.name === name);
if (!scenario) throw new Error(`unknown scenario ${name}: ${SCENARIOS.map((s) => s.name).join(', ')}`);

const dir = mkdtempSync(join(tmpdir(), 'cisis-readme-'));
try {
  const pdf = join(dir, 'report.pdf');
  writeFileSync(pdf, await renderReportPdf(scenario.model(), { clock: () => new Date('2024-01-04T16:30:00Z') }));
  execFileSync('pdftoppm', ['-r', '110', '-png', '-f', '1', '-l', '1', '-singlefile', pdf, join(dir, 'page1')]);
  const out = join(root, 'docs/images/report-page1.png');
  renameSync(join(dir, 'page1.png'), out);
  process.stdout.write(`wrote ${out} (scenario ${name})\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
