/**
 * Level-3 body of a CR-BIO: chapters (FR-CR-BIO-Chapitre) and sub-chapters, the results entry
 * (FR-Resultats-examens-de-biologie-medicale) with its specimens, results, batteries, isolates, comments and
 * images, the other sections (comments, second intention, kept-as-written), and the mandatory PDF copy.
 *
 * The narrative block of each section is generated from the entries in the same walk: every result code,
 * every text-only coded value, comment and image gets a `<content ID>` (or `renderMultiMedia`) that the entry
 * references, so every `reference/@value` resolves inside the document.
 * @module
 */
import type {
  AttachedDocument,
  Battery,
  BatteryComponent,
  ChapterSection,
  Code,
  CodeBase,
  Comment,
  CommentSection,
  Isolate,
  Media,
  Observation,
  PdfCopy,
  PreviousResult,
  RawSection,
  ReferenceRange,
  ResultItem,
  ResultsEntry,
  ResultValue,
  SecondIntentionSection,
  Section,
  Specimen,
  SubSection,
  TimeSpec,
} from '../../model/index.js';
import { CODE_SYSTEM, interpretationsAsWritten } from '../../model/index.js';
import { type BuildContext, sub } from './context.js';
import { writeCode, writeCS, writeIds, writeII, writeTime, writeValue } from './datatypes.js';
import { codeText, formatTime, interpretationText, rangeText, unitText, valueText } from './display.js';
import { writeAssignedEntity, writePerformingLab, writeValidator } from './parties.js';
import { el, importFragment, importNarrative, type XMLBuilder } from './xml.js';

// Template ids (CI-SIS BIO-CR-BIO 2024.01, IHE PaLM / PCC).
export const TPL = {
  CHAPTER: ['1.3.6.1.4.1.19376.1.3.3.2.1', '1.2.250.1.213.1.1.2.70'],
  SUB_CHAPTER: ['1.3.6.1.4.1.19376.1.3.3.2.2', '1.2.250.1.213.1.1.2.71'],
  RESULTS_ENTRY: ['1.3.6.1.4.1.19376.1.3.1', '1.2.250.1.213.1.1.3.21'],
  OBSERVATION: ['1.3.6.1.4.1.19376.1.3.1.6', '1.2.250.1.213.1.1.3.80'],
  BATTERY: ['1.3.6.1.4.1.19376.1.3.1.4', '1.2.250.1.213.1.1.3.78'],
  ISOLATE: ['1.3.6.1.4.1.19376.1.3.1.5', '1.2.250.1.213.1.1.3.79'],
  SPECIMEN: ['1.3.6.1.4.1.19376.1.3.1.2', '1.2.250.1.213.1.1.3.77'],
  SPECIMEN_RECEIVED: ['1.3.6.1.4.1.19376.1.3.1.3', '1.2.250.1.213.1.1.3.107'],
  COMMENT: ['2.16.840.1.113883.10.20.1.40', '1.3.6.1.4.1.19376.1.5.3.1.4.2', '1.2.250.1.213.1.1.3.32'],
  MEDIA: ['2.16.840.1.113883.10.12.304', '1.2.250.1.213.1.1.3.103'],
  COMMENT_SECTION: ['2.16.840.1.113883.10.12.201', '1.3.6.1.4.1.19376.1.4.1.2.16', '1.2.250.1.213.1.1.2.73'],
  SECOND_INTENTION: ['1.2.250.1.213.1.1.2.60'],
  PDF_COPY: ['1.2.250.1.213.1.1.2.243'],
  ATTACHED_DOC: ['1.2.250.1.213.1.1.3.18'],
  ATTACHED_TYPE: ['1.3.6.1.4.1.19376.1.5.3.1.4.13', '1.2.250.1.213.1.1.3.48', '1.2.250.1.213.1.1.3.48.18'],
} as const;

const LOINC = CODE_SYSTEM.LOINC;
const COMMENT_CODE: Code = {
  code: '48767-8',
  displayName: 'Commentaire',
  codeSystem: LOINC,
  codeSystemName: 'LOINC',
};
const PDF_COPY_CODE: Code = {
  code: '55108-5',
  displayName: 'Copie du document',
  codeSystem: LOINC,
  codeSystemName: 'LOINC',
};
/** Exact title the ANS profile requires on the PDF copy section. */
export const PDF_COPY_TITLE = 'Copie du document';

function templates(parent: XMLBuilder, roots: readonly string[]): void {
  for (const root of roots) el(parent, 'templateId', { root });
}

const COLUMNS = ['Examen', 'Résultat', 'Unité', 'Valeurs de référence', 'Interprétation'];

/**
 * The narrative of one section: paragraphs and one results table created on first use, so the text follows
 * the order of the entries.
 */
class Narrative {
  private tbody: XMLBuilder | undefined;
  constructor(readonly text: XMLBuilder) {}

  row(): XMLBuilder {
    if (!this.tbody) {
      const table = el(this.text, 'table', { border: '1' });
      const tr = el(el(table, 'thead'), 'tr');
      for (const c of COLUMNS) el(tr, 'th').txt(c);
      this.tbody = el(table, 'tbody');
    }
    return el(this.tbody, 'tr');
  }

