// Signature benchmark: warm time to sign one CR-BIO report (the official TSH example, 135 kB) with RSA-2048,
// per profile, and to verify it. The key and certificate are made on the fly by openssl. Run: npm run bench -- sign
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { cdaDocumentId, loadSigningKey, signDocument, verifySignature } from '../src/sign/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DOC = readFileSync(resolve(ROOT, '../shared/ans-kit/ExemplesCDA/BIO-CR-BIO_2024.01_TSH_1.xml'));

const dir = mkdtempSync(join(tmpdir(), 'cisis-bench-sign-'));
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(dir, 'k.pem'),
    '-out',
    join(dir, 'c.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=bench/O=cisis-bio/C=FR',
  ],
  { stdio: 'ignore' },
);
const key = loadSigningKey({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) });
const cert = readFileSync(join(dir, 'c.pem'));
rmSync(dir, { recursive: true, force: true });

const docId = cdaDocumentId(DOC);
const dsg = await signDocument(DOC, { key, documentId: docId });
const legacy = await signDocument(DOC, { key, profile: 'dmp-legacy', documentId: docId });
const verifyOpts = { documents: new Map([[`urn:oid:${docId}`, DOC]]), trustAnchors: [cert] };
for (const s of [dsg, legacy]) {
  const v = await verifySignature(s.bytes, verifyOpts);
  if (!v.valid) throw new Error(`bench signature invalid: ${JSON.stringify(v.issues)}`);
}

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(`document: BIO-CR-BIO_2024.01_TSH_1.xml, ${DOC.length} bytes; key RSA-2048`);
const bench = new Bench({ time: 2000, warmupIterations: 20 });
bench
  .add(
    'sign dsg (id given; SHA-256 of the exact bytes)',
    async () => void (await signDocument(DOC, { key, documentId: docId })),
  )
  .add('sign dsg (id read from ClinicalDocument/id)', async () => void (await signDocument(DOC, { key })))
  .add(
    'sign dmp-legacy (C14N 1.0 of the document, SHA-1)',
    async () => void (await signDocument(DOC, { key, profile: 'dmp-legacy', documentId: docId })),
  )
  .add(
    'verify dsg (signature + manifest + certificate checks)',
    async () => void (await verifySignature(dsg.bytes, verifyOpts)),
  )
  .add('verify dmp-legacy', async () => void (await verifySignature(legacy.bytes, verifyOpts)));
await bench.run();
for (const t of bench.tasks) {
  const r = t.result as { latency?: { mean: number; p50?: number; p99?: number }; error?: Error };
  if (!r.latency) throw r.error ?? new Error(`task ${t.name} failed`);
  console.log(
    `${t.name}: mean ${r.latency.mean.toFixed(2)} ms, p50 ${(r.latency.p50 ?? NaN).toFixed(2)} ms, p99 ${(r.latency.p99 ?? NaN).toFixed(2)} ms`,
  );
}
