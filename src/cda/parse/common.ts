import type { Element } from '@xmldom/xmldom';
import {
  ADDRESS_PARTS,
  type Address,
  type Code,
  type CodeBase,
  type HealthProfessional,
  type InstanceId,
  type NullFlavor,
  type Organization,
  type PerformingLab,
  type PersonName,
  type ResultValidator,
  type Telecom,
  type TimeSpec,
  tsSchema,
} from '../../model/index.js';
import {
  attr,
  CdaParseError,
  ElementReader,
  HL7_NS,
  narrativeText,
  normText,
  type ParseWarning,
  xpathOf,
} from './dom.js';

/** State shared while parsing one document. */
export interface ParseContext {
  warnings: ParseWarning[];
  /** Narrative elements by `ID`, to resolve `reference@value="#ID"`. */
  ids: Map<string, Element>;
}

/** Start reading an element's children. */
export function reader(ctx: ParseContext, el: Element): ElementReader {
  return new ElementReader(el, ctx.warnings);
}

/** Record a warning located at an element. */
export function warn(ctx: ParseContext, code: string, message: string, el: Element | undefined): void {
  ctx.warnings.push({ code, message, xpath: el ? xpathOf(el) : '/' });
}

function put<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined && !(Array.isArray(v) && v.length === 0)) o[k] = v;
}

export { put as setIf };

/** `@nullFlavor` of an element. */
export function nullFlavor(el: Element | undefined): NullFlavor | undefined {
  return attr(el, 'nullFlavor') as NullFlavor | undefined;
}

/** `II` → InstanceId. */
export function parseId(el: Element): InstanceId {
  const id = { root: attr(el, 'root') ?? '' } as InstanceId;
  put(id, 'extension', attr(el, 'extension'));
  put(id, 'assigningAuthorityName', attr(el, 'assigningAuthorityName'));
  return id;
}

/** `II` elements → InstanceIds (those without a root are skipped); undefined when none. */
export function parseIds(els: Element[]): InstanceId[] | undefined {
  const ids = els.filter((e) => attr(e, 'root') !== undefined).map(parseId);
  return ids.length ? ids : undefined;
}

/** Resolve a narrative reference (`#ID`, tolerating a missing `#`) to its text. */
export function resolveRef(ctx: ParseContext, value: string | undefined, at: Element): string | undefined {
  if (!value) return undefined;
  const id = value.startsWith('#') ? value.slice(1) : value;
  const target = ctx.ids.get(id);
  if (!target) {
    warn(ctx, 'UNRESOLVED_REFERENCE', `reference "${value}" points to no narrative element`, at);
    return undefined;
  }
  return narrativeText(target);
}

/** A `text` or `originalText` element (reference or inline text) → its text and the reference as written. */
export function parseEdText(ctx: ParseContext, el: Element | undefined): { text?: string; ref?: string } {
  if (!el) return {};
  const r = reader(ctx, el);
  const ref = r.one('reference');
  r.finish(el.localName ?? '');
  const refValue = attr(ref, 'value');
  const resolved = ref ? resolveRef(ctx, refValue, ref) : undefined;
  let inline = '';
  for (let c = el.firstChild; c; c = c.nextSibling)
    if (c.nodeType === 3 || c.nodeType === 4) inline += c.nodeValue;
  inline = inline.replace(/\s+/g, ' ').trim();
  const out: { text?: string; ref?: string } = {};
  put(out, 'text', resolved || inline || undefined);
  put(out, 'ref', refValue);
  return out;
}

function codeBase(el: Element): CodeBase {
  const c: CodeBase = {};
  put(c, 'code', attr(el, 'code'));
  put(c, 'codeSystem', attr(el, 'codeSystem'));
  put(c, 'codeSystemName', attr(el, 'codeSystemName'));
  put(c, 'codeSystemVersion', attr(el, 'codeSystemVersion'));
  put(c, 'displayName', attr(el, 'displayName'));
  put(c, 'nullFlavor', nullFlavor(el));
  return c;
}

/** `CD`/`CE` → Code (originalText resolved through the narrative). */
export function parseCode(ctx: ParseContext, el: Element): Code {
  const c: Code = codeBase(el);
  const r = reader(ctx, el);
  const ot = parseEdText(ctx, r.one('originalText'));
  put(c, 'originalText', ot.text);
  put(c, 'originalTextRef', ot.ref);
  const tr = r.all('translation').map((t) => {
    const tb = codeBase(t);
    const tr2 = reader(ctx, t);
    tr2.finish('translation');
    return tb;
  });
  put(c, 'translations', tr);
  r.finish(el.localName ?? '');
  return c;
}

