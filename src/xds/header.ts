/**
 * The CDA header facts an XDS DocumentEntry needs, read on the safe DOM (no CDA is built here).
 * Every missing or unusable value throws an {@link XdsError} naming the XDS field and the CDA XPath.
 * @module
 */
import type { Element } from '@xmldom/xmldom';
import { parseXml, xmlText } from '../common/xml.js';
import { checkInsMatricule } from '../ins/index.js';
import { IDNPS_OID, IDNST_OID, INS_C_OID, INS_OID, parseIdnps } from '../model/index.js';
import { TEMPLATE_N1, TEMPLATES_N3 } from './codes.js';
import { toUtcDtm } from './dtm.js';
import { XdsError } from './errors.js';
import type { XdsAuthor, XdsCode, XdsFinding } from './types.js';

const HL7 = 'urn:hl7-org:v3';
const INS_ROOTS: ReadonlySet<string> = new Set(Object.values(INS_OID));
const ORDER_TYPE = 'urn:ihe:iti:xds:2013:order';

/** What the builder needs from one CDA header (raw codes: the builder checks them against the tables). */
export interface CdaHeader {
  level: 1 | 3;
  /** nonXMLBody/text/@mediaType (level 1). */
  mediaType?: string;
  uniqueId: string;
  typeCode: { code: string; scheme: string; display: string };
  title?: string;
  creationTime: string;
  confidentiality: string;
  languageCode: string;
  patientId: string;
  sourcePatientId: string;
  sourcePatientInfo: string[];
  authors: XdsAuthor[];
  legalAuthenticator?: string;
  eventCodes: XdsCode[];
  serviceStartTime?: string;
  serviceStopTime?: string;
  practiceSetting?: { code: string; scheme: string; display: string; where: string };
  facilityType?: { code: string; scheme: string; display: string };
  referenceIds: string[];
  /** relatedDocument RPLC parentDocument id, as a uniqueId. */
  replacedUniqueId?: string;
}

const kids = (el: Element, name: string): Element[] => {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === HL7) {
      out.push(n as Element);
    }
  }
  return out;
};
const kid = (el: Element | undefined, ...path: string[]): Element | undefined => {
  let cur = el;
  for (const p of path) cur = cur ? kids(cur, p)[0] : undefined;
  return cur;
};
const at = (el: Element | undefined, name: string): string | undefined =>
  el?.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
const text = (el: Element | undefined): string | undefined => el?.textContent?.trim() || undefined;

/** HL7 v2 escaping of the delimiters `| ^ ~ \ &` inside a component. */
function hl7Escape(v: string): string {
  return v.replace(
    /[\\|^~&]/g,
    (c) => ({ '\\': '\\E\\', '|': '\\F\\', '^': '\\S\\', '~': '\\R\\', '&': '\\T\\' })[c] ?? c,
  );
}

/** XDS uniqueId of a CDA II: the root, or `root.extension` for a numeric extension (the DMP refuses `^`). */
function uniqueIdOf(id: Element | undefined, field: string, where: string): string {
  const root = at(id, 'root');
  const ext = at(id, 'extension');
  if (!root) throw new XdsError('XDS_HEADER_MISSING', 'no id/@root', { field, where });
  if (!ext) return root;
  if (/^(0|[1-9]\d*)$/.test(ext)) return `${root}.${ext}`;
  throw new XdsError('XDS_BAD_VALUE', `id ${root}^${ext} cannot make an OID (non-numeric extension)`, {
    field,
    where,
  });
}

function code(el: Element | undefined): { code: string; scheme: string; display: string } | undefined {
  const c = at(el, 'code');
  const s = at(el, 'codeSystem');
  return c && s ? { code: c, scheme: s, display: at(el, 'displayName') ?? '' } : undefined;
}

