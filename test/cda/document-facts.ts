import { createHash } from 'node:crypto';
import { DOMParser, type Element } from '@xmldom/xmldom';

/**
 * Test helper, independent of the parser and of the builder: the detailed facts of a CR-BIO body, in document
 * order, one string per fact, for comparing an original document with its rebuilt version.
 *
 * Wider than `./result-facts.ts`: every coded element carries its `originalText` (`ot=«text»`: the narrative text
 * it points to, resolved through `@ID`, or its inline text; `ot=⚠«#ref»` when the reference resolves nowhere;
 * `ot=∅` when there is none) and its translations; a PQ value or bound carries its `translation`s (second unit); results carry their methods,
 * devices (participant/participantRole/playingDevice/code), reference range, comments and previous results
 * (REFR, with the same detail); batteries, isolates, specimens (act code, specimen type, target site, ids, times)
 * and attached documents (type code, type text, media type, size of the bytes) are facts of their own. Narrative
 * IDs, generated ids and templateIds are not facts: a rebuilt document is free to number its narrative.
 */

const HL7 = 'urn:hl7-org:v3';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const TPL = {
  OBSERVATION: '1.3.6.1.4.1.19376.1.3.1.6',
  BATTERY: '1.3.6.1.4.1.19376.1.3.1.4',
  ISOLATE: '1.3.6.1.4.1.19376.1.3.1.5',
  SPECIMEN: '1.3.6.1.4.1.19376.1.3.1.2',
  ATTACHED_DOC: '1.2.250.1.213.1.1.3.18',
  PDF_COPY: '1.2.250.1.213.1.1.2.243',
  LAB: '1.3.6.1.4.1.19376.1.3.3.1.7',
} as const;

const kids = (e: Element | undefined, name?: string): Element[] => {
  const out: Element[] = [];
  if (!e) return out;
  for (let c = e.firstChild; c; c = c.nextSibling) {
    if (
      c.nodeType === 1 &&
      (c as Element).namespaceURI === HL7 &&
      (name === undefined || (c as Element).localName === name)
    )
      out.push(c as Element);
  }
  return out;
};
const kid = (e: Element | undefined, name: string): Element | undefined => kids(e, name)[0];
const a = (e: Element | undefined, n: string): string =>
  e?.hasAttribute(n) ? (e.getAttribute(n) ?? '') : '-';
const norm = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();
/** Base64 content: its length and a digest, whitespace (line breaks) ignored. */
const bytes = (e: Element | undefined): string => {
  const b64 = (e?.textContent ?? '').replace(/\s+/g, '');
  return `bytes=${b64.length}#${createHash('sha256').update(b64).digest('hex').slice(0, 12)}`;
};
const templates = (e: Element): string[] => kids(e, 'templateId').map((t) => a(t, 'root'));

/** Facts of one document: narrative IDs resolved, then a walk of the body. */
class Walker {
  readonly ids = new Map<string, Element>();
  readonly out: string[] = [];

  constructor(root: Element) {
    const all = root.getElementsByTagNameNS(HL7, '*');
    for (let i = 0; i < all.length; i++) {
      const e = all[i] as unknown as Element;
      const id = e.getAttribute('ID');
      if (id) this.ids.set(id, e);
    }
  }

  /**
   * originalText / text of an act: `«text»` (the narrative text it points to, or its inline text), `⚠«<reference>»`
   * when its reference resolves nowhere, `∅` when there is none.
   */
  text(e: Element | undefined): string {
    if (!e) return '∅';
    const ref = kid(e, 'reference');
    if (ref) {
      const v = a(ref, 'value');
      const target = this.ids.get(v.startsWith('#') ? v.slice(1) : v);
      return target ? `«${norm(target.textContent)}»` : `⚠«${v}»`;
    }
    let inline = '';
    for (let c = e.firstChild; c; c = c.nextSibling)
      if (c.nodeType === 3 || c.nodeType === 4) inline += c.nodeValue;
    return `«${norm(inline)}»`;
  }

