import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildCrBio,
  buildCrBioN1,
  buildReport,
  CodeValidationError,
  ReportStructureError,
  SCENARIOS,
  seededIds,
} from '../../src/cda/index.js';
import { checkUcumUnit } from '../../src/cda/ucum.js';
import { inValueSet } from '../../src/cda/valuesets.js';
import { type CrBioReport, ModelValidationError } from '../../src/model/index.js';
import { validate } from '../../src/validate/index.js';
import { KIT_DIR } from '../helpers/shared.js';
import { counterIds, danglingReferences, elements, FIXED_CLOCK, failures, tinyPdf } from './build-helpers.js';

let pdf: Uint8Array;
beforeAll(async () => {
  pdf = await tinyPdf();
});

function scenario(name: string): CrBioReport {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s.model();
}

function build(model: CrBioReport) {
  return buildReport(model, { pdf, clock: FIXED_CLOCK, idGenerator: counterIds() });
}

describe('bundled scenarios', () => {
  it('cover the required cases', () => {
    expect(SCENARIOS.map((s) => s.name)).toEqual([
      'biochemistry',
      'haematology',
      'microbiology',
      'local-code',
      'subcontracted',
      'replacement',
      'level1',
      'realistic',
    ]);
  });

  for (const s of SCENARIOS) {
    it(`${s.name}: XSD + every ANS profile of its level pass (kit)`, async () => {
      const { bytes, xml } = build(s.model());
      expect(danglingReferences(xml)).toEqual([]);
      const v = await validate(bytes, { kit: KIT_DIR, fileName: `${s.name}.xml` });
      expect(v.rules).toBe('kit');
      expect(v.level).toBe(s.level);
      expect(v.xsd?.valid).toBe(true);
      expect(Object.keys(v.profiles)).toHaveLength(s.level === 3 ? 5 : 4);
      expect(failures(v)).toEqual([]);
      expect(v.valid).toBe(true);
    });
  }
});

describe('header variants', () => {
  it('device author, validating biologist, GP, recipient, guardian, informant, deceasedInd: N3 and N1 pass the kit', async () => {
    const m = scenario('microbiology');
    const bio = m.legalAuthenticator;
    m.authors.push({
      time: '20240104160527+0100',
      ids: [{ root: '1.2.250.1.213.1.1.9', extension: 'SGL-1' }],
      profession: { code: 'DISPOSITIF', displayName: 'Dispositif', codeSystem: '1.2.250.1.213.1.1.4.6' },
      device: { manufacturerModelName: 'Automate X', softwareName: 'SGL v1' },
      organization: m.custodian,
    });
    m.authenticators = [{ ...bio, time: '20240104110000+0100' }];
    m.generalPractitioner = {
      ids: [{ root: '1.2.250.1.71.4.2.1', extension: '810000000009' }],
      name: { given: ['Paul'], family: 'MEDECIN', suffix: 'DR' },
      telecoms: [{ value: 'tel:0142000001', use: 'WP' }],
    };
    m.informationRecipients = [
      {
        ids: [{ root: '1.2.250.1.71.4.2.1', extension: '810000000009' }],
        name: { given: ['Paul'], family: 'MEDECIN' },
      },
    ];
    m.patient.guardians = [
      {
        addresses: [{ use: 'H', city: 'PARIS' }],
        telecoms: [{ value: 'tel:0147150000', use: 'H' }],
        name: { prefix: 'MME', family: 'NESSI', given: ['Jeanne'] },
      },
    ];
    m.patient.deceasedInd = false;
    m.informants = [{ kind: 'related', classCode: 'NOK', name: { family: 'NESSI', given: ['Jeanne'] } }];
    const n3 = buildCrBio(m, { pdf, idGenerator: counterIds() });
    expect(n3.xml).toContain('<assignedAuthoringDevice>');
    expect(n3.xml).toContain('<sdtc:deceasedInd value="false"/>');
    const n1 = buildCrBioN1(m, pdf, { idGenerator: counterIds() });
    for (const [doc, profiles] of [
      [n3.bytes, 5],
      [n1.bytes, 4],
    ] as const) {
      const v = await validate(doc, { kit: KIT_DIR });
      expect(v.xsd?.valid).toBe(true);
      expect(Object.keys(v.profiles)).toHaveLength(profiles);
      expect(failures(v)).toEqual([]);
    }
  });
});