  /** A full-width row (battery or isolate heading, comment, image). */
  wideRow(): XMLBuilder {
    return el(this.row(), 'td', { colspan: String(COLUMNS.length) });
  }

  paragraph(): XMLBuilder {
    this.tbody = undefined; // later rows start a new table, keeping document order
    return el(this.text, 'paragraph');
  }
}

function content(parent: XMLBuilder, id: string, text: string, styleCode?: string): void {
  el(parent, 'content', { ID: id, styleCode }).txt(text);
}

/**
 * Mixed narrative content (text and `<content ID>`): adjacent texts are written as one text node, so a cell or
 * row reads as before when nothing in it is referenced.
 */
class Inline {
  private pending = '';
  constructor(
    private readonly ctx: BuildContext,
    readonly holder: XMLBuilder,
  ) {}

  text(s: string): void {
    this.pending += s;
  }

  /** A `<content ID>` holding `s`; returns its ID. */
  content(kind: string, s: string): string {
    this.flush();
    const id = this.ctx.nid(kind);
    content(this.holder, id, s);
    return id;
  }

  /**
   * The narrative ID a code's `originalText/reference` points to, when the model gives the code an originalText:
   * `sep` then a `<content ID>` holding that text. Undefined (nothing written) otherwise.
   */
  originalText(c: Code | undefined, kind: string, sep = ''): string | undefined {
    if (c?.originalText === undefined) return undefined;
    this.text(sep);
    return this.content(kind, c.originalText);
  }

  flush(): void {
    if (this.pending) this.holder.txt(this.pending);
    this.pending = '';
  }
}

/** {@link Inline.originalText} on its own in `holder` (after `sep`). */
function originalTextRef(
  ctx: BuildContext,
  holder: XMLBuilder,
  c: Code | undefined,
  kind: string,
  sep?: string,
): string | undefined {
  return new Inline(ctx, holder).originalText(c, kind, sep);
}

/** A coded result value shown by its text (originalText, or no code): its narrative content is referenced. */
function isTextOnlyValue(v: ResultValue | undefined): boolean {
  return (
    (v?.type === 'CD' || v?.type === 'CE' || v?.type === 'CV' || v?.type === 'CO') &&
    (v.originalText !== undefined || v.code === undefined)
  );
}

/** Codes of a list that carry an originalText (they need a narrative content of their own). */
function withText(list: readonly Code[] | undefined): boolean {
  return (list ?? []).some((c) => c.originalText !== undefined);
}

/**
 * Interpretations as shown (display names, comma-separated); those with an originalText are shown by it in a
 * `<content ID>` (the IDs are returned in list order, undefined for the others).
 */
function interpretationCell(out: Inline, list: readonly Code[] | undefined): Array<string | undefined> {
  if (!withText(list)) {
    out.text(interpretationText(list));
    return [];
  }
  return (list ?? []).map((c, i) => {
    if (i > 0) out.text(', ');
    if (c.originalText !== undefined) return out.originalText(c, 'int');
    out.text(c.displayName ?? c.code ?? '');
    return undefined;
  });
}

/** Narrative IDs of the codes of a reference range. */
interface RangeRefs {
  value?: string | undefined;
  interpretation?: string | undefined;
}

/**
 * A reference range as shown; a coded range value or a range interpretation with an originalText gets a
 * `<content ID>` (returned), otherwise it is the range text.
 */
function rangeCell(out: Inline, r: ReferenceRange | undefined): RangeRefs {
  if (!rangeHasText(r)) {
    out.text(rangeText(r));
    return {};
  }
  const v = rangeCodedValue(r);
  let value: string | undefined;
  if (v) {
    if (r?.text !== undefined) out.text(`${r.text} `);
    value = out.originalText(v, 'rng');
  } else out.text(rangeText(r));
  const interpretation = out.originalText(r?.interpretation, 'int', ' ');
  return { value, interpretation };
}

/** The coded value of a reference range when it has an originalText (shown by it). */
function rangeCodedValue(r: ReferenceRange | undefined): Code | undefined {
  const v = r?.value;
  if (!(v?.type === 'CD' || v?.type === 'CE' || v?.type === 'CV' || v?.type === 'CO')) return undefined;
  return v.originalText !== undefined ? v : undefined;
}

/** Does a reference range hold a code whose originalText needs a narrative content? */
function rangeHasText(r: ReferenceRange | undefined): boolean {
  return rangeCodedValue(r) !== undefined || r?.interpretation?.originalText !== undefined;
}

/** `referenceRange/observationRange` of a result or previous result. */
function writeReferenceRange(parent: XMLBuilder, r: ReferenceRange, refs: RangeRefs): void {
  const range = el(el(parent, 'referenceRange', { typeCode: 'REFV' }), 'observationRange', {
    classCode: 'OBS',
    moodCode: 'EVN.CRT',
  });
  if (r.text !== undefined) el(range, 'text').txt(r.text);
  if (r.value) writeValue(range, r.value, refs.value);
  if (r.interpretation)
    writeCode(
      range,
      'interpretationCode',
      r.interpretation,
      refs.interpretation ? { ref: refs.interpretation } : {},
    );
}

