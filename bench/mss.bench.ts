// MSSanté benchmark: warm time to pack one report (N3 + N1 of the biochemistry scenario, ~100 KB each with the PDF
// copy) as the MSSanté e-mail — parse the N3 header, XDS metadata, IHE_XDM.ZIP, MIME — target ≤ 20 ms; then the
// archive alone and reading the e-mail back (MIME, archive with limits, hash checks). Run: npm run bench -- mss
import { Bench } from 'tinybench';
import { SCENARIOS, seededIds } from '../src/cda/index.js';
import { createReport } from '../src/compose/index.js';
import { buildMssMessage, buildXdm, readMssMessage } from '../src/mss/index.js';
import { buildSubmission } from '../src/xds/index.js';
import { machineLine, printLatencies } from './common.js';

const clock = () => new Date('2026-11-25T10:00:00Z');
const created = await createReport(SCENARIOS[0]!.model(), { clock, idGenerator: seededIds('bench') });
const submissionSet = {
  sourceId: '1.2.250.1.999.1.1',
  uniqueId: '1.2.250.1.999.1.2',
  contentTypeCode: { code: '07' },
};
const pack = () =>
  buildMssMessage({
    files: created,
    audience: 'professional',
    from: 'labo@labo.test.mssante.fr',
    to: ['dr@cabinet.test.mssante.fr'],
    submissionSet,
    clock,
  });

const submission = buildSubmission({
  documents: [{ bytes: created.n3 }, { bytes: created.n1 }],
  submissionSet,
  clock,
});
const files = new Map(submission.documents.map((d, i) => [d.entryUUID, i === 0 ? created.n3 : created.n1]));
const mail = await pack();

console.log(machineLine());
console.log(
  `report: N3 ${created.n3.byteLength} bytes, N1 ${created.n1.byteLength} bytes, PDF ${created.pdf.byteLength} bytes; ` +
    `archive ${mail.xdm.byteLength} bytes, e-mail ${mail.raw.byteLength} bytes`,
);
const bench = new Bench({ time: 3000, warmupIterations: 30 });
bench.add('buildMssMessage (N3 + N1: header, XDS metadata, XDM zip, MIME)', async () => void (await pack()));
bench.add('buildXdm alone (metadata serialisation + zip)', () => void buildXdm(submission, files, { clock }));
bench.add(
  'readMssMessage (MIME, archive with limits, SHA-1 checks, METADATA.XML)',
  async () => void (await readMssMessage(mail.raw)),
);
await bench.run();
printLatencies(bench);
