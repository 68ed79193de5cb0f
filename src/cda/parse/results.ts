import type { Element } from '@xmldom/xmldom';
import type {
  Battery,
  BatteryComponent,
  Comment,
  Isolate,
  Media,
  Observation,
  PqTranslation,
  PreviousResult,
  QuantityBound,
  RatioTerm,
  ReferenceRange,
  ResultDevice,
  ResultItem,
  ResultsEntry,
  ResultValidator,
  ResultValue,
  Specimen,
} from '../../model/index.js';
import {
  nullFlavor,
  type ParseContext,
  parseCode,
  parseEdText,
  parseIds,
  parseOptCode,
  parsePerformingLab,
  parseProfessional,
  parseTime,
  parseValidator,
  setIf as put,
  reader,
  warn,
} from './common.js';
import { attr, CdaParseError, elementChildren, normText, xpathOf, xsiType } from './dom.js';

/** Template ids that identify the CR-BIO entries. */
export const TPL = {
  RESULTS_ENTRY: '1.3.6.1.4.1.19376.1.3.1',
  SPECIMEN: '1.3.6.1.4.1.19376.1.3.1.2',
  BATTERY: '1.3.6.1.4.1.19376.1.3.1.4',
  ISOLATE: '1.3.6.1.4.1.19376.1.3.1.5',
  OBSERVATION: '1.3.6.1.4.1.19376.1.3.1.6',
  COMMENT: '1.3.6.1.4.1.19376.1.5.3.1.4.2',
  SPECIMEN_RECEIVED: '1.3.6.1.4.1.19376.1.3.1.3',
} as const;

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A numeric `@value` as written; a value that is not a number is a CdaParseError at its XPath (never guessed). */
function numeric(el: Element | undefined, integer = false): string | undefined {
  const v = attr(el, 'value');
  if (v === undefined || (integer ? /^[+-]?\d+$/ : DECIMAL).test(v)) return v;
  throw new CdaParseError(
    `"${v}" is not ${integer ? 'an integer' : 'a decimal number'} (a result value must be written as in XML Schema)`,
    `${xpathOf(el)}/@value`,
    'CDA_INVALID_VALUE',
  );
}

/** `PQ/translation` elements (PQR: the quantity in another unit) → PqTranslations, values as written. */
function pqTranslations(ctx: ParseContext, els: Element[]): PqTranslation[] {
  return els.map((t) => {
    const tr: PqTranslation = {};
    put(tr, 'value', numeric(t));
    put(tr, 'code', attr(t, 'code'));
    put(tr, 'codeSystem', attr(t, 'codeSystem'));
    put(tr, 'codeSystemName', attr(t, 'codeSystemName'));
    put(tr, 'displayName', attr(t, 'displayName'));
    reader(ctx, t).finish('translation of a quantity');
    return tr;
  });
}

function bound(ctx: ParseContext, el: Element | undefined): QuantityBound | undefined {
  if (!el) return undefined;
  const b: QuantityBound = {};
  put(b, 'value', numeric(el));
  put(b, 'unit', attr(el, 'unit'));
  const inc = attr(el, 'inclusive');
  if (inc !== undefined) b.inclusive = inc === 'true';
  put(b, 'nullFlavor', nullFlavor(el));
  const r = reader(ctx, el);
  put(b, 'translations', pqTranslations(ctx, r.all('translation')));
  r.finish(`interval ${el.localName}`);
  return b;
}

function ratioTerm(ctx: ParseContext, el: Element | undefined): RatioTerm {
  const type = (el ? xsiType(el) : undefined) ?? 'PQ';
  if (!el || (type !== 'PQ' && type !== 'INT' && type !== 'REAL')) {
    warn(ctx, 'FALLBACK', `ratio term of type ${type ?? '(none)'} read as PQ`, el);
  }
  const t: RatioTerm = {
    type: type === 'INT' || type === 'REAL' ? type : 'PQ',
    value: attr(el, 'value') ?? '',
  };
  put(t, 'unit', attr(el, 'unit'));
  if (el) reader(ctx, el).finish('ratio term');
  return t;
}

