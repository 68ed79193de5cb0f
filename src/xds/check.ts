/**
 * The IHE XDS.b / DMP rules an XSD cannot check, run on SubmitObjectsRequest, METADATA.XML or PnR bytes
 * (the `xds` profile of `cisis-bio validate`): required slots, classifications and identifiers per object and their
 * cardinalities, CX / XCN / XON syntax, one patientId across the set, UTC times, hash/size against the bytes,
 * association ends, and the CR-BIO code tables.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { parseXml, xmlText } from '../common/xml.js';
import { FACILITY_TYPES, HL7_CONFIDENTIALITY, PRACTICE_SETTINGS, SCHEME, VISIBILITY_CODES } from './codes.js';
import { isDtm } from './dtm.js';
import { submitObjectsElement } from './ebrs.js';
import { XdsError } from './errors.js';
import { readSubmission } from './parse.js';
import { ASSOCIATION_TYPE, type XdsFinding } from './types.js';
import { NS, XDS_UUID } from './uuids.js';

/** Options of {@link checkXdsMetadata}. */
export interface XdsCheckOptions {
  /** Document bytes by entryUUID or uniqueId, to check hash and size (PnR documents are used when present). */
  documents?: Map<string, Uint8Array>;
  /** Content-Type of an MTOM body. */
  contentType?: string;
}

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;
const CX_INS = /^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{8}\^\^\^&1\.2\.250\.1\.213\.1\.4\.(8|9|10|11)&ISO\^NH$/;
const CX = /^[^^&]+\^\^\^&[0-2](\.(0|[1-9]\d*))+&ISO(\^[A-Z]+)?$/;
const XCN = /^[^^]*\^[^^]*\^[^^]*(\^[^^]*){5}\^(&[0-2](\.\d+)+&ISO)?(\^[^^]*){0,4}$/;
const XON = /^[^^]+(\^\^\^\^\^&[0-2](\.\d+)+&ISO\^[A-Z]+\^\^\^[^^]+)?$/;
const UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DE_SINGLE = [
  'creationTime',
  'languageCode',
  'legalAuthenticator',
  'serviceStartTime',
  'serviceStopTime',
  'sourcePatientId',
  'hash',
  'size',
  'URI',
];
const DE_REQUIRED = ['creationTime', 'languageCode', 'sourcePatientId', 'sourcePatientInfo', 'hash', 'size'];
const DE_CODES: Array<[string, string, number, number]> = [
  [XDS_UUID.deClassCode, 'classCode', 1, 1],
  [XDS_UUID.deTypeCode, 'typeCode', 1, 1],
  [XDS_UUID.deFormatCode, 'formatCode', 1, 1],
  [XDS_UUID.deFacilityType, 'healthcareFacilityTypeCode', 1, 1],
  [XDS_UUID.dePracticeSetting, 'practiceSettingCode', 1, 1],
  [XDS_UUID.deConfidentialityCode, 'confidentialityCode', 1, 4],
  [XDS_UUID.deAuthor, 'author', 1, Number.POSITIVE_INFINITY],
];

type Report = (code: string, message: string, where: string, severity?: 'error' | 'warning') => void;

const rim = (el: Element, name: string): Element[] => {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    const e = n as Element;
    if (n.nodeType === 1 && e.localName === name && e.namespaceURI === NS.rim) out.push(e);
  }
  return out;
};
function slotMap(el: Element): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const s of rim(el, 'Slot')) {
    const name = s.getAttribute('name') ?? '';
    m.set(name, [
      ...(m.get(name) ?? []),
      ...rim(s, 'ValueList').flatMap((l) => rim(l, 'Value').map((v) => v.textContent ?? '')),
    ]);
  }
  return m;
}
const scheme = (el: Element, s: string) =>
  rim(el, 'Classification').filter((c) => c.getAttribute('classificationScheme') === s);
const extId = (el: Element, s: string) =>
  rim(el, 'ExternalIdentifier').filter((x) => x.getAttribute('identificationScheme') === s);