  codeBase(e: Element): string {
    return ['code', 'codeSystem', 'displayName', 'nullFlavor']
      .map((n) => a(e, n))
      .join('|')
      .replace(/(\|-)+$/, '');
  }

  /** A coded element: attributes, originalText, translations. */
  coded(e: Element | undefined): string {
    if (!e) return '∅';
    const ot = kid(e, 'originalText');
    const tr = kids(e, 'translation').map((t) => this.codeBase(t));
    return `${this.codeBase(e)} ot=${this.text(ot)}${tr.length ? ` tr=[${tr.join(', ')}]` : ''}`;
  }

  pqTranslations(e: Element): string {
    const tr = kids(e, 'translation').map((t) => `${a(t, 'value')} ${a(t, 'code')} ${a(t, 'codeSystem')}`);
    return tr.length ? ` tr=[${tr.join(', ')}]` : '';
  }

  quantity(e: Element | undefined): string {
    if (!e) return '∅';
    return `${a(e, 'value')} ${a(e, 'unit')} inc=${a(e, 'inclusive')} nf=${a(e, 'nullFlavor')}${this.pqTranslations(e)}`;
  }

  value(v: Element | undefined): string {
    if (!v) return '∅';
    const t = v.getAttributeNS(XSI, 'type') ?? '';
    const type = t.includes(':') ? t.split(':')[1] : t;
    switch (type) {
      case 'PQ':
        return `PQ ${this.quantity(v)}`;
      case 'IVL_PQ':
        return `IVL_PQ nf=${a(v, 'nullFlavor')} ${['low', 'center', 'high']
          .filter((b) => kid(v, b))
          .map((b) => `${b}=${this.quantity(kid(v, b))}`)
          .join(' ')}`;
      case 'CD':
      case 'CE':
      case 'CV':
      case 'CO':
        return `${type} ${this.coded(v)}`;
      case 'ST':
        return `ST «${norm(v.textContent)}»`;
      case 'RTO':
      case 'RTO_PQ_PQ':
        return `${type} ${this.quantity(kid(v, 'numerator'))} / ${this.quantity(kid(v, 'denominator'))}`;
      case 'ED':
        return `ED ${a(v, 'mediaType')} ${a(v, 'representation') === 'B64' ? bytes(v) : `«${norm(v.textContent)}»`}`;
      default:
        return `${type} ${a(v, 'value')} nf=${a(v, 'nullFlavor')}`;
    }
  }

  time(e: Element | undefined): string {
    if (!e) return '∅';
    return `${a(e, 'value')}|${a(kid(e, 'low'), 'value')}|${a(kid(e, 'high'), 'value')}|${a(e, 'nullFlavor')}`;
  }

  lab(performer: Element): string {
    const org = kid(kid(performer, 'assignedEntity'), 'representedOrganization');
    return `${kids(org, 'id')
      .map((i) => `${a(i, 'root')}/${a(i, 'extension')}`)
      .join(',')} ${norm(kid(org, 'name')?.textContent)}`;
  }

  performers(e: Element): string {
    const labs = kids(e, 'performer')
      .filter((p) => templates(p).includes(TPL.LAB))
      .map((p) => this.lab(p));
    return labs.length ? ` lab=[${labs.join(', ')}]` : '';
  }

  comment(act: Element): string {
    return `comment ${this.text(kid(act, 'text'))}`;
  }

