// Runs every bench/*.bench.ts (or those whose name contains argv[2]) one after the other, each in its own process.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();
for (const f of files) {
  process.stdout.write(`\n### ${f}\n`);
  execFileSync(process.execPath, ['--import', 'tsx', join(dir, f)], { stdio: 'inherit' });
}