function checkAuthors(el: Element, s: string, where: string, report: Report): void {
  for (const a of scheme(el, s)) {
    const m = slotMap(a);
    const person = m.get('authorPerson') ?? [];
    if (person.length > 1)
      report('XDS_CARDINALITY', 'authorPerson has more than one value', `${where}/author`);
    if (!person.length && !(m.get('authorInstitution') ?? []).length) {
      report('XDS_AUTHOR_EMPTY', 'an author needs authorPerson or authorInstitution', `${where}/author`);
    }
    for (const p of person)
      if (!XCN.test(p))
        report('XDS_XCN_SYNTAX', `authorPerson "${p}" is not an XCN`, `${where}/authorPerson`);
    for (const o of m.get('authorInstitution') ?? []) {
      if (!XON.test(o))
        report(
          'XDS_XON_SYNTAX',
          `authorInstitution "${o}" is not an XON (Name^^^^^&OID&ISO^TYPE^^^id)`,
          `${where}/authorInstitution`,
        );
    }
  }
}

function checkCodes(el: Element, id: string, report: Report): void {
  for (const c of rim(el, 'Classification')) {
    if (!c.getAttribute('classificationScheme')) continue;
    const isAuthor = [XDS_UUID.deAuthor, XDS_UUID.ssAuthor].includes(
      c.getAttribute('classificationScheme') as never,
    );
    if (isAuthor) continue;
    if ((slotMap(c).get('codingScheme') ?? []).length !== 1)
      report(
        'XDS_CODING_SCHEME',
        'a coded classification needs one codingScheme',
        `${id}/${c.getAttribute('id')}`,
      );
    if (!rim(c, 'Name').length)
      report(
        'XDS_CODE_NAME',
        'a coded classification needs a Name',
        `${id}/${c.getAttribute('id')}`,
        'warning',
      );
  }
}

function codeValues(el: Element, s: string): Array<{ code: string; scheme: string }> {
  return scheme(el, s).map((c) => ({
    code: c.getAttribute('nodeRepresentation') ?? '',
    scheme: slotMap(c).get('codingScheme')?.[0] ?? '',
  }));
}

/** CR-BIO code tables (J02, J04, J08) on the entries that are not signatures. */
function checkTables(el: Element, id: string, report: Report): void {
  const conf = codeValues(el, XDS_UUID.deConfidentialityCode);
  const visibility = new Set<string>(Object.values(VISIBILITY_CODES).map((v) => v.code));
  for (const c of conf) {
    const ok =
      (c.scheme === SCHEME.confidentialityHl7 && c.code in HL7_CONFIDENTIALITY) ||
      (c.scheme === SCHEME.visibility && visibility.has(c.code));
    if (!ok)
      report(
        'XDS_CODE_OUT_OF_SET',
        `confidentialityCode ${c.code} (${c.scheme}) is not in JDV_J08`,
        `${id}/confidentialityCode`,
      );
  }
  if (conf.filter((c) => c.scheme === SCHEME.confidentialityHl7).length !== 1) {
    report(
      'XDS_CONFIDENTIALITY_HL7',
      'exactly one HL7 confidentiality code (N, R or V) is expected',
      `${id}/confidentialityCode`,
    );
  }
  for (const c of codeValues(el, XDS_UUID.dePracticeSetting)) {
    if (PRACTICE_SETTINGS[`${c.scheme}|${c.code}`] === undefined)
      report(
        'XDS_CODE_OUT_OF_SET',
        `practiceSettingCode ${c.code} is not in JDV_J04`,
        `${id}/practiceSettingCode`,
      );
  }
  for (const c of codeValues(el, XDS_UUID.deFacilityType)) {
    if (!FACILITY_TYPES.has(`${c.scheme}|${c.code}`))
      report(
        'XDS_CODE_OUT_OF_SET',
        `healthcareFacilityTypeCode ${c.code} is not in JDV_J02`,
        `${id}/healthcareFacilityTypeCode`,
      );
  }
}

