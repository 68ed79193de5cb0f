import { parseCrBio } from '../cda/index.js';
import {
  type AttachedDocument,
  type BatteryComponent,
  type ChapterSection,
  type Code,
  type CrBioReport,
  type Observation,
  type PerformingLab,
  type ResultItem,
  type ResultsEntry,
  type SecondIntentionSection,
  type Section,
  type SubSection,
  validateReport,
} from '../model/index.js';
import { MergeError } from './errors.js';
import { assertSamePatient } from './identity.js';
import { subcontractorLab, subcontractorValidators } from './performer.js';
import { assertCrBioDocument } from './volet.js';

/** What to do when the same test (same result code) is in both reports. */
export type ConflictPolicy = 'keep-both' | 'keep-main' | 'keep-sub';

/** A report as a model, or as CDA XML (text or bytes, parsed with `parseCrBio`). */
export type MergeInput = CrBioReport | string | Uint8Array;

export interface MergeOptions {
  /** Same test in both reports: keep both results (default), only the main lab's, or only the subcontractor's. */
  onConflict?: ConflictPolicy;
  /** The subcontracting laboratory, when its header lacks something (see {@link subcontractorLab}). */
  performingLab?: PerformingLab;
}

/** The same test found in both reports, and what was done. */
export interface MergeConflict {
  /** Result code `code|codeSystem` (or of its first translation when the code is empty). */
  test: string;
  displayName?: string;
  /** Model paths of the result in the main report and in the subcontractor's. */
  main: string;
  sub: string;
  resolution: 'kept-both' | 'kept-main' | 'kept-sub';
}

export interface MergeResult {
  /** The merged report (level 3), without a PDF copy: render a new one (renderReportPdf) and build (buildCrBio). */
  report: CrBioReport;
  conflicts: MergeConflict[];
  /** Non-blocking facts worth a look (masked lab fields, partial status taken over, sections not merged…). */
  warnings: string[];
  /** `structured` = results merged into chapters; `attached` = the subcontractor's PDF in a second-intention section. */
  mode: 'structured' | 'attached';
}

const LOINC = '2.16.840.1.113883.6.1';
/** Code and title of the second-intention section, as in the ANS example BIO-CR-BIO_2024.01_CR-2nde-intention-PDF. */
export const SECOND_INTENTION_CODE: Code = {
  code: '101792-0',
  codeSystem: LOINC,
  codeSystemName: 'LOINC',
  displayName: 'Résultats de laboratoire scannés',
};
export const SECOND_INTENTION_TITLE = 'Compte rendu de laboratoire de seconde intention (PDF)';

/**
 * Merge a subcontracting laboratory's CR-BIO into the main laboratory's report.
 *
 * - Identity vigilance first ({@link assertSamePatient}): same INS with the same traits, or the same traits.
 * - A structured (level 3) subcontractor report: each of its chapters goes into the main chapter with the same
 *   specialty code, as new sub-chapters (a chapter holding one entry is turned into sub-chapters, its entry first),
 *   or becomes a new chapter (and a `serviceEvent` code). Every subcontracted act, battery, isolate and result
 *   carries the subcontractor as FR-Laboratoire-executant; acts without validating biologist get the
 *   subcontractor's; ids are kept. Its uncoded comment sections follow, titled with the lab's name.
 * - A level 1 report (or one without chapters): its PDF is attached in the second-intention section.
 * - The PDF copy of the main report is dropped: render a new one from the merged model.
 *
 * @example
 * ```ts
 * const { report, conflicts } = mergeSubcontracted(mainXml, subXml, { onConflict: 'keep-both' });
 * const pdf = await renderReportPdf(report);
 * const { bytes } = buildCrBio(report, { pdf });
 * ```
 * @throws IdentityMismatchError (another patient), MergeError (main not level 3, lab incomplete, nothing to merge),
 *   CdaParseError / ModelValidationError (bad input).
 */
