// Validator benchmark: warm per-document time of the full ANS pipeline (XSD + 5 profiles), per step, and the
// cold time of whole CLI calls (a new process each, from dist/cli.js). Run: npm run bench -- validate
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { Validator } from '../src/validate/pipeline.js';
import { CR_BIO_PROFILES, KIT_XSD } from '../src/validate/rules.js';
import { loadXsd, validateXsd } from '../src/validate/xsd.js';
import { machineLine } from './common.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KIT = resolve(ROOT, '../shared/ans-kit');
const EXAMPLES = join(KIT, 'ExemplesCDA');
const PARITY_DOCS = resolve(ROOT, '../shared/parity/documents');
const CLI = join(ROOT, 'dist/cli.js');
const DOCS = ['BIO-CR-BIO_2024.01_TSH_1.xml', 'BIO-CR-BIO_2024.01_Microbiologie_V1.xml'];
/** Samples per task (env BENCH_ITERATIONS; the cold 40-document calls take a third of it, at least 1). */
const ITER = Math.max(1, Number(process.env.BENCH_ITERATIONS ?? 5));

const ms = (x: number) => `${x.toFixed(1)} ms`;
const stats = (t: { result: unknown }) => {
  const r = t.result as {
    state: string;
    latency?: { mean: number; p50?: number; min: number };
    error?: Error;
  };
  if (!r.latency) throw r.error ?? new Error(`task ${r.state}`);
  return r.latency;
};

console.log(machineLine());

// --- warm, in-process -------------------------------------------------------------------------------------
const full = await Validator.create({ kit: KIT });
await loadXsd(join(KIT, KIT_XSD));
const perProfile = await Promise.all(
  CR_BIO_PROFILES.map(
    async (p) =>
      [p.name, await Validator.create({ kit: KIT, schematron: join(KIT, p.file), xsd: false })] as const,
  ),
);
const warm = new Bench({ time: 0, iterations: ITER, warmupIterations: 2, warmupTime: 0 });
for (const name of DOCS) {
  const bytes = readFileSync(join(EXAMPLES, name));
  const short = name.replace('BIO-CR-BIO_2024.01_', '').replace('.xml', '');
  const check = full.validate(bytes, name);
  if (!check.valid) throw new Error(`${name} should conform: ${JSON.stringify(check).slice(0, 500)}`);
  warm.add(`${short}: full pipeline (XSD + 5 profiles)`, () => void full.validate(bytes, name));
  warm.add(`${short}: XSD only`, () => void validateXsd(bytes, join(KIT, KIT_XSD)));
  for (const [profile, v] of perProfile) warm.add(`${short}: ${profile}`, () => void v.validate(bytes, name));
}
await warm.run();
console.log('\nwarm, per document (mean / p50 / min):');
for (const t of warm.tasks) {
  const l = stats(t);
  console.log(
    `  ${t.name.padEnd(52)} ${ms(l.mean).padStart(10)} ${ms(l.p50 ?? l.mean).padStart(10)} ${ms(l.min).padStart(10)}`,
  );
}

// --- cold CLI calls ---------------------------------------------------------------------------------------
if (!existsSync(CLI)) {
  console.log('\ndist/cli.js missing: building (npm run build)…');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
const cache = mkdtempSync(join(tmpdir(), 'cisis-bio-bench-cache-'));
const env = { ...process.env, XDG_CACHE_HOME: cache };
const cli = (args: string[], oneCore = false) => {
  const argv = [CLI, 'validate', '--kit', KIT, '--format', 'json', ...args];
  try {
    execFileSync(
      oneCore ? 'taskset' : process.execPath,
      oneCore ? ['-c', '0', process.execPath, ...argv] : argv,
      {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  } catch (e) {
    if ((e as { status?: number }).status !== 1) throw e; // exit 1 (a document does not conform) is a normal run
  }
};
const one = [join(EXAMPLES, DOCS[0]!)];
const forty = readdirSync(PARITY_DOCS)
  .filter((f) => f.endsWith('.xml'))
  .sort()
  .slice(0, 40)
  .map((f) => join(PARITY_DOCS, f));
// The --jobs batch: the 175 parity mutants and the kit's CR-BIO 2024.01 examples, 200 documents in all.
const kitBio = readdirSync(EXAMPLES)
  .filter((f) => f.startsWith('BIO-CR-BIO_2024.01'))
  .sort()
  .map((f) => join(EXAMPLES, f));
const parityAll = readdirSync(PARITY_DOCS)
  .filter((f) => f.endsWith('.xml'))
  .sort()
  .map((f) => join(PARITY_DOCS, f));
const batch200 = [...parityAll, ...kitBio, ...kitBio].slice(0, 200);
/** `taskset -c 0` when present: the same one-job run held to one core, the baseline the second core is judged by. */
const taskset = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
})();
const timeOnce = (f: () => void) => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
const firstRun = timeOnce(() => cli(one)); // compiles the five profiles and fills the disk cache
const noCache = timeOnce(() => cli(['--no-cache', ...one]));
const cold = new Bench({ time: 0, iterations: ITER, warmup: false });
cold.add('CLI, 1 document (disk cache warm)', () => cli(one));
const cold40 = new Bench({ time: 0, iterations: Math.max(1, Math.round(ITER / 3)), warmup: false });
cold40.add('CLI, 40 documents, --jobs 1', () => cli(forty));
cold40.add('CLI, 40 documents, --jobs 2', () => cli(['--jobs', '2', ...forty]));
cold40.add('CLI, 200 documents, --jobs 1', () => cli(batch200));
cold40.add('CLI, 200 documents, --jobs 2', () => cli(['--jobs', '2', ...batch200]));
if (taskset) cold40.add('CLI, 200 documents, --jobs 1, one core (taskset -c 0)', () => cli(batch200, true));
await cold.run();
await cold40.run();
console.log('\ncold CLI calls (new process each; mean / min):');
console.log(
  `  ${'CLI, 1 document, empty cache (compiles + writes cache)'.padEnd(56)} ${ms(firstRun).padStart(10)}`,
);
console.log(`  ${'CLI, 1 document, --no-cache (compiles)'.padEnd(56)} ${ms(noCache).padStart(10)}`);
for (const t of [...cold.tasks, ...cold40.tasks]) {
  const l = stats(t);
  console.log(`  ${t.name.padEnd(56)} ${ms(l.mean).padStart(10)} ${ms(l.min).padStart(10)}`);
}
rmSync(cache, { recursive: true, force: true });
