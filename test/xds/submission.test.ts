import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/cda/index.js';
import {
  ASSOCIATION_TYPE,
  buildSubmission,
  checkXdsMetadata,
  type DocumentEntry,
  parseSubmission,
  readSubmission,
  type Submission,
  toMtomRequest,
  toProvideAndRegister,
  toSubmitObjectsRequest,
  type XdsFinding,
} from '../../src/xds/index.js';
import { TEST_NOW } from '../helpers/clock.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';
import { cdaXPath, LCM_XSD, PNR_XSD, scenarioDocuments, seededUuids, utcDtm, xsdErrors } from './helpers.js';

const SOURCE_ID = '1.2.250.1.999.9.1';
const PREVIOUS_N3 = 'urn:uuid:aaaaaaaa-0000-4000-8000-000000000003';
const PREVIOUS_N1 = 'urn:uuid:aaaaaaaa-0000-4000-8000-000000000001';
const INS_ROOTS =
  "@root='1.2.250.1.213.1.4.8' or @root='1.2.250.1.213.1.4.9' or @root='1.2.250.1.213.1.4.10' or @root='1.2.250.1.213.1.4.11'";

function sha1sum(bytes: Uint8Array): string {
  return execFileSync('sha1sum', { input: bytes }).toString().split(' ')[0] ?? '';
}

/** Every DocumentEntry field compared with the header read by XPath in the test. */
function expectHeaderFields(e: DocumentEntry, bytes: Uint8Array): void {
  const x = cdaXPath(bytes);
  const cd = '.';
  const ext = x(`${cd}/h:id/@extension`);
  expect(e.uniqueId).toBe(ext ? `${x(`${cd}/h:id/@root`)}.${ext}` : x(`${cd}/h:id/@root`));
  const ins = `${cd}/h:recordTarget/h:patientRole/h:id[${INS_ROOTS}]`;
  expect(e.patientId).toBe(`${x(`${ins}/@extension`)}^^^&${x(`${ins}/@root`)}&ISO^NH`);
  expect(e.hash).toBe(sha1sum(bytes));
  expect(e.size).toBe(bytes.byteLength);
  expect(e.title).toBe(x(`normalize-space(${cd}/h:title)`));
  expect(e.languageCode).toBe(x(`${cd}/h:languageCode/@code`));
  expect(e.creationTime).toBe(utcDtm(x(`${cd}/h:effectiveTime/@value`)));
  expect(e.typeCode.code).toBe(x(`${cd}/h:code/@code`));
  expect(e.typeCode.scheme).toBe(x(`${cd}/h:code/@codeSystem`));
  expect(e.confidentialityCodes[0]?.code).toBe(x(`${cd}/h:confidentialityCode/@code`));
  const se = `${cd}/h:documentationOf[1]/h:serviceEvent`;
  expect(e.practiceSettingCode.code).toBe(
    x(`${se}/h:performer/h:assignedEntity/h:representedOrganization/h:standardIndustryClassCode/@code`),
  );
  expect(e.healthcareFacilityTypeCode.code).toBe(
    x(`${cd}/h:componentOf/h:encompassingEncounter/h:location/h:healthCareFacility/h:code/@code`),
  );
  const low = x(`${se}/h:effectiveTime/h:low/@value`);
  if (low) expect(e.serviceStartTime).toBe(utcDtm(low));
  const high = x(`${se}/h:effectiveTime/h:high/@value`);
  if (high) expect(e.serviceStopTime).toBe(utcDtm(high));
  const n = Number(x(`count(${cd}/h:documentationOf)`));
  const events = new Set(
    Array.from({ length: n }, (_, i) => x(`${cd}/h:documentationOf[${i + 1}]/h:serviceEvent/h:code/@code`)),
  );
  expect(e.eventCodes.map((c) => c.code)).toEqual([...events]);
  expect(e.legalAuthenticator?.split('^')[0]).toBe(
    x(`${cd}/h:legalAuthenticator/h:assignedEntity/h:id/@extension`),
  );
  expect(e.legalAuthenticator?.split('^')[1]).toBe(
    x(`normalize-space(${cd}/h:legalAuthenticator/h:assignedEntity/h:assignedPerson/h:name/h:family)`),
  );
  expect(e.authors.length).toBe(Number(x(`count(${cd}/h:author)`)));
  const body = x(`${cd}/h:component/h:nonXMLBody/h:text/@mediaType`);
  expect(e.formatCode.code).toBe(
    body === 'application/pdf' ? 'urn:ihe:iti:xds-sd:pdf:2008' : 'urn:ihe:lab:xd-lab:2008',
  );
  expect(e.classCode.code).toBe('10');
}