function isLoinc(c: CodeBase | undefined): boolean {
  return c?.codeSystem === LOINC && c.code !== undefined;
}

// ------------------------------------------------------------------------------------------------ sections

/** Write every body section (not the PDF copy) in model order. */
export function writeSections(ctx: BuildContext, body: XMLBuilder, sections: readonly Section[]): void {
  sections.forEach((s, i) => {
    const path = sub('sections', i);
    const section = el(el(body, 'component'), 'section');
    switch (s.kind) {
      case 'chapter':
        writeChapter(ctx, section, s, path);
        return;
      case 'comment':
        writeCommentSection(section, s);
        return;
      case 'secondIntention':
        writeSecondIntention(ctx, section, s, path);
        return;
      default:
        writeRawSection(ctx, section, s, path);
        return;
    }
  });
}

function writeChapter(ctx: BuildContext, section: XMLBuilder, ch: ChapterSection, path: string): void {
  templates(section, TPL.CHAPTER);
  writeIds(section, ch.ids);
  writeCode(section, 'code', ch.code);
  el(section, 'title').txt(ch.title);
  const subs = ch.subSections ?? [];
  if (ch.entry && subs.length > 0) {
    ctx.problem(path, 'a chapter holds either one results entry or sub-chapters, not both');
  } else if (!ch.entry && subs.length === 0) {
    ctx.problem(path, 'a chapter needs one results entry or at least one sub-chapter');
  }
  if (ch.entry) {
    const narrative = new Narrative(el(section, 'text'));
    writeResultsEntry(ctx, section, narrative, ch.entry, ch.code, sub(path, 'entry'));
    return;
  }
  subs.forEach((s, i) => {
    writeSubChapter(
      ctx,
      el(el(section, 'component'), 'section'),
      s,
      ch.code,
      sub(sub(path, 'subSections'), i),
    );
  });
}

function writeSubChapter(
  ctx: BuildContext,
  section: XMLBuilder,
  s: SubSection,
  chapterCode: Code,
  path: string,
): void {
  templates(section, TPL.SUB_CHAPTER);
  writeIds(section, s.ids);
  if (s.code) {
    if (s.code.code !== undefined && s.code.codeSystem !== LOINC) {
      ctx.problem(sub(path, 'code'), 'a sub-chapter code must be LOINC (or carry no @code)');
    }
    writeCode(section, 'code', s.code);
  }
  if (s.title !== undefined) el(section, 'title').txt(s.title);
  const narrative = new Narrative(el(section, 'text'));
  writeResultsEntry(ctx, section, narrative, s.entry, s.code ?? chapterCode, sub(path, 'entry'));
}

function writeCommentSection(section: XMLBuilder, s: CommentSection): void {
  templates(section, TPL.COMMENT_SECTION);
  if (s.ids?.[0]) writeII(section, 'id', s.ids[0]);
  writeCode(section, 'code', {
    code: '55112-7',
    displayName: 'Commentaire',
    codeSystem: LOINC,
    codeSystemName: 'LOINC',
  });
  el(section, 'title').txt(s.title);
  const text = el(section, 'text');
  const lines = s.text.split(/\r?\n/);
  if (lines.length === 1) text.txt(s.text);
  else for (const line of lines) el(text, 'paragraph').txt(line);
}

function writeSecondIntention(
  ctx: BuildContext,
  section: XMLBuilder,
  s: SecondIntentionSection,
  path: string,
): void {
  templates(section, TPL.SECOND_INTENTION);
  writeIds(section, s.ids);
  writeCode(section, 'code', s.code);
  el(section, 'title').txt(s.title);
  const text = el(section, 'text');
  s.documents.forEach((d, i) => {
    writeAttachedDocument(ctx, section, text, d, sub(sub(path, 'documents'), i), { type: d.documentType });
  });
}

function writeRawSection(ctx: BuildContext, section: XMLBuilder, s: RawSection, path: string): void {
  templates(
    section,
    s.templateIds.map((t) => t.root),
  );
  writeIds(section, s.ids);
  if (s.code) writeCode(section, 'code', s.code);
  if (s.title !== undefined) el(section, 'title').txt(s.title);
  const text = el(section, 'text');
  if (s.narrative) {
    try {
      importNarrative(text, s.narrative);
    } catch (e) {
      ctx.problem(
        sub(path, 'narrative'),
        `the kept narrative is not well-formed XML: ${(e as Error).message}`,
      );
    }
  }
  (s.entries ?? []).forEach((xml, i) => {
    try {
      importFragment(section, xml);
    } catch (e) {
      ctx.problem(
        sub(sub(path, 'entries'), i),
        `the kept entry is not well-formed XML: ${(e as Error).message}`,
      );
    }
  });
}

// ------------------------------------------------------------------------------------------------ results entry

