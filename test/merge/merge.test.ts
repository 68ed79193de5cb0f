import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { buildCrBio, parseCrBio } from '../../src/cda/index.js';
import {
  IdentityMismatchError,
  MergeError,
  mergeSubcontracted,
  SECOND_INTENTION_CODE,
} from '../../src/merge/index.js';
import type { BatteryComponent, CrBioReport, ResultItem, Section } from '../../src/model/index.js';
import { renderReportPdf } from '../../src/pdf/index.js';
import { validate } from '../../src/validate/index.js';
import { extractResultFacts, type ResultFact } from '../cda/result-facts.js';
import { KIT_DIR } from '../helpers/shared.js';
import {
  example,
  GLYCEMIE,
  MICROBIO,
  N1,
  reissuedBySubcontractor,
  SUB_LAB,
  SUB_LAB_FACT,
  TSH,
} from './fixtures.js';

const HL7 = 'urn:hl7-org:v3';
const LAB_TPL = '1.3.6.1.4.1.19376.1.3.3.1.7';

/**
 * Build the merged model as composeMerged does (fresh PDF; built as received: the ANS examples' fictitious
 * identifiers fail their own keys), and run XSD + the five ANS profiles.
 */
async function buildAndValidate(report: CrBioReport) {
  const pdf = await renderReportPdf(report);
  const built = buildCrBio(report, { pdf, received: true });
  const verdict = await validate(built.bytes, { kit: KIT_DIR });
  const failures = Object.entries(verdict.profiles).flatMap(([name, p]) =>
    'error' in p
      ? [`${name}: ${p.error}`]
      : p.findings.filter((f) => f.kind === 'failed-assert').map((f) => `${name}: ${f.text}`),
  );
  return {
    pdf,
    xml: built.xml,
    verdict,
    failures: [...(verdict.xsd?.errors.map((e) => `XSD ${e.message}`) ?? []), ...failures],
  };
}

const key = (f: ResultFact): string => JSON.stringify({ ...f, performingLab: undefined });
const sorted = (facts: ResultFact[]): string[] => facts.map((f) => JSON.stringify(f)).sort();

/** Every FR-Laboratoire-executant performer naming the subcontractor carries what the volet requires. */
function subcontractorPerformers(xml: string): Element[] {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  return Array.from(doc.getElementsByTagNameNS(HL7, 'performer')).filter((p) => {
    const tpl = Array.from(p.getElementsByTagNameNS(HL7, 'templateId')).some(
      (t) => t.getAttribute('root') === LAB_TPL,
    );
    const org = p.getElementsByTagNameNS(HL7, 'representedOrganization')[0];
    return tpl && org?.getElementsByTagNameNS(HL7, 'name')[0]?.textContent === SUB_LAB.name;
  }) as unknown as Element[];
}

function expectCompletePerformer(p: Element): void {
  const child = (e: Element | undefined, n: string) =>
    e
      ? (Array.from(e.childNodes).find((c) => (c as Element).localName === n) as Element | undefined)
      : undefined;
  expect(child(p, 'time')).toBeDefined();
  const entity = child(p, 'assignedEntity');
  expect(child(entity, 'id')?.getAttribute('extension')).toBe(SUB_LAB.directorId.extension);
  const org = child(entity, 'representedOrganization');
  expect(child(org, 'id')?.getAttribute('extension')).toBe(SUB_LAB.id.extension);
  for (const n of ['name', 'telecom', 'addr', 'standardIndustryClassCode'])
    expect(child(org, n), n).toBeDefined();
}

function observationCount(sections: Section[], pred: (perf: string | undefined) => boolean): number {
  let n = 0;
  const walk = (items: (ResultItem | BatteryComponent)[], inherited: string | undefined) => {
    for (const it of items) {
      const lab = ('performer' in it && it.performer?.organization?.name) || inherited;
      if (it.kind === 'observation' && pred(lab)) n++;
      if (it.kind === 'battery' || it.kind === 'isolate') walk(it.components, lab);
    }
  };
  for (const s of sections) {
    if (s.kind !== 'chapter') continue;
    if (s.entry) walk(s.entry.items, s.entry.performer?.organization?.name);
    for (const x of s.subSections ?? []) walk(x.entry.items, x.entry.performer?.organization?.name);
  }
  return n;
}

