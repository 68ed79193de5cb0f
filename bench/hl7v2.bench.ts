// HL7 v2 benchmark: warm time of buildOru (CDA headers read with parseCrBio, base64, ER7 with escaping) for the
// replacement scenario as N3 + N1, and of readOru on the result; then the round trip of 100 ORU messages over MLLP on
// loopback (one connection, one message at a time, each acknowledged). Run: npm run bench -- hl7v2
import { PDFDocument } from 'pdf-lib';
import { Bench } from 'tinybench';
import { buildCrBioN1, buildReport, SCENARIOS } from '../src/cda/index.js';
import { buildOru, MllpClient, readOru, startMllpServer } from '../src/hl7v2/index.js';
import { machineLine, printLatencies } from './common.js';

const clock = () => new Date('2024-01-04T16:10:00Z');
const doc = await PDFDocument.create({ updateMetadata: false });
doc.addPage([595, 842]).drawText('CR-BIO', { x: 50, y: 800, size: 12 });
const pdf = await doc.save();
const model = SCENARIOS.find((s) => s.name === 'replacement')!.model();
const n3 = buildReport(model, { pdf, clock }).bytes;
const n1 = buildCrBioN1({ ...model, level: 1 }, pdf, { clock }).bytes;
const recipients = [
  { kind: 'patient' as const, mail: '279035121518989@patient.mssante.fr' },
  { kind: 'mailbox' as const, mail: 'dr.x@test.mssante.fr' },
];
const input = {
  n3,
  n1,
  event: 'replacement' as const,
  controlId: 'B1',
  clock,
  recipients,
  mailBodies: { professional: 'Cher confrère' },
};
const message = buildOru(input);

console.log(machineLine());
console.log(`N3 ${n3.byteLength} B, N1 ${n1.byteLength} B → ORU ${message.bytes.byteLength} B`);
const bench = new Bench({ time: 3000, warmupIterations: 20 });
bench.add('buildOru N3 + N1 (headers read back with parseCrBio, base64, ER7)', () => void buildOru(input));
const models = { n3: model, n1: { ...model, level: 1 as const } };
bench.add('buildOru N3 + N1 given their models (base64, ER7)', () => void buildOru({ ...input, models }));
bench.add('readOru of that message', () => void readOru(message.bytes));
await bench.run();
printLatencies(bench);

const server = await startMllpServer({ port: 0, clock, onMessage: () => ({ code: 'AA' }) });
const client = await MllpClient.connect({ host: '127.0.0.1', port: server.port });
const messages = Array.from({ length: 100 }, (_, i) => buildOru({ ...input, controlId: `RT${i}` }).bytes);
for (const round of [1, 2, 3]) {
  const t0 = performance.now();
  for (const m of messages) await client.send(m);
  const ms = performance.now() - t0;
  console.log(
    `MLLP round trip, 100 × ${message.bytes.byteLength} B, round ${round}: ${ms.toFixed(0)} ms (${(ms / 100).toFixed(2)} ms/message)`,
  );
}
await client.close();
await server.close();
