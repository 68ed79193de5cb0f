// Fields that a parse → build round trip used to drop (interval-bound translations, originalText of device codes,
// previous results, interpretations, reference ranges, target sites and attached-document types): each is read by
// the parser and written again by the builder, in the XML, with its narrative reference resolving to the same text.
// What the model cannot hold is reported by a parser warning, never dropped silently.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser, type Document, type Element, XMLSerializer } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { buildCrBio, parseCrBio } from '../../src/cda/index.js';
import type { Observation } from '../../src/model/index.js';
import { validate } from '../../src/validate/index.js';
import { EXAMPLES_DIR, KIT_DIR } from '../helpers/shared.js';
import { counterIds, danglingReferences, dom, elements, FIXED_CLOCK, failures } from './build-helpers.js';
import { observationsOf } from './model-walk.js';

const HL7 = 'urn:hl7-org:v3';
const OBS_TPL = '1.3.6.1.4.1.19376.1.3.1.6';

const kids = (e: Element, name: string): Element[] => {
  const out: Element[] = [];
  for (let c = e.firstChild; c; c = c.nextSibling)
    if (c.nodeType === 1 && (c as Element).localName === name) out.push(c as Element);
  return out;
};
const kid = (e: Element | undefined, name: string): Element | undefined => (e ? kids(e, name)[0] : undefined);

/** A kit example with markup added: `edit` gets the document and its result observations. */
function edited(file: string, edit: (add: Adder, results: Element[], doc: Document) => void): string {
  const doc = new DOMParser().parseFromString(readFileSync(join(EXAMPLES_DIR, file), 'utf8'), 'text/xml');
  const all = doc.getElementsByTagNameNS(HL7, 'observation');
  const results: Element[] = [];
  for (let i = 0; i < all.length; i++) {
    const o = all.item(i)!;
    if (kids(o, 'templateId').some((t) => t.getAttribute('root') === OBS_TPL)) results.push(o);
  }
  const add: Adder = (parent, xml, before) => {
    const frag = new DOMParser().parseFromString(
      `<x xmlns="${HL7}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${xml}</x>`,
      'text/xml',
    ).documentElement!;
    const ref = before ? kid(parent, before) : undefined;
    for (let c = frag.firstChild; c; c = c.nextSibling) {
      const node = doc.importNode(c, true);
      if (ref) parent.insertBefore(node, ref);
      else parent.appendChild(node);
    }
  };
  edit(add, results, doc);
  return new XMLSerializer().serializeToString(doc);
}
type Adder = (parent: Element, xml: string, before?: string) => void;

