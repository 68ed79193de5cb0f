// DMP submission of a CR-BIO: createReport (N3 + N1 + submission-set signature), the XDS metadata, the XDM
// METADATA.XML and the ITI-41 MTOM request. Run: node --import tsx examples/dmp-submission.ts [OUT_DIR]
// The signing key here is a throwaway one made by openssl; a lab uses its IGC-Santé signature certificate.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReport, SCENARIOS } from '../src/index.js';
import { checkXdsMetadata, toMtomRequest, toSubmitObjectsRequest } from '../src/xds/index.js';

const out = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'cisis-dmp-'));
mkdirSync(out, { recursive: true });
const pki = mkdtempSync(join(tmpdir(), 'cisis-dmp-key-'));
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=Laboratoire exemple/O=cisis-bio/C=FR',
    '-keyout',
    join(pki, 'key.pem'),
    '-out',
    join(pki, 'cert.pem'),
  ],
  { stdio: 'ignore' },
);

const model = SCENARIOS.find((s) => s.name === 'biochemistry')?.model();
const report = await createReport(model, {
  sign: {
    key: readFileSync(join(pki, 'key.pem')),
    cert: readFileSync(join(pki, 'cert.pem')),
    profile: 'dsg',
  },
  submission: {
    submissionSet: { sourceId: '1.2.250.1.999.9.1', contentTypeCode: { code: '07' } },
    visibility: { hiddenFromPatient: true },
    onWarning: (w) => console.warn(`warning: ${w.code}: ${w.message}`),
  },
});
const submission = report.submission;
if (!submission || !report.signature) throw new Error('no submission');

// Store these: a replacement or a withdrawal names the entryUUID.
for (const d of submission.documents) console.log(`${d.entryUUID}  ${d.uniqueId}  ${d.formatCode.code}`);

const metadata = toSubmitObjectsRequest(submission);
writeFileSync(join(out, 'METADATA.XML'), metadata);
const bytes = [report.n3, report.n1, report.signature];
const docs = new Map(submission.documents.map((d, i) => [d.entryUUID, bytes[i] as Uint8Array]));
const request = toMtomRequest(submission, docs, {
  to: 'https://dmp.example/repository', // the DMP endpoint of your contract
  security: () => '', // your wsse:Security header with the VIHF assertion goes here
});
writeFileSync(join(out, 'iti41.mime'), request.body);
const errors = checkXdsMetadata(metadata).filter((f) => f.severity === 'error');
console.log(
  `${out}: METADATA.XML, iti41.mime (Content-Type: ${request.contentType.slice(0, 40)}…); ${errors.length} rule errors`,
);