export function mergeSubcontracted(
  main: MergeInput,
  sub: MergeInput,
  options: MergeOptions = {},
): MergeResult {
  const m = toReport(main, 'main');
  const s = toReport(sub, 'sub');
  assertTwoDocuments(m, s);
  assertSamePatient(m.patient.identity, s.patient.identity);
  if (m.level !== 3) {
    throw new MergeError(
      'MERGE_MAIN_NOT_STRUCTURED',
      'the main report must be a structured (level 3) CR-BIO',
      'main',
    );
  }
  const warnings: string[] = [];
  const lab = subcontractorLab(s, warnings, options.performingLab);
  const mainLab = m.serviceEvents[0]?.performer?.organization?.ids;
  if (
    mainLab?.some((a) => lab.organization?.ids?.some((b) => a.root === b.root && a.extension === b.extension))
  ) {
    warnings.push('the subcontracting laboratory has the same id as the main laboratory');
  }
  const report: CrBioReport = structuredClone(m);
  delete report.pdf;
  const subChapters =
    s.level === 3 ? s.sections.filter((x): x is ChapterSection => x.kind === 'chapter') : [];

  if (subChapters.length === 0) {
    if (!s.pdf?.data) {
      throw new MergeError(
        'MERGE_NOTHING_TO_MERGE',
        'the subcontractor report has neither results nor a PDF',
        'sub',
      );
    }
    attachPdf(report, s, lab);
    return { report: validateReport(report), conflicts: [], warnings, mode: 'attached' };
  }

  const policy = options.onConflict ?? 'keep-both';
  const conflicts = findConflicts(report.sections, subChapters, policy);
  const conflicting = new Set(conflicts.map((c) => c.test));
  if (policy === 'keep-sub') report.sections = pruneSections(report.sections, conflicting);
  const kept = policy === 'keep-main' ? pruneSections(subChapters, conflicting) : subChapters;
  const validators = subcontractorValidators(s);
  const dup = duplicateIds(report.sections, kept);
  if (dup.length > 0) {
    warnings.push(
      `ids present in both reports (kept as they are; a document's ids should be unique): ${dup.join(', ')}`,
    );
  }
  for (const ch of kept as ChapterSection[]) mergeChapter(report, ch, lab, validators);
  for (const x of s.sections) {
    if (x.kind === 'comment') {
      report.sections.push({ ...x, title: `${x.title} (${lab.organization?.name})`, narrative: undefined });
    } else if (x.kind === 'secondIntention') {
      secondIntention(report).documents.push(...x.documents.map((d) => ({ ...d, mediaId: undefined })));
    } else if (x.kind !== 'chapter') {
      warnings.push(`subcontractor section "${x.title ?? x.kind}" (${x.kind}) not merged`);
    }
  }
  const mainStatus = report.serviceEvents[0];
  if (s.serviceEvents[0]?.status === 'active' && mainStatus && mainStatus.status !== 'active') {
    mainStatus.status = 'active';
    warnings.push(
      'the subcontractor report is partial: the merged report is partial (lab:statusCode active)',
    );
  }
  return { report: validateReport(stripUndefined(report)), conflicts, warnings, mode: 'structured' };
}

function toReport(input: MergeInput, role: 'main' | 'sub'): CrBioReport {
  if (input instanceof Uint8Array && new TextDecoder().decode(input.subarray(0, 5)) === '%PDF-') {
    // a bare PDF carries no patient identity the merge could check: it must come wrapped (CDA level 1 or a model)
    throw new MergeError(
      'MERGE_PDF_WITHOUT_IDENTITY',
      'a bare PDF cannot be merged: identity vigilance needs the patient of a CDA level 1 or a model with its pdf',
      role,
    );
  }
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const { report, level } = parseCrBio(input);
    assertCrBioDocument(input, level, role);
    return report;
  }
  return validateReport(input);
}

/** The same document (same id root and extension) given as main and sub. */
function assertTwoDocuments(m: CrBioReport, s: CrBioReport): void {
  if (m.id.root === s.id.root && (m.id.extension ?? '') === (s.id.extension ?? ''))
    throw new MergeError(
      'MERGE_SAME_DOCUMENT',
      `main and sub are the same document (id ${m.id.root}${m.id.extension ? `^${m.id.extension}` : ''}): a report is not merged with itself`,
      'sub',
    );
}

// ------------------------------------------------------------------------------------------- structured merge

const sameCode = (a: Code | undefined, b: Code | undefined): boolean =>
  !!a?.code && a.code === b?.code && (a.codeSystem ?? LOINC) === (b?.codeSystem ?? LOINC);