function checkEntry(el: Element, report: Report, patientIds: Set<string>): void {
  const id = el.getAttribute('id') ?? '?';
  if (el.getAttribute('objectType') !== XDS_UUID.documentEntry)
    report('XDS_OBJECT_TYPE', 'objectType is not the stable DocumentEntry type', id);
  if (!el.getAttribute('mimeType')) report('XDS_ATTRIBUTE_MISSING', 'mimeType missing', id);
  if (!UUID.test(id))
    report(
      'XDS_ENTRY_UUID',
      'entryUUID is not a urn:uuid: (required in XDM, symbolic ids only in ITI-41)',
      id,
      'warning',
    );
  const slots = slotMap(el);
  for (const s of DE_REQUIRED)
    if (!(slots.get(s) ?? []).length) report('XDS_SLOT_MISSING', `slot ${s} missing`, `${id}/${s}`);
  for (const s of DE_SINGLE)
    if ((slots.get(s) ?? []).length > 1)
      report('XDS_CARDINALITY', `slot ${s} has more than one value`, `${id}/${s}`);
  for (const s of ['creationTime', 'serviceStartTime', 'serviceStopTime']) {
    for (const v of slots.get(s) ?? [])
      if (!isDtm(v))
        report('XDS_DTM', `${s} "${v}" is not a UTC DTM (YYYY[MM[DD[hh[mm[ss]]]]])`, `${id}/${s}`);
  }
  const hash = slots.get('hash')?.[0];
  if (hash !== undefined && !/^[0-9a-f]{40}$/i.test(hash))
    report('XDS_HASH', `hash "${hash}" is not a SHA-1 hex`, `${id}/hash`);
  const size = slots.get('size')?.[0];
  if (size !== undefined && !/^(0|[1-9]\d*)$/.test(size))
    report('XDS_SIZE', `size "${size}" is not an integer`, `${id}/size`);
  for (const v of slots.get('sourcePatientId') ?? [])
    if (!CX.test(v)) report('XDS_CX_SYNTAX', `sourcePatientId "${v}" is not a CX`, `${id}/sourcePatientId`);
  for (const v of slots.get('legalAuthenticator') ?? [])
    if (!XCN.test(v))
      report('XDS_XCN_SYNTAX', `legalAuthenticator "${v}" is not an XCN`, `${id}/legalAuthenticator`);
  for (const [s, name, min, max] of DE_CODES) {
    const n = scheme(el, s).length;
    if (n < min || n > max)
      report(
        n < min ? 'XDS_CLASSIFICATION_MISSING' : 'XDS_CARDINALITY',
        `${name}: ${n} found (expected ${min}..${max === Number.POSITIVE_INFINITY ? '*' : max})`,
        `${id}/${name}`,
      );
  }
  checkIdentifiers(el, id, [XDS_UUID.dePatientId, XDS_UUID.deUniqueId], report, patientIds);
  checkAuthors(el, XDS_UUID.deAuthor, id, report);
  checkCodes(el, id, report);
  const isSignature = codeValues(el, XDS_UUID.deClassCode).some((c) => c.scheme === 'URN');
  if (!isSignature) checkTables(el, id, report);
}

function checkIdentifiers(
  el: Element,
  id: string,
  schemes: string[],
  report: Report,
  patientIds: Set<string>,
): void {
  const [patientScheme, uniqueScheme, sourceScheme] = schemes as [string, string, string?];
  for (const [s, name] of [
    [patientScheme, 'patientId'],
    [uniqueScheme, 'uniqueId'],
    ...(sourceScheme ? [[sourceScheme, 'sourceId']] : []),
  ] as Array<[string, string]>) {
    const found = extId(el, s);
    if (found.length !== 1) {
      report(
        found.length ? 'XDS_CARDINALITY' : 'XDS_IDENTIFIER_MISSING',
        `${name}: ${found.length} ExternalIdentifier found (expected 1)`,
        `${id}/${name}`,
      );
      continue;
    }
    const value = found[0]?.getAttribute('value') ?? '';
    if (name === 'patientId') {
      patientIds.add(value);
      if (!CX_INS.test(value))
        report(
          'XDS_CX_SYNTAX',
          `patientId "${value}" is not an INS CX (matricule^^^&1.2.250.1.213.1.4.x&ISO^NH)`,
          `${id}/patientId`,
        );
    } else if (!OID.test(value) || value.length > 64) {
      report('XDS_OID', `${name} "${value}" is not an OID of at most 64 characters`, `${id}/${name}`);
    }
  }
}