  /** One result or previous result, with everything it carries; pushed before its comments and REFRs. */
  observation(o: Element, prefix: string): void {
    const parts = [
      `${prefix} code=${this.coded(kid(o, 'code'))}`,
      `status=${a(kid(o, 'statusCode'), 'code')}`,
      `time=${this.time(kid(o, 'effectiveTime'))}`,
      `value=${kids(o, 'value')
        .map((v) => this.value(v))
        .join(' ; ')}`,
    ];
    const interp = kids(o, 'interpretationCode').map((c) => this.coded(c));
    if (interp.length) parts.push(`interp=[${interp.join(', ')}]`);
    const methods = kids(o, 'methodCode').map((c) => this.coded(c));
    if (methods.length) parts.push(`methods=[${methods.join(', ')}]`);
    for (const rr of kids(o, 'referenceRange')) {
      const or = kid(rr, 'observationRange');
      const text = kid(or, 'text');
      parts.push(
        `range=${this.value(kid(or, 'value'))} text=${this.text(text)} interp=${this.coded(kid(or, 'interpretationCode'))}`,
      );
    }
    for (const p of kids(o, 'participant')) {
      const role = kid(p, 'participantRole');
      parts.push(
        `device=${a(p, 'typeCode')}/${a(role, 'classCode')} ${this.coded(kid(kid(role, 'playingDevice'), 'code'))}`,
      );
    }
    this.out.push(parts.join(' ') + this.performers(o));
    for (const er of kids(o, 'entryRelationship')) {
      for (const k of kids(er)) {
        if (k.localName === 'act') this.out.push(`${prefix}.${this.comment(k)}`);
        else if (k.localName === 'observation') this.observation(k, `${prefix}.${a(er, 'typeCode')}`);
      }
    }
  }

  specimen(p: Element): void {
    const role = kid(kid(p, 'participant'), 'participantRole');
    const receipt = kids(p, 'entryRelationship')
      .flatMap((er) => kids(er, 'act'))
      .map((x) => this.time(kid(x, 'effectiveTime')));
    this.out.push(
      [
        `specimen code=${this.coded(kid(p, 'code'))}`,
        `time=${this.time(kid(p, 'effectiveTime'))}`,
        `site=${this.coded(kid(p, 'targetSiteCode'))}`,
        `ids=${kids(role, 'id')
          .map((i) => `${a(i, 'root')}/${a(i, 'extension')}`)
          .join(',')}`,
        `type=${this.coded(kid(kid(role, 'playingEntity'), 'code'))}`,
        `received=${receipt.join(',')}`,
      ].join(' '),
    );
  }

  attachedDocument(org: Element, where: string): void {
    for (const comp of kids(org, 'component')) {
      for (const k of kids(comp)) {
        if (k.localName === 'observation') {
          this.out.push(`${where} type=${this.coded(kid(k, 'value'))} text=${this.text(kid(k, 'text'))}`);
        } else if (k.localName === 'observationMedia') {
          const v = kid(k, 'value');
          this.out.push(`${where} media=${a(v, 'mediaType')} ${bytes(v)}`);
        }
      }
    }
  }