function writeResultsEntry(
  ctx: BuildContext,
  section: XMLBuilder,
  narrative: Narrative,
  entry: ResultsEntry,
  sectionCode: Code,
  path: string,
): void {
  const e = el(section, 'entry', { typeCode: 'DRIV' });
  templates(e, TPL.RESULTS_ENTRY);
  const act = el(e, 'act', { classCode: 'ACT', moodCode: 'EVN' });
  writeIds(act, entry.ids);
  const code = entry.code ?? {
    code: sectionCode.code,
    displayName: sectionCode.displayName,
    codeSystem: sectionCode.codeSystem,
    codeSystemName: sectionCode.codeSystemName,
  };
  if (code.code !== undefined && code.codeSystem !== LOINC) {
    ctx.problem(sub(path, 'code'), 'the results entry act code must be LOINC (or carry no @code)');
  }
  writeCode(act, 'code', code);
  writeCS(act, 'statusCode', holdsPending(entry.items) ? 'active' : entry.status);
  if (entry.effectiveTime) {
    if (!entry.effectiveTime.low || !entry.effectiveTime.high) {
      ctx.problem(sub(path, 'effectiveTime'), 'the results entry effectiveTime needs both low and high');
    }
    writeTime(act, 'effectiveTime', entry.effectiveTime);
  }
  if (entry.performer) writeSubcontractor(ctx, act, narrative, entry.performer, sub(path, 'performer'));
  for (const v of entry.validators ?? []) writeValidator(act, v);
  if (entry.items.every((i) => i.kind === 'observation' && i.pending))
    ctx.problem(sub(path, 'items'), 'a results entry needs at least one item that is not pending');
  entry.items.forEach((item, i) => {
    if (item.kind === 'observation' && item.pending) {
      writePendingRow(ctx, narrative, item);
      return;
    }
    writeItem(
      ctx,
      el(act, 'entryRelationship', { typeCode: 'COMP' }),
      narrative,
      item,
      sub(sub(path, 'items'), i),
      0,
    );
  });
  (entry.comments ?? []).forEach((c) => {
    const p = narrative.paragraph();
    writeCommentAct(ctx, el(act, 'entryRelationship', { typeCode: 'SUBJ' }), p, c, true);
  });
  if (entry.validators?.length) {
    const p = narrative.paragraph();
    p.txt(`Résultats validés par ${entry.validators.map((v) => personText(v.name)).join(', ')}`);
  }
}

function personText(
  n: { prefix?: string; given?: string[]; family?: string; suffix?: string } | undefined,
): string {
  if (!n) return '';
  return [...(n.given ?? []), n.family ?? ''].filter(Boolean).join(' ');
}

function writeSubcontractor(
  ctx: BuildContext,
  parent: XMLBuilder,
  narrative: Narrative,
  lab: NonNullable<ResultsEntry['performer']>,
  path: string,
): void {
  writePerformingLab(ctx, parent, lab, path, 'entry', UNKNOWN_TIME);
  const name = lab.organization?.name;
  if (name) narrative.paragraph().txt(`Examens réalisés par : ${name}`);
}

function writeItem(
  ctx: BuildContext,
  parent: XMLBuilder,
  narrative: Narrative,
  item: ResultItem,
  path: string,
  depth: number,
): void {
  switch (item.kind) {
    case 'specimen':
      writeSpecimen(ctx, parent, narrative, item, path);
      return;
    case 'observation':
      writeObservation(ctx, parent, narrative, item, path, depth);
      return;
    case 'battery':
      writeBattery(ctx, parent, narrative, item, path, depth);
      return;
    case 'isolate':
      writeIsolate(ctx, parent, narrative, item, path, depth);
      return;
  }
}

/** Whether items (or nested batteries) hold a pending result: the volet then wants their status `active`. */
function holdsPending(items: ReadonlyArray<ResultItem | BatteryComponent>): boolean {
  return items.some(
    (i) =>
      (i.kind === 'observation' && i.pending === true) ||
      (i.kind === 'battery' && holdsPending(i.components)),
  );
}

/** A pending result: a narrative row "résultat en attente", no observation entry (not valued yet). */
function writePendingRow(ctx: BuildContext, narrative: Narrative, obs: Observation): void {
  const tr = narrative.row();
  content(el(tr, 'td'), ctx.nid('res'), codeText(obs.code));
  el(tr, 'td').txt('en attente');
  for (let i = 0; i < 3; i++) el(tr, 'td');
}

function writeComponent(
  ctx: BuildContext,
  parent: XMLBuilder,
  narrative: Narrative,
  c: BatteryComponent,
  path: string,
  depth: number,
): void {
  if (c.kind === 'observation' && c.pending) {
    writePendingRow(ctx, narrative, c);
    return;
  }
  const comp = el(parent, 'component');
  switch (c.kind) {
    case 'observation':
      writeObservation(ctx, comp, narrative, c, path, depth);
      return;
    case 'battery':
      writeBattery(ctx, comp, narrative, c, path, depth);
      return;
    case 'comment':
      writeCommentAct(ctx, comp, narrative.wideRow(), c, false);
      return;
    case 'media':
      writeMedia(ctx, comp, narrative.wideRow(), c, path);
      return;
  }
}

// ------------------------------------------------------------------------------------------------ specimen