function checkSubmissionSet(el: Element, report: Report, patientIds: Set<string>): void {
  const id = el.getAttribute('id') ?? '?';
  const slots = slotMap(el);
  const t = slots.get('submissionTime') ?? [];
  if (t.length !== 1)
    report('XDS_SLOT_MISSING', 'submissionTime: exactly one value expected', `${id}/submissionTime`);
  for (const v of t)
    if (!isDtm(v)) report('XDS_DTM', `submissionTime "${v}" is not a UTC DTM`, `${id}/submissionTime`);
  if (scheme(el, XDS_UUID.ssContentType).length !== 1)
    report('XDS_CLASSIFICATION_MISSING', 'contentTypeCode: exactly one expected', `${id}/contentTypeCode`);
  if (scheme(el, XDS_UUID.ssAuthor).length < 1)
    report('XDS_CLASSIFICATION_MISSING', 'author missing', `${id}/author`);
  checkIdentifiers(
    el,
    id,
    [XDS_UUID.ssPatientId, XDS_UUID.ssUniqueId, XDS_UUID.ssSourceId],
    report,
    patientIds,
  );
  checkAuthors(el, XDS_UUID.ssAuthor, id, report);
  checkCodes(el, id, report);
}

function checkAssociations(list: Element, ssId: string | undefined, report: Report): void {
  const entries = new Set(rim(list, 'ExtrinsicObject').map((e) => e.getAttribute('id') ?? ''));
  const assocs = rim(list, 'Association');
  const assocIds = new Set(assocs.map((a) => a.getAttribute('id') ?? ''));
  const members = new Set<string>();
  for (const a of assocs) {
    const id = a.getAttribute('id') ?? '?';
    const type = a.getAttribute('associationType');
    const src = a.getAttribute('sourceObject') ?? '';
    const tgt = a.getAttribute('targetObject') ?? '';
    if (type === ASSOCIATION_TYPE.hasMember && src === ssId) {
      members.add(tgt);
      if (!entries.has(tgt) && !assocIds.has(tgt))
        report('XDS_ASSOCIATION_TARGET', `HasMember targets ${tgt}, not in the submission`, id, 'warning');
      if ((slotMap(a).get('SubmissionSetStatus') ?? []).length !== 1)
        report('XDS_SLOT_MISSING', 'HasMember from the SubmissionSet needs SubmissionSetStatus', id);
    } else if (type === ASSOCIATION_TYPE.replace && !entries.has(src)) {
      report('XDS_ASSOCIATION_SOURCE', `RPLC source ${src} is not a DocumentEntry of the submission`, id);
    } else if (type === ASSOCIATION_TYPE.replace && !UUID.test(tgt)) {
      report('XDS_ASSOCIATION_TARGET', `RPLC target ${tgt} must be the replaced entry's urn:uuid`, id);
    } else if (
      type === ASSOCIATION_TYPE.signs &&
      (!entries.has(src) || (tgt !== ssId && !entries.has(tgt)))
    ) {
      report(
        'XDS_ASSOCIATION_SOURCE',
        'signs must go from a DocumentEntry to the SubmissionSet or an entry of it',
        id,
      );
    }
  }
  for (const e of entries)
    if (!members.has(e)) report('XDS_NOT_MEMBER', 'no HasMember from the SubmissionSet to this entry', e);
}