/** Same keys, byte-identical values (Buffer.equals: deep equality of MB-sized arrays is slow). */
function expectSameBytes(got: Map<string, Uint8Array>, want: Map<string, Uint8Array>): void {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [k, v] of want) expect(Buffer.from(got.get(k)!).equals(Buffer.from(v)), k).toBe(true);
}

/** XSD (libxml2 + xmllint), own rules, and exact round trip of every serialisation. */
async function expectValidAndRoundTrip(s: Submission, docs: Map<string, Uint8Array>): Promise<void> {
  const sor = toSubmitObjectsRequest(s);
  const pnr = toProvideAndRegister(s, docs);
  for (const [xml, xsd] of [
    [sor, LCM_XSD],
    [pnr, PNR_XSD],
  ] as const) {
    const r = await xsdErrors(xml, xsd);
    expect(r.libxml2).toEqual([]);
    expect(r.xmllint).toBe('');
  }
  expect(checkXdsMetadata(pnr).filter((f) => f.severity === 'error')).toEqual([]);
  expect(parseSubmission(sor)).toStrictEqual(s);
  expect(toSubmitObjectsRequest(parseSubmission(sor))).toBe(sor);
  const read = readSubmission(pnr);
  expect(read.submission).toStrictEqual(s);
  expectSameBytes(read.documents, docs);
  const mtom = toMtomRequest(s, docs, {
    to: 'https://dmp.test/repository',
    messageId: 'urn:uuid:00000000-0000-4000-8000-00000000abcd',
    boundary: 'MIMEBoundary_test',
  });
  const back = readSubmission(mtom.body, mtom.contentType);
  expect(back.submission).toStrictEqual(s);
  expectSameBytes(back.documents, docs);
  expect(toProvideAndRegister(back.submission, back.documents)).toBe(pnr);
}