  /** Walk an element's subtree in document order, turning the CR-BIO templates into facts. */
  walk(e: Element, where: string): void {
    for (const k of kids(e)) {
      const tpl = templates(k);
      if (k.localName === 'section') {
        this.walk(k, tpl.includes(TPL.PDF_COPY) ? 'pdf-copy' : `section ${a(kid(k, 'code'), 'code')}`);
      } else if (k.localName === 'observation' && tpl.includes(TPL.OBSERVATION)) {
        this.observation(k, 'result');
      } else if (k.localName === 'organizer' && tpl.includes(TPL.BATTERY)) {
        this.out.push(
          `battery code=${this.coded(kid(k, 'code'))} status=${a(kid(k, 'statusCode'), 'code')} time=${this.time(kid(k, 'effectiveTime'))}${this.performers(k)}`,
        );
        this.walk(k, where);
        this.out.push('end battery');
      } else if (k.localName === 'organizer' && tpl.includes(TPL.ISOLATE)) {
        const pe = kid(kid(kid(k, 'specimen'), 'specimenRole'), 'specimenPlayingEntity');
        this.out.push(
          `isolate organism=${this.coded(kid(pe, 'code'))} status=${a(kid(k, 'statusCode'), 'code')}${this.performers(k)}`,
        );
        this.walk(k, where);
        this.out.push('end isolate');
      } else if (k.localName === 'organizer' && tpl.includes(TPL.ATTACHED_DOC)) {
        this.attachedDocument(k, `${where} attached`);
      } else if (k.localName === 'procedure' && tpl.includes(TPL.SPECIMEN)) {
        this.specimen(k);
      } else if (k.localName === 'act' && a(kid(k, 'code'), 'code') === '48767-8') {
        this.out.push(this.comment(k));
      } else if (k.localName === 'observationMedia') {
        const v = kid(k, 'value');
        this.out.push(`media ${a(v, 'mediaType')} ${bytes(v)}`);
      } else if (k.localName === 'act' && kid(k, 'code') && where.startsWith('section')) {
        // the results entry act: its performer (subcontracting lab) then its content
        const perf = this.performers(k);
        if (perf) this.out.push(`entry${perf}`);
        this.walk(k, where);
      } else if (
        k.localName === 'component' ||
        k.localName === 'entry' ||
        k.localName === 'entryRelationship' ||
        k.localName === 'structuredBody'
      ) {
        this.walk(k, where);
      }
    }
  }
}

/** Detailed body facts of a CR-BIO document (see the module comment). */
export function extractDocumentFacts(xml: string | Uint8Array): string[] {
  const text = typeof xml === 'string' ? xml : new TextDecoder().decode(xml);
  const doc = new DOMParser().parseFromString(text, 'text/xml');
  const body = doc.getElementsByTagNameNS(HL7, 'structuredBody')[0] as unknown as Element | undefined;
  if (!body) return [];
  const w = new Walker(doc.documentElement as unknown as Element);
  w.walk(body, '');
  return w.out;
}

/** A text token of a fact: `ot=…` (originalText) or `text=…` (act text). */
const TEXT_TOKEN = /\b(ot|text)=(∅|«[^»]*»|⚠«[^»]*»)/g;
/** The original says nothing there: no text, an empty one, or a reference that resolves nowhere. */
const noText = (token: string): boolean => /=(∅|«»|⚠)/.test(token);

/**
 * Differences between the facts of an original document and of its rebuilt version, after the documented
 * legitimate migrations to 2024.01 (nothing else is tolerated):
 * 1. a PDF copy section the original has none of (2021.01: the caller supplies the PDF) — its facts are ignored;
 * 2. narrative text the builder generates where the original had none to keep — a text token (`ot=`, `text=`)
 *    that is `∅`, `«»` or an unresolved `⚠«…»` in the original may be anything in the rebuilt (the builder
 *    writes the display name, and every reference it writes resolves).
 * Returns one line per difference (empty when the facts agree).
 */
export function factDifferences(original: string[], rebuilt: string[]): string[] {
  const hasPdf = original.some((f) => f.startsWith('pdf-copy'));
  const after = hasPdf ? rebuilt : rebuilt.filter((f) => !f.startsWith('pdf-copy'));
  const out: string[] = [];
  const n = Math.max(original.length, after.length);
  for (let i = 0; i < n; i++) {
    const o = original[i];
    const r = after[i];
    if (o === r) continue;
    if (o === undefined || r === undefined) {
      out.push(`#${i}\n  - ${o ?? '(none)'}\n  + ${r ?? '(none)'}`);
      continue;
    }
    const oTokens = o.match(TEXT_TOKEN) ?? [];
    const rTokens = r.match(TEXT_TOKEN) ?? [];
    const same =
      o.replace(TEXT_TOKEN, '$1=·') === r.replace(TEXT_TOKEN, '$1=·') &&
      oTokens.length === rTokens.length &&
      oTokens.every((t, k) => t === rTokens[k] || noText(t));
    if (!same) out.push(`#${i}\n  - ${o}\n  + ${r}`);
  }
  return out;
}
