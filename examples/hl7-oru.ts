// Send a CR-BIO to the hospital's platform in an ORU^R01 over MLLP, and read it on the other side.
// Run: npx tsx examples/hl7-oru.ts [OUT_DIR]
// Builds the bundled biochemistry report (level 3 with a one-page PDF), wraps it in an ORU for the DMP and the
// patient's and a doctor's MSSanté mailboxes, starts a local MLLP receiver, sends, prints the ACK and what was read.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { buildOru, patientMailbox, readOru, sendMllp, startMllpServer } from '../src/hl7v2/index.js';
import { buildCrBio, type DocumentMessage, SCENARIOS } from '../src/index.js';

const out = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'cisis-bio-hl7-'));
const pdfDoc = await PDFDocument.create();
pdfDoc.addPage([595, 842]).drawText('CR-BIO', { x: 50, y: 800, size: 12 });
const model = SCENARIOS.find((s) => s.name === 'biochemistry')!.model();
const n3 = buildCrBio(model, { pdf: await pdfDoc.save() }).bytes;

const oru = buildOru({
  n3,
  models: { n3: model }, // we built it: no need to read its header back
  event: 'initial',
  controlId: `EX${Date.now()}`,
  clock: () => new Date(),
  recipients: [
    { kind: 'patient', mail: patientMailbox(model.patient.identity.ins!.matricule) },
    { kind: 'mailbox', mail: 'adam.hoda@test-ci-sis.mssante.fr' },
  ],
  mailBodies: { professional: 'Cher confrère, veuillez trouver ci-joint le compte rendu.' },
});
writeFileSync(join(out, 'oru.hl7'), oru.bytes);

let received: DocumentMessage | undefined;
const server = await startMllpServer({
  port: 0,
  clock: () => new Date(),
  onMessage: ({ message }) => {
    received = readOru(message);
    return { code: 'AA' };
  },
});
try {
  const { ack } = await sendMllp(oru.bytes, { host: '127.0.0.1', port: server.port, ackTimeoutMs: 10_000 });
  console.log(`ACK ${ack.code} for ${ack.ackedControlId}`);
  console.log(
    `received ${received?.kind}^${received?.trigger} (${received?.event}), ${received?.documents.length} document(s)`,
  );
  console.log('flags', received?.flags);
  console.log(
    'recipients',
    received?.recipients.map((r) => `${r.kind} ${r.mail}`),
  );
  console.log(`written ${join(out, 'oru.hl7')} (${oru.bytes.byteLength} bytes)`);
} finally {
  await server.close();
}
