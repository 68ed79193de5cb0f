import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CdaParseError, parseCrBio } from '../../src/cda/index.js';
import { CisisBioError, XmlParseError } from '../../src/common/errors.js';
import { EXAMPLES_DIR, PARITY_DIR } from '../helpers/shared.js';
import { itemsOf, observationsOf } from './model-walk.js';
import { extractResultFacts } from './result-facts.js';

const read = (name: string) => readFileSync(join(EXAMPLES_DIR, name), 'utf8');

/** Expected content of each official example: results (incl. previous results as seen by extractResultFacts). */
const EXAMPLES: Array<{ file: string; level: 1 | 3; results: number; sections: string[]; pdf: boolean }> = [
  { file: 'BIO-CR-BIO_2024.01_TSH_1.xml', level: 3, results: 2, sections: ['chapter'], pdf: true },
  { file: 'BIO-CR-BIO_2024.01_Glycémie mole.xml', level: 3, results: 1, sections: ['chapter'], pdf: true },
  { file: 'BIO-CR-BIO_2024.01_CRP_non_LOINC.xml', level: 3, results: 1, sections: ['chapter'], pdf: true },
  {
    file: 'BIO-CR-BIO_2024.01_Microbiologie_V1.xml',
    level: 3,
    results: 14,
    sections: ['chapter'],
    pdf: true,
  },
  {
    file: 'BIO-CR-BIO_2024.01_Electrophorese.xml',
    level: 3,
    results: 44,
    sections: ['comment', 'chapter', 'chapter', 'chapter', 'comment'],
    pdf: true,
  },
  {
    file: 'BIO-CR-BIO_2024.01_CR-2nde-intention-PDF.xml',
    level: 3,
    results: 1,
    sections: ['comment', 'chapter', 'secondIntention'],
    pdf: true,
  },
  {
    file: 'BIO-CR-BIO_2024.01_DEP-CCU-HPV-structuré-CYTO-pdf.xml.xml',
    level: 3,
    results: 1,
    sections: ['recommendationReason', 'chapter', 'secondIntention', 'vaccinations', 'comment', 'comment'],
    pdf: true,
  },
  {
    file: 'BIO-CR-BIO_2023.01_Electrophorese.xml',
    level: 3,
    results: 44,
    sections: ['comment', 'chapter', 'chapter', 'chapter', 'comment'],
    pdf: true,
  },
  {
    file: 'BIO-CR-BIO_2021.01_Microbiologie_V2.xml',
    level: 3,
    results: 14,
    sections: ['chapter'],
    pdf: false,
  },
  {
    file: 'BIO-CR-BIO_2021.01_Auto-Presentable.xml',
    level: 3,
    results: 11,
    sections: ['chapter'],
    pdf: false,
  },
  { file: 'BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml', level: 1, results: 0, sections: [], pdf: true },
  { file: 'DOC_NON_STRUCTURE_CDA-R2-N1.xml', level: 1, results: 0, sections: [], pdf: true },
];