describe('buildSubmission on every bundled scenario (N3 + N1 + signature)', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: fields from the headers, XSD-valid, own rules, exact round trip`, async () => {
      const out = await scenarioDocuments(scenario);
      const warnings: XdsFinding[] = [];
      const s = buildSubmission({
        documents: [{ bytes: out.n3 }, { bytes: out.n1 }],
        signature: { bytes: out.signature! },
        submissionSet: { sourceId: SOURCE_ID, submissionTime: TEST_NOW, contentTypeCode: { code: '07' } },
        uuid: seededUuids(),
        onWarning: (w) => warnings.push(w),
        ...(scenario.model().relatedDocument
          ? { replaces: [{ entryUUID: PREVIOUS_N3 }, { entryUUID: PREVIOUS_N1 }] }
          : {}),
      });
      if (scenario.model().relatedDocument) {
        const rplc = s.associations.filter((a) => a.type === ASSOCIATION_TYPE.replace);
        expect(rplc.map((a) => [a.sourceObject, a.targetObject])).toEqual([
          [s.documents[0]?.entryUUID, PREVIOUS_N3],
          [s.documents[1]?.entryUUID, PREVIOUS_N1],
        ]);
      }
      // Only identifier-key warnings are allowed (older scenarios reused the ANS biologist, whose RPPS key is wrong).
      expect(warnings.filter((w) => w.code !== 'XDS_IDENTIFIER_KEY')).toEqual([]);
      expect(s.submissionSet.uniqueId).toBe(out.ids.submissionSet);
      expect(s.submissionSet.submissionTime).toBe('20261125100000');
      const [n3, n1, sig] = s.documents as [DocumentEntry, DocumentEntry, DocumentEntry];
      expectHeaderFields(n3, out.n3);
      expectHeaderFields(n1, out.n1);
      expect(n1.formatCode.code).toBe('urn:ihe:iti:xds-sd:pdf:2008');
      expect(sig.hash).toBe(sha1sum(out.signature!));
      expect(sig.formatCode.code).toBe('urn:ihe:iti:dsg:detached:2014');
      expect(sig.confidentialityCodes.map((c) => c.code)).toEqual(['N', 'MASQUE_PS', 'INVISIBLE_PATIENT']);
      for (const e of s.documents) expect(e.patientId).toBe(s.submissionSet.patientId);
      const types = s.associations.map((a) => a.type);
      expect(types.filter((t) => t === ASSOCIATION_TYPE.hasMember)).toHaveLength(3);
      expect(s.associations.find((a) => a.type === ASSOCIATION_TYPE.signs)).toMatchObject({
        sourceObject: sig.entryUUID,
        targetObject: s.submissionSet.entryUUID,
      });
      const docs = new Map([
        [n3.entryUUID, out.n3],
        [n1.entryUUID, out.n1],
        [sig.entryUUID, out.signature!],
      ]);
      await expectValidAndRoundTrip(s, docs);
    });
  }

  it('dmp-legacy signature: the DRIM format code xmldsig#', async () => {
    const out = await scenarioDocuments(SCENARIOS[0]!, 'dmp-legacy');
    const s = buildSubmission({
      documents: [{ bytes: out.n3 }, { bytes: out.n1 }, { bytes: out.signature! }],
      submissionSet: { sourceId: SOURCE_ID, submissionTime: TEST_NOW, contentTypeCode: { code: '07' } },
      uuid: seededUuids(),
    });
    expect(s.documents[2]?.formatCode.code).toBe('http://www.w3.org/2000/09/xmldsig#');
  });
});

const OFFICIAL = readdirSync(EXAMPLES_DIR).filter((f) => f.startsWith('BIO-CR-BIO_') && f.endsWith('.xml'));

describe('buildSubmission on the official CR-BIO examples', () => {
  beforeAll(() => expect(OFFICIAL.length).toBeGreaterThan(10));
  for (const file of OFFICIAL) {
    it(file, async () => {
      const bytes = new Uint8Array(readFileSync(join(EXAMPLES_DIR, file)));
      const x = cdaXPath(bytes);
      const rplc = x("h:relatedDocument[@typeCode='RPLC']/h:parentDocument/h:id/@root");
      const warnings: XdsFinding[] = [];
      const s = buildSubmission({
        documents: [{ bytes }],
        submissionSet: {
          sourceId: SOURCE_ID,
          uniqueId: '1.2.250.1.999.9.2.1',
          submissionTime: TEST_NOW,
          contentTypeCode: { code: '04' },
        },
        uuid: seededUuids(),
        onWarning: (w) => warnings.push(w),
        ...(rplc ? { replaces: { entryUUID: 'urn:uuid:11111111-2222-4333-8444-555555555555' } } : {}),
      });
      const e = s.documents[0]!;
      expectHeaderFields(e, bytes);
      // The ANS examples' RPPS 801234534765 has a wrong Luhn key: a warning, not an error.
      if (x('h:legalAuthenticator/h:assignedEntity/h:id/@extension') === '801234534765') {
        expect(warnings.map((w) => w.code)).toContain('XDS_IDENTIFIER_KEY');
      }
      if (rplc) {
        expect(s.associations.find((a) => a.type === ASSOCIATION_TYPE.replace)).toMatchObject({
          sourceObject: e.entryUUID,
          targetObject: 'urn:uuid:11111111-2222-4333-8444-555555555555',
        });
      }
      await expectValidAndRoundTrip(s, new Map([[e.entryUUID, bytes]]));
    });
  }
});
