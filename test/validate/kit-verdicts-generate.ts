/**
 * Development tool (not a test): make fixtures/kit-verdicts.json, the ANS engine's verdicts (Saxon-HE 9.9 + the
 * ANS skeleton, through ../shared/tools/saxon-verdicts.py) on the kit parity corpus of kit-corpus.ts — each
 * document with the four common profiles, its own volet and the volet cisis-bio chooses. Needs Java and Debian's
 * libsaxonhe-java; the suite reads the committed JSON only.
 *
 *   npx tsx test/validate/kit-verdicts-generate.ts [--jobs 2]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseXml } from '../../src/common/xml.js';
import { chooseVolet, documentHeader, listVolets } from '../../src/validate/volets.js';
import { KIT_DIR, SHARED_DIR } from '../helpers/shared.js';
import { COMMON_PROFILES, type CorpusDocument, kitExamples, kitMutants, sha256 } from './kit-corpus.js';

const run = promisify(execFile);
const OUT = join(import.meta.dirname, 'fixtures', 'kit-verdicts.json');
const jobs = Number(process.argv[process.argv.indexOf('--jobs') + 1]) || 1;

const volets = listVolets(KIT_DIR);
const docs: CorpusDocument[] = [...kitExamples(), ...kitMutants()];
/** schematron (relative to the kit) → profile name → documents */
const plan = new Map<string, { name: string; docs: CorpusDocument[] }>();
const add = (rel: string, name: string, d: CorpusDocument) => {
  let p = plan.get(rel);
  if (!p) {
    p = { name, docs: [] };
    plan.set(rel, p);
  }
  if (!p.docs.includes(d)) p.docs.push(d);
};
const documents: Record<
  string,
  { sha256: string; ownVolet?: string; autoVolet?: string; source?: string; edits?: string[] }
> = {};
for (const d of docs) {
  const auto = chooseVolet(volets, documentHeader(parseXml(d.xml) as never)).volet;
  documents[d.name] = {
    sha256: sha256(d.xml),
    ...(d.ownVolet ? { ownVolet: d.ownVolet } : {}),
    ...(auto ? { autoVolet: auto } : {}),
    ...(d.source ? { source: d.source, edits: d.edits } : {}),
  };
  for (const [name, rel] of Object.entries(COMMON_PROFILES)) add(rel, name, d);
  for (const v of new Set([d.ownVolet, auto])) if (v) add(`schematrons/${v}.sch`, v, d);
}

const verdicts: Record<string, Record<string, unknown>> = {};
const queue = [...plan.entries()];
const started = Date.now();
async function worker(): Promise<void> {
  for (let job = queue.shift(); job; job = queue.shift()) {
    const [rel, { name, docs: list }] = job;
    const dir = mkdtempSync(join(tmpdir(), 'kit-verdicts-'));
    mkdirSync(join(dir, 'docs'));
    for (const d of list) writeFileSync(join(dir, 'docs', d.name), d.xml);
    const out = join(dir, 'out.json');
    await run(
      'python3',
      [join(SHARED_DIR, 'tools/saxon-verdicts.py'), KIT_DIR, rel, join(dir, 'docs'), out, name],
      {
        maxBuffer: 1 << 26,
      },
    );
    const got = JSON.parse(readFileSync(out, 'utf8')).verdicts as Record<string, Record<string, unknown>>;
    for (const [file, v] of Object.entries(got)) verdicts[file] = { ...verdicts[file], ...v };
    rmSync(dir, { recursive: true, force: true });
    console.log(
      `${name}: ${list.length} documents (${Math.round((Date.now() - started) / 1000)} s, ${queue.length} left)`,
    );
  }
}
await Promise.all(Array.from({ length: jobs }, worker));
const sorted = Object.fromEntries(
  Object.keys(verdicts)
    .sort()
    .map((k) => [k, verdicts[k]]),
);
writeFileSync(
  OUT,
  `${JSON.stringify({ engine: 'Saxon-HE 9.9.1.5 + ANS ISO skeleton (saxon-verdicts.py)', documents, verdicts: sorted }, null, 1)}\n`,
);
console.log(`wrote ${OUT}`);