/** An observation `value` (any xsi:type the XSD allows for results) → ResultValue. */
export function parseValue(ctx: ParseContext, el: Element): ResultValue | undefined {
  const type = xsiType(el);
  const nf = nullFlavor(el);
  switch (type) {
    case 'PQ': {
      const v: ResultValue = { type: 'PQ' };
      put(v, 'value', numeric(el));
      put(v, 'unit', attr(el, 'unit'));
      put(v, 'nullFlavor', nf);
      const r = reader(ctx, el);
      put(v, 'translations', pqTranslations(ctx, r.all('translation')));
      r.finish('value PQ');
      return v;
    }
    case 'IVL_PQ': {
      const r = reader(ctx, el);
      const v: ResultValue = { type: 'IVL_PQ' };
      put(v, 'low', bound(ctx, r.one('low')));
      put(v, 'high', bound(ctx, r.one('high')));
      put(v, 'center', bound(ctx, r.one('center')));
      put(v, 'nullFlavor', nf);
      r.finish('value IVL_PQ');
      return v;
    }
    case 'REAL':
    case 'INT': {
      const v = { type } as ResultValue & { value?: string; nullFlavor?: string };
      put(v, 'value', numeric(el, type === 'INT'));
      put(v, 'nullFlavor', nf);
      return v as ResultValue;
    }
    case 'BL': {
      const v: ResultValue = { type: 'BL' };
      const b = attr(el, 'value');
      if (b !== undefined) v.value = b === 'true';
      put(v, 'nullFlavor', nf);
      return v;
    }
    case 'TS': {
      const v: ResultValue = { type: 'TS' };
      put(v, 'value', attr(el, 'value'));
      put(v, 'nullFlavor', nf);
      return v;
    }
    case 'ST': {
      const v: ResultValue = { type: 'ST', text: el.textContent ?? '' };
      put(v, 'nullFlavor', nf);
      return v;
    }
    case 'CD':
    case 'CE':
    case 'CV':
    case 'CO':
      return { type, ...parseCode(ctx, el) };
    case 'RTO':
    case 'RTO_PQ_PQ': {
      const r = reader(ctx, el);
      const v: ResultValue = {
        type,
        numerator: ratioTerm(ctx, r.one('numerator')),
        denominator: ratioTerm(ctx, r.one('denominator')),
      };
      r.finish(`value ${type}`);
      return v;
    }
    case 'ED': {
      const v: ResultValue = { type: 'ED' };
      put(v, 'mediaType', attr(el, 'mediaType'));
      const rep = attr(el, 'representation');
      if (rep === 'B64' || rep === 'TXT') v.representation = rep;
      const txt = rep === 'B64' ? (el.textContent ?? '').replace(/\s+/g, '') : (el.textContent ?? '');
      put(v, 'text', txt || undefined);
      return v;
    }
    default:
      warn(ctx, 'UNMODELED_ELEMENT', `result value of xsi:type ${type ?? '(none)'} is not kept`, el);
      return undefined;
  }
}

function parseReferenceRange(ctx: ParseContext, el: Element): ReferenceRange {
  const rr: ReferenceRange = {};
  const r = reader(ctx, el);
  const range = r.one('observationRange');
  r.finish('referenceRange');
  if (!range) return rr;
  const o = reader(ctx, range);
  o.skip('code');
  const value = o.one('value');
  if (value) put(rr, 'value', parseValue(ctx, value));
  const text = o.one('text');
  if (text) put(rr, 'text', parseEdText(ctx, text).text ?? normText(text));
  put(rr, 'interpretation', parseOptCode(ctx, o.one('interpretationCode')));
  o.finish('observationRange');
  return rr;
}

/** FR-Commentaire-ER act → Comment. */
export function parseComment(ctx: ParseContext, act: Element): Comment {
  const r = reader(ctx, act);
  r.skip('templateId', 'code', 'statusCode');
  const c: Comment = { kind: 'comment', text: '' };
  put(c, 'ids', parseIds(r.all('id')));
  const t = parseEdText(ctx, r.one('text'));
  c.text = t.text ?? '';
  r.finish('comment');
  return c;
}

function isComment(act: Element): boolean {
  const kids = elementChildren(act);
  if (kids.some((k) => k.localName === 'templateId' && attr(k, 'root') === TPL.COMMENT)) return true;
  return (
    attr(
      kids.find((k) => k.localName === 'code'),
      'code',
    ) === '48767-8'
  );
}