function writeSpecimen(
  ctx: BuildContext,
  parent: XMLBuilder,
  narrative: Narrative,
  s: Specimen,
  path: string,
): void {
  const p = narrative.paragraph();
  const proc = el(parent, 'procedure', { classCode: 'PROC', moodCode: 'EVN' });
  templates(proc, TPL.SPECIMEN);
  writeIds(proc, s.ids);
  p.txt('Prélèvement : ');
  if (s.code) {
    const id = ctx.nid('spe');
    content(p, id, codeText(s.code));
    writeCode(proc, 'code', s.code, { ref: id });
  }
  writeTime(proc, 'effectiveTime', s.samplingTime);
  if (s.targetSite) {
    const ref = originalTextRef(ctx, p, s.targetSite, 'site', ' ; site : ');
    writeCode(proc, 'targetSiteCode', s.targetSite, ref ? { ref } : {});
  }
  if (s.sampler) writeAssignedEntity(el(proc, 'performer'), 'assignedEntity', s.sampler);
  const role = el(el(proc, 'participant', { typeCode: 'PRD' }), 'participantRole', { classCode: 'SPEC' });
  if (s.specimenIds.length !== 1) {
    ctx.problem(sub(path, 'specimenIds'), `a specimen needs exactly one id (got ${s.specimenIds.length})`);
  }
  writeIds(role, s.specimenIds);
  if (s.specimenType) {
    const id = ctx.nid('spt');
    p.txt(' ; nature : ');
    content(p, id, codeText(s.specimenType));
    writeCode(el(role, 'playingEntity'), 'code', s.specimenType, { ref: id });
  }
  const sampled = formatTime(s.samplingTime);
  if (sampled) p.txt(` ; prélevé le ${sampled}`);
  if (s.receivedTime) {
    const act = el(el(proc, 'entryRelationship', { typeCode: 'COMP' }), 'act', {
      classCode: 'ACT',
      moodCode: 'EVN',
    });
    templates(act, TPL.SPECIMEN_RECEIVED);
    el(act, 'code', {
      code: 'SPRECEIVE',
      displayName: 'Échantillon reçu',
      codeSystem: CODE_SYSTEM.IHE_ACT_CODE,
      codeSystemName: 'IHEActCode',
    });
    if (s.receivedTime.value === undefined)
      ctx.problem(sub(path, 'receivedTime'), 'the specimen receipt time needs a value');
    writeTime(act, 'effectiveTime', s.receivedTime);
    p.txt(` ; reçu le ${formatTime(s.receivedTime)}`);
  }
}

// ------------------------------------------------------------------------------------------------ observation

/**
 * The code of a result as the volet wants it at this depth: directly under the act any code system is
 * accepted; inside a battery or isolate a non-LOINC code must move to a `translation` of an empty `<code>`.
 */
function observationCode(obs: Observation | PreviousResult, depth: number): { code: Code; coded: boolean } {
  const c = obs.code;
  if (depth === 0 || c.code === undefined || isLoinc(c)) return { code: c, coded: true };
  const local: CodeBase = {
    code: c.code,
    codeSystem: c.codeSystem,
    codeSystemName: c.codeSystemName,
    displayName: c.displayName ?? c.originalText,
  };
  return { code: { ...c, translations: [local, ...(c.translations ?? [])] }, coded: false };
}

function writeObservation(
  ctx: BuildContext,
  parent: XMLBuilder,
  narrative: Narrative,
  obs: Observation,
  path: string,
  depth: number,
): void {
  const o = el(parent, 'observation', { classCode: 'OBS', moodCode: 'EVN' });
  templates(o, TPL.OBSERVATION);
  writeIds(o, obs.ids);
  const tr = narrative.row();
  const td = el(tr, 'td');
  const codeId = ctx.nid('res');
  content(td, codeId, codeText(obs.code));
  const { code, coded } = observationCode(obs, depth);
  writeCode(o, 'code', code, { ref: codeId, coded });
  writeCS(o, 'statusCode', obs.status);
  if (obs.effectiveTime) writeTime(o, 'effectiveTime', obs.effectiveTime);
  const valueTd = el(tr, 'td');
  if (obs.value) {
    const v = obs.value;
    if (isTextOnlyValue(v)) {
      const vid = ctx.nid('val');
      content(valueTd, vid, valueText(v));
      writeValue(o, v, vid);
    } else {
      valueTd.txt(valueText(v));
      writeValue(o, v);
    }
  } else if (obs.status === 'aborted') {
    valueTd.txt('non réalisé');
  }
  el(tr, 'td').txt(unitText(obs.value));
  const rangeTd = new Inline(ctx, el(tr, 'td'));
  const rangeRefs = rangeCell(rangeTd, obs.referenceRange);
  rangeTd.flush();
  writeInterpretations(ctx, o, el(tr, 'td'), obs);
  for (const m of obs.methods ?? []) {
    if (m.originalText !== undefined || m.code === undefined) {
      const mid = ctx.nid('met');
      el(td, 'br');
      content(td, mid, codeText(m));
      writeCode(o, 'methodCode', m, { ref: mid });
    } else {
      writeCode(o, 'methodCode', m);
    }
  }
  if (obs.performer) writeSubcontractorRow(ctx, o, narrative, obs.performer, sub(path, 'performer'));
  for (const d of obs.devices ?? []) {
    const role = el(el(o, 'participant', { typeCode: d.typeCode }), 'participantRole', {
      classCode: d.classCode,
    });
    const dev = el(role, 'playingDevice');
    if (d.code) {
      if (d.code.originalText !== undefined) el(td, 'br');
      const ref = originalTextRef(ctx, td, d.code, 'dev');
      writeCode(dev, 'code', d.code, ref ? { ref } : {});
    }
  }
  for (const c of obs.comments ?? []) {
    writeCommentAct(
      ctx,
      el(o, 'entryRelationship', { typeCode: 'SUBJ', inversionInd: 'true' }),
      narrative.wideRow(),
      c,
      false,
    );
  }
  (obs.previousResults ?? []).forEach((pr, i) => {
    writePreviousResult(ctx, o, narrative, pr, sub(sub(path, 'previousResults'), i));
  });
  checkInterval(ctx, obs.value, sub(path, 'value'));
  if (obs.referenceRange) {
    checkInterval(ctx, obs.referenceRange.value, sub(sub(path, 'referenceRange'), 'value'));
    writeReferenceRange(o, obs.referenceRange, rangeRefs);
  }
}

