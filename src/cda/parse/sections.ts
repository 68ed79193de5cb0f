import type { Element } from '@xmldom/xmldom';
import type {
  AttachedDocument,
  ChapterSection,
  PdfCopy,
  RawSection,
  Section,
  SubSection,
} from '../../model/index.js';
import {
  type ParseContext,
  parseCode,
  parseEdText,
  parseIds,
  parseOptCode,
  parseTime,
  setIf as put,
  reader,
  warn,
} from './common.js';
import { attr, elementChildren, innerXml, narrativeText, normText, serializeCompact } from './dom.js';
import { parseResultsEntry, TPL } from './results.js';

/** Section template ids of the CR-BIO volet. */
export const SECTION_TPL = {
  CHAPTER: '1.3.6.1.4.1.19376.1.3.3.2.1',
  SUB_CHAPTER: '1.3.6.1.4.1.19376.1.3.3.2.2',
  PDF_COPY: '1.2.250.1.213.1.1.2.243',
  SECOND_INTENTION: '1.2.250.1.213.1.1.2.60',
  COMMENT: '1.3.6.1.4.1.19376.1.4.1.2.16',
  RECOMMENDATION_REASON: '1.2.250.1.213.1.1.2.128',
  VACCINATIONS: '1.2.250.1.213.1.1.2.147',
  ATTACHED_DOCUMENT: '1.2.250.1.213.1.1.3.18',
} as const;

function templateRoots(el: Element): string[] {
  return elementChildren(el)
    .filter((k) => k.localName === 'templateId')
    .map((k) => attr(k, 'root') ?? '');
}

/** Result of reading a structured body: sections in order and the PDF copy. */
export interface BodyContent {
  sections: Section[];
  pdf?: PdfCopy;
}

/** `structuredBody` → sections (document order) + PDF copy. */
export function parseStructuredBody(ctx: ParseContext, body: Element): BodyContent {
  const out: BodyContent = { sections: [] };
  const r = reader(ctx, body);
  for (const comp of r.all('component')) {
    const cr = reader(ctx, comp);
    const section = cr.one('section');
    cr.finish('body component');
    if (!section) continue;
    const roots = templateRoots(section);
    if (roots.includes(SECTION_TPL.PDF_COPY)) {
      if (out.pdf) warn(ctx, 'EXTRA_ELEMENT', 'a second PDF copy section is not kept', section);
      else out.pdf = parsePdfCopySection(ctx, section);
    } else if (roots.includes(SECTION_TPL.CHAPTER)) out.sections.push(parseChapter(ctx, section));
    else if (roots.includes(SECTION_TPL.SECOND_INTENTION))
      out.sections.push(parseSecondIntention(ctx, section));
    else if (roots.includes(SECTION_TPL.COMMENT)) out.sections.push(parseCommentSection(ctx, section));
    else {
      const kind = roots.includes(SECTION_TPL.RECOMMENDATION_REASON)
        ? 'recommendationReason'
        : roots.includes(SECTION_TPL.VACCINATIONS)
          ? 'vaccinations'
          : 'other';
      if (kind === 'other') {
        warn(
          ctx,
          'UNKNOWN_SECTION',
          `section with templateIds [${roots.join(', ')}] kept as written (raw)`,
          section,
        );
      }
      out.sections.push(parseRawSection(ctx, section, kind));
    }
  }
  r.finish('structuredBody');
  return out;
}

function narrativeOf(text: Element | undefined): string | undefined {
  if (!text) return undefined;
  const x = innerXml(text);
  return x === '' ? undefined : x;
}

function resultsEntryOf(ctx: ParseContext, entry: Element) {
  const er = reader(ctx, entry);
  er.skip('templateId');
  const act = er.one('act');
  er.finish('entry');
  return act ? parseResultsEntry(ctx, act) : undefined;
}

function parseChapter(ctx: ParseContext, section: Element): ChapterSection {
  const r = reader(ctx, section);
  r.skip('templateId');
  const codeEl = r.one('code');
  const title = r.one('title');
  const ch: ChapterSection = {
    kind: 'chapter',
    code: codeEl ? parseCode(ctx, codeEl) : {},
    title: title ? normText(title) : '',
  };
  if (!codeEl) warn(ctx, 'FALLBACK', 'chapter without code', section);
  put(ch, 'ids', parseIds(r.all('id')));
  put(ch, 'narrative', narrativeOf(r.one('text')));
  const entries = r.all('entry');
  if (entries[0]) put(ch, 'entry', resultsEntryOf(ctx, entries[0]));
  for (const extra of entries.slice(1)) {
    warn(ctx, 'EXTRA_ELEMENT', 'a chapter holds one results entry; this further entry is not kept', extra);
  }
  const subs: SubSection[] = [];
  for (const comp of r.all('component')) {
    const cr = reader(ctx, comp);
    const sub = cr.one('section');
    cr.finish('chapter component');
    if (!sub) continue;
    if (!templateRoots(sub).includes(SECTION_TPL.SUB_CHAPTER)) {
      warn(ctx, 'FALLBACK', 'sub-section without the sub-chapter templateId read as a sub-chapter', sub);
    }
    const sr = reader(ctx, sub);
    sr.skip('templateId');
    const se = sr.all('entry');
    const entry = se[0] ? resultsEntryOf(ctx, se[0]) : undefined;
    for (const extra of se.slice(1))
      warn(ctx, 'EXTRA_ELEMENT', 'a sub-chapter holds one results entry; not kept', extra);
    if (!entry) {
      warn(ctx, 'UNMODELED_ELEMENT', 'sub-chapter without a results entry is not kept', sub);
      sr.finish('sub-chapter');
      continue;
    }
    const s: SubSection = { entry };
    put(s, 'ids', parseIds(sr.all('id')));
    put(s, 'code', parseOptCode(ctx, sr.one('code')));
    const st = sr.one('title');
    put(s, 'title', st ? normText(st) : undefined);
    put(s, 'narrative', narrativeOf(sr.one('text')));
    sr.finish('sub-chapter');
    subs.push(s);
  }
  put(ch, 'subSections', subs);
  r.finish('chapter');
  return ch;
}