function mergeChapter(
  report: CrBioReport,
  ch: ChapterSection,
  lab: PerformingLab,
  validators: ReturnType<typeof subcontractorValidators>,
): void {
  const stampEntry = (e: ResultsEntry): ResultsEntry => ({
    ...e,
    performer: e.performer ?? lab,
    ...(e.validators?.length || validators.length === 0 ? {} : { validators }),
    items: e.items.map((i) => stamp(i, lab)),
  });
  const added: SubSection[] = ch.entry
    ? [{ ...(ch.ids ? { ids: ch.ids } : {}), code: ch.code, title: ch.title, entry: stampEntry(ch.entry) }]
    : (ch.subSections ?? []).map((x) => ({ ...x, narrative: undefined, entry: stampEntry(x.entry) }));
  const target = report.sections.find(
    (x): x is ChapterSection => x.kind === 'chapter' && sameCode(x.code, ch.code),
  );
  if (target) {
    if (target.entry) {
      target.subSections = [{ code: target.code, title: target.title, entry: target.entry }];
      delete target.entry;
    }
    target.subSections = [...(target.subSections ?? []), ...added];
    target.narrative = undefined;
    return;
  }
  const chapter: ChapterSection = ch.entry
    ? {
        kind: 'chapter',
        ...(ch.ids ? { ids: ch.ids } : {}),
        code: ch.code,
        title: ch.title,
        entry: added[0]!.entry,
      }
    : {
        kind: 'chapter',
        ...(ch.ids ? { ids: ch.ids } : {}),
        code: ch.code,
        title: ch.title,
        subSections: added,
      };
  const lastChapter = report.sections.map((x) => x.kind).lastIndexOf('chapter');
  report.sections.splice(lastChapter + 1, 0, chapter);
  if (!report.serviceEvents.some((e) => sameCode(e.code, ch.code)))
    report.serviceEvents.push({ code: ch.code });
}

/** Give an item (and what it holds) the subcontractor as performer, unless it names its own (a sub-subcontractor). */
function stamp<T extends ResultItem | BatteryComponent>(item: T, lab: PerformingLab): T {
  switch (item.kind) {
    case 'observation':
      return { ...item, performer: item.performer ?? lab };
    case 'battery':
    case 'isolate':
      return {
        ...item,
        performer: item.performer ?? lab,
        components: item.components.map((c) => stamp(c, lab)),
      };
    default:
      return item;
  }
}

// ------------------------------------------------------------------------------------------------ conflicts

function testKey(o: Observation): string | undefined {
  if (o.code.code) return `${o.code.code}|${o.code.codeSystem ?? ''}`;
  const t = o.code.translations?.[0];
  return t?.code ? `${t.code}|${t.codeSystem ?? ''}` : undefined;
}

interface Located {
  key: string;
  obs: Observation;
  where: string;
}

function* observations(sections: Section[]): Generator<Located> {
  function* walk(
    items: readonly (ResultItem | BatteryComponent)[],
    path: string,
    field: string,
  ): Generator<Located> {
    for (const [i, it] of items.entries()) {
      const p = `${path}.${field}[${i}]`;
      if (it.kind === 'observation') {
        const key = testKey(it);
        if (key) yield { key, obs: it, where: p };
      } else if (it.kind === 'battery' || it.kind === 'isolate') yield* walk(it.components, p, 'components');
    }
  }
  for (const [i, s] of sections.entries()) {
    if (s.kind !== 'chapter') continue;
    if (s.entry) yield* walk(s.entry.items, `sections[${i}].entry`, 'items');
    for (const [j, x] of (s.subSections ?? []).entries()) {
      yield* walk(x.entry.items, `sections[${i}].subSections[${j}].entry`, 'items');
    }
  }
}

function findConflicts(main: Section[], sub: Section[], policy: ConflictPolicy): MergeConflict[] {
  const inMain = new Map<string, Located>();
  for (const l of observations(main)) if (!inMain.has(l.key)) inMain.set(l.key, l);
  const resolution = (
    { 'keep-both': 'kept-both', 'keep-main': 'kept-main', 'keep-sub': 'kept-sub' } as const
  )[policy];
  const out: MergeConflict[] = [];
  for (const l of observations(sub)) {
    const m = inMain.get(l.key);
    if (!m) continue;
    const displayName = l.obs.code.displayName ?? l.obs.code.originalText;
    out.push({
      test: l.key,
      ...(displayName ? { displayName } : {}),
      main: m.where,
      sub: l.where,
      resolution,
    });
  }
  return out;
}