function findClinicalDocument(doc: ReturnType<typeof parseXml>): Element {
  const root = doc.documentElement as Element | null;
  if (root?.localName === 'ClinicalDocument' && root.namespaceURI === HL7) return root;
  const inner = root?.getElementsByTagNameNS(HL7, 'ClinicalDocument')[0] as Element | undefined;
  if (!inner) throw new XdsError('XDS_NOT_CDA', 'no hl7:ClinicalDocument in the document');
  return inner;
}

function personName(el: Element | undefined): { family: string; given: string } {
  const fam = kids(el ?? ({} as Element), 'family');
  const giv = kids(el ?? ({} as Element), 'given');
  const birth =
    fam.find((f) => at(f, 'qualifier') === 'BR') ?? fam.find((f) => !at(f, 'qualifier')) ?? fam[0];
  const first = giv.find((g) => at(g, 'qualifier') === 'BR') ?? giv[0];
  return { family: text(birth) ?? '', given: text(first) ?? '' };
}

/** XCN of a person in a role: IDNPS `8`+RPPS…, with a key warning when the RPPS/ADELI key is wrong. */
function xcn(entity: Element, where: string, warn: (f: XdsFinding) => void): string | undefined {
  const ids = kids(entity, 'id');
  const id =
    ids.find((i) => at(i, 'root') === IDNPS_OID && at(i, 'extension')) ?? ids.find((i) => at(i, 'extension'));
  const person = kid(entity, 'assignedPerson') ?? kid(entity, 'associatedPerson');
  const { family, given } = personName(person ? kid(person, 'name') : undefined);
  if (!id && !family) return undefined;
  const ext = at(id, 'extension') ?? '';
  const root = at(id, 'root') ?? '';
  if (root === IDNPS_OID) {
    for (const f of parseIdnps(ext).findings) {
      if (f.severity === 'error') {
        warn({ severity: 'warning', code: 'XDS_IDENTIFIER_KEY', message: f.message, where: `${where}/id` });
      }
    }
  }
  const type = root === IDNPS_OID ? 'IDNPS' : 'L';
  const aa = root ? `&${root}&ISO` : '';
  return `${hl7Escape(ext)}^${hl7Escape(family)}^${hl7Escape(given)}^^^^^^${aa}^D^^^${id ? type : ''}`;
}

/** XON of an organisation: `Name^^^^^&OID&ISO^IDNST^^^<id>`. */
function xon(org: Element | undefined): string | undefined {
  if (!org) return undefined;
  const name = text(kid(org, 'name')) ?? '';
  const ids = kids(org, 'id');
  const id =
    ids.find((i) => at(i, 'root') === IDNST_OID && at(i, 'extension')) ?? ids.find((i) => at(i, 'extension'));
  if (!id) return name ? hl7Escape(name) : undefined;
  const root = at(id, 'root') ?? '';
  const type = root === IDNST_OID ? 'IDNST' : 'L';
  return `${hl7Escape(name)}^^^^^&${root}&ISO^${type}^^^${hl7Escape(at(id, 'extension') ?? '')}`;
}

function author(a: Element, i: number, warn: (f: XdsFinding) => void): XdsAuthor {
  const where = `/ClinicalDocument/author[${i + 1}]/assignedAuthor`;
  const aa = kid(a, 'assignedAuthor');
  if (!aa) throw new XdsError('XDS_HEADER_MISSING', 'no assignedAuthor', { field: 'author', where });
  const person = kid(aa, 'assignedPerson') ? xcn(aa, where, warn) : undefined;
  const org = xon(kid(aa, 'representedOrganization'));
  const spec = code(kid(aa, 'code'));
  const role = at(kid(a, 'functionCode'), 'displayName');
  return {
    ...(person ? { person } : {}),
    institutions: org ? [org] : [],
    roles: role ? [hl7Escape(role)] : [],
    specialties: spec ? [`${hl7Escape(spec.code)}^${hl7Escape(spec.display)}^${spec.scheme}`] : [],
    telecoms: [],
  };
}