/** {@link parseCode} of an optional element. */
export function parseOptCode(ctx: ParseContext, el: Element | undefined): Code | undefined {
  return el ? parseCode(ctx, el) : undefined;
}

/** `@value` of a TS element when it is a valid HL7 TS; otherwise a warning (with the attribute's XPath) and undefined. */
export function tsValue(ctx: ParseContext, el: Element | undefined): string | undefined {
  const v = attr(el, 'value');
  if (v === undefined || tsSchema.safeParse(v).success) return v;
  ctx.warnings.push({
    code: 'INVALID_VALUE',
    message: `"${v}" is not an HL7 time stamp (YYYYMMDDHHMMSS±ZZZZ): not kept`,
    xpath: `${xpathOf(el)}/@value`,
  });
  return undefined;
}

/** A TS the model requires (document time, author time…): a missing or invalid value is a CdaParseError. */
export function requiredTs(el: Element | undefined, where: Element, what: string): string {
  const v = attr(el, 'value');
  if (v !== undefined && tsSchema.safeParse(v).success) return v;
  const xpath = el ? `${xpathOf(el)}/@value` : `${xpathOf(where)}/${what}`;
  throw new CdaParseError(
    v === undefined ? `${what}@value is required` : `${what}@value "${v}" is not an HL7 time stamp`,
    xpath,
  );
}

/** `TS` or `IVL_TS` → TimeSpec, keeping the form. */
export function parseTime(ctx: ParseContext, el: Element | undefined): TimeSpec | undefined {
  if (!el) return undefined;
  const t: TimeSpec = {};
  put(t, 'value', tsValue(ctx, el));
  put(t, 'nullFlavor', nullFlavor(el));
  const r = reader(ctx, el);
  const low = r.one('low');
  const high = r.one('high');
  r.skip('center', 'width');
  put(t, 'low', tsValue(ctx, low));
  put(t, 'lowNullFlavor', nullFlavor(low));
  put(t, 'high', tsValue(ctx, high));
  r.finish(el.localName ?? '');
  return t;
}

/** `AD` → Address. */
export function parseAddress(ctx: ParseContext, el: Element): Address {
  const a: Address = {};
  put(a, 'use', attr(el, 'use'));
  put(a, 'nullFlavor', nullFlavor(el));
  const r = reader(ctx, el);
  put(
    a,
    'streetAddressLines',
    r.all('streetAddressLine').map((s) => normText(s)),
  );
  for (const part of ADDRESS_PARTS) {
    const p = r.one(part);
    if (p) (a as Record<string, unknown>)[part] = normText(p);
  }
  r.finish('addr');
  return a;
}

/** `AD` elements → Addresses; undefined when none. */
export function parseAddresses(ctx: ParseContext, els: Element[]): Address[] | undefined {
  return els.length ? els.map((e) => parseAddress(ctx, e)) : undefined;
}

/** `TEL` → Telecom. */
export function parseTelecom(el: Element): Telecom {
  const t: Telecom = {};
  put(t, 'value', attr(el, 'value'));
  put(t, 'use', attr(el, 'use'));
  put(t, 'nullFlavor', nullFlavor(el));
  return t;
}

/** `TEL` elements → Telecoms; undefined when none. */
export function parseTelecoms(els: Element[]): Telecom[] | undefined {
  return els.length ? els.map(parseTelecom) : undefined;
}

/** `PN` of a professional → PersonName. */
export function parseName(ctx: ParseContext, el: Element | undefined): PersonName | undefined {
  if (!el) return undefined;
  const n: PersonName = {};
  const r = reader(ctx, el);
  put(n, 'prefix', r.one('prefix') ? normText(r.one('prefix')) : undefined);
  put(
    n,
    'given',
    r.all('given').map((g) => normText(g)),
  );
  const fam = r.all('family');
  if (fam.length > 1) warn(ctx, 'FALLBACK', 'several <family> elements joined with a space', fam[1]);
  put(n, 'family', fam.length ? fam.map((f) => normText(f)).join(' ') : undefined);
  put(n, 'suffix', r.one('suffix') ? normText(r.one('suffix')) : undefined);
  put(n, 'nullFlavor', nullFlavor(el));
  // A name written as plain text, without parts.
  if (!n.family && !n.given && r.rest().length === 0) {
    const txt = normText(el);
    if (txt) n.family = txt;
  }
  r.finish('name');
  return n;
}

