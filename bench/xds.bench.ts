// DMP submission benchmark: warm time of buildSubmission for N3 + N1 + submission-set signature (a bundled scenario
// built by createReport with a small rendered PDF), then each serialisation and the reading back.
// Run: npm run bench -- xds
import { Bench } from 'tinybench';
import { SCENARIOS, seededIds } from '../src/cda/index.js';
import { createReport } from '../src/compose/index.js';
import {
  buildSubmission,
  checkXdsMetadata,
  parseSubmission,
  readSubmission,
  toMtomRequest,
  toProvideAndRegister,
  toSubmitObjectsRequest,
} from '../src/xds/index.js';
import { machineLine, printLatencies, selfSignedRsa } from './common.js';

// The bench certificate is valid around the real now (openssl): the clock is the real one.
const clock = () => new Date();
const { key, cert } = selfSignedRsa();
const scenario = SCENARIOS.find((s) => s.name === 'biochemistry') ?? SCENARIOS[0];
if (!scenario) throw new Error('no scenario');
const out = await createReport(scenario.model(), {
  clock,
  idGenerator: seededIds('bench'),
  sign: { key, cert, profile: 'dsg' },
});
const signature = out.signature;
if (!signature) throw new Error('no signature');
const input = {
  documents: [{ bytes: out.n3 }, { bytes: out.n1 }],
  signature: { bytes: signature },
  submissionSet: { sourceId: '1.2.250.1.999.9.1', submissionTime: clock(), contentTypeCode: { code: '07' } },
};
const s = buildSubmission(input);
const docs = new Map(s.documents.map((d, i) => [d.entryUUID, [out.n3, out.n1, signature][i] as Uint8Array]));
const sor = toSubmitObjectsRequest(s);
const mtom = toMtomRequest(s, docs, {
  to: 'urn:dmp:repository',
  boundary: 'MIMEBoundary_bench',
  messageId: 'urn:uuid:0',
});

console.log(machineLine());
console.log(
  `documents: N3 ${out.n3.byteLength} bytes, N1 ${out.n1.byteLength} bytes, signature ${signature.byteLength} bytes`,
);
const bench = new Bench({ time: 3000, warmupIterations: 50 });
bench
  .add('buildSubmission N3 + N1 + signature', () => void buildSubmission(input))
  .add('toSubmitObjectsRequest', () => void toSubmitObjectsRequest(s))
  .add('toProvideAndRegister (base64)', () => void toProvideAndRegister(s, docs))
  .add('toMtomRequest', () => void toMtomRequest(s, docs, { to: 'urn:dmp:repository' }))
  .add('parseSubmission (METADATA.XML)', () => void parseSubmission(sor))
  .add('readSubmission (MTOM)', () => void readSubmission(mtom.body, mtom.contentType))
  .add('checkXdsMetadata (METADATA.XML)', () => void checkXdsMetadata(sor));
await bench.run();
printLatencies(bench);
// CPU time per call (user + system, this process only): less sensitive than wall time to a loaded machine.
const runs = 300;
const before = process.cpuUsage();
for (let i = 0; i < runs; i++) buildSubmission(input);
const used = process.cpuUsage(before);
console.log(
  `buildSubmission CPU time: ${((used.user + used.system) / 1000 / runs).toFixed(2)} ms per call (${runs} calls)`,
);