/** Remove the results whose test is in `drop`; batteries, entries and chapters left without results go too. */
function pruneSections<S extends Section>(sections: S[], drop: Set<string>): S[] {
  const keepItem = (it: ResultItem | BatteryComponent): boolean => {
    if (it.kind === 'observation') return !drop.has(testKey(it) ?? '');
    if (it.kind === 'battery' || it.kind === 'isolate') return it.components.some(isResult);
    return true;
  };
  const pruneItems = <T extends ResultItem | BatteryComponent>(items: T[]): T[] =>
    items
      .map((it) =>
        it.kind === 'battery' || it.kind === 'isolate'
          ? { ...it, components: pruneItems(it.components) }
          : it,
      )
      .filter(keepItem);
  const pruneEntry = (e: ResultsEntry): ResultsEntry | undefined => {
    const items = pruneItems(e.items);
    return items.some(isResult) ? { ...e, items } : undefined;
  };
  const out: S[] = [];
  for (const s of sections) {
    if (s.kind !== 'chapter') {
      out.push(s);
      continue;
    }
    const entry = s.entry ? pruneEntry(s.entry) : undefined;
    const subSections = (s.subSections ?? []).flatMap((x) => {
      const e = pruneEntry(x.entry);
      return e ? [{ ...x, entry: e }] : [];
    });
    if (!entry && subSections.length === 0) continue;
    const ch: ChapterSection = { ...s, narrative: undefined };
    delete ch.entry;
    delete ch.subSections;
    out.push((entry ? { ...ch, entry } : { ...ch, subSections }) as S);
  }
  return out;
}

const isResult = (it: ResultItem | BatteryComponent): boolean =>
  it.kind === 'observation' ||
  ((it.kind === 'battery' || it.kind === 'isolate') && it.components.some(isResult));

// ------------------------------------------------------------------------------------- unstructured attachment

function secondIntention(report: CrBioReport, labName?: string): SecondIntentionSection {
  const found = report.sections.find((x): x is SecondIntentionSection => x.kind === 'secondIntention');
  if (found) {
    found.narrative = undefined;
    return found;
  }
  const section: SecondIntentionSection = {
    kind: 'secondIntention',
    code: SECOND_INTENTION_CODE,
    // the lab's name in the title: the PDF copy prints section titles, so the reader sees who sent the report
    title: labName ? `${SECOND_INTENTION_TITLE} — ${labName}` : SECOND_INTENTION_TITLE,
    documents: [],
  };
  const lastChapter = report.sections.map((x) => x.kind).lastIndexOf('chapter');
  report.sections.splice(lastChapter + 1, 0, section);
  return section;
}

function attachPdf(report: CrBioReport, sub: CrBioReport, lab: PerformingLab): void {
  const pdf = sub.pdf!;
  const doc: AttachedDocument = {
    documentType: {
      code: '11502-2',
      codeSystem: LOINC,
      codeSystemName: 'LOINC',
      displayName: "CR d'examens biologiques",
    },
    typeText: `Compte rendu de biologie — ${lab.organization?.name} (${sub.effectiveTime.slice(6, 8)}/${sub.effectiveTime.slice(4, 6)}/${sub.effectiveTime.slice(0, 4)})`,
    effectiveTime: { nullFlavor: 'NA' },
    mediaType: pdf.mediaType ?? 'application/pdf',
    data: pdf.data,
  };
  secondIntention(report, lab.organization?.name).documents.push(doc);
}

/** Instance ids (`root/extension`) of the results entries and items found in both section lists. */
function duplicateIds(main: Section[], sub: Section[]): string[] {
  const collect = (sections: Section[]): Set<string> => {
    const out = new Set<string>();
    const add = (ids: { root: string; extension?: string | undefined }[] | undefined) => {
      for (const i of ids ?? []) out.add(`${i.root}/${i.extension ?? ''}`);
    };
    const walk = (items: readonly (ResultItem | BatteryComponent)[]) => {
      for (const it of items) {
        if ('ids' in it) add(it.ids);
        if (it.kind === 'battery' || it.kind === 'isolate') walk(it.components);
      }
    };
    for (const s of sections) {
      if (s.kind !== 'chapter') continue;
      for (const e of [s.entry, ...(s.subSections ?? []).map((x) => x.entry)]) {
        if (!e) continue;
        add(e.ids);
        walk(e.items);
      }
    }
    return out;
  };
  const inMain = collect(main);
  return [...collect(sub)].filter((id) => inMain.has(id));
}

/** Drop keys set to `undefined` (the model is plain JSON: no undefined values). */
function stripUndefined<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