/** Shared part of a result and a previous result. */
function readObservationCore(ctx: ParseContext, el: Element, r: ReturnType<typeof reader>): PreviousResult {
  r.skip('templateId');
  const codeEl = r.one('code');
  const statusEl = r.one('statusCode');
  const status = attr(statusEl, 'code');
  const o: PreviousResult = {
    code: codeEl ? parseCode(ctx, codeEl) : {},
    status: status === 'aborted' ? 'aborted' : 'completed',
  };
  if (status !== undefined && status !== 'completed' && status !== 'aborted') {
    warn(ctx, 'FALLBACK', `result statusCode "${status}" read as completed`, statusEl);
  }
  if (!codeEl) warn(ctx, 'FALLBACK', 'result without <code>', el);
  put(o, 'ids', parseIds(r.all('id')));
  put(o, 'effectiveTime', parseTime(ctx, r.one('effectiveTime')));
  const value = r.one('value');
  if (value) put(o, 'value', parseValue(ctx, value));
  put(
    o,
    'interpretations',
    r.all('interpretationCode').map((c) => parseCode(ctx, c)),
  );
  put(
    o,
    'methods',
    r.all('methodCode').map((c) => parseCode(ctx, c)),
  );
  const rr = r.one('referenceRange');
  if (rr) put(o, 'referenceRange', parseReferenceRange(ctx, rr));
  return { ...o, code: o.code };
}

/** FR-Resultat-examens-de-biologie-element-clinique-pertinent → Observation. */
export function parseObservation(ctx: ParseContext, el: Element): Observation {
  const r = reader(ctx, el);
  const core = readObservationCore(ctx, el, r);
  const o: Observation = { kind: 'observation', ...core };
  // HH/LL/AA stay codes, never read back as `critical`: the flag would outlive a correction of the value (a v2
  // interpreted N would be re-flagged); isCriticalResult counts the codes, and the rebuild writes them unchanged.
  const perf = r.all('performer');
  if (perf[0]) o.performer = parsePerformingLab(ctx, perf[0]);
  for (const extra of perf.slice(1))
    warn(ctx, 'EXTRA_ELEMENT', 'only the first performer of a result is kept', extra);
  const devices: ResultDevice[] = [];
  for (const p of r.all('participant')) {
    const pr = reader(ctx, p);
    const role = pr.one('participantRole');
    pr.finish('participant');
    const d: ResultDevice = { typeCode: attr(p, 'typeCode') ?? '' };
    if (role) {
      put(d, 'classCode', attr(role, 'classCode'));
      const rr = reader(ctx, role);
      const dev = rr.one('playingDevice');
      rr.finish('participantRole');
      if (dev) {
        const dr = reader(ctx, dev);
        put(d, 'code', parseOptCode(ctx, dr.one('code')));
        dr.finish('playingDevice');
      }
    }
    devices.push(d);
  }
  put(o, 'devices', devices);
  const comments: Comment[] = [];
  const previous: PreviousResult[] = [];
  for (const er of r.all('entryRelationship')) {
    const er2 = reader(ctx, er);
    const type = attr(er, 'typeCode');
    const act = er2.one('act');
    const obs = er2.one('observation');
    er2.finish('entryRelationship');
    if (act && isComment(act)) comments.push(parseComment(ctx, act));
    else if (obs && type === 'REFR') {
      const pr = reader(ctx, obs);
      previous.push(readObservationCore(ctx, obs, pr));
      pr.finish('previous result');
    } else warn(ctx, 'UNMODELED_ELEMENT', `entryRelationship ${type ?? ''} of a result is not kept`, er);
  }
  put(o, 'comments', comments);
  put(o, 'previousResults', previous);
  r.finish('result observation');
  return o;
}

/** observationMedia → Media. */
export function parseMedia(ctx: ParseContext, el: Element): Media {
  const r = reader(ctx, el);
  r.skip('templateId');
  const value = r.one('value');
  const m: Media = {
    kind: 'media',
    mediaType: attr(value, 'mediaType') ?? 'application/octet-stream',
    data: (value?.textContent ?? '').replace(/\s+/g, ''),
  };
  put(m, 'mediaId', attr(el, 'ID'));
  put(m, 'ids', parseIds(r.all('id')));
  if (value && attr(value, 'representation') !== 'B64') {
    warn(ctx, 'FALLBACK', 'observationMedia value not in B64 representation: kept as its text', value);
  }
  r.finish('observationMedia');
  return m;
}