describe('mergeSubcontracted — official examples, full pipeline', () => {
  it.each([
    [TSH, GLYCEMIE, 'same chapter (Biochimie, sub-chapters)'],
    [TSH, MICROBIO, 'new chapter (Microbiologie: specimen, batteries, isolates)'],
  ])('%s + %s re-issued by another lab: %s', async (mainName, subName) => {
    const sub = reissuedBySubcontractor(subName);
    const merged = mergeSubcontracted(example(mainName), sub);
    expect(merged.mode).toBe('structured');
    expect(merged.conflicts).toEqual([]);
    // The ANS microbiology results (2024) postdate the TSH report's legal authentication (2021): the main lab
    // authenticates the merged report once the subcontracted results are in (the build refuses otherwise).
    merged.report.legalAuthenticator = { ...merged.report.legalAuthenticator, time: '20240105090000+0100' };

    const { xml, verdict, failures } = await buildAndValidate(merged.report);
    expect(failures).toEqual([]);
    expect(verdict.valid).toBe(true);

    // every result fact of both inputs, the subcontractor's now attributed to it
    const mainFacts = extractResultFacts(example(mainName));
    const subFacts = extractResultFacts(example(subName)).map((f) => ({ ...f, performingLab: SUB_LAB_FACT }));
    const mergedFacts = extractResultFacts(xml);
    expect(sorted(mergedFacts)).toEqual(sorted([...mainFacts, ...subFacts]));
    expect(subFacts.length).toBeGreaterThan(0);
    expect(
      mergedFacts
        .filter((f) => f.performingLab === SUB_LAB_FACT)
        .map(key)
        .sort(),
    ).toEqual(subFacts.map(key).sort());

    // the FR-Laboratoire-executant performers naming the subcontractor are complete
    const performers = subcontractorPerformers(xml);
    expect(performers.length).toBeGreaterThanOrEqual(subFacts.filter((f) => f.kind === 'result').length);
    for (const p of performers) expectCompletePerformer(p);

    // the subcontractor's chapter is declared in the header
    const subChapter = sub.sections.find((s) => s.kind === 'chapter')!;
    expect(merged.report.serviceEvents.some((e) => e.code.code === subChapter.code?.code)).toBe(true);
  });

  it('attaches a level 1 subcontract (official N1 example) in the second-intention section', async () => {
    const sub = reissuedBySubcontractor(N1);
    expect(sub.level).toBe(1);
    const merged = mergeSubcontracted(example(TSH), sub);
    expect(merged.mode).toBe('attached');
    const section = merged.report.sections.find((s) => s.kind === 'secondIntention');
    expect(section?.kind === 'secondIntention' && section.code).toEqual(SECOND_INTENTION_CODE);
    expect(section?.kind === 'secondIntention' && section.documents[0]?.data).toBe(sub.pdf?.data);
    expect(section?.kind === 'secondIntention' && section.documents[0]?.typeText).toContain(SUB_LAB.name);

    const { xml, pdf, failures } = await buildAndValidate(merged.report);
    expect(failures).toEqual([]);
    // the new PDF copy shows the attached report of the subcontractor
    const pdfPath = join(mkdtempSync(join(tmpdir(), 'cisis-bio-merge-')), 'copy.pdf');
    writeFileSync(pdfPath, pdf);
    const text = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(SUB_LAB.name);
    const reparsed = parseCrBio(xml).report;
    const attached = reparsed.sections.find((s) => s.kind === 'secondIntention');
    expect(attached?.kind === 'secondIntention' && attached.documents[0]?.data).toBe(sub.pdf?.data);
    expect(xml).toContain('root="1.2.250.1.213.1.1.2.60"');
    // main results untouched
    expect(sorted(extractResultFacts(xml))).toEqual(sorted(extractResultFacts(example(TSH))));
  });
});

