import type { Element } from '@xmldom/xmldom';
import { parseXml } from '../../common/xml.js';
import {
  type CrBioReport,
  crBioReportSchema,
  type HeaderParticipant,
  reportFindings,
  toModelIssues,
  type Unmodeled,
} from '../../model/index.js';
import {
  type ParseContext,
  parseCode,
  parseIds,
  parseOrganization,
  parseProfessional,
  setIf as put,
  reader,
  requiredTs,
  warn,
} from './common.js';
import {
  attr,
  CdaParseError,
  elementChildren,
  HL7_NS,
  type ParseWarning,
  serialize,
  xpathOf,
} from './dom.js';
import {
  type PatientParseOptions,
  parseAuthor,
  parseEncounter,
  parseHeaderParticipant,
  parseInformant,
  parseInformationRecipient,
  parsePatient,
  parseRelatedDocument,
  parseServiceEvent,
} from './header.js';
import { parseStructuredBody } from './sections.js';

export { CdaParseError, type ParseWarning, xpathOf } from './dom.js';

/** Options of {@link parseCrBio}. */
export interface ParseCrBioOptions extends PatientParseOptions {
  /** File name used in error messages. */
  fileName?: string;
  /** Largest input accepted (bytes); default 64 MiB. */
  maxBytes?: number;
}

/** What {@link parseCrBio} returns. */
export interface ParseCrBioResult {
  /** The report as the typed model (validated by `crBioReportSchema`). */
  report: CrBioReport;
  /** 3 = structuredBody (CR-BIO level 3), 1 = nonXMLBody (PDF). */
  level: 1 | 3;
  /** Content not mapped to the model or read with a fallback, each with its XPath. */
  warnings: ParseWarning[];
}

const TPL_VOLET = '1.2.250.1.213.1.1.1.55';
const KNOWN_DOC_TEMPLATES = new Set([
  '2.16.840.1.113883.2.8.2.1',
  '1.2.250.1.213.1.1.1.1',
  '1.3.6.1.4.1.19376.1.3.3',
  '1.3.6.1.4.1.19376.1.2.20',
  TPL_VOLET,
]);

function findClinicalDocument(root: Element): Element | undefined {
  if (root.localName === 'ClinicalDocument' && root.namespaceURI === HL7_NS) return root;
  return root.getElementsByTagNameNS(HL7_NS, 'ClinicalDocument')[0] as Element | undefined;
}

function collectIds(el: Element, map: Map<string, Element>): void {
  const stack: Element[] = [el];
  while (stack.length) {
    const e = stack.pop() as Element;
    const id = e.getAttribute('ID');
    if (id && !map.has(id)) map.set(id, e);
    for (let c = e.lastChild; c; c = c.previousSibling) if (c.nodeType === 1) stack.push(c as Element);
  }
}

function required<T>(value: T | undefined, what: string, at: Element): T {
  if (value === undefined) throw new CdaParseError(`the CDA header has no ${what}`, `${xpathOf(at)}/${what}`);
  return value;
}

/**
 * Parse a CR-BIO CDA R2 document (volets 2021.01 to 2024.01, level 3 or level 1) into the typed model.
 *
 * Everything the model can hold is kept (PDF copy, images, attached documents as base64, narrative of each section,
 * unknown sections as raw XML, unknown header elements in `unmodeled`), so `buildCrBio(parseCrBio(x).report)`
 * needs no other input. What is not kept is listed in `warnings` with its XPath — never dropped silently.
 * A `patientRole/id` with an INS root (`1.2.250.1.213.1.4.8` to `.11`) gives a QUAL identity carrying that INS.
 *
 * @throws XmlParseError (malformed XML, with line/column; DTD refused), CdaParseError (no ClinicalDocument, missing
 *   header part, unusable values — with the XPath).
 * @example
 * const { report, level, warnings } = parseCrBio(readFileSync('cr-bio.xml'));
 * console.log(level, report.patient.identity.status, warnings.length);
 */
