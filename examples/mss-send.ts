/**
 * MSSanté delivery of a validated report: one `createReport` result, two e-mails — the professional version to the
 * prescriber (with a read receipt) and the patient version to `<matricule INS>@patient.mssante.fr` — written as
 * .eml files, and sent when an SMTP server is given.
 * Run from the project root: `npx tsx examples/mss-send.ts [OUTDIR]` (default: ./out-mss).
 * To send: `MSS_SMTP=smtp://host:587 MSS_CERT=bal.crt MSS_KEY=bal.key [MSS_CA=ca.pem] npx tsx examples/mss-send.ts`.
 * In your own project, import from 'cisis-bio' (or 'cisis-bio/mss') instead of '../src/index.js'.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildMssMessage,
  createReport,
  MssError,
  type MssMessage,
  readMssMessage,
  SCENARIOS,
  sendMssMessage,
} from '../src/index.js';

const out = process.argv[2] ?? 'out-mss';
mkdirSync(out, { recursive: true });

// The lab's validated report (here a bundled scenario) → N3 + N1 + PDF, once.
const model = SCENARIOS.find((s) => s.name === 'biochemistry')!.model();
const created = await createReport(model);

const common = {
  files: created,
  from: 'labo.auto@labo-des-charmes.mssante.fr',
  submissionSet: { sourceId: '1.2.250.1.999.1.1', contentTypeCode: { code: '07' } },
  productReference: 'NIL-EXAMPLE-0001',
};
const mails: MssMessage[] = [
  await buildMssMessage({
    ...common,
    audience: 'professional',
    to: ['dr.martin@cabinet.mssante.fr'],
    readReceipt: true,
  }),
  await buildMssMessage({ ...common, audience: 'patient', noReply: true }),
];

// A document hidden from the patient is never mailed to them: a typed error, nothing built.
try {
  await buildMssMessage({ ...common, audience: 'patient', visibility: { hiddenFromPatient: true } });
} catch (e) {
  if (!(e instanceof MssError)) throw e;
  console.log(`patient version refused as expected: ${e.code}`);
}

for (const m of mails) {
  const file = join(out, `${m.audience}.eml`);
  writeFileSync(file, m.raw);
  console.log(`${file}: to ${m.envelope.to.join(', ')} — ${m.subject} (${m.raw.byteLength} bytes)`);
  // What the receiver gets back: the exact CDA bytes, checked against METADATA.XML.
  const back = await readMssMessage(m.raw);
  console.log(
    `  archive: ${back.documents.map((d) => `${d.entry.uri} ${d.entry.size} B`).join(', ')}; PDF ${back.pdfs[0]?.fileName}`,
  );
}

const { MSS_SMTP, MSS_CERT, MSS_KEY, MSS_CA } = process.env;
if (MSS_SMTP && MSS_CERT && MSS_KEY) {
  for (const m of mails) {
    const res = await sendMssMessage(m, {
      url: MSS_SMTP,
      cert: readFileSync(MSS_CERT),
      key: readFileSync(MSS_KEY),
      ...(MSS_CA ? { ca: readFileSync(MSS_CA) } : {}),
    });
    console.log(`sent ${m.audience}: ${res.response} (${res.messageId})`);
  }
}