function readComponents(ctx: ParseContext, r: ReturnType<typeof reader>): BatteryComponent[] {
  const out: BatteryComponent[] = [];
  for (const comp of r.all('component')) {
    const cr = reader(ctx, comp);
    const kids = cr.rest();
    cr.skip('sequenceNumber', 'seperatableInd');
    for (const k of kids) {
      if (k.localName === 'observation') out.push(parseObservation(ctx, k));
      else if (k.localName === 'organizer') {
        const item = parseOrganizer(ctx, k);
        if (item.kind === 'isolate') {
          warn(ctx, 'FALLBACK', 'an isolate inside a battery is read as a battery of its results', k);
          out.push({ kind: 'battery', status: item.status, components: item.components });
        } else out.push(item);
      } else if (k.localName === 'act' && isComment(k)) out.push(parseComment(ctx, k));
      else if (k.localName === 'observationMedia') out.push(parseMedia(ctx, k));
      else if (k.localName !== 'sequenceNumber' && k.localName !== 'seperatableInd') {
        warn(ctx, 'UNMODELED_ELEMENT', `<${k.localName}> in a battery/isolate is not kept`, k);
      }
    }
  }
  return out;
}

function readStatus(ctx: ParseContext, el: Element | undefined): 'completed' | 'active' | 'aborted' {
  const s = attr(el, 'code');
  if (s === 'completed' || s === 'active' || s === 'aborted') return s;
  if (el) warn(ctx, 'FALLBACK', `statusCode "${s}" read as completed`, el);
  return 'completed';
}

/** AUTHEN participants → validators; any other participant is reported. */
function readValidators(ctx: ParseContext, participants: Element[]): ResultValidator[] {
  const out: ResultValidator[] = [];
  for (const p of participants) {
    if (attr(p, 'typeCode') === 'AUTHEN') out.push(parseValidator(ctx, p));
    else warn(ctx, 'UNMODELED_ELEMENT', `participant ${attr(p, 'typeCode') ?? ''} not kept`, p);
  }
  return out;
}

/** organizer BATTERY → Battery; organizer CLUSTER (isolate) → Isolate. */
export function parseOrganizer(ctx: ParseContext, el: Element): Battery | Isolate {
  const r = reader(ctx, el);
  r.skip('templateId');
  const ids = parseIds(r.all('id'));
  const status = readStatus(ctx, r.one('statusCode'));
  const effectiveTime = parseTime(ctx, r.one('effectiveTime'));
  const perf = r.all('performer');
  const performer = perf[0] ? parsePerformingLab(ctx, perf[0]) : undefined;
  for (const extra of perf.slice(1)) warn(ctx, 'EXTRA_ELEMENT', 'only the first performer is kept', extra);
  const validators = readValidators(ctx, r.all('participant'));
  if (attr(el, 'classCode') === 'CLUSTER') {
    const spec = r.one('specimen');
    const iso: Isolate = { kind: 'isolate', status, organism: { code: {} }, components: [] };
    put(iso, 'ids', ids);
    put(iso, 'effectiveTime', effectiveTime);
    if (spec) {
      const sr = reader(ctx, spec);
      const role = sr.one('specimenRole');
      sr.finish('specimen');
      if (role) {
        const rr = reader(ctx, role);
        put(iso.organism, 'ids', parseIds(rr.all('id')));
        const pe = rr.one('specimenPlayingEntity');
        rr.finish('specimenRole');
        if (pe) {
          const pr = reader(ctx, pe);
          const code = pr.one('code');
          if (code) iso.organism.code = parseCode(ctx, code);
          pr.finish('specimenPlayingEntity');
        }
      }
    }
    r.skip('code');
    put(iso, 'performer', performer);
    if (validators.length) warn(ctx, 'UNMODELED_ELEMENT', 'validators of an isolate are not kept', el);
    iso.components = readComponents(ctx, r);
    r.finish('isolate');
    return iso;
  }
  const b: Battery = { kind: 'battery', status, components: [] };
  put(b, 'ids', ids);
  const code = r.one('code');
  if (code) put(b, 'code', parseCode(ctx, code));
  put(b, 'effectiveTime', effectiveTime);
  put(b, 'performer', performer);
  put(b, 'validators', validators);
  b.components = readComponents(ctx, r);
  r.finish('battery');
  return b;
}