/** Organisation element → Organization. */
export function parseOrganization(ctx: ParseContext, el: Element): Organization {
  const o: Organization = {};
  const r = reader(ctx, el);
  put(o, 'ids', parseIds(r.all('id')));
  const name = r.one('name');
  put(o, 'name', name ? normText(name) : undefined);
  put(o, 'telecoms', parseTelecoms(r.all('telecom')));
  put(o, 'addresses', parseAddresses(ctx, r.all('addr')));
  put(o, 'standardIndustryClass', parseOptCode(ctx, r.one('standardIndustryClassCode')));
  const partOf = r.one('asOrganizationPartOf');
  if (partOf) {
    const pr = reader(ctx, partOf);
    put(o, 'partOf', parseOptCode(ctx, pr.one('code')));
    pr.finish('asOrganizationPartOf');
  }
  r.skip('templateId');
  r.finish(el.localName ?? '');
  return o;
}

const PERSON_ELEMENTS = [
  'assignedPerson',
  'associatedPerson',
  'relatedPerson',
  'informationRecipient',
  'playingEntity',
  'guardianPerson',
];
const ORG_ELEMENTS = ['representedOrganization', 'scopingOrganization', 'receivedOrganization'];

/**
 * A role element (assignedEntity, assignedAuthor, associatedEntity, relatedEntity, intendedRecipient…) →
 * HealthProfessional. Children other than those read are left in the reader for the caller.
 */
export function readProfessional(ctx: ParseContext, r: ElementReader): HealthProfessional {
  const p: HealthProfessional = {};
  put(p, 'ids', parseIds(r.all('id')));
  put(p, 'profession', parseOptCode(ctx, r.one('code')));
  put(p, 'addresses', parseAddresses(ctx, r.all('addr')));
  put(p, 'telecoms', parseTelecoms(r.all('telecom')));
  for (const name of PERSON_ELEMENTS) {
    const person = r.one(name);
    if (person) {
      const pr = reader(ctx, person);
      put(p, 'name', parseName(ctx, pr.one('name')));
      pr.finish(name);
    }
  }
  for (const name of ORG_ELEMENTS) {
    const org = r.one(name);
    if (org) put(p, 'organization', parseOrganization(ctx, org));
  }
  return p;
}

/** A role element, all children read (unknown ones warned). */
export function parseProfessional(
  ctx: ParseContext,
  el: Element | undefined,
): HealthProfessional | undefined {
  if (!el) return undefined;
  const r = reader(ctx, el);
  r.skip('templateId');
  const p = readProfessional(ctx, r);
  r.finish(el.localName ?? '');
  return p;
}

/** FR-Laboratoire-executant `performer` → PerformingLab. */
export function parsePerformingLab(ctx: ParseContext, performer: Element): PerformingLab {
  const r = reader(ctx, performer);
  r.skip('templateId');
  const lab: PerformingLab = {};
  put(lab, 'functionCode', parseOptCode(ctx, r.one('functionCode')));
  put(lab, 'time', parseTime(ctx, r.one('time')));
  const ae = r.one('assignedEntity');
  r.finish('performer');
  if (ae) Object.assign(lab, parseProfessional(ctx, ae));
  return lab;
}

/** `participant typeCode="AUTHEN"` of an entry → ResultValidator. */
export function parseValidator(ctx: ParseContext, participant: Element): ResultValidator {
  const r = reader(ctx, participant);
  r.skip('templateId');
  const v: ResultValidator = { time: parseTime(ctx, r.one('time')) ?? {} };
  const role = r.one('participantRole');
  r.finish('participant');
  if (role) {
    const rr = reader(ctx, role);
    const p = readProfessional(ctx, rr);
    rr.finish('participantRole');
    put(v, 'ids', p.ids);
    put(v, 'profession', p.profession);
    if (p.organization)
      warn(ctx, 'UNMODELED_ELEMENT', 'organisation of a validating biologist is not kept', role);
    put(v, 'addresses', p.addresses);
    put(v, 'telecoms', p.telecoms);
    put(v, 'name', p.name);
  }
  return v;
}

export { HL7_NS };