function checkBytes(xml: Uint8Array | string, options: XdsCheckOptions, report: Report): void {
  let read: ReturnType<typeof readSubmission>;
  try {
    read = readSubmission(xml, options.contentType);
  } catch (e) {
    if (!(e instanceof XdsError)) throw e;
    report(e.code, e.message, e.where ?? e.field ?? '/');
    return;
  }
  const docs = new Map([...read.documents, ...(options.documents ?? [])]);
  for (const d of read.submission.documents) {
    const bytes = docs.get(d.entryUUID) ?? docs.get(d.uniqueId);
    if (!bytes) continue;
    if (bytes.byteLength !== d.size)
      report(
        'XDS_SIZE_MISMATCH',
        `size ${d.size} but the document has ${bytes.byteLength} bytes`,
        `${d.entryUUID}/size`,
      );
    const h = createHash('sha1').update(bytes).digest('hex');
    if (h !== d.hash.toLowerCase())
      report('XDS_HASH_MISMATCH', `hash ${d.hash} but the document's SHA-1 is ${h}`, `${d.entryUUID}/hash`);
  }
}

/**
 * Check XDS metadata (SubmitObjectsRequest, METADATA.XML, PnR with base64 or MTOM documents) against the IHE XDS.b
 * and DMP rules an XSD cannot express. Returns every finding (empty: conformant); never throws on bad metadata
 * (malformed XML is one `XDS_MALFORMED` finding).
 *
 * @example
 * ```ts
 * const findings = checkXdsMetadata(readFileSync('METADATA.XML'), { documents: new Map([[uniqueId, cda]]) });
 * const ok = !findings.some((f) => f.severity === 'error');
 * ```
 */
export function checkXdsMetadata(bytes: Uint8Array | string, options: XdsCheckOptions = {}): XdsFinding[] {
  const findings: XdsFinding[] = [];
  const report: Report = (code, message, where, severity = 'error') =>
    findings.push({ severity, code, message, where });
  let root: Element | null;
  try {
    const text = typeof bytes === 'string' ? bytes : xmlText(bytes);
    root =
      text.trimStart().startsWith('--') || options.contentType
        ? null
        : (parseXml(text).documentElement as Element | null);
  } catch (e) {
    report('XDS_MALFORMED', e instanceof Error ? e.message : String(e), '/');
    return findings;
  }
  const sor = root
    ? root.localName === 'SubmitObjectsRequest' && root.namespaceURI === NS.lcm
      ? root
      : (root.getElementsByTagNameNS(NS.lcm, 'SubmitObjectsRequest')[0] as Element | undefined)
    : undefined;
  const list = sor ? rim(sor, 'RegistryObjectList')[0] : undefined;
  if (root && !list) {
    report('XDS_MALFORMED', 'no lcm:SubmitObjectsRequest/rim:RegistryObjectList', '/');
    return findings;
  }
  if (list) checkList(list, report);
  else checkList(mtomList(bytes, options, report) ?? null, report);
  checkBytes(bytes, options, report);
  return findings;
}

function mtomList(bytes: Uint8Array | string, options: XdsCheckOptions, report: Report): Element | undefined {
  try {
    const { submission } = readSubmission(bytes, options.contentType);
    const doc = parseXml(submitObjectsElement(submission));
    return rim(doc.documentElement as Element, 'RegistryObjectList')[0];
  } catch (e) {
    report('XDS_MALFORMED', e instanceof Error ? e.message : String(e), '/');
    return undefined;
  }
}

function checkList(list: Element | null, report: Report): void {
  if (!list) return;
  const patientIds = new Set<string>();
  const sets = rim(list, 'RegistryPackage').filter((p) =>
    [...rim(p, 'Classification'), ...rim(list, 'Classification')].some(
      (c) =>
        c.getAttribute('classificationNode') === XDS_UUID.submissionSet &&
        c.getAttribute('classifiedObject') === p.getAttribute('id'),
    ),
  );
  if (sets.length !== 1)
    report('XDS_SUBMISSION_SET', `${sets.length} SubmissionSets found (expected 1)`, 'RegistryObjectList');
  for (const s of sets) checkSubmissionSet(s, report, patientIds);
  for (const e of rim(list, 'ExtrinsicObject')) checkEntry(e, report, patientIds);
  if (patientIds.size > 1)
    report(
      'XDS_PATIENT_MISMATCH',
      `several patientIds in one submission: ${[...patientIds].join(', ')}`,
      'patientId',
    );
  checkAssociations(list, sets[0]?.getAttribute('id') ?? undefined, report);
}