function patient(cd: Element): Pick<CdaHeader, 'patientId' | 'sourcePatientId' | 'sourcePatientInfo'> {
  const where = '/ClinicalDocument/recordTarget/patientRole';
  const role = kid(cd, 'recordTarget', 'patientRole');
  if (!role)
    throw new XdsError('XDS_HEADER_MISSING', 'no recordTarget/patientRole', { field: 'patientId', where });
  const ids = kids(role, 'id');
  const ins = ids.find((i) => INS_ROOTS.has(at(i, 'root') ?? ''));
  if (!ins) {
    const insC = ids.some((i) => at(i, 'root') === INS_C_OID);
    throw insC
      ? new XdsError('XDS_IDENTITY_NOT_QUALIFIED', 'the patient carries an INS-C, not a qualified INS', {
          field: 'patientId',
          where: `${where}/id`,
        })
      : new XdsError('XDS_NO_INS', 'the patient has no INS (the DMP needs a qualified identity)', {
          field: 'patientId',
          where: `${where}/id`,
        });
  }
  const matricule = at(ins, 'extension');
  const root = at(ins, 'root') ?? '';
  if (!matricule || at(ins, 'nullFlavor')) {
    throw new XdsError('XDS_IDENTITY_NOT_QUALIFIED', 'the INS has no value (identity not qualified)', {
      field: 'patientId',
      where: `${where}/id`,
    });
  }
  const check = checkInsMatricule(matricule, { oid: root });
  if (!check.valid) {
    throw new XdsError('XDS_IDENTITY_NOT_QUALIFIED', `INS ${matricule}: ${check.message}`, {
      field: 'patientId',
      where: `${where}/id`,
    });
  }
  const patientId = `${matricule}^^^&${root}&ISO^NH`;
  const local = ids.find(
    (i) => i !== ins && at(i, 'extension') && at(i, 'root') && !INS_ROOTS.has(at(i, 'root') ?? ''),
  );
  const sourcePatientId = local
    ? `${hl7Escape(at(local, 'extension') ?? '')}^^^&${at(local, 'root')}&ISO^PI`
    : patientId;
  const p = kid(role, 'patient');
  const { family, given } = personName(kid(p, 'name'));
  const info = [`PID-3|${sourcePatientId}`];
  if (family) info.push(`PID-5|${hl7Escape(family)}^${hl7Escape(given)}^^^^^L`);
  const birth = at(kid(p, 'birthTime'), 'value');
  if (birth) info.push(`PID-7|${birth.slice(0, 8)}`);
  const sex = at(kid(p, 'administrativeGenderCode'), 'code');
  if (sex) info.push(`PID-8|${sex === 'UN' ? 'U' : sex}`);
  return { patientId, sourcePatientId, sourcePatientInfo: info };
}

function practiceSetting(cd: Element): CdaHeader['practiceSetting'] {
  const paths: Array<[string, Element | undefined]> = [];
  kids(cd, 'documentationOf').forEach((d, i) => {
    paths.push([
      `/ClinicalDocument/documentationOf[${i + 1}]/serviceEvent/performer/assignedEntity/representedOrganization/standardIndustryClassCode`,
      kid(
        d,
        'serviceEvent',
        'performer',
        'assignedEntity',
        'representedOrganization',
        'standardIndustryClassCode',
      ),
    ]);
  });
  paths.push([
    '/ClinicalDocument/legalAuthenticator/assignedEntity/representedOrganization/standardIndustryClassCode',
    kid(cd, 'legalAuthenticator', 'assignedEntity', 'representedOrganization', 'standardIndustryClassCode'),
  ]);
  for (const [where, el] of paths) {
    const c = code(el);
    if (c) return { ...c, where };
  }
  return undefined;
}