/**
 * A result's interpretation cell and codes. A critical result carries HH/LL/AA: `interpretationsAsWritten` decides,
 * for the CDA here and for the PDF, so the PDF marks no more than the CDA says.
 */
function writeInterpretations(ctx: BuildContext, o: XMLBuilder, td: XMLBuilder, obs: Observation): void {
  const interpretations = interpretationsAsWritten(obs);
  const cell = new Inline(ctx, td);
  const refs = interpretationCell(cell, interpretations);
  cell.flush();
  (interpretations ?? []).forEach((c, i) => {
    const ref = refs[i];
    writeCode(o, 'interpretationCode', c, ref ? { ref } : {});
  });
}

/** An interval whose low is above its high cannot be a result nor a reference range. */
function checkInterval(ctx: BuildContext, v: Observation['value'], path: string): void {
  if (v?.type !== 'IVL_PQ' || v.low?.value === undefined || v.high?.value === undefined) return;
  if (Number(v.low.value) > Number(v.high.value)) {
    ctx.problem(path, `interval low ${v.low.value} is greater than high ${v.high.value}`);
  }
}

function writeSubcontractorRow(
  ctx: BuildContext,
  parent: XMLBuilder,
  narrative: Narrative,
  lab: NonNullable<Observation['performer']>,
  path: string,
): void {
  writePerformingLab(ctx, parent, lab, path, 'entry', UNKNOWN_TIME);
  if (lab.organization?.name) narrative.wideRow().txt(`Réalisé par : ${lab.organization.name}`);
}

function writePreviousResult(
  ctx: BuildContext,
  parent: XMLBuilder,
  narrative: Narrative,
  pr: PreviousResult,
  path: string,
): void {
  const o = el(el(parent, 'entryRelationship', { typeCode: 'REFR' }), 'observation', {
    classCode: 'OBS',
    moodCode: 'EVN',
  });
  // The narrative row: "Antériorité du <date> : <value> <unit>", with a <content ID> for each text the entry
  // references (code, coded value, interpretations, methods, range codes given an originalText by the model).
  const row = new Inline(ctx, narrative.wideRow());
  const unit = unitText(pr.value);
  const range = pr.referenceRange;
  row.text(`Antériorité du ${formatTime(pr.effectiveTime)}`);
  const codeRef = row.originalText(pr.code, 'ant', ' – ');
  row.text(' : ');
  let valueRef: string | undefined;
  if (isTextOnlyValue(pr.value)) valueRef = row.content('val', valueText(pr.value));
  else row.text(valueText(pr.value));
  if (unit) row.text(` ${unit}`);
  let interpRefs: Array<string | undefined> = [];
  if (withText(pr.interpretations)) {
    row.text(' (');
    interpRefs = interpretationCell(row, pr.interpretations);
    row.text(')');
  }
  const methodRefs = (pr.methods ?? []).map((m) => row.originalText(m, 'met', ' ; '));
  let rangeRefs: RangeRefs = {};
  if (rangeHasText(range)) {
    row.text(' ; valeurs de référence : ');
    rangeRefs = rangeCell(row, range);
  }
  row.flush();
  writeIds(o, pr.ids);
  writeCode(o, 'code', pr.code, codeRef ? { ref: codeRef } : {});
  if (pr.status !== 'completed') ctx.problem(sub(path, 'status'), 'a previous result must be completed');
  writeCS(o, 'statusCode', pr.status);
  if (!pr.effectiveTime) ctx.problem(sub(path, 'effectiveTime'), 'a previous result needs its time');
  else writeTime(o, 'effectiveTime', pr.effectiveTime);
  if (pr.value) writeValue(o, pr.value, valueRef);
  (pr.interpretations ?? []).forEach((c, i) => {
    const ref = interpRefs[i];
    writeCode(o, 'interpretationCode', c, ref ? { ref } : {});
  });
  (pr.methods ?? []).forEach((m, i) => {
    const ref = methodRefs[i];
    writeCode(o, 'methodCode', m, ref ? { ref } : {});
  });
  if (range) writeReferenceRange(o, range, rangeRefs);
}