export function parseCrBio(xml: string | Uint8Array, options: ParseCrBioOptions = {}): ParseCrBioResult {
  const doc = parseXml(xml, { fileName: options.fileName, maxBytes: options.maxBytes });
  const root = doc.documentElement as unknown as Element;
  const cd = findClinicalDocument(root);
  if (!cd)
    throw new CdaParseError(
      'no urn:hl7-org:v3 ClinicalDocument element',
      xpathOf(root),
      'CDA_NOT_CLINICAL_DOCUMENT',
    );
  const ctx: ParseContext = { warnings: [], ids: new Map() };
  if (cd !== root)
    warn(
      ctx,
      'EMBEDDED_DOCUMENT',
      'ClinicalDocument read from inside another document (self-presenting)',
      cd,
    );
  collectIds(cd, ctx.ids);

  const r = reader(ctx, cd);
  r.skip('realmCode', 'typeId');
  let voletVersion: string | undefined;
  for (const t of r.all('templateId')) {
    const root2 = attr(t, 'root') ?? '';
    if (root2 === TPL_VOLET) voletVersion = attr(t, 'extension');
    else if (!KNOWN_DOC_TEMPLATES.has(root2))
      warn(ctx, 'UNMODELED_ELEMENT', `document templateId ${root2} not kept`, t);
  }
  const idEl = required(r.one('id'), 'id', cd);
  const codeEl = r.one('code');
  if (codeEl && attr(codeEl, 'code') !== '11502-2') {
    warn(
      ctx,
      'NOT_CR_BIO',
      `document code ${attr(codeEl, 'code')} is not 11502-2 (CR d'examens biologiques)`,
      codeEl,
    );
  }
  const title = r.one('title');
  const effectiveTime = requiredTs(
    required(r.one('effectiveTime'), 'effectiveTime', cd),
    cd,
    'effectiveTime',
  );
  const conf = r.one('confidentialityCode');
  const lang = attr(r.one('languageCode'), 'code');
  const setId = r.one('setId');
  const versionEl = r.one('versionNumber');
  const version = Number(attr(versionEl, 'value') ?? '1');
  const recordTargets = r.all('recordTarget');
  const rt = required(recordTargets[0], 'recordTarget', cd);
  for (const extra of recordTargets.slice(1))
    warn(ctx, 'EXTRA_ELEMENT', 'only the first recordTarget is kept', extra);
  const rtr = reader(ctx, rt);
  const role = required(rtr.one('patientRole'), 'recordTarget/patientRole', cd);
  rtr.finish('recordTarget');
  const patient = parsePatient(ctx, role, options);

  const authors = r.all('author').map((a) => parseAuthor(ctx, a));
  const informants = r
    .all('informant')
    .map((i) => parseInformant(ctx, i))
    .filter((i) => i !== undefined);
  const custodianEl = required(r.one('custodian'), 'custodian', cd);
  const ac = elementChildren(custodianEl).find((e) => e.localName === 'assignedCustodian');
  const rco = ac
    ? elementChildren(ac).find((e) => e.localName === 'representedCustodianOrganization')
    : undefined;
  const custodian = rco ? parseOrganization(ctx, rco) : {};
  if (!rco) warn(ctx, 'FALLBACK', 'custodian without representedCustodianOrganization', custodianEl);
  const recipients = r.all('informationRecipient').map((e) => parseInformationRecipient(ctx, e));

  const readSigned = (el: Element) => {
    const sr = reader(ctx, el);
    sr.skip('templateId', 'signatureCode');
    const time = requiredTs(sr.one('time'), el, 'time');
    const p = parseProfessional(ctx, sr.one('assignedEntity')) ?? {};
    sr.finish(el.localName ?? '');
    return { time, ...p };
  };
  const laEl = required(r.one('legalAuthenticator'), 'legalAuthenticator', cd);
  const legalAuthenticator = readSigned(laEl);
  const authenticators = r.all('authenticator').map(readSigned);

  let prescriber: HeaderParticipant | undefined;
  let sampler: HeaderParticipant | undefined;
  let gp: HeaderParticipant | undefined;
  const others: HeaderParticipant[] = [];
  for (const pe of r.all('participant')) {
    const hp = parseHeaderParticipant(ctx, pe);
    const fn = hp.functionCode?.code;
    if (hp.typeCode === 'REF' && !prescriber) prescriber = hp;
    else if (hp.typeCode === 'PRF' && fn === 'PRELV' && !sampler) sampler = hp;
    else if (hp.typeCode === 'INF' && fn === 'PCP' && !gp) gp = hp;
    else others.push(hp);
  }
  const orderIds = r.all('inFulfillmentOf').flatMap((f) => {
    const fr = reader(ctx, f);
    const order = fr.one('order');
    fr.finish('inFulfillmentOf');
    if (!order) return [];
    const or = reader(ctx, order);
    const ids = parseIds(or.all('id')) ?? [];
    or.finish('order');
    return ids;
  });
  const serviceEvents = r
    .all('documentationOf')
    .map((d) => parseServiceEvent(ctx, d))
    .filter((e) => e !== undefined);
  if (!serviceEvents.length)
    throw new CdaParseError(
      'the CDA header has no documentationOf/serviceEvent',
      `${xpathOf(cd)}/documentationOf`,
    );
  const related = r.all('relatedDocument').map((d) => parseRelatedDocument(ctx, d));
  if (related.length > 1) warn(ctx, 'EXTRA_ELEMENT', 'only the first relatedDocument is kept', cd);
  const encounter = parseEncounter(ctx, required(r.one('componentOf'), 'componentOf', cd));

  const component = required(r.one('component'), 'component', cd);
  const body = elementChildren(component);
  const structured = body.find((e) => e.localName === 'structuredBody');
  const nonXml = body.find((e) => e.localName === 'nonXMLBody');
  const unmodeled: Unmodeled[] = [];
  for (const k of r.rest()) {
    unmodeled.push({ xpath: xpathOf(k), xml: serialize(k) });
    warn(ctx, 'UNMODELED_ELEMENT', `<${k.nodeName}> kept as raw XML in report.unmodeled`, k);
  }

  const report = {
    level: structured ? 3 : 1,
  } as CrBioReport;
  put(report, 'voletVersion', voletVersion);
  report.id = parseIds([idEl])?.[0] ?? { root: '' };
  report.setId = setId ? (parseIds([setId])?.[0] ?? report.id) : report.id;
  if (!setId) warn(ctx, 'FALLBACK', 'no setId: the document id is used', cd);
  report.versionNumber = version;
  report.effectiveTime = effectiveTime;
  put(report, 'title', title ? (title.textContent ?? '').trim() : undefined);
  if (conf) report.confidentiality = parseCode(ctx, conf);
  if (lang !== undefined && !/^[a-z]{2}-[A-Z]{2}$/.test(lang)) {
    warn(ctx, 'INVALID_VALUE', `languageCode "${lang}" is not of the form fr-FR: not kept`, r.el);
  } else put(report, 'languageCode', lang);
  report.patient = patient;
  report.authors = authors;
  put(report, 'informants', informants);
  report.custodian = custodian;
  put(report, 'informationRecipients', recipients);
  report.legalAuthenticator = legalAuthenticator;
  put(report, 'authenticators', authenticators);
  put(report, 'prescriber', prescriber);
  put(report, 'sampler', sampler);
  put(report, 'generalPractitioner', gp);
  put(report, 'otherParticipants', others);
  put(report, 'orderIds', orderIds);
  report.serviceEvents = serviceEvents;
  put(report, 'relatedDocument', related[0]);
  report.encounter = encounter;
  report.sections = [];

  if (structured) {
    const content = parseStructuredBody(ctx, structured);
    report.sections = content.sections;
    put(report, 'pdf', content.pdf);
  } else if (nonXml) {
    const nr = reader(ctx, nonXml);
    const text = nr.one('text');
    nr.finish('nonXMLBody');
    if (!text) throw new CdaParseError('nonXMLBody has no <text>', xpathOf(nonXml));
    if (attr(text, 'representation') !== 'B64') {
      warn(ctx, 'FALLBACK', 'nonXMLBody text is not B64: its text is kept as the data', text);
    }
    report.pdf = {
      mediaType: attr(text, 'mediaType') ?? 'application/pdf',
      data: (text.textContent ?? '').replace(/\s+/g, ''),
    };
  } else {
    throw new CdaParseError('component has neither structuredBody nor nonXMLBody', xpathOf(component));
  }
  put(report, 'unmodeled', unmodeled);

  const checked = crBioReportSchema.safeParse(report);
  if (!checked.success) {
    const list = toModelIssues(checked.error.issues)
      .map((i) => `${i.where}: ${i.message}`)
      .join('; ');
    throw new CdaParseError(
      `the document does not map to a valid CR-BIO model: ${list}`,
      xpathOf(cd),
      'CDA_MODEL_INVALID',
    );
  }
  return {
    report: checked.data,
    level: report.level,
    warnings: [...ctx.warnings, ...receivedFindings(checked.data, cd)],
  };
}

/**
 * The pre-build checks on a received document, as warnings (a bad RPPS/FINESS key, a malformed SIRET, an
 * impossible time stamp, a mixed address…): the document is read all the same; building it again refuses only what
 * a received document may not keep (see `checkReportForBuild`).
 */
function receivedFindings(report: CrBioReport, cd: Element): ParseWarning[] {
  // "now" far ahead: a received document's birth date is checked against the caller's clock at build time.
  return reportFindings(report, { received: true, now: new Date(8.64e15) }).map((f) => ({
    code: f.code,
    message: `${f.where}: ${f.message}`,
    xpath: xpathOf(cd),
    modelPath: f.where,
  }));
}