function serviceEvents(cd: Element): Pick<CdaHeader, 'eventCodes' | 'serviceStartTime' | 'serviceStopTime'> {
  const eventCodes: XdsCode[] = [];
  let start: string | undefined;
  let stop: string | undefined;
  kids(cd, 'documentationOf').forEach((d, i) => {
    const se = kid(d, 'serviceEvent');
    const c = code(kid(se, 'code'));
    if (c && !eventCodes.some((e) => e.code === c.code && e.scheme === c.scheme)) eventCodes.push(c);
    const where = `/ClinicalDocument/documentationOf[${i + 1}]/serviceEvent/effectiveTime`;
    const low = at(kid(se, 'effectiveTime', 'low'), 'value');
    const high = at(kid(se, 'effectiveTime', 'high'), 'value');
    if (i === 0 && low) start = toUtcDtm(low, 'serviceStartTime', `${where}/low`);
    if (i === 0 && high) stop = toUtcDtm(high, 'serviceStopTime', `${where}/high`);
  });
  return {
    eventCodes,
    ...(start ? { serviceStartTime: start } : {}),
    ...(stop ? { serviceStopTime: stop } : {}),
  };
}

function body(cd: Element): { level: 1 | 3; mediaType?: string } {
  const comp = kid(cd, 'component');
  const nx = kid(comp, 'nonXMLBody');
  if (nx) return { level: 1, mediaType: at(kid(nx, 'text'), 'mediaType') ?? 'text/plain' };
  if (kid(comp, 'structuredBody')) return { level: 3 };
  throw new XdsError('XDS_NOT_CDA', 'no structuredBody nor nonXMLBody', {
    field: 'formatCode',
    where: '/ClinicalDocument/component',
  });
}

/** Position of the first match of `re` (global) outside comments and CDATA sections, from `from`. */
function firstOutsideComments(text: string, re: RegExp, from: number): RegExpExecArray | undefined {
  re.lastIndex = from;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = Math.max(text.lastIndexOf('<!--', m.index), text.lastIndexOf('<![CDATA[', m.index));
    const close = open < 0 ? -1 : text.indexOf(text.startsWith('<!--', open) ? '-->' : ']]>', open);
    if (open < 0 || close < m.index) return m;
    re.lastIndex = close;
  }
  return undefined;
}

/**
 * The header alone (speed: the body of an N3 or the base64 PDF of an N1 is most of the bytes): when
 * ClinicalDocument is the root, everything before its `component` closed by `</ClinicalDocument>`, and the body
 * kind read from the rest. CDA header elements have no `component` descendant. Self-presenting documents (CDA
 * inside a stylesheet) are parsed whole. The body is not re-parsed: validate documents before sending them.
 */
function headerOnly(text: string): { xml: string; body: { level: 1 | 3; mediaType?: string } } | undefined {
  const root =
    /^(?:\s|<\?(?:[^?]|\?(?!>))*\?>|<!--(?:[^-]|-(?!->))*-->)*<([\w.-]+:)?ClinicalDocument[\s>]/.exec(text);
  if (!root) return undefined;
  const prefix = root[1] ?? '';
  const comp = firstOutsideComments(text, new RegExp(`<${prefix}component[\\s>]`, 'g'), root[0].length);
  if (!comp) return undefined;
  const kind = firstOutsideComments(
    text,
    new RegExp(`<${prefix}(nonXMLBody|structuredBody)[\\s>]`, 'g'),
    comp.index,
  );
  if (!kind) return undefined;
  const xml = `${text.slice(0, comp.index)}</${prefix}ClinicalDocument>`;
  if (kind[1] === 'structuredBody') return { xml, body: { level: 3 } };
  const t = firstOutsideComments(text, new RegExp(`<${prefix}text\\b[^>]*>`, 'g'), kind.index);
  const media = t ? /\smediaType\s*=\s*["']([^"']*)["']/.exec(t[0])?.[1] : undefined;
  return { xml, body: { level: 1, mediaType: media ?? 'text/plain' } };
}

