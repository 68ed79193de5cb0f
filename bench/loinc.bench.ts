// LOINC table: first load of a full-size release CSV (parse + cache write), warm load from the cached index,
// memory, and look-up latency. The synthetic Loinc.csv (≈105 k terms, every column of the 2.7x layout, field
// lengths like the real file's) is generated here into a temp folder, never committed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { loadLoincTable, loincCheckDigit } from '../src/loinc/index.js';
import { machineLine, printLatencies } from './common.js';

const TERMS = 105_000;
const COLUMNS = 40;

function quoted(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}

/** Deterministic pseudo-random text of about `n` characters. */
function text(seed: number, n: number): string {
  const words = [
    'Glucose',
    'serum',
    'plasma',
    'measurement',
    'of',
    'the',
    'in',
    'by',
    'automated',
    'count',
    'µg/L',
    'é',
  ];
  let s = '';
  let x = seed;
  while (s.length < n) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += `${words[x % words.length]} `;
  }
  return s;
}

function synthetic(dir: string): { path: string; codes: string[] } {
  mkdirSync(join(dir, 'LoincTable'), { recursive: true });
  const path = join(dir, 'LoincTable', 'Loinc.csv');
  const header = [
    'LOINC_NUM',
    'COMPONENT',
    'PROPERTY',
    'TIME_ASPCT',
    'SYSTEM',
    'SCALE_TYP',
    'METHOD_TYP',
    'CLASS',
    'VersionLastChanged',
    'CHNG_TYPE',
    'DefinitionDescription',
    'STATUS',
    'CONSUMER_NAME',
    'CLASSTYPE',
    'FORMULA',
    'EXMPL_ANSWERS',
    'SURVEY_QUEST_TEXT',
    'SURVEY_QUEST_SRC',
    'UNITSREQUIRED',
    'RELATEDNAMES2',
    'SHORTNAME',
    'ORDER_OBS',
    'HL7_FIELD_SUBFIELD_ID',
    'EXTERNAL_COPYRIGHT_NOTICE',
    'EXAMPLE_UNITS',
    'LONG_COMMON_NAME',
    'EXAMPLE_UCUM_UNITS',
    'STATUS_REASON',
    'STATUS_TEXT',
    'CHANGE_REASON_PUBLIC',
    'COMMON_TEST_RANK',
    'COMMON_ORDER_RANK',
    'HL7_ATTACHMENT_STRUCTURE',
    'EXTERNAL_COPYRIGHT_LINK',
    'PanelType',
    'AskAtOrderEntry',
    'AssociatedObservations',
    'VersionFirstReleased',
    'ValidHL7AttachmentRequest',
    'DisplayName',
  ];
  if (header.length !== COLUMNS) throw new Error('header');
  const codes: string[] = [];
  const chunks: string[] = [header.map(quoted).join(',')];
  for (let i = 0; i < TERMS; i++) {
    const base = String(1000 + i * 7);
    const code = `${base}-${loincCheckDigit(base)}`;
    codes.push(code);
    const row = new Array<string>(COLUMNS).fill('');
    row[0] = code;
    row[1] = text(i, 25);
    row[2] = ['MCnc', 'SCnc', 'NCnc', 'ACnc', 'PrThr'][i % 5] as string;
    row[3] = 'Pt';
    row[4] = ['Ser/Plas', 'Bld', 'Urine'][i % 3] as string;
    row[5] = i % 5 === 4 ? 'Ord' : 'Qn';
    row[7] = 'CHEM';
    row[8] = '2.77';
    row[10] = i % 3 === 0 ? text(i + 1, 420) : '';
    row[11] = i % 40 === 0 ? 'DEPRECATED' : 'ACTIVE';
    row[12] = text(i + 2, 30);
    row[13] = '1';
    row[19] = text(i + 3, 260);
    row[20] = text(i + 4, 28);
    row[21] = 'Both';
    row[24] = 'mg/dL';
    row[25] = text(i + 5, 60);
    row[26] = 'mg/dL';
    row[37] = '2.40';
    row[39] = text(i + 6, 45);
    chunks.push(row.map(quoted).join(','));
  }
  writeFileSync(path, `${chunks.join('\r\n')}\r\n`);
  return { path, codes };
}

/** Child process: load the table once and report time and memory (RSS and retained heap). */
function child(dir: string, cacheDir: string): void {
  const before = process.memoryUsage();
  const t0 = performance.now();
  const table = loadLoincTable(dir, { cacheDir });
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  const mb = (b: number) => Math.round(b / 2 ** 20);
  console.log(
    JSON.stringify({
      ms: Math.round(ms),
      terms: table.size,
      rssBefore: mb(before.rss),
      maxRss: Math.round(process.resourceUsage().maxRSS / 1024),
      heapRetained: mb(after.heapUsed - before.heapUsed),
    }),
  );
}

function measure(
  dir: string,
  cacheDir: string,
): { ms: number; terms: number; rssBefore: number; maxRss: number; heapRetained: number } {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), 'child', dir, cacheDir],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out.trim().split('\n').pop() as string);
}

async function main(): Promise<void> {
  if (process.argv[2] === 'child') {
    child(process.argv[3] as string, process.argv[4] as string);
    return;
  }
  console.log(machineLine());
  const dir = mkdtempSync(join(tmpdir(), 'cisis-bench-loinc-'));
  const cacheDir = join(dir, 'cache');
  try {
    const { path, codes } = synthetic(dir);
    console.log(
      `synthetic Loinc.csv: ${codes.length} terms, ${(statSync(path).size / 2 ** 20).toFixed(1)} MiB`,
    );
    const show = (what: string, r: ReturnType<typeof measure>) =>
      console.log(
        `${what}: ${r.ms} ms, ${r.terms} terms; RSS ${r.rssBefore} MiB before, peak ${r.maxRss} MiB (+${r.maxRss - r.rssBefore}); heap retained +${r.heapRetained} MiB`,
      );
    show('first load (CSV parse + index write)', measure(dir, cacheDir));
    for (let i = 0; i < 3; i++) show('warm load (cached index)', measure(dir, cacheDir));
    const table = loadLoincTable(dir, { cacheDir });
    let k = 0;
    const bench = new Bench({ time: 1000 });
    bench.add('lookup table.get(code)', () => {
      k = (k + 7919) % codes.length;
      if (!table.get(codes[k] as string)) throw new Error('missing');
    });
    bench.add('lookup table.has(code)', () => {
      k = (k + 7919) % codes.length;
      table.has(codes[k] as string);
    });
    await bench.run();
    printLatencies(bench, 'µs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