// ------------------------------------------------------------------------------------------------ battery, isolate

function writeBattery(
  ctx: BuildContext,
  parent: XMLBuilder,
  narrative: Narrative,
  b: Battery,
  path: string,
  depth: number,
): void {
  const org = el(parent, 'organizer', { classCode: 'BATTERY', moodCode: 'EVN' });
  templates(org, TPL.BATTERY);
  if ((b.ids?.length ?? 0) > 1) ctx.problem(sub(path, 'ids'), 'a battery has at most one id');
  if (b.ids?.[0]) writeII(org, 'id', b.ids[0]);
  const heading = narrative.wideRow();
  if (b.code) {
    const id = ctx.nid('bat');
    content(heading, id, codeText(b.code), 'Bold');
    writeCode(org, 'code', b.code, { ref: id });
  }
  writeCS(org, 'statusCode', holdsPending(b.components) ? 'active' : b.status);
  if (b.components.every((c) => c.kind === 'observation' && c.pending))
    ctx.problem(
      sub(path, 'components'),
      'a battery needs at least one component that is not pending (put the pending results beside the others)',
    );
  if (b.effectiveTime) writeTime(org, 'effectiveTime', b.effectiveTime);
  if (b.performer) writeSubcontractorRow(ctx, org, narrative, b.performer, sub(path, 'performer'));
  for (const v of b.validators ?? []) writeValidator(org, v);
  b.components.forEach((c, i) => {
    writeComponent(ctx, org, narrative, c, sub(sub(path, 'components'), i), depth + 1);
  });
}

function writeIsolate(
  ctx: BuildContext,
  parent: XMLBuilder,
  narrative: Narrative,
  iso: Isolate,
  path: string,
  depth: number,
): void {
  const org = el(parent, 'organizer', { classCode: 'CLUSTER', moodCode: 'EVN' });
  templates(org, TPL.ISOLATE);
  writeIds(org, iso.ids);
  writeCS(org, 'statusCode', iso.status);
  if (iso.effectiveTime) writeTime(org, 'effectiveTime', iso.effectiveTime);
  const role = el(el(org, 'specimen', { typeCode: 'SPC' }), 'specimenRole', { classCode: 'SPEC' });
  writeIds(role, iso.organism.ids);
  const entity = el(role, 'specimenPlayingEntity', { classCode: 'MIC' });
  const heading = narrative.wideRow();
  heading.txt('Isolat : ');
  const id = ctx.nid('iso');
  content(heading, id, codeText(iso.organism.code), 'Bold');
  writeCode(entity, 'code', iso.organism.code, { ref: id });
  if (iso.performer) writeSubcontractorRow(ctx, org, narrative, iso.performer, sub(path, 'performer'));
  iso.components.forEach((c, i) => {
    writeComponent(ctx, org, narrative, c, sub(sub(path, 'components'), i), depth + 1);
  });
}

// ------------------------------------------------------------------------------------------------ comment, media

/** FR-Commentaire-ER act; its text goes into `holder` (a paragraph or a table cell) with an ID. */
function writeCommentAct(
  ctx: BuildContext,
  parent: XMLBuilder,
  holder: XMLBuilder,
  c: Comment,
  paragraphId: boolean,
): void {
  const act = el(parent, 'act', { classCode: 'ACT', moodCode: 'EVN' });
  templates(act, TPL.COMMENT);
  writeIds(act, c.ids);
  writeCode(act, 'code', COMMENT_CODE);
  const id = ctx.nid('com');
  if (paragraphId) {
    holder.att('ID', id);
    holder.txt(c.text);
  } else {
    content(holder, id, c.text);
  }
  el(el(act, 'text'), 'reference', { value: `#${id}` });
  writeCS(act, 'statusCode', 'completed');
}

function writeMedia(ctx: BuildContext, parent: XMLBuilder, holder: XMLBuilder, m: Media, path: string): void {
  const id = m.mediaId ?? ctx.nid('media');
  const media = el(parent, 'observationMedia', { classCode: 'OBS', moodCode: 'EVN', ID: id });
  templates(media, TPL.MEDIA);
  writeIds(media, m.ids);
  el(media, 'value', { mediaType: m.mediaType, representation: 'B64' }).txt(m.data);
  if (m.caption !== undefined) holder.txt(`${m.caption} `);
  el(holder, 'renderMultiMedia', { referencedObject: id });
  void path;
}

// ------------------------------------------------------------------------------------------------ attached documents

/**
 * FR-Document-attache (organizer 55107-7) with its FR-Type-document-attache observation and the
 * observationMedia; the section text gets the type text (with an ID) and a `renderMultiMedia`.
 */