/**
 * Read the XDS facts of a CR-BIO header. `warn` receives non-blocking findings (bad RPPS key…).
 *
 * @example
 * ```ts
 * const h = readCdaHeader(readFileSync('cr-bio.xml'), console.warn);
 * h.patientId; // '279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH'
 * ```
 */
export function readCdaHeader(
  bytes: Uint8Array | string,
  warn: (f: XdsFinding) => void = () => {},
): CdaHeader {
  const source = xmlText(bytes);
  const cut = headerOnly(source);
  const cd = findClinicalDocument(parseXml(cut ? cut.xml : source));
  const templates = new Set(kids(cd, 'templateId').map((t) => at(t, 'root') ?? ''));
  const b = cut ? cut.body : body(cd);
  if (b.level === 3 && ![...TEMPLATES_N3].some((t) => templates.has(t))) {
    throw new XdsError(
      'XDS_CODE_OUT_OF_SET',
      'a level 3 document must declare the CR-BIO or XD-LAB templateId',
      {
        field: 'formatCode',
        where: '/ClinicalDocument/templateId',
      },
    );
  }
  if (b.level === 1 && !templates.has(TEMPLATE_N1) && !templates.has('1.2.250.1.213.1.1.1.55')) {
    throw new XdsError(
      'XDS_CODE_OUT_OF_SET',
      `a level 1 document must declare the templateId ${TEMPLATE_N1}`,
      {
        field: 'formatCode',
        where: '/ClinicalDocument/templateId',
      },
    );
  }
  const typeCode = code(kid(cd, 'code'));
  if (!typeCode)
    throw new XdsError('XDS_HEADER_MISSING', 'no document code', {
      field: 'typeCode',
      where: '/ClinicalDocument/code',
    });
  const effective = at(kid(cd, 'effectiveTime'), 'value');
  if (!effective) {
    throw new XdsError('XDS_HEADER_MISSING', 'no effectiveTime', {
      field: 'creationTime',
      where: '/ClinicalDocument/effectiveTime',
    });
  }
  const la = kid(cd, 'legalAuthenticator', 'assignedEntity');
  const legal = la ? xcn(la, '/ClinicalDocument/legalAuthenticator/assignedEntity', warn) : undefined;
  const hcft = code(
    kid(cd, 'componentOf', 'encompassingEncounter', 'location', 'healthCareFacility', 'code'),
  );
  const ps = practiceSetting(cd);
  const rel = kids(cd, 'relatedDocument').find((r) => at(r, 'typeCode') === 'RPLC');
  const title = text(kid(cd, 'title'));
  return {
    ...b,
    uniqueId: uniqueIdOf(kid(cd, 'id'), 'uniqueId', '/ClinicalDocument/id'),
    typeCode,
    ...(title ? { title } : {}),
    creationTime: toUtcDtm(effective, 'creationTime', '/ClinicalDocument/effectiveTime/@value'),
    confidentiality: at(kid(cd, 'confidentialityCode'), 'code') ?? '',
    languageCode: at(kid(cd, 'languageCode'), 'code') ?? '',
    ...patient(cd),
    authors: kids(cd, 'author').map((a, i) => author(a, i, warn)),
    ...(legal ? { legalAuthenticator: legal } : {}),
    ...serviceEvents(cd),
    ...(ps ? { practiceSetting: ps } : {}),
    ...(hcft ? { facilityType: hcft } : {}),
    referenceIds: kids(cd, 'inFulfillmentOf').flatMap((f) => {
      const id = kid(f, 'order', 'id');
      const root = at(id, 'root');
      if (!root) return [];
      const ext = at(id, 'extension');
      return [ext ? `${hl7Escape(ext)}^^^&${root}&ISO^${ORDER_TYPE}` : `${root}^^^^${ORDER_TYPE}`];
    }),
    ...(rel
      ? {
          replacedUniqueId: uniqueIdOf(
            kid(rel, 'parentDocument', 'id'),
            'replaces',
            '/ClinicalDocument/relatedDocument/parentDocument/id',
          ),
        }
      : {}),
  };
}