describe('buildCrBio content', () => {
  it('keeps values as written and links every result to the narrative', () => {
    const { xml } = build(scenario('subcontracted'));
    const tsh = elements(xml, 'value').find((v) => v.getAttribute('unit') === 'm[IU]/L');
    expect(tsh?.getAttribute('value')).toBe('1.950');
    const refs = elements(xml, 'reference').map((r) => r.getAttribute('value'));
    expect(refs.length).toBeGreaterThan(3);
    expect(danglingReferences(xml)).toEqual([]);
  });

  it('writes the report status (partial = lab:statusCode active) and a test not performed (aborted)', () => {
    const { xml } = build(scenario('subcontracted'));
    const status = xml.match(/<lab:statusCode code="(\w+)"\/>/);
    expect(status?.[1]).toBe('active');
    const aborted = elements(xml, 'observation').filter((o) =>
      elements(o.toString(), 'statusCode').some((s) => s.getAttribute('code') === 'aborted'),
    );
    expect(aborted).toHaveLength(1);
    expect(aborted[0]?.getElementsByTagNameNS('urn:hl7-org:v3', 'value').length).toBe(0);
  });

  it('writes the subcontracting laboratory on the act (FR-Laboratoire-executant)', () => {
    const { xml } = build(scenario('subcontracted'));
    const body = elements(xml, 'structuredBody')[0]?.toString() ?? '';
    const performers = elements(body, 'performer').filter((p) =>
      elements(p.toString(), 'templateId').some((t) => t.getAttribute('root') === '1.2.250.1.213.1.1.3.23'),
    );
    expect(performers).toHaveLength(1);
    expect(performers[0]?.toString()).toContain('LABORATOIRE SOUS-TRAITANT');
  });

  it('writes the INS only for a qualified identity', () => {
    const qual = build(scenario('biochemistry')).xml;
    const ids = (xml: string) =>
      elements(xml, 'patientRole')[0]?.getElementsByTagNameNS('urn:hl7-org:v3', 'id');
    expect(ids(qual)?.item(0)?.getAttribute('root')).toBe('1.2.250.1.213.1.4.10');
    expect(ids(qual)?.item(0)?.getAttribute('extension')).toBe('279035121518989');

    const m = scenario('biochemistry');
    m.patient.identity = { ...m.patient.identity, status: 'VALI', ins: undefined };
    const vali = build(m).xml;
    const roots = Array.from({ length: ids(vali)?.length ?? 0 }, (_, i) =>
      ids(vali)?.item(i)?.getAttribute('root'),
    );
    expect(roots).toEqual(['1.2.3.4.567.8.9.10']);
    expect(vali).not.toContain('279035121518989');
    // INS traits are still written as names (BR qualifiers), without the INS.
    expect(vali).toContain('<family qualifier="BR">PAT-TROIS</family>');
  });

  it('gives byte-identical documents for the same model, clock and ids', () => {
    const a = buildCrBio(scenario('microbiology'), { pdf, clock: FIXED_CLOCK, idGenerator: seededIds('x') });
    const b = buildCrBio(scenario('microbiology'), { pdf, clock: FIXED_CLOCK, idGenerator: seededIds('x') });
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    const c = buildCrBio(scenario('microbiology'), { pdf, clock: FIXED_CLOCK, idGenerator: seededIds('y') });
    expect(Buffer.from(a.bytes).equals(Buffer.from(c.bytes))).toBe(false);
    expect(new TextDecoder().decode(a.bytes)).toBe(a.xml);
  });

  it('replacement: same setId, version + 1, RPLC to the previous id', () => {
    const v1 = scenario('biochemistry');
    const v2 = scenario('replacement');
    const { xml } = build(v2);
    expect(elements(xml, 'setId')[0]?.getAttribute('root')).toBe(v1.setId.root);
    expect(elements(xml, 'versionNumber')[0]?.getAttribute('value')).toBe('2');
    const rd = elements(xml, 'relatedDocument')[0];
    expect(rd?.getAttribute('typeCode')).toBe('RPLC');
    expect(rd?.getElementsByTagNameNS('urn:hl7-org:v3', 'id').item(0)?.getAttribute('root')).toBe(v1.id.root);
  });

  it('level 1: exactly the three structuration-minimale templateIds and the PDF in nonXMLBody', () => {
    const { xml } = buildCrBioN1(scenario('biochemistry'), pdf, { idGenerator: counterIds() });
    const roots = elements(xml, 'templateId')
      .filter((t) => (t.parentNode as { localName?: string } | null)?.localName === 'ClinicalDocument')
      .map((t) => t.getAttribute('root'));
    expect(xml).not.toContain('1.3.6.1.4.1.19376.1.3.3"'); // no XD-LAB templateId anywhere
    expect(roots).toEqual(['2.16.840.1.113883.2.8.2.1', '1.2.250.1.213.1.1.1.1', '1.3.6.1.4.1.19376.1.2.20']);
    const text = elements(xml, 'nonXMLBody')[0]?.getElementsByTagNameNS('urn:hl7-org:v3', 'text').item(0);
    expect(text?.getAttribute('mediaType')).toBe('application/pdf');
    expect(Buffer.from(text?.textContent ?? '', 'base64').equals(Buffer.from(pdf))).toBe(true);
    expect(elements(xml, 'structuredBody')).toHaveLength(0);
  });

  it('embeds the PDF copy in the FR-Document-PDF-copie section', () => {
    const { xml } = build(scenario('haematology'));
    const media = elements(xml, 'observationMedia').find(
      (m) =>
        m.getElementsByTagNameNS('urn:hl7-org:v3', 'value').item(0)?.getAttribute('mediaType') ===
        'application/pdf',
    );
    expect(Buffer.from(media?.textContent?.trim() ?? '', 'base64').equals(Buffer.from(pdf))).toBe(true);
    expect(xml).toContain('<title>Copie du document</title>');
  });
});

