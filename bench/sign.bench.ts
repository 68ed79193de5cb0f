// Signature benchmark: warm time to sign one CR-BIO report (the official TSH example, 135 kB) with RSA-2048,
// per profile, and to verify it. The key and certificate are made on the fly by openssl. Run: npm run bench -- sign
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { cdaDocumentId, loadSigningKey, signDocument, verifySignature } from '../src/sign/index.js';
import { machineLine, printLatencies, selfSignedRsa } from './common.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DOC = readFileSync(resolve(ROOT, '../shared/ans-kit/ExemplesCDA/BIO-CR-BIO_2024.01_TSH_1.xml'));

const pki = selfSignedRsa();
const key = loadSigningKey(pki);
const cert = pki.cert;

const docId = cdaDocumentId(DOC);
const dsg = await signDocument(DOC, { key, documentId: docId });
const legacy = await signDocument(DOC, { key, profile: 'dmp-legacy', documentId: docId });
const verifyOpts = { documents: new Map([[`urn:oid:${docId}`, DOC]]), trustAnchors: [cert] };
for (const s of [dsg, legacy]) {
  const v = await verifySignature(s.bytes, verifyOpts);
  if (!v.valid) throw new Error(`bench signature invalid: ${JSON.stringify(v.issues)}`);
}

console.log(machineLine());
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
printLatencies(bench);