describe('mergeSubcontracted — structure, conflicts, laboratory (model only)', () => {
  const main = parseCrBio(example(TSH)).report;

  it('turns a chapter with one entry into sub-chapters, main entry first, and keeps the sub ids and validators', () => {
    const sub = reissuedBySubcontractor(MICROBIO);
    const mainWithMicro = reissuedBySubcontractor(MICROBIO);
    // the main lab's own microbiology chapter (one entry): restore the main lab
    mainWithMicro.serviceEvents = main.serviceEvents;
    mainWithMicro.custodian = main.custodian;
    mainWithMicro.id = main.id;
    const { report } = mergeSubcontracted(mainWithMicro, sub, { onConflict: 'keep-both' });
    const chapter = report.sections.find((s) => s.kind === 'chapter');
    expect(chapter?.kind === 'chapter' && chapter.entry).toBeUndefined();
    const subs = chapter?.kind === 'chapter' ? chapter.subSections! : [];
    expect(subs).toHaveLength(2);
    expect(subs[0]!.entry.performer).toBeUndefined();
    expect(subs[1]!.entry.performer?.organization?.name).toBe(SUB_LAB.name);
    const subEntry = (
      sub.sections.find((s) => s.kind === 'chapter') as { entry: { ids?: unknown; validators?: unknown } }
    ).entry;
    expect(subs[1]!.entry.ids).toEqual(subEntry.ids);
    expect(subs[1]!.entry.validators).toEqual(subEntry.validators ?? expect.any(Array));
    expect(subs[1]!.entry.validators?.length).toBeGreaterThan(0);
  });

  it('reports the same test in both and applies --on-conflict', () => {
    const sub = reissuedBySubcontractor(TSH);
    const both = mergeSubcontracted(main, sub);
    expect(both.conflicts.map((c) => [c.test, c.resolution])).toEqual([
      ['3016-3|2.16.840.1.113883.6.1', 'kept-both'],
      ['3024-7|2.16.840.1.113883.6.1', 'kept-both'],
    ]);
    const isSub = (lab: string | undefined) => lab === SUB_LAB.name;
    expect(observationCount(both.report.sections, isSub)).toBe(2);
    expect(observationCount(both.report.sections, (l) => !isSub(l))).toBe(2);

    expect(both.warnings.some((w) => w.startsWith('ids present in both reports'))).toBe(false);
    // the same result id on both sides is reported
    const withId = (r: CrBioReport): CrBioReport => {
      const copy = structuredClone(r);
      const ch = copy.sections.find((s) => s.kind === 'chapter');
      const first = ch?.kind === 'chapter' ? ch.subSections?.[0]?.entry.items[0] : undefined;
      if (first?.kind === 'observation') first.ids = [{ root: '1.2.3.4.5', extension: 'R1' }];
      return copy;
    };
    expect(mergeSubcontracted(withId(main), withId(sub)).warnings).toContainEqual(
      expect.stringContaining('1.2.3.4.5/R1'),
    );

    const keepMain = mergeSubcontracted(main, sub, { onConflict: 'keep-main' });
    expect(keepMain.conflicts.every((c) => c.resolution === 'kept-main')).toBe(true);
    expect(observationCount(keepMain.report.sections, isSub)).toBe(0);
    expect(observationCount(keepMain.report.sections, (l) => !isSub(l))).toBe(2);

    const keepSub = mergeSubcontracted(main, sub, { onConflict: 'keep-sub' });
    expect(observationCount(keepSub.report.sections, isSub)).toBe(2);
    expect(observationCount(keepSub.report.sections, (l) => !isSub(l))).toBe(0);
  });

  it('masks a missing lab address (MSK) and refuses a lab without practice setting, naming it', () => {
    const sub = reissuedBySubcontractor(GLYCEMIE);
    const org = sub.serviceEvents[0]!.performer!.organization!;
    delete org.addresses;
    delete sub.custodian.addresses;
    const r = mergeSubcontracted(main, sub);
    expect(r.warnings.join('\n')).toMatch(/laboratory address.*MSK/);
    const added = r.report.sections.flatMap((s) => (s.kind === 'chapter' ? (s.subSections ?? []) : []));
    expect(added.at(-1)!.entry.performer?.organization?.addresses).toEqual([{ nullFlavor: 'MSK' }]);

    delete org.standardIndustryClass;
    const err = (() => {
      try {
        mergeSubcontracted(main, sub);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MergeError);
    expect((err as MergeError).code).toBe('MERGE_SUBCONTRACTOR_INCOMPLETE');
    expect((err as MergeError).message).toContain('standardIndustryClassCode');
  });

  it('uses options.performingLab when the subcontractor header has no performer', () => {
    const sub = reissuedBySubcontractor(GLYCEMIE);
    const given = structuredClone(sub.serviceEvents[0]!.performer!);
    given.organization!.name = 'Centre de Référence';
    delete sub.serviceEvents[0]!.performer;
    delete sub.custodian.standardIndustryClass;
    expect(() => mergeSubcontracted(main, sub)).toThrow(/standardIndustryClassCode/);
    const r = mergeSubcontracted(main, sub, { performingLab: given });
    const added = r.report.sections.flatMap((s) => (s.kind === 'chapter' ? (s.subSections ?? []) : []));
    expect(added.at(-1)!.entry.performer?.organization?.name).toBe('Centre de Référence');
  });

  it('takes over a partial subcontractor status and refuses a level 1 main report', () => {
    const sub = reissuedBySubcontractor(GLYCEMIE);
    sub.serviceEvents[0]!.status = 'active';
    const r = mergeSubcontracted(main, sub);
    expect(r.report.serviceEvents[0]!.status).toBe('active');
    expect(r.warnings.some((w) => w.includes('partial'))).toBe(true);
    expect(() => mergeSubcontracted(example(N1), sub)).toThrow(MergeError);
    const bare = Buffer.from(parseCrBio(example(N1)).report.pdf!.data, 'base64');
    expect(() => mergeSubcontracted(main, new Uint8Array(bare))).toThrow(/bare PDF/);
  });
});

describe('mergeSubcontracted — identity vigilance', () => {
  const main = parseCrBio(example(TSH)).report;
  const mismatch = (sub: CrBioReport): IdentityMismatchError => {
    try {
      mergeSubcontracted(main, sub);
    } catch (e) {
      if (e instanceof IdentityMismatchError) return e;
      throw e;
    }
    throw new Error('no IdentityMismatchError');
  };

  it('refuses another INS', () => {
    const sub = reissuedBySubcontractor(GLYCEMIE);
    sub.patient.identity.ins = { matricule: '180125825804231', oid: '1.2.250.1.213.1.4.10' };
    const e = mismatch(sub);
    expect(e.code).toBe('IDENTITY_MISMATCH');
    expect(e.differences.map((d) => d.trait)).toEqual(['ins']);
  });

  it('refuses the same INS with other traits', () => {
    const sub = reissuedBySubcontractor(GLYCEMIE);
    sub.patient.identity.traits.birthDate = '1979-03-29';
    expect(mismatch(sub).differences).toEqual([
      { trait: 'birthDate', main: '1979-03-28', sub: '1979-03-29' },
    ]);
  });

  it('without INS on both sides: same traits merge (local ids never decide), other traits are refused', () => {
    const noIns = (r: CrBioReport): CrBioReport => {
      const { ins: _ins, ...identity } = r.patient.identity;
      return { ...r, patient: { ...r.patient, identity: { ...identity, status: 'VALI' } } };
    };
    const m = noIns(main);
    const sub = noIns(reissuedBySubcontractor(GLYCEMIE));
    sub.patient.localIds = [{ root: '1.2.3.4.999', extension: 'OTHER-LAB-IPP' }];
    sub.patient.identity.traits.birthFamilyName = 'Pat-Trois'; // typed by the other lab: same trait once normalised
    expect(mergeSubcontracted(m, sub).report.patient).toEqual(m.patient);

    sub.patient.identity.traits.firstBirthGivenName = 'MARIE';
    sub.patient.identity.traits.birthPlaceCog = '75056';
    expect(() => mergeSubcontracted(m, sub)).toThrow(IdentityMismatchError);
    try {
      mergeSubcontracted(m, sub);
    } catch (e) {
      expect((e as IdentityMismatchError).differences.map((d) => d.trait)).toEqual([
        'firstBirthGivenName',
        'birthPlaceCog',
      ]);
    }
  });
});