/** The narrative text an `originalText` (or act `text`) of a rebuilt document points to. */
function referencedText(xml: string, holder: Element | undefined): string | undefined {
  const ref = kid(kid(holder, 'originalText') ?? holder, 'reference')?.getAttribute('value');
  if (!ref) return undefined;
  const target = elements(xml, '*').find((e) => e.getAttribute('ID') === ref.replace(/^#/, ''));
  return target?.textContent?.replace(/\s+/g, ' ').trim();
}

/** Result observations of a rebuilt document, in document order. */
function resultsOf(xml: string): Element[] {
  return elements(xml, 'observation').filter((o) =>
    kids(o, 'templateId').some((t) => t.getAttribute('root') === OBS_TPL),
  );
}

const TSH = 'BIO-CR-BIO_2024.01_TSH_1.xml';

/** TSH_1 with, on its first result, everything the round trip used to drop. */
const tshWithExtras = () =>
  edited(TSH, (add, [tsh], doc) => {
    add(
      doc.getElementsByTagNameNS(HL7, 'text').item(0)!,
      `<paragraph><content ID="x-kit">Trousse Abbott (lot 42)</content> <content ID="x-int">dans les normes</content>
       <content ID="x-rint">valeurs usuelles</content> <content ID="x-prev">TSH (ancien dosage)</content>
       <content ID="x-prev-val">indétectable</content> <content ID="x-prev-met">ECL (ancien automate)</content>
       <content ID="x-prev-int">bas</content></paragraph>`,
    );
    const rrLow = kid(kid(kid(kid(tsh!, 'referenceRange'), 'observationRange'), 'value'), 'low')!;
    add(rrLow, '<translation value="0.27" code="mU/L" codeSystem="2.16.840.1.113883.6.8"/>');
    const interp = kid(tsh!, 'interpretationCode')!;
    add(interp, '<originalText><reference value="#x-int"/></originalText>');
    const rangeInterp = kid(kid(kid(tsh!, 'referenceRange'), 'observationRange'), 'interpretationCode')!;
    add(rangeInterp, '<originalText><reference value="#x-rint"/></originalText>');
    add(
      tsh!,
      `<participant typeCode="DEV"><participantRole classCode="MANU"><playingDevice>
         <code code="VHEDA1GUR01LX" displayName="ABBOTT - Alinity" codeSystem="1.2.250.1.213.2.3.5">
           <originalText><reference value="#x-kit"/></originalText></code>
       </playingDevice></participantRole></participant>
       <entryRelationship typeCode="REFR"><observation classCode="OBS" moodCode="EVN">
         <code code="3016-3" codeSystem="2.16.840.1.113883.6.1" displayName="Thyréostimuline [Arbitraire/Volume] Sérum/Plasma ; Numérique">
           <originalText><reference value="#x-prev"/></originalText></code>
         <statusCode code="completed"/><effectiveTime value="20231204155000+0100"/>
         <value xsi:type="CD" code="260415000" codeSystem="2.16.840.1.113883.6.96" displayName="Non détecté">
           <originalText><reference value="#x-prev-val"/></originalText></value>
         <interpretationCode code="L" codeSystem="2.16.840.1.113883.5.83" displayName="Anormalement bas">
           <originalText><reference value="#x-prev-int"/></originalText></interpretationCode>
         <methodCode><originalText><reference value="#x-prev-met"/></originalText></methodCode>
       </observation></entryRelationship>`,
      'referenceRange',
    );
  });

describe('parse → build keeps the fields older round trips dropped', () => {
  const { report, warnings } = parseCrBio(tshWithExtras());
  const tsh = observationsOf(report)[0] as Observation;
  const xml = buildCrBio(report, { clock: FIXED_CLOCK, idGenerator: counterIds(), received: true }).xml;
  const [rebuilt] = resultsOf(xml);

  it('parses them without a warning', () => {
    // The ANS fictitious identifiers fail their checks: reported by model path, nothing else.
    const other = warnings.filter(
      (w) => w.code !== 'UNRESOLVED_REFERENCE' && !w.code.startsWith('IDENTIFIER_'),
    );
    expect(other).toEqual([]);
    expect(warnings.map((w) => w.xpath).join()).not.toMatch(/participant|REFR|interpretationCode|low/);
  });

  it('interval bound translation (second unit) of a reference range', () => {
    expect(tsh.referenceRange?.value).toMatchObject({
      type: 'IVL_PQ',
      low: {
        value: '0.270',
        unit: 'm[IU]/L',
        translations: [{ value: '0.27', code: 'mU/L', codeSystem: '2.16.840.1.113883.6.8' }],
      },
    });
    expect(xml).toMatch(
      /<low value="0\.270" unit="m\[IU\]\/L">\s*<translation value="0\.27" code="mU\/L" codeSystem="2\.16\.840\.1\.113883\.6\.8"\/>\s*<\/low>/,
    );
  });

  it('originalText of a device code (participant/participantRole/playingDevice/code)', () => {
    expect(tsh.devices?.[0]?.code?.originalText).toBe('Trousse Abbott (lot 42)');
    const code = kid(kid(kid(kid(rebuilt, 'participant'), 'participantRole'), 'playingDevice'), 'code');
    expect(code?.getAttribute('code')).toBe('VHEDA1GUR01LX');
    expect(referencedText(xml, code)).toBe('Trousse Abbott (lot 42)');
  });

  it('originalText of an interpretation and of a reference-range interpretation', () => {
    expect(referencedText(xml, kid(rebuilt, 'interpretationCode'))).toBe('dans les normes');
    const rangeInterp = kid(kid(kid(rebuilt, 'referenceRange'), 'observationRange'), 'interpretationCode');
    expect(referencedText(xml, rangeInterp)).toBe('valeurs usuelles');
  });

  it('previous result: originalText of its code, coded value, interpretation and method', () => {
    const prev = kids(rebuilt!, 'entryRelationship')
      .filter((e) => e.getAttribute('typeCode') === 'REFR')
      .map((e) => kid(e, 'observation'))[0];
    expect(referencedText(xml, kid(prev, 'code'))).toBe('TSH (ancien dosage)');
    expect(kid(prev, 'value')?.getAttribute('code')).toBe('260415000');
    expect(referencedText(xml, kid(prev, 'value'))).toBe('indétectable');
    expect(referencedText(xml, kid(prev, 'interpretationCode'))).toBe('bas');
    expect(referencedText(xml, kid(prev, 'methodCode'))).toBe('ECL (ancien automate)');
  });

  it('every narrative reference of the rebuilt document resolves, and it passes the XSD and the ANS profiles', async () => {
    expect(danglingReferences(xml)).toEqual([]);
    const v = await validate(new TextEncoder().encode(xml), { kit: KIT_DIR, fileName: TSH });
    expect(v.xsd?.valid).toBe(true);
    expect(Object.keys(v.profiles)).toHaveLength(5);
    expect(failures(v)).toEqual([]);
  }, 120_000);

  it('originalText of a specimen target site', () => {
    const micro = edited('BIO-CR-BIO_2024.01_Microbiologie_V1.xml', (add, _results, doc) => {
      const proc = doc.getElementsByTagNameNS(HL7, 'procedure').item(0)!;
      add(
        doc.getElementsByTagNameNS(HL7, 'text').item(0)!,
        '<paragraph><content ID="x-site">Méat urinaire</content></paragraph>',
      );
      add(
        proc,
        `<targetSiteCode code="83097008" codeSystem="2.16.840.1.113883.6.96" displayName="Méat urétral">
           <originalText><reference value="#x-site"/></originalText></targetSiteCode>`,
        'participant',
      );
    });
    const parsed = parseCrBio(micro);
    expect(parsed.warnings.map((w) => w.xpath).join()).not.toMatch(/targetSiteCode/);
    const out = buildCrBio(parsed.report, { received: true }).xml;
    const site = elements(out, 'targetSiteCode')[0];
    expect(site?.getAttribute('code')).toBe('83097008');
    expect(referencedText(out, site)).toBe('Méat urinaire');
    expect(danglingReferences(out)).toEqual([]);
  });

  it('originalText of an attached-document type (second-intention PDF)', () => {
    const { report: r } = parseCrBio(
      readFileSync(join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_CR-2nde-intention-PDF.xml')),
    );
    const section = r.sections.find((s) => s.kind === 'secondIntention');
    expect(section?.kind === 'secondIntention' && section.documents[0]?.documentType?.originalText).toBe(
      'Compte rendu de biologie',
    );
    const out = buildCrBio(r, { received: true }).xml;
    const types = elements(out, 'observation').filter((o) =>
      kids(o, 'templateId').some((t) => t.getAttribute('root') === '1.2.250.1.213.1.1.3.48.18'),
    );
    expect(referencedText(out, kid(types[0], 'value'))).toBe('Compte rendu de biologie');
    expect(referencedText(out, kid(types[0], 'text'))).toBe('Compte rendu de biologie');

    // A type whose originalText says something else than the type text gets a content of its own.
    if (section?.kind !== 'secondIntention') throw new Error('no second-intention section');
    section.documents[0]!.documentType = { originalText: 'CR du laboratoire B' };
    section.documents[0]!.typeText = 'Compte rendu';
    const out2 = buildCrBio(r, { received: true }).xml;
    const type2 = elements(out2, 'observation').find((o) =>
      kids(o, 'templateId').some((t) => t.getAttribute('root') === '1.2.250.1.213.1.1.3.48.18'),
    );
    expect(referencedText(out2, kid(type2, 'text'))).toBe('Compte rendu');
    expect(referencedText(out2, kid(type2, 'value'))).toBe('CR du laboratoire B');
    expect(danglingReferences(out2)).toEqual([]);
  });
});

describe('what the model cannot hold is reported, not dropped silently', () => {
  it('markup inside a quantity translation or an interval bound, or inside a ratio term', () => {
    const xml = edited(TSH, (add, [tsh, ft4]) => {
      const value = kid(tsh!, 'value')!;
      add(value, '<translation value="1.95" code="mU/L"><originalText>mU/L</originalText></translation>');
      const high = kid(kid(kid(kid(ft4!, 'referenceRange'), 'observationRange'), 'value'), 'high')!;
      add(high, '<originalText>17</originalText>');
    });
    const { report, warnings } = parseCrBio(xml);
    expect(observationsOf(report)[0]?.value).toEqual({
      type: 'PQ',
      value: '1.950',
      unit: 'm[IU]/L',
      translations: [{ value: '1.95', code: 'mU/L' }],
    });
    const unmodeled = warnings.filter((w) => w.code === 'UNMODELED_ELEMENT').map((w) => w.xpath);
    expect(unmodeled).toHaveLength(2);
    expect(unmodeled[0]).toMatch(/observation\/value\/translation\/originalText$/);
    expect(unmodeled[1]).toMatch(/referenceRange\/observationRange\/value\/high\/originalText$/);
  });

  it('an originalText reference that resolves nowhere: UNRESOLVED_REFERENCE, the reference kept in the model', () => {
    const xml = edited(TSH, (add, [tsh]) => {
      add(
        tsh!,
        `<participant typeCode="DEV"><participantRole classCode="MANU"><playingDevice>
           <code code="X1" displayName="Trousse" codeSystem="1.2.250.1.213.2.3.5">
             <originalText><reference value="#nowhere"/></originalText></code>
         </playingDevice></participantRole></participant>`,
        'referenceRange',
      );
    });
    const { report, warnings } = parseCrBio(xml);
    expect(observationsOf(report)[0]?.devices?.[0]?.code).toMatchObject({
      code: 'X1',
      originalTextRef: '#nowhere',
    });
    expect(observationsOf(report)[0]?.devices?.[0]?.code?.originalText).toBeUndefined();
    expect(warnings.some((w) => w.code === 'UNRESOLVED_REFERENCE' && /playingDevice/.test(w.xpath))).toBe(
      true,
    );
    // The rebuilt document writes no dangling reference.
    expect(danglingReferences(buildCrBio(report, { received: true }).xml)).toEqual([]);
  });
});

describe('a model built from scratch keeps the same fields', () => {
  it('a previous result range with only its text and interpretation is written (and passes the ANS profiles)', async () => {
    const { report } = parseCrBio(readFileSync(join(EXAMPLES_DIR, TSH)));
    const tsh = observationsOf(report)[0] as Observation;
    tsh.previousResults = [
      {
        code: { code: '3016-3', codeSystem: '2.16.840.1.113883.6.1', displayName: 'TSH' },
        status: 'completed',
        effectiveTime: { value: '20231204155000+0100' },
        value: { type: 'PQ', value: '2.1', unit: 'm[IU]/L' },
        referenceRange: {
          text: 'normes du laboratoire B',
          interpretation: { code: 'N', codeSystem: '2.16.840.1.113883.5.83' },
        },
      },
    ];
    const xml = buildCrBio(report, { received: true }).xml;
    const doc = dom(xml);
    const refr = Array.from(doc.getElementsByTagNameNS(HL7, 'entryRelationship')).find(
      (e) => e.getAttribute('typeCode') === 'REFR',
    ) as unknown as Element;
    const range = kid(kid(kid(refr, 'observation'), 'referenceRange'), 'observationRange');
    expect(kid(range, 'text')?.textContent).toBe('normes du laboratoire B');
    expect(kid(range, 'interpretationCode')?.getAttribute('code')).toBe('N');
    const v = await validate(new TextEncoder().encode(xml), { kit: KIT_DIR, fileName: TSH });
    expect(v.xsd?.valid).toBe(true);
    expect(failures(v)).toEqual([]);
  }, 120_000);
});

describe('codes with no narrative of their own', () => {
  it('keep their originalText inline (chapter code, results act code): written, read back, accepted by the ANS profiles', async () => {
    const { report } = parseCrBio(readFileSync(join(EXAMPLES_DIR, TSH)));
    const chapter = report.sections.find((s) => s.kind === 'chapter');
    if (chapter?.kind !== 'chapter') throw new Error('TSH_1 has a chapter');
    chapter.code.originalText = 'Hormonologie (libellé du laboratoire)';
    const entry = chapter.entry ?? chapter.subSections?.find((s) => s.entry)?.entry;
    if (!entry?.code) throw new Error('TSH_1 has a coded results entry');
    entry.code.originalText = 'Thyroïde';
    const xml = buildCrBio(report, { clock: FIXED_CLOCK, idGenerator: counterIds(), received: true }).xml;
    const inline = elements(xml, 'originalText')
      .filter((e) => !kid(e, 'reference'))
      .map((e) => e.textContent);
    expect(inline).toContain('Hormonologie (libellé du laboratoire)');
    expect(inline).toContain('Thyroïde');
    const again = parseCrBio(xml).report.sections.find((s) => s.kind === 'chapter');
    expect(again?.kind === 'chapter' && again.code.originalText).toBe(
      'Hormonologie (libellé du laboratoire)',
    );
    expect(danglingReferences(xml)).toEqual([]);
    const v = await validate(new TextEncoder().encode(xml), { kit: KIT_DIR, fileName: TSH });
    expect(v.xsd?.valid).toBe(true);
    expect(failures(v)).toEqual([]);
  }, 120_000);
});

describe('an originalText the structuration minimale forbids', () => {
  it('is refused with its model path (healthCareFacility/code), not written nor dropped', () => {
    const { report } = parseCrBio(readFileSync(join(EXAMPLES_DIR, TSH)));
    report.encounter = {
      ...report.encounter,
      facility: {
        ...report.encounter?.facility,
        code: { code: 'SA05', codeSystem: '1.2.250.1.71.4.2.4', originalText: 'Laboratoire' },
      },
    } as typeof report.encounter;
    expect(() => buildCrBio(report, { received: true })).toThrow(/encounter\.facility\.code\.originalText/);
  });
});