function writeAttachedDocument(
  ctx: BuildContext,
  section: XMLBuilder,
  text: XMLBuilder,
  d: AttachedDocument,
  path: string,
  defaults: { type?: Code | undefined },
): void {
  const mediaId = d.mediaId ?? ctx.nid('doc');
  const typeId = ctx.nid('doctype');
  const type = d.documentType ?? defaults.type ?? PDF_COPY_CODE;
  const para = el(text, 'paragraph');
  const shown = d.typeText ?? codeText(type);
  content(para, typeId, shown);
  // The type value's own originalText: the same content when it says the same, else one more content.
  const valueRef =
    type.originalText === undefined
      ? undefined
      : type.originalText === shown
        ? typeId
        : originalTextRef(ctx, para, type, 'doctype', ' – ');
  const holder = el(el(el(el(text, 'table', { border: '0' }), 'tbody'), 'tr'), 'td');
  el(holder, 'renderMultiMedia', { referencedObject: mediaId });

  const org = el(el(section, 'entry'), 'organizer', { classCode: 'CLUSTER', moodCode: 'EVN' });
  templates(org, TPL.ATTACHED_DOC);
  if ((d.ids?.length ?? 0) > 1) ctx.problem(sub(path, 'ids'), 'an attached document has exactly one id');
  writeII(org, 'id', d.ids?.[0] ?? { root: ctx.newId() });
  writeCode(org, 'code', {
    code: '55107-7',
    displayName: 'Document attaché',
    codeSystem: LOINC,
    codeSystemName: 'LOINC',
  });
  writeCS(org, 'statusCode', 'completed');
  if (d.effectiveTime) writeTime(org, 'effectiveTime', d.effectiveTime);
  const obs = el(el(org, 'component'), 'observation', { classCode: 'OBS', moodCode: 'EVN' });
  templates(obs, TPL.ATTACHED_TYPE);
  writeII(obs, 'id', d.typeObservationIds?.[0] ?? { root: ctx.newId() });
  writeCode(obs, 'code', {
    code: '69764-9',
    displayName: 'Type de document',
    codeSystem: LOINC,
    codeSystemName: 'LOINC',
  });
  el(el(obs, 'text'), 'reference', { value: `#${typeId}` });
  writeCS(obs, 'statusCode', 'completed');
  el(obs, 'effectiveTime', { nullFlavor: 'NA' });
  writeCode(obs, 'value', type, { xsiType: 'CD', ...(valueRef ? { ref: valueRef } : {}) });
  const media = el(el(org, 'component'), 'observationMedia', {
    classCode: 'OBS',
    moodCode: 'EVN',
    ID: mediaId,
  });
  el(media, 'value', { mediaType: d.mediaType, representation: 'B64' }).txt(d.data);
}

/** The mandatory FR-Document-PDF-copie section holding the report's PDF. */
export function writePdfCopySection(ctx: BuildContext, body: XMLBuilder, pdf: PdfCopy, path: string): void {
  const section = el(el(body, 'component'), 'section');
  templates(section, TPL.PDF_COPY);
  writeII(section, 'id', pdf.sectionIds?.[0] ?? { root: ctx.newId() });
  writeCode(section, 'code', PDF_COPY_CODE);
  if (pdf.title !== undefined && pdf.title !== PDF_COPY_TITLE) {
    ctx.problem(sub(path, 'title'), `the PDF copy section title must be "${PDF_COPY_TITLE}"`);
  }
  el(section, 'title').txt(PDF_COPY_TITLE);
  const text = el(section, 'text');
  writeAttachedDocument(ctx, section, text, { ...pdf, mediaType: pdf.mediaType || 'application/pdf' }, path, {
    type: PDF_COPY_CODE,
  });
}

/** Media IDs the model fixes (observationMedia@ID), reserved before any generated ID. */
export function collectMediaIds(
  sections: readonly Section[],
  pdf: PdfCopy | undefined,
  reserve: (id: string, path: string) => void,
): void {
  const walkComponents = (list: readonly BatteryComponent[], path: string) =>
    list.forEach((c, i) => {
      const p = sub(sub(path, 'components'), i);
      if (c.kind === 'media' && c.mediaId) reserve(c.mediaId, sub(p, 'mediaId'));
      if (c.kind === 'battery') walkComponents(c.components, p);
    });
  const walkEntry = (e: ResultsEntry, path: string) =>
    e.items.forEach((it, i) => {
      const p = sub(sub(path, 'items'), i);
      if (it.kind === 'battery' || it.kind === 'isolate') walkComponents(it.components, p);
    });
  sections.forEach((s, i) => {
    const p = sub('sections', i);
    if (s.kind === 'chapter') {
      if (s.entry) walkEntry(s.entry, sub(p, 'entry'));
      (s.subSections ?? []).forEach((ss, j) => {
        walkEntry(ss.entry, sub(sub(sub(p, 'subSections'), j), 'entry'));
      });
    } else if (s.kind === 'secondIntention') {
      s.documents.forEach((d, j) => {
        if (d.mediaId) reserve(d.mediaId, sub(sub(sub(p, 'documents'), j), 'mediaId'));
      });
    }
  });
  if (pdf?.mediaId) reserve(pdf.mediaId, 'pdf.mediaId');
}

/** Default for a missing time: the time is unknown. */
export const UNKNOWN_TIME: TimeSpec = { nullFlavor: 'UNK' };