/** FR-Document-attache organizer → AttachedDocument. */
export function parseAttachedDocument(ctx: ParseContext, organizer: Element): AttachedDocument {
  const r = reader(ctx, organizer);
  r.skip('templateId', 'code', 'statusCode');
  const doc: AttachedDocument = { mediaType: 'application/pdf', data: '' };
  put(doc, 'ids', parseIds(r.all('id')));
  put(doc, 'effectiveTime', parseTime(ctx, r.one('effectiveTime')));
  for (const comp of r.all('component')) {
    for (const k of elementChildren(comp)) {
      if (k.localName === 'observation') {
        const or = reader(ctx, k);
        or.skip('templateId', 'code', 'statusCode', 'effectiveTime');
        put(doc, 'typeObservationIds', parseIds(or.all('id')));
        const text = or.one('text');
        if (text) put(doc, 'typeText', parseEdText(ctx, text).text);
        const v = or.one('value');
        if (v) put(doc, 'documentType', parseCode(ctx, v));
        or.finish('document type observation');
      } else if (k.localName === 'observationMedia') {
        const mr = reader(ctx, k);
        mr.skip('templateId', 'id');
        const v = mr.one('value');
        put(doc, 'mediaId', attr(k, 'ID'));
        doc.mediaType = attr(v, 'mediaType') ?? doc.mediaType;
        doc.data = (v?.textContent ?? '').replace(/\s+/g, '');
        mr.finish('observationMedia');
      } else warn(ctx, 'UNMODELED_ELEMENT', `<${k.localName}> in an attached document is not kept`, k);
    }
  }
  r.finish('attached document');
  if (!doc.data) warn(ctx, 'FALLBACK', 'attached document without bytes', organizer);
  return doc;
}

function attachedDocumentsOf(ctx: ParseContext, entries: Element[]): AttachedDocument[] {
  const docs: AttachedDocument[] = [];
  for (const e of entries) {
    const er = reader(ctx, e);
    const org = er.one('organizer');
    er.finish('entry');
    if (org) docs.push(parseAttachedDocument(ctx, org));
  }
  return docs;
}

function parsePdfCopySection(ctx: ParseContext, section: Element): PdfCopy {
  const r = reader(ctx, section);
  r.skip('templateId', 'code', 'text');
  const ids = parseIds(r.all('id'));
  const title = r.one('title');
  const docs = attachedDocumentsOf(ctx, r.all('entry'));
  r.finish('PDF copy section');
  const pdf: PdfCopy = { ...(docs[0] ?? { data: '' }) };
  for (const extra of docs.slice(1)) void extra;
  if (docs.length > 1)
    warn(ctx, 'EXTRA_ELEMENT', 'only the first document of the PDF copy section is kept', section);
  put(pdf, 'sectionIds', ids);
  put(pdf, 'title', title ? normText(title) : undefined);
  return pdf;
}

function parseSecondIntention(ctx: ParseContext, section: Element): Section {
  const r = reader(ctx, section);
  r.skip('templateId');
  const code = r.one('code');
  const title = r.one('title');
  const s: Section = {
    kind: 'secondIntention',
    code: code ? parseCode(ctx, code) : {},
    title: title ? normText(title) : '',
    documents: [],
  };
  put(s, 'ids', parseIds(r.all('id')));
  put(s, 'narrative', narrativeOf(r.one('text')));
  s.documents = attachedDocumentsOf(ctx, r.all('entry'));
  r.finish('second-intention section');
  return s;
}

function parseCommentSection(ctx: ParseContext, section: Element): Section {
  const r = reader(ctx, section);
  r.skip('templateId', 'code');
  const title = r.one('title');
  const text = r.one('text');
  const s: Section = {
    kind: 'comment',
    title: title ? normText(title) : '',
    text: text ? narrativeText(text) : '',
  };
  put(s, 'ids', parseIds(r.all('id')));
  put(s, 'narrative', narrativeOf(text));
  r.finish('comment section');
  return s;
}

function parseRawSection(ctx: ParseContext, section: Element, kind: RawSection['kind']): RawSection {
  const r = reader(ctx, section);
  const s: RawSection = { kind, templateIds: parseIds(r.all('templateId')) ?? [] };
  put(s, 'ids', parseIds(r.all('id')));
  put(s, 'code', parseOptCode(ctx, r.one('code')));
  const title = r.one('title');
  put(s, 'title', title ? normText(title) : undefined);
  put(s, 'narrative', narrativeOf(r.one('text')));
  put(
    s,
    'entries',
    r.all('entry').map((e) => serializeCompact(e)),
  );
  r.finish(`${kind} section`);
  return s;
}

export { TPL };
