import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeInsKey } from '../../src/ins/index.js';
import {
  AVAILABILITY_STATUS,
  buildStatusUpdate,
  buildSubmission,
  buildVisibilityUpdate,
  checkXdsMetadata,
  confidentialityCodes,
  parseSubmission,
  type SubmissionInput,
  toMtomRequest,
  toRemoveObjectsRequest,
  toSubmitObjectsRequest,
  XdsError,
} from '../../src/xds/index.js';
import { TEST_NOW } from '../helpers/clock.js';
import { EXAMPLES_DIR, KIT_DIR } from '../helpers/shared.js';
import { LCM_XSD, seededUuids, xsdErrors } from './helpers.js';

const TSH = readFileSync(join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml'), 'utf8');
const V2 = readFileSync(join(EXAMPLES_DIR, 'BIO-CR-BIO_2021.01_Microbiologie_V2.xml'), 'utf8');
const SET = {
  sourceId: '1.2.250.1.999.9.1',
  uniqueId: '1.2.250.1.999.9.2.1',
  submissionTime: TEST_NOW,
  contentTypeCode: { code: '04' },
};

function input(xml: string, extra: Partial<SubmissionInput> = {}): SubmissionInput {
  return {
    documents: [{ bytes: new TextEncoder().encode(xml) }],
    submissionSet: SET,
    uuid: seededUuids(),
    ...extra,
  };
}
function failure(f: () => unknown): XdsError {
  try {
    f();
  } catch (e) {
    if (e instanceof XdsError) return e;
    throw e;
  }
  throw new Error('test: expected an XdsError');
}

describe('typed errors naming the field', () => {
  it('no INS → XDS_NO_INS on patientId', () => {
    const xml = TSH.replace(/<id extension="279035121518989" root="1.2.250.1.213.1.4.10"\/>/, '');
    const e = failure(() => buildSubmission(input(xml)));
    expect([e.code, e.field, e.where]).toEqual([
      'XDS_NO_INS',
      'patientId',
      '/ClinicalDocument/recordTarget/patientRole/id',
    ]);
  });
  it('provisional identity (INS-C, or INS without value) → XDS_IDENTITY_NOT_QUALIFIED', () => {
    const insC = TSH.replace('root="1.2.250.1.213.1.4.10"', 'root="1.2.250.1.213.1.4.2"');
    expect(failure(() => buildSubmission(input(insC)))).toMatchObject({
      code: 'XDS_IDENTITY_NOT_QUALIFIED',
      field: 'patientId',
    });
    const nf = TSH.replace(
      '<id extension="279035121518989" root="1.2.250.1.213.1.4.10"/>',
      '<id nullFlavor="UNK" root="1.2.250.1.213.1.4.10"/>',
    );
    expect(failure(() => buildSubmission(input(nf)))).toMatchObject({
      code: 'XDS_IDENTITY_NOT_QUALIFIED',
      field: 'patientId',
    });
    const badKey = TSH.replace('extension="279035121518989"', 'extension="279035121518988"');
    expect(failure(() => buildSubmission(input(badKey)))).toMatchObject({
      code: 'XDS_IDENTITY_NOT_QUALIFIED',
      field: 'patientId',
    });
  });
  it('unknown practice setting → XDS_CODE_OUT_OF_SET on practiceSettingCode', () => {
    const xml = TSH.replaceAll('code="AMBULATOIRE"', 'code="LABO_MOBILE"');
    const e = failure(() => buildSubmission(input(xml)));
    expect([e.code, e.field]).toEqual(['XDS_CODE_OUT_OF_SET', 'practiceSettingCode']);
    expect(e.where).toContain('standardIndustryClassCode');
  });
  it('facility type, type code, confidentiality, language outside their sets', () => {
    const cases: Array<[string, string]> = [
      [TSH.replace('code="SA25"', 'code="SA99"'), 'healthcareFacilityTypeCode'],
      [TSH.replace('code="11502-2"', 'code="11488-4"'), 'typeCode'],
      [TSH.replace('<confidentialityCode code="N"', '<confidentialityCode code="X"'), 'confidentialityCode'],
    ];
    for (const [xml, field] of cases)
      expect(failure(() => buildSubmission(input(xml)))).toMatchObject({
        code: 'XDS_CODE_OUT_OF_SET',
        field,
      });
    expect(
      failure(() =>
        buildSubmission(input(TSH.replace('<languageCode code="fr-FR"/>', '<languageCode code="fr"/>'))),
      ),
    ).toMatchObject({ field: 'languageCode' });
  });
  it('RPLC without replaces → XDS_REPLACES_MISSING naming the option; unused replaces refused', () => {
    const e = failure(() => buildSubmission(input(V2)));
    expect([e.code, e.field]).toEqual(['XDS_REPLACES_MISSING', 'replaces']);
    expect(e.message).toContain('--replaces');
    const unused = failure(() =>
      buildSubmission(
        input(TSH, { replaces: { entryUUID: 'urn:uuid:11111111-2222-4333-8444-555555555555' } }),
      ),
    );
    expect(unused.code).toBe('XDS_REPLACES_UNUSED');
    expect(failure(() => buildSubmission(input(V2, { replaces: { entryUUID: '1234' } })))).toMatchObject({
      field: 'replaces',
    });
  });
  it('options: sourceId, submission set id, contentTypeCode', () => {
    expect(
      failure(() => buildSubmission({ ...input(TSH), submissionSet: { ...SET, sourceId: 'lab' } })).field,
    ).toBe('sourceId');
    const { uniqueId: _u, ...noId } = SET;
    expect(failure(() => buildSubmission({ ...input(TSH), submissionSet: noId })).field).toBe(
      'submissionSet.uniqueId',
    );
    expect(
      failure(() =>
        buildSubmission({ ...input(TSH), submissionSet: { ...SET, contentTypeCode: { code: '42' } } }),
      ).field,
    ).toBe('contentTypeCode');
    expect(
      failure(() =>
        buildSubmission({
          ...input(TSH),
          submissionSet: { ...SET, contentTypeCode: { code: '04', scheme: '1.2.3' } },
        }),
      ).field,
    ).toBe('contentTypeCode');
  });
  it('documents of two patients → XDS_PATIENT_MISMATCH', () => {
    const ins = `1800369123456${computeInsKey('1800369123456')}`;
    const other = TSH.replace('extension="279035121518989"', `extension="${ins}"`).replace(
      '1.2.250.1.213.1.1.1.55.2024.9.1',
      '1.2.250.1.213.1.1.1.55.2024.9.7',
    );
    const both = {
      ...input(TSH),
      documents: [{ bytes: new TextEncoder().encode(TSH) }, { bytes: new TextEncoder().encode(other) }],
    };
    expect(failure(() => buildSubmission(both))).toMatchObject({
      code: 'XDS_PATIENT_MISMATCH',
      field: 'patientId',
    });
  });
});

describe('visibility', () => {
  it('flags → TRE_A07 codes after the HL7 code; secret connection hides from patient and legal representatives', () => {
    expect(confidentialityCodes('N', {}).map((c) => c.code)).toEqual(['N']);
    expect(
      confidentialityCodes('R', {
        hiddenFromProfessionals: true,
        hiddenFromPatient: true,
        hiddenFromLegalRepresentatives: true,
      }).map((c) => c.code),
    ).toEqual(['R', 'MASQUE_PS', 'INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX']);
    expect(confidentialityCodes('N', { secretConnection: true }).map((c) => c.code)).toEqual([
      'N',
      'INVISIBLE_PATIENT',
      'INVISIBLE_REPRESENTANTS_LEGAUX',
    ]);
    const s = buildSubmission(input(TSH, { visibility: { hiddenFromPatient: true } }));
    expect(s.documents[0]?.confidentialityCodes.map((c) => [c.code, c.scheme])).toEqual([
      ['N', '2.16.840.1.113883.5.25'],
      ['INVISIBLE_PATIENT', '1.2.250.1.213.1.1.4.13'],
    ]);
  });
});

describe('ITI-57 updates and ITI-62 deletion', () => {
  const first = buildSubmission(input(TSH));
  const entry = first.documents[0]!;
  const upd = { entry, submissionSet: { ...SET, uniqueId: '1.2.250.1.999.9.2.2' }, uuid: seededUuids(7) };

  it('visibility change: new version of the entry (same lid), PreviousVersion, new codes; valid and round-trips', async () => {
    const s = buildVisibilityUpdate({ ...upd, visibility: { hiddenFromProfessionals: true } });
    const d = s.documents[0]!;
    expect(d.logicalId).toBe(entry.entryUUID);
    expect(d.entryUUID).not.toBe(entry.entryUUID);
    expect(d.confidentialityCodes.map((c) => c.code)).toEqual(['N', 'MASQUE_PS']);
    expect(s.associations[0]).toMatchObject({
      previousVersion: '1',
      submissionSetStatus: 'Original',
      targetObject: d.entryUUID,
    });
    const xml = toSubmitObjectsRequest(s);
    expect((await xsdErrors(xml, LCM_XSD)).xmllint).toBe('');
    expect(parseSubmission(xml)).toStrictEqual(s);
    expect(checkXdsMetadata(xml).filter((f) => f.severity === 'error')).toEqual([]);
  });
  it('withdrawal (Deprecated) and archiving: UpdateAvailabilityStatus association', async () => {
    for (const status of [AVAILABILITY_STATUS.deprecated, AVAILABILITY_STATUS.archived]) {
      const s = buildStatusUpdate({ ...upd, newStatus: status });
      expect(s.associations[0]).toMatchObject({
        type: 'urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus',
        targetObject: entry.entryUUID,
        originalStatus: AVAILABILITY_STATUS.approved,
        newStatus: status,
      });
      expect(s.associations[1]).toMatchObject({ targetObject: s.associations[0]?.id });
      const xml = toSubmitObjectsRequest(s);
      expect((await xsdErrors(xml, LCM_XSD)).xmllint).toBe('');
      expect(parseSubmission(xml)).toStrictEqual(s);
    }
  });
  it('deletion: RemoveObjectsRequest valid against lcm.xsd', async () => {
    const xml = toRemoveObjectsRequest({ entryUUIDs: [entry.entryUUID] });
    expect(xml).toContain(`<rim:ObjectRef id="${entry.entryUUID}"/>`);
    expect((await xsdErrors(xml, LCM_XSD)).xmllint).toBe('');
    expect(() => toRemoveObjectsRequest({ entryUUIDs: ['x'] })).toThrow(XdsError);
  });
});

describe('checkXdsMetadata finds what the XSD lets through', () => {
  const s = buildSubmission(input(TSH));
  const sor = toSubmitObjectsRequest(s);
  const codes = (xml: string, docs?: Map<string, Uint8Array>) =>
    checkXdsMetadata(xml, docs ? { documents: docs } : {})
      .filter((f) => f.severity === 'error')
      .map((f) => f.code);

  it('a conformant submission has no error; hash/size checked against the bytes', () => {
    const bytes = new TextEncoder().encode(TSH);
    expect(codes(sor, new Map([[s.documents[0]!.uniqueId, bytes]]))).toEqual([]);
    expect(codes(sor, new Map([[s.documents[0]!.uniqueId, bytes.subarray(1)]]))).toEqual([
      'XDS_SIZE_MISMATCH',
      'XDS_HASH_MISMATCH',
    ]);
  });
  it('missing slot, local time, bad CX, several patients, missing classification, missing HasMember', () => {
    expect(codes(sor.replace(/<rim:Slot name="languageCode">.*?<\/rim:Slot>/, ''))).toContain(
      'XDS_SLOT_MISSING',
    );
    expect(
      codes(
        sor.replace('<rim:Value>20210401161000</rim:Value>', '<rim:Value>20210401171000+0100</rim:Value>'),
      ),
    ).toContain('XDS_DTM');
    expect(
      codes(
        sor
          .replace(/(XDSDocumentEntry\.patientId)/, '$1')
          .replace(
            'value="279035121518989^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH"',
            'value="279035121518989^^^1.2.250.1.213.1.4.10^NH"',
          ),
      ),
    ).toContain('XDS_CX_SYNTAX');
    expect(
      codes(
        sor.replace(
          'value="279035121518989^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH"',
          'value="180036912345627^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH"',
        ),
      ),
    ).toContain('XDS_PATIENT_MISMATCH');
    expect(
      codes(
        sor.replace(
          /<rim:Classification classificationScheme="urn:uuid:41a5887f[^>]*>.*?<\/rim:Classification>/,
          '',
        ),
      ),
    ).toContain('XDS_CLASSIFICATION_MISSING');
    expect(codes(sor.replace(/<rim:Association [^>]*HasMember.*?<\/rim:Association>/, ''))).toContain(
      'XDS_NOT_MEMBER',
    );
    expect(codes(sor.replaceAll('nodeRepresentation="AMBULATOIRE"', 'nodeRepresentation="LABO"'))).toContain(
      'XDS_CODE_OUT_OF_SET',
    );
    expect(codes('<a')).toEqual(['XDS_MALFORMED']);
  });
});

describe('MTOM/XOP ITI-41 request', () => {
  it('SOAP 1.2 + WS-Addressing, security header from the callback, exact binary parts', () => {
    const s = buildSubmission(input(TSH));
    const bytes = new TextEncoder().encode(TSH);
    const seen: string[] = [];
    const req = toMtomRequest(s, new Map([[s.documents[0]!.entryUUID, bytes]]), {
      to: 'https://dmp.test/repository',
      messageId: 'urn:uuid:00000000-0000-4000-8000-0000000000aa',
      boundary: 'MIMEBoundary_test',
      security: (ctx) => {
        seen.push(ctx.action);
        return '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="vihf"/></wsse:Security>';
      },
    });
    expect(seen).toEqual(['urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b']);
    expect(req.contentType).toContain(
      'multipart/related; boundary="MIMEBoundary_test"; type="application/xop+xml"',
    );
    expect(req.envelope).toContain(
      '<wsa:To soap:mustUnderstand="true">https://dmp.test/repository</wsa:To><wsse:Security',
    );
    expect(req.envelope).toContain(
      '<xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:doc1@cisis-bio"/>',
    );
    const body = Buffer.from(req.body);
    expect(
      body.includes(Buffer.from(`Content-ID: <doc1@cisis-bio>\r\n\r\n${TSH}\r\n--MIMEBoundary_test--\r\n`)),
    ).toBe(true);
    const clash = new TextEncoder().encode(`${TSH}<!--MIMEBoundary_test-->`);
    expect(() =>
      toMtomRequest(s, new Map([[s.documents[0]!.entryUUID, clash]]), {
        to: 'x',
        boundary: 'MIMEBoundary_test',
      }),
    ).toThrow(/boundary/);
    expect(() =>
      toMtomRequest(s, new Map([[s.documents[0]!.entryUUID, bytes]]), { to: 'x', boundary: 'bad boundary"' }),
    ).toThrow(/boundary/);
  });
});

describe('header-only reading', () => {
  it('gives the entry a whole-document parse gives (CDA nested in another element), comments ignored', () => {
    const body = TSH.replace(/^<\?xml[^>]*\?>/, '');
    const nested = `<?xml version="1.0" encoding="UTF-8"?><wrapper>${body}</wrapper>`;
    const commented = TSH.replace('<title>', '<!-- <component><structuredBody/></component> --><title>');
    const [a, b, c] = [TSH, nested, commented].map((x) => buildSubmission(input(x)).documents[0]!);
    const strip = (e: typeof a) => ({ ...e, hash: '', size: 0 });
    expect(strip(b)).toStrictEqual(strip(a));
    expect(strip(c)).toStrictEqual(strip(a));
  });
});

describe('identifier keys', () => {
  it('a wrong RPPS key in the header is a warning naming the element; the right key gives none', () => {
    const warned: string[] = [];
    const s = buildSubmission(input(TSH, { onWarning: (w) => warned.push(`${w.code} ${w.where}`) }));
    expect(s.documents).toHaveLength(1);
    expect(warned).toContain('XDS_IDENTIFIER_KEY /ClinicalDocument/legalAuthenticator/assignedEntity/id');
    expect(warned).toContain('XDS_IDENTIFIER_KEY /ClinicalDocument/author[1]/assignedAuthor/id');
    const fixed: string[] = [];
    buildSubmission(
      input(TSH.replaceAll('801234534765', '801234534764'), { onWarning: (w) => fixed.push(w.code) }),
    );
    expect(fixed).toEqual([]);
  });
});

describe('author specialty with the ANS kit (JDV_J01)', () => {
  it('a specialty outside J01 is refused only when the kit is given', () => {
    expect(buildSubmission(input(TSH, { kit: KIT_DIR })).documents).toHaveLength(1);
    const bad = TSH.replaceAll('code="G15_10/SM03"', 'code="G15_10/SM99"');
    expect(buildSubmission(input(bad)).documents).toHaveLength(1);
    expect(failure(() => buildSubmission(input(bad, { kit: KIT_DIR })))).toMatchObject({
      code: 'XDS_CODE_OUT_OF_SET',
      field: 'authorSpecialty',
    });
  });
});
