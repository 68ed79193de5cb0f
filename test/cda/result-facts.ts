import { DOMParser, type Element } from '@xmldom/xmldom';

/**
 * Test helper, independent of the parser: the list of result facts of a CR-BIO, in document order. One fact per
 * laboratory observation (templateId 1.3.6.1.4.1.19376.1.3.1.6) and per previous result (REFR) under it:
 * code and translations, value exactly as written (type, value, unit, interval bounds, coded value), interpretations,
 * reference range, times, and the performing lab that applies (nearest FR-Laboratoire-executant up the tree, else
 * the main serviceEvent's).
 */
export interface ResultFact {
  kind: 'result' | 'previous';
  code: string;
  translations: string[];
  status: string;
  time: string;
  value: string;
  interpretations: string[];
  referenceRange: string;
  performingLab: string;
}

const HL7 = 'urn:hl7-org:v3';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const OBS_TPL = '1.3.6.1.4.1.19376.1.3.1.6';
const LAB_TPL = '1.3.6.1.4.1.19376.1.3.3.1.7';

const kids = (e: Element, name?: string): Element[] => {
  const out: Element[] = [];
  for (let c = e.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1 && (name === undefined || (c as Element).localName === name)) out.push(c as Element);
  }
  return out;
};
const kid = (e: Element | undefined, name: string): Element | undefined => (e ? kids(e, name)[0] : undefined);
const a = (e: Element | undefined, n: string): string =>
  e?.hasAttribute(n) ? (e.getAttribute(n) ?? '') : '-';

function coded(e: Element | undefined): string {
  if (!e) return '';
  return `${a(e, 'code')}|${a(e, 'codeSystem')}|${a(e, 'displayName')}|${a(e, 'nullFlavor')}`;
}

function time(e: Element | undefined): string {
  if (!e) return '';
  return `${a(e, 'value')}|${a(kid(e, 'low'), 'value')}|${a(kid(e, 'high'), 'value')}|${a(e, 'nullFlavor')}`;
}

function quantity(e: Element | undefined): string {
  if (!e) return '';
  return `${a(e, 'value')} ${a(e, 'unit')} inc=${a(e, 'inclusive')} nf=${a(e, 'nullFlavor')}`;
}

function value(v: Element | undefined): string {
  if (!v) return '';
  const t = v.getAttributeNS(XSI, 'type') ?? '';
  const type = t.includes(':') ? t.split(':')[1] : t;
  switch (type) {
    case 'PQ':
      return `PQ ${quantity(v)} tr=[${kids(v, 'translation')
        .map((x) => `${a(x, 'value')} ${a(x, 'code')}`)
        .join(',')}]`;
    case 'IVL_PQ':
      return `IVL_PQ low=${quantity(kid(v, 'low'))} high=${quantity(kid(v, 'high'))} center=${quantity(kid(v, 'center'))}`;
    case 'CD':
    case 'CE':
    case 'CV':
    case 'CO':
      return `${type} ${coded(v)} tr=[${kids(v, 'translation').map(coded).join(',')}]`;
    case 'ST':
      return `ST ${v.textContent}`;
    case 'RTO':
    case 'RTO_PQ_PQ':
      return `${type} ${quantity(kid(v, 'numerator'))} / ${quantity(kid(v, 'denominator'))}`;
    default:
      return `${type} ${a(v, 'value')} nf=${a(v, 'nullFlavor')}`;
  }
}

function labOf(e: Element): string {
  const org = kid(kid(e, 'assignedEntity'), 'representedOrganization');
  const ids = kids(org ?? e, 'id').map((i) => `${a(i, 'root')}/${a(i, 'extension')}`);
  return `${ids.join(',')} ${kid(org, 'name')?.textContent?.trim() ?? ''}`;
}

function performingLab(obs: Element, mainLab: string): string {
  for (let n: Element | null = obs; n && n.localName !== 'section'; n = n.parentNode as Element | null) {
    for (const p of kids(n, 'performer')) {
      if (kids(p, 'templateId').some((t) => a(t, 'root') === LAB_TPL)) return labOf(p);
    }
  }
  return mainLab;
}

function fact(obs: Element, kind: ResultFact['kind'], lab: string): ResultFact {
  const code = kid(obs, 'code');
  const rr = kid(kid(obs, 'referenceRange'), 'observationRange');
  return {
    kind,
    code: coded(code),
    translations: code ? kids(code, 'translation').map(coded) : [],
    status: a(kid(obs, 'statusCode'), 'code'),
    time: time(kid(obs, 'effectiveTime')),
    value: value(kid(obs, 'value')),
    interpretations: kids(obs, 'interpretationCode').map(coded),
    referenceRange: rr ? `${value(kid(rr, 'value'))} interp=${coded(kid(rr, 'interpretationCode'))}` : '',
    performingLab: lab,
  };
}

/** Extract the result facts of a CR-BIO document (see {@link ResultFact}). */
export function extractResultFacts(xml: string | Uint8Array): ResultFact[] {
  const text = typeof xml === 'string' ? xml : new TextDecoder().decode(xml);
  const doc = new DOMParser().parseFromString(text, 'text/xml');
  const all = doc.getElementsByTagNameNS(HL7, '*');
  const mainPerformer = Array.from(doc.getElementsByTagNameNS(HL7, 'serviceEvent'))[0];
  const mainLabEl = mainPerformer ? kid(mainPerformer as unknown as Element, 'performer') : undefined;
  const mainLab = mainLabEl ? labOf(mainLabEl) : '';
  const facts: ResultFact[] = [];
  for (let i = 0; i < all.length; i++) {
    const e = all[i] as unknown as Element;
    if (e.localName !== 'observation') continue;
    if (!kids(e, 'templateId').some((t) => a(t, 'root') === OBS_TPL)) continue;
    const lab = performingLab(e, mainLab);
    facts.push(fact(e, 'result', lab));
    for (const er of kids(e, 'entryRelationship')) {
      if (a(er, 'typeCode') !== 'REFR') continue;
      const prev = kid(er, 'observation');
      if (prev) facts.push(fact(prev, 'previous', lab));
    }
  }
  return facts;
}