describe('bad input', () => {
  it('an invalid model gives one ModelValidationError listing every zod path', () => {
    const m = scenario('biochemistry') as unknown as Record<string, unknown>;
    m.versionNumber = 0;
    (m.patient as { identity: { traits: { birthDate: string } } }).identity.traits.birthDate = '28/03/1979';
    delete m.custodian;
    let err: unknown;
    try {
      buildCrBio(m as unknown as CrBioReport, { pdf });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelValidationError);
    const where = (err as ModelValidationError).issues.map((i) => i.where).sort();
    expect(where).toEqual(['custodian', 'patient.identity.traits.birthDate', 'versionNumber']);
    expect((err as ModelValidationError).code).toBe('MODEL_INVALID');
  });

  it('non-UCUM units and interpretations outside the value set give one CodeValidationError with model paths', () => {
    const m = scenario('haematology');
    const ch = m.sections[0];
    if (ch?.kind !== 'chapter' || ch.entry?.items[0]?.kind !== 'battery') throw new Error('fixture');
    const obs = ch.entry.items[0].components[0];
    if (obs?.kind !== 'observation' || obs.value?.type !== 'PQ') throw new Error('fixture');
    obs.value.unit = 'mUI/L';
    obs.interpretations = [{ code: 'ZZ', codeSystem: '2.16.840.1.113883.5.83' }];
    m.confidentiality = { code: 'INVISIBLE_PATIENT', codeSystem: '1.2.250.1.213.1.1.4.13' };
    let err: unknown;
    try {
      buildCrBio(m, { pdf });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CodeValidationError);
    const paths = (err as CodeValidationError).problems.map((p) => p.path);
    expect(paths).toEqual([
      'confidentiality',
      'sections[0].entry.items[0].components[0].value.unit',
      'sections[0].entry.items[0].components[0].interpretations[0]',
    ]);
    expect((err as CodeValidationError).code).toBe('CODE_INVALID');
  });

  it('checks coded values against the kit value sets when a kit is given', () => {
    expect(inValueSet('interpretation', { code: 'POS', codeSystem: '2.16.840.1.113883.5.83' }, KIT_DIR)).toBe(
      true,
    );
    expect(inValueSet('interpretation', { code: 'ZZ', codeSystem: '2.16.840.1.113883.5.83' }, KIT_DIR)).toBe(
      false,
    );
    expect(
      inValueSet('authorSpecialty', { code: 'G15_10/SM03', codeSystem: '1.2.250.1.213.1.1.4.5' }, KIT_DIR),
    ).toBe(true);
    expect(
      inValueSet('authorSpecialty', { code: 'G15_10/SM03', codeSystem: '1.2.250.1.213.1.1.4.5' }),
    ).toBeUndefined();
    const m = scenario('biochemistry');
    m.legalAuthenticator.profession = { code: 'NOPE', displayName: 'x', codeSystem: '1.2.250.1.213.1.1.4.5' };
    expect(() => buildCrBio(m, { pdf })).not.toThrow();
    expect(() => buildCrBio(m, { pdf, kit: KIT_DIR })).toThrow(CodeValidationError);
  });

  it('text XML cannot carry is refused with a typed error, not written', () => {
    const m = scenario('biochemistry');
    const ch = m.sections[0];
    if (ch?.kind !== 'chapter') throw new Error('fixture');
    ch.title = 'BIOCHIMIE\u0007';
    // Refused before writing, at the full model path (issue 13 item 17).
    expect(() => buildCrBio(m, { pdf })).toThrow(
      expect.objectContaining({ code: 'MODEL_INVALID', where: 'sections[0].title' }),
    );
  });

  it('UCUM checks use the NLM library', () => {
    expect(checkUcumUnit('m[IU]/L').valid).toBe(true);
    expect(checkUcumUnit('10*9/L').valid).toBe(true);
    expect(checkUcumUnit('mUI/L')).toMatchObject({ valid: false });
    expect(checkUcumUnit('mg /L').valid).toBe(false);
  });

  it('a model that cannot make a conforming document gives one ReportStructureError', () => {
    const m = scenario('haematology');
    const ch = m.sections[0];
    if (ch?.kind !== 'chapter' || !ch.entry) throw new Error('fixture');
    ch.subSections = [{ entry: ch.entry }];
    m.serviceEvents[0] = { ...m.serviceEvents[0]!, performer: undefined };
    let err: unknown;
    try {
      buildCrBio(m); // and no PDF at all
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ReportStructureError);
    expect((err as ReportStructureError).problems.map((p) => p.path).sort()).toEqual([
      'pdf',
      'sections[0]',
      'serviceEvents[0].performer',
    ]);
  });
});