/** FR-Prelevement procedure → Specimen. */
export function parseSpecimen(ctx: ParseContext, el: Element): Specimen {
  const r = reader(ctx, el);
  r.skip('templateId');
  const s: Specimen = { kind: 'specimen', samplingTime: {}, specimenIds: [] };
  put(s, 'ids', parseIds(r.all('id')));
  put(s, 'code', parseOptCode(ctx, r.one('code')));
  s.samplingTime = parseTime(ctx, r.one('effectiveTime')) ?? {};
  put(s, 'targetSite', parseOptCode(ctx, r.one('targetSiteCode')));
  const perf = r.one('performer');
  if (perf) {
    const pr = reader(ctx, perf);
    put(s, 'sampler', parseProfessional(ctx, pr.one('assignedEntity')));
    pr.finish('performer');
  }
  const part = r.one('participant');
  if (part) {
    const pr = reader(ctx, part);
    const role = pr.one('participantRole');
    pr.finish('participant');
    if (role) {
      const rr = reader(ctx, role);
      s.specimenIds = parseIds(rr.all('id')) ?? [];
      const pe = rr.one('playingEntity');
      rr.finish('participantRole');
      if (pe) {
        const per = reader(ctx, pe);
        put(s, 'specimenType', parseOptCode(ctx, per.one('code')));
        per.finish('playingEntity');
      }
    }
  }
  for (const er of r.all('entryRelationship')) {
    const err = reader(ctx, er);
    const act = err.one('act');
    err.finish('entryRelationship');
    const code = act ? elementChildren(act).find((n) => n.localName === 'code') : undefined;
    if (act && attr(code, 'code') === 'SPRECEIVE') {
      const ar = reader(ctx, act);
      ar.skip('templateId', 'code');
      put(s, 'receivedTime', parseTime(ctx, ar.one('effectiveTime')));
      ar.finish('specimen receipt');
    } else warn(ctx, 'UNMODELED_ELEMENT', 'entryRelationship of a specimen is not kept', er);
  }
  r.finish('specimen procedure');
  return s;
}

/** FR-Resultats-examens-de-biologie-medicale `entry` (or its `act`) → ResultsEntry. */
export function parseResultsEntry(ctx: ParseContext, act: Element): ResultsEntry {
  const r = reader(ctx, act);
  r.skip('templateId');
  const e: ResultsEntry = { status: 'completed', items: [] };
  put(e, 'ids', parseIds(r.all('id')));
  put(e, 'code', parseOptCode(ctx, r.one('code')));
  e.status = readStatus(ctx, r.one('statusCode'));
  put(e, 'effectiveTime', parseTime(ctx, r.one('effectiveTime')));
  const perf = r.all('performer');
  if (perf[0]) e.performer = parsePerformingLab(ctx, perf[0]);
  for (const extra of perf.slice(1)) warn(ctx, 'EXTRA_ELEMENT', 'only the first performer is kept', extra);
  const validators = readValidators(ctx, r.all('participant'));
  put(e, 'validators', validators);
  const items: ResultItem[] = [];
  const comments: Comment[] = [];
  for (const er of r.all('entryRelationship')) {
    const er2 = reader(ctx, er);
    for (const k of er2.rest()) {
      er2.skip(k.localName ?? '');
      if (k.localName === 'observation') items.push(parseObservation(ctx, k));
      else if (k.localName === 'organizer') items.push(parseOrganizer(ctx, k));
      else if (k.localName === 'procedure') items.push(parseSpecimen(ctx, k));
      else if (k.localName === 'act' && isComment(k)) comments.push(parseComment(ctx, k));
      else warn(ctx, 'UNMODELED_ELEMENT', `<${k.localName}> in a results entry is not kept`, k);
    }
  }
  e.items = items;
  put(e, 'comments', comments);
  r.finish('results entry act');
  return e;
}