describe('parseCrBio on the official examples', () => {
  for (const ex of EXAMPLES) {
    it(`${ex.file}: level ${ex.level}, ${ex.results} results, QUAL identity`, () => {
      const xml = read(ex.file);
      const { report, level, warnings } = parseCrBio(xml);
      expect(level).toBe(ex.level);
      expect(report.level).toBe(ex.level);
      expect(observationsOf(report)).toHaveLength(ex.results);
      expect(report.sections.map((s) => s.kind)).toEqual(ex.sections);
      expect(report.patient.identity.status).toBe('QUAL');
      expect(report.patient.identity.ins).toEqual({
        matricule: '279035121518989',
        oid: '1.2.250.1.213.1.4.10',
      });
      expect(report.patient.localIds?.some((i) => i.root === '1.2.250.1.213.1.4.10')).toBeFalsy();
      expect(Boolean(report.pdf?.data)).toBe(ex.pdf);
      // Level 3 result count agrees with the independent fact extractor (previous results excluded).
      if (ex.level === 3 && !ex.file.includes('Auto-Presentable')) {
        expect(extractResultFacts(xml).filter((f) => f.kind === 'result')).toHaveLength(ex.results);
      }
      for (const w of warnings) expect(w.xpath).toMatch(/^\//);
    });
  }

  it('keeps values exactly as written, units, ranges, interpretations and times (TSH_1)', () => {
    const { report } = parseCrBio(read('BIO-CR-BIO_2024.01_TSH_1.xml'));
    const [tsh, ft4] = observationsOf(report);
    expect(tsh?.code).toMatchObject({
      code: '3016-3',
      codeSystem: '2.16.840.1.113883.6.1',
      originalText: 'Thyréostimuline (TSH)',
    });
    expect(tsh?.value).toEqual({ type: 'PQ', value: '1.950', unit: 'm[IU]/L' });
    expect(tsh?.effectiveTime).toEqual({ value: '20140402145521+0200' });
    expect(tsh?.referenceRange?.value).toEqual({
      type: 'IVL_PQ',
      low: { value: '0.270', unit: 'm[IU]/L' },
      high: { value: '4.200', unit: 'm[IU]/L' },
    });
    expect(ft4?.interpretations?.[0]).toMatchObject({ code: 'L', codeSystem: '2.16.840.1.113883.5.83' });
    expect(tsh?.methods?.[0]?.originalText).toBe('(ECL Modular)');
    expect(report.serviceEvents).toHaveLength(3);
    expect(report.serviceEvents[0]?.status).toBe('completed');
    expect(report.prescriber?.time).toEqual({ high: '20210101160527+0100' });
    expect(report.sampler?.functionCode?.code).toBe('PRELV');
    expect(report.generalPractitioner?.time).toEqual({ nullFlavor: 'NA' });
    expect(report.orderIds).toEqual([{ root: '1.2.250.1.213.1.1.9', extension: '2014123456789' }]);
    expect(report.voletVersion).toBeUndefined();
    // The PDF copy is the exact base64 of the document.
    const b64 = /<value mediaType="application\/pdf" representation="B64">([^<]+)<\/value>/.exec(
      read('BIO-CR-BIO_2024.01_TSH_1.xml'),
    )?.[1];
    expect(report.pdf?.data).toBe(b64?.replace(/\s+/g, ''));
    expect(report.pdf?.mediaId).toBe('doc-1');
    expect(
      Buffer.from(report.pdf?.data ?? '', 'base64')
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('reads a local code with translation and a censored value (CRP_non_LOINC)', () => {
    const { report } = parseCrBio(read('BIO-CR-BIO_2024.01_CRP_non_LOINC.xml'));
    const [crp] = observationsOf(report);
    expect(crp?.code.code).toBeUndefined();
    expect(crp?.code.translations).toEqual([
      {
        code: '1234',
        codeSystem: '1.2.250.1.2.3.4',
        codeSystemName: 'table des codes locaux Laboratoire des charmes',
        displayName: 'C Réactive protéine [Masse/Volume] Sérum/Plasma ; Numérique',
      },
    ]);
    expect(crp?.value).toEqual({ type: 'IVL_PQ', high: { value: '1.0', unit: 'mg/L', inclusive: true } });
  });

  it('reads microbiology: specimen with receipt, batteries, isolates with MICs, comment, validator', () => {
    const { report } = parseCrBio(read('BIO-CR-BIO_2024.01_Microbiologie_V1.xml'));
    const chapter = report.sections[0];
    if (chapter?.kind !== 'chapter' || !chapter.entry) throw new Error('chapter with entry expected');
    const [specimen] = itemsOf(report, 'specimen');
    expect(specimen).toMatchObject({
      code: { code: '5201', codeSystem: '1.2.250.1.213.2.7' },
      samplingTime: { high: '202401040735+0100' },
      specimenType: { code: 'UR', codeSystem: '2.16.840.1.113883.18.311', originalText: 'urine' },
      receivedTime: { value: '202401040752+0100' },
    });
    const isolates = itemsOf(report, 'isolate');
    expect(isolates).toHaveLength(2);
    expect(isolates[0]?.organism.code).toMatchObject({
      code: '112283007',
      codeSystem: '2.16.840.1.113883.6.96',
      translations: [{ code: '562', codeSystem: '2.16.840.1.113883.3.9471' }],
    });
    const mics = observationsOf(report).filter((o) => o.value?.type === 'IVL_PQ');
    expect(mics[0]?.value).toEqual({
      type: 'IVL_PQ',
      low: { value: '0.512', unit: 'ug/mL', inclusive: true },
    });
    expect(mics[1]?.value).toEqual({
      type: 'IVL_PQ',
      high: { value: '0.128', unit: 'ug/mL', inclusive: false },
    });
    expect(chapter.entry.comments?.[0]?.text).toBe('Traitement immédiat');
    expect(chapter.entry.validators?.[0]).toMatchObject({
      time: { high: '202401041120+0100' },
      name: { family: 'DE SANTS' },
    });
    const batteries = itemsOf(report, 'battery');
    expect(batteries[0]?.code?.translations?.[0]).toMatchObject({
      code: '4',
      codeSystem: '2.16.840.1.113883.5.84',
    });
  });

  it('reads subcontracting labs, previous results, images and two authenticators (Electrophorese)', () => {
    const { report } = parseCrBio(read('BIO-CR-BIO_2024.01_Electrophorese.xml'));
    const chapters = report.sections.filter((s) => s.kind === 'chapter');
    const sub = chapters[0]?.kind === 'chapter' ? chapters[0].subSections?.[0] : undefined;
    expect(sub?.entry.performer?.organization?.name).toBe('LABORATOIRE SOUS-TRAITANT');
    expect(sub?.entry.performer?.addresses).toEqual([{ nullFlavor: 'MSK' }]);
    expect(sub?.entry.performer?.time).toEqual({ value: '202401041050+0100' });
    const previous = observationsOf(report).flatMap((o) => o.previousResults ?? []);
    expect(previous.length).toBe(20);
    expect(previous[0]?.effectiveTime?.value).toMatch(/^\d{8}/);
    const media = itemsOf(report, 'media');
    expect(media).toHaveLength(1);
    expect(media[0]?.mediaType).toBe('image/png');
    expect(
      Buffer.from(media[0]?.data ?? '', 'base64')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(report.authenticators).toHaveLength(2);
    expect(report.informants?.[0]).toMatchObject({ kind: 'related', classCode: 'ECON' });
  });

  it('reads a second-intention PDF, a REAL value and an uncoded comment section', () => {
    const { report } = parseCrBio(read('BIO-CR-BIO_2024.01_CR-2nde-intention-PDF.xml'));
    const [inr] = observationsOf(report);
    expect(inr?.value?.type).toBe('REAL');
    const second = report.sections.find((s) => s.kind === 'secondIntention');
    expect(second?.kind === 'secondIntention' && second.documents[0]?.data.startsWith('JVBER')).toBe(true);
    const comment = report.sections[0];
    expect(comment?.kind === 'comment' && comment.title).toBeTruthy();
  });

  it('keeps DEP-CCU sections it has no fields for as raw XML, and devices and prior result of HPV', () => {
    const { report } = parseCrBio(read('BIO-CR-BIO_2024.01_DEP-CCU-HPV-structuré-CYTO-pdf.xml.xml'));
    const reason = report.sections[0];
    expect(reason?.kind).toBe('recommendationReason');
    expect(reason?.kind === 'recommendationReason' && reason.entries?.length).toBe(2);
    expect(reason?.kind === 'recommendationReason' && reason.entries?.[0]).toContain('MED-1210');
    const [hpv] = observationsOf(report);
    expect(hpv?.devices?.map((d) => d.typeCode)).toEqual(['DEV', 'CSM']);
    expect(hpv?.previousResults?.[0]?.value).toMatchObject({ type: 'CD', code: '77851000146104' });
    expect(report.informationRecipients).toHaveLength(2);
    expect(report.authors).toHaveLength(2);
    expect(report.encounter.responsibleParty?.organization?.partOf?.code).toBe('80');
  });

  it('reads a replacement version (2021 Microbiologie_V2: RPLC, version 2)', () => {
    const { report } = parseCrBio(read('BIO-CR-BIO_2021.01_Microbiologie_V2.xml'));
    expect(report.versionNumber).toBe(2);
    expect(report.relatedDocument).toEqual({
      typeCode: 'RPLC',
      parentId: { root: '1.2.250.1.213.1.1.1.55.12345.8' },
    });
  });

  it('reads the level 1 wrapped PDF', () => {
    const { report, level } = parseCrBio(readFileSync(join(EXAMPLES_DIR, 'DOC_NON_STRUCTURE_CDA-R2-N1.xml')));
    expect(level).toBe(1);
    expect(report.sections).toEqual([]);
    expect(report.pdf?.mediaType).toBe('application/pdf');
    expect(
      Buffer.from(report.pdf?.data ?? '', 'base64')
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });
});

describe('parseCrBio identity and bad input', () => {
  const tsh = read('BIO-CR-BIO_2024.01_TSH_1.xml');

  it('gives a PROV identity with local ids only when no INS root is present', () => {
    const xml = tsh.replace('<id extension="279035121518989" root="1.2.250.1.213.1.4.10"/>', '');
    const { report } = parseCrBio(xml);
    expect(report.patient.identity.status).toBe('PROV');
    expect(report.patient.identity.ins).toBeUndefined();
    expect(report.patient.localIds).toEqual([{ root: '1.2.3.4.567.8.9.10', extension: '1234567890121' }]);
    expect(parseCrBio(xml, { statusWithoutIns: 'VALI' }).report.patient.identity.status).toBe('VALI');
  });

  it('reads each INS root (.8 to .11) as a qualified identity', () => {
    for (const oid of ['1.2.250.1.213.1.4.8', '1.2.250.1.213.1.4.9', '1.2.250.1.213.1.4.11']) {
      const { report } = parseCrBio(tsh.replace('root="1.2.250.1.213.1.4.10"', `root="${oid}"`));
      expect(report.patient.identity).toMatchObject({ status: 'QUAL', ins: { oid } });
    }
  });

  it('refuses malformed XML with line and column', () => {
    const broken = tsh.replace('<title>', '<title><b>');
    const err = (() => {
      try {
        parseCrBio(broken, { fileName: 'x.xml' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(XmlParseError);
    expect((err as XmlParseError).line).toBeGreaterThan(30);
  });

  it('refuses a document without recordTarget with an XPath', () => {
    const xml = tsh.replace(/<recordTarget>[\s\S]*<\/recordTarget>/, '');
    expect(() => parseCrBio(xml)).toThrow(CdaParseError);
    try {
      parseCrBio(xml);
    } catch (e) {
      expect((e as CdaParseError).xpath).toBe('/ClinicalDocument/recordTarget');
      expect((e as CdaParseError).code).toBe('CDA_UNUSABLE');
    }
  });

  it('refuses a document that is not a ClinicalDocument', () => {
    expect(() => parseCrBio('<root xmlns="urn:x"/>')).toThrow(/ClinicalDocument/);
  });

  it('reports what it does not keep, and keeps unknown header elements and sections raw', () => {
    const xml = tsh
      .replace('<setId', '<copyTime value="20210401171000+0100"/><setId')
      .replace(
        '<!-- [0..1] FR-Document-PDF-copie-->',
        '<component><section><templateId root="1.2.3.999"/><code code="X"/><title>Autre</title><text>hello</text></section></component>',
      )
      .replace(
        '<value xsi:type="PQ" value="7.67" unit="pg/mL"/>',
        '<value xsi:type="PQ" value="7.67" unit="pg/mL"/><priorityCode code="R"/>',
      );
    const { report, warnings } = parseCrBio(xml);
    expect(report.unmodeled?.[0]).toMatchObject({ xpath: '/ClinicalDocument/copyTime' });
    expect(report.unmodeled?.[0]?.xml).toContain('copyTime');
    const other = report.sections.find((s) => s.kind === 'other');
    expect(other).toMatchObject({
      kind: 'other',
      templateIds: [{ root: '1.2.3.999' }],
      title: 'Autre',
      narrative: 'hello',
    });
    const codes = warnings.map((w) => w.code);
    expect(codes).toContain('UNKNOWN_SECTION');
    const dropped = warnings.find((w) => w.xpath.endsWith('/priorityCode'));
    expect(dropped?.code).toBe('UNMODELED_ELEMENT');
  });

  it('drops an invalid optional time with a warning at its XPath, refuses an invalid required one', () => {
    const xml = tsh.replace('<low value="20210104092200+0100"/>', '<low value="2021-01-04"/>');
    const { report, warnings } = parseCrBio(xml);
    expect(report.serviceEvents[0]?.effectiveTime).toEqual({ high: '20210104160500+0100' });
    expect(warnings).toContainEqual(
      expect.objectContaining({
        code: 'INVALID_VALUE',
        xpath: '/ClinicalDocument/documentationOf/serviceEvent/effectiveTime/low/@value',
      }),
    );
    const bad = tsh.replace('<effectiveTime value="20210401171000+0100"/>', '<effectiveTime value="hier"/>');
    expect(() => parseCrBio(bad)).toThrow(
      expect.objectContaining({ xpath: '/ClinicalDocument/effectiveTime/@value' }),
    );
  });

  it('refuses a result value that is not a number, at its XPath (never guessed)', () => {
    const bad = tsh.replace('value="1.950"', 'value="1,950"');
    expect(() => parseCrBio(bad)).toThrow(
      expect.objectContaining({
        code: 'CDA_INVALID_VALUE',
        xpath: expect.stringMatching(/\/observation\/value\/@value$/),
      }),
    );
  });

  it('reads every mutated parity document or refuses it with a typed error', () => {
    const dir = join(PARITY_DIR, 'documents');
    const files = readdirSync(dir).filter((f) => f.endsWith('.xml'));
    expect(files.length).toBeGreaterThan(100);
    let parsed = 0;
    for (const f of files) {
      try {
        parseCrBio(readFileSync(join(dir, f)));
        parsed++;
      } catch (e) {
        expect(e, f).toBeInstanceOf(CisisBioError);
      }
    }
    expect(parsed).toBeGreaterThan(files.length * 0.9);
  });
});
