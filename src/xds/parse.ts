/**
 * Reading XDS metadata back: SubmitObjectsRequest / METADATA.XML, PnR with base64 documents, PnR in an
 * MTOM/XOP multipart body, or a SOAP envelope carrying any of them. The result is the typed {@link Submission}:
 * `toSubmitObjectsRequest(parseSubmission(x))` gives back the bytes this module wrote.
 * @module
 */
import type { Element } from '@xmldom/xmldom';
import { parseXml, xmlText } from '../common/xml.js';
import { XdsError } from './errors.js';
import { splitMultipart } from './mtom.js';
import type {
  Association,
  AssociationType,
  AvailabilityStatus,
  DocumentEntry,
  Submission,
  SubmissionSet,
  XdsAuthor,
  XdsCode,
} from './types.js';
import { NS, XDS_UUID } from './uuids.js';

/** A read request: its submission and, for a PnR, the documents by entryUUID. */
export interface ReadSubmission {
  submission: Submission;
  documents: Map<string, Uint8Array>;
}

const children = (el: Element, ns: string, name: string): Element[] => {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    const e = n as Element;
    if (n.nodeType === 1 && e.localName === name && e.namespaceURI === ns) out.push(e);
  }
  return out;
};
const rim = (el: Element, name: string) => children(el, NS.rim, name);
const attr = (el: Element, name: string): string | undefined =>
  el.hasAttribute(name) ? (el.getAttribute(name) ?? '') : undefined;

function slots(el: Element): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const s of rim(el, 'Slot')) {
    const values = rim(s, 'ValueList').flatMap((l) => rim(l, 'Value').map((v) => v.textContent ?? ''));
    m.set(s.getAttribute('name') ?? '', values);
  }
  return m;
}
function localized(el: Element, tag: 'Name' | 'Description'): string | undefined {
  const t = rim(el, tag)[0];
  const ls = t ? rim(t, 'LocalizedString')[0] : undefined;
  return ls ? (ls.getAttribute('value') ?? '') : undefined;
}
function need(v: string | undefined, field: string, where: string): string {
  if (v === undefined) throw new XdsError('XDS_MALFORMED', 'missing', { field, where });
  return v;
}
function code(c: Element): XdsCode {
  return {
    code: c.getAttribute('nodeRepresentation') ?? '',
    scheme: slots(c).get('codingScheme')?.[0] ?? '',
    display: localized(c, 'Name') ?? '',
  };
}
function author(c: Element): XdsAuthor {
  const s = slots(c);
  const person = s.get('authorPerson')?.[0];
  return {
    ...(person !== undefined ? { person } : {}),
    institutions: s.get('authorInstitution') ?? [],
    roles: s.get('authorRole') ?? [],
    specialties: s.get('authorSpecialty') ?? [],
    telecoms: s.get('authorTelecommunication') ?? [],
  };
}
const put = <T extends object, K extends string, V>(o: T, k: K, v: V | undefined): T & { [P in K]?: V } =>
  (v === undefined ? o : { ...o, [k]: v }) as T & { [P in K]?: V };

function classified(el: Element, scheme: string): Element[] {
  return rim(el, 'Classification').filter((c) => c.getAttribute('classificationScheme') === scheme);
}
function one(el: Element, scheme: string, field: string, id: string): XdsCode {
  const c = classified(el, scheme)[0];
  if (!c) throw new XdsError('XDS_MALFORMED', 'missing classification', { field, where: id });
  return code(c);
}
function externalId(el: Element, scheme: string, field: string, id: string): string {
  const e = rim(el, 'ExternalIdentifier').find((x) => x.getAttribute('identificationScheme') === scheme);
  return need(e?.getAttribute('value') ?? undefined, field, id);
}

function entry(el: Element): DocumentEntry {
  const id = need(attr(el, 'id'), 'entryUUID', 'ExtrinsicObject');
  const s = slots(el);
  const v = (name: string) => s.get(name)?.[0];
  let d: DocumentEntry = {
    entryUUID: id,
    uniqueId: externalId(el, XDS_UUID.deUniqueId, 'uniqueId', id),
    mimeType: need(attr(el, 'mimeType'), 'mimeType', id),
    hash: need(v('hash'), 'hash', id),
    size: Number(need(v('size'), 'size', id)),
    patientId: externalId(el, XDS_UUID.dePatientId, 'patientId', id),
    sourcePatientId: need(v('sourcePatientId'), 'sourcePatientId', id),
    sourcePatientInfo: s.get('sourcePatientInfo') ?? [],
    classCode: one(el, XDS_UUID.deClassCode, 'classCode', id),
    typeCode: one(el, XDS_UUID.deTypeCode, 'typeCode', id),
    formatCode: one(el, XDS_UUID.deFormatCode, 'formatCode', id),
    confidentialityCodes: classified(el, XDS_UUID.deConfidentialityCode).map(code),
    healthcareFacilityTypeCode: one(el, XDS_UUID.deFacilityType, 'healthcareFacilityTypeCode', id),
    practiceSettingCode: one(el, XDS_UUID.dePracticeSetting, 'practiceSettingCode', id),
    eventCodes: classified(el, XDS_UUID.deEventCode).map(code),
    creationTime: need(v('creationTime'), 'creationTime', id),
    languageCode: need(v('languageCode'), 'languageCode', id),
    authors: classified(el, XDS_UUID.deAuthor).map(author),
  };
  d = put(d, 'uri', v('URI'));
  d = put(d, 'title', localized(el, 'Name'));
  d = put(d, 'comments', localized(el, 'Description'));
  d = put(d, 'serviceStartTime', v('serviceStartTime'));
  d = put(d, 'serviceStopTime', v('serviceStopTime'));
  d = put(d, 'legalAuthenticator', v('legalAuthenticator'));
  d = put(d, 'referenceIds', s.get('urn:ihe:iti:xds:2013:referenceIdList'));
  d = put(d, 'availabilityStatus', attr(el, 'status') as AvailabilityStatus | undefined);
  d = put(d, 'logicalId', attr(el, 'lid'));
  const vi = rim(el, 'VersionInfo')[0];
  return put(d, 'version', vi ? (vi.getAttribute('versionName') ?? '') : undefined);
}

function submissionSet(el: Element): SubmissionSet {
  const id = need(attr(el, 'id'), 'entryUUID', 'RegistryPackage');
  const s = slots(el);
  let ss: SubmissionSet = {
    entryUUID: id,
    uniqueId: externalId(el, XDS_UUID.ssUniqueId, 'uniqueId', id),
    sourceId: externalId(el, XDS_UUID.ssSourceId, 'sourceId', id),
    patientId: externalId(el, XDS_UUID.ssPatientId, 'patientId', id),
    submissionTime: need(s.get('submissionTime')?.[0], 'submissionTime', id),
    contentTypeCode: one(el, XDS_UUID.ssContentType, 'contentTypeCode', id),
    authors: classified(el, XDS_UUID.ssAuthor).map(author),
  };
  ss = put(ss, 'title', localized(el, 'Name'));
  ss = put(ss, 'comments', localized(el, 'Description'));
  ss = put(ss, 'intendedRecipients', s.get('intendedRecipient'));
  return put(ss, 'availabilityStatus', attr(el, 'status') as AvailabilityStatus | undefined);
}

function association(el: Element): Association {
  const id = need(attr(el, 'id'), 'id', 'Association');
  const s = slots(el);
  let a: Association = {
    id,
    type: need(attr(el, 'associationType'), 'associationType', id) as AssociationType,
    sourceObject: need(attr(el, 'sourceObject'), 'sourceObject', id),
    targetObject: need(attr(el, 'targetObject'), 'targetObject', id),
  };
  a = put(a, 'submissionSetStatus', s.get('SubmissionSetStatus')?.[0] as Association['submissionSetStatus']);
  a = put(a, 'previousVersion', s.get('PreviousVersion')?.[0]);
  a = put(a, 'originalStatus', s.get('OriginalStatus')?.[0] as AvailabilityStatus | undefined);
  return put(a, 'newStatus', s.get('NewStatus')?.[0] as AvailabilityStatus | undefined);
}

/** Is this RegistryPackage the SubmissionSet (classified by the SubmissionSet node, nested or at top level)? */
function isSubmissionSet(pkg: Element, list: Element): boolean {
  const id = pkg.getAttribute('id');
  const marks = [...rim(pkg, 'Classification'), ...rim(list, 'Classification')];
  return marks.some(
    (c) =>
      c.getAttribute('classificationNode') === XDS_UUID.submissionSet &&
      c.getAttribute('classifiedObject') === id,
  );
}

function fromSubmitObjects(sor: Element): Submission {
  const list = rim(sor, 'RegistryObjectList')[0];
  if (!list)
    throw new XdsError('XDS_MALFORMED', 'no rim:RegistryObjectList', { where: 'SubmitObjectsRequest' });
  const pkgs = rim(list, 'RegistryPackage').filter((p) => isSubmissionSet(p, list));
  if (pkgs.length !== 1) {
    throw new XdsError('XDS_MALFORMED', `${pkgs.length} SubmissionSets (expected 1)`, {
      field: 'submissionSet',
      where: 'RegistryObjectList',
    });
  }
  return {
    submissionSet: submissionSet(pkgs[0] as Element),
    documents: rim(list, 'ExtrinsicObject').map(entry),
    associations: rim(list, 'Association').map(association),
  };
}

function findElement(root: Element, ns: string, name: string): Element | undefined {
  if (root.localName === name && root.namespaceURI === ns) return root;
  return root.getElementsByTagNameNS(ns, name)[0] as Element | undefined;
}

function documentsOf(root: Element, parts: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const docs = new Map<string, Uint8Array>();
  const pnr = findElement(root, NS.xdsb, 'ProvideAndRegisterDocumentSetRequest');
  for (const d of pnr ? children(pnr, NS.xdsb, 'Document') : []) {
    const id = d.getAttribute('id') ?? '';
    const inc = children(d, NS.xop, 'Include')[0];
    if (inc) {
      const href = (inc.getAttribute('href') ?? '').replace(/^cid:/, '');
      const part = parts.get(decodeURIComponent(href));
      if (!part) throw new XdsError('XDS_MTOM', `no MIME part for cid:${href}`, { where: id });
      docs.set(id, part);
    } else {
      docs.set(id, new Uint8Array(Buffer.from(d.textContent ?? '', 'base64')));
    }
  }
  return docs;
}

function looksMultipart(bytes: Uint8Array | string, contentType?: string): boolean {
  if (contentType) return /^multipart\//i.test(contentType.trim());
  const head =
    typeof bytes === 'string' ? bytes.slice(0, 64) : Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  return head.trimStart().startsWith('--');
}

/**
 * Like {@link parseSubmission}, also returning the documents of a PnR (by entryUUID). `contentType` is the
 * HTTP Content-Type of an MTOM body (optional: the boundary is otherwise read from the first line).
 *
 * @example
 * ```ts
 * const { submission, documents } = readSubmission(body, req.headers['content-type']);
 * ```
 */
export function readSubmission(input: Uint8Array | string, contentType?: string): ReadSubmission {
  const { bytes, type } = mimeEntity(input, contentType);
  return readBody(bytes, type);
}

/** A stored MIME entity (`MIME-Version:` / `Content-Type:` header lines, blank line, body): its body and type. */
function mimeEntity(
  input: Uint8Array | string,
  contentType?: string,
): { bytes: Uint8Array | string; type?: string } {
  const head =
    typeof input === 'string'
      ? input.slice(0, 2048)
      : Buffer.from(input.subarray(0, 2048)).toString('latin1');
  if (contentType || !/^(MIME-Version|Content-Type):/i.test(head))
    return { bytes: input, ...(contentType ? { type: contentType } : {}) };
  const end = head.indexOf('\r\n\r\n');
  if (end < 0) throw new XdsError('XDS_MTOM', 'MIME headers without a blank line');
  const type = /^Content-Type:\s*(.+)$/im.exec(head.slice(0, end))?.[1]?.trim();
  const raw = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const skip = Buffer.byteLength(head.slice(0, end + 4), 'latin1');
  return { bytes: raw.subarray(skip), ...(type ? { type } : {}) };
}

function readBody(bytes: Uint8Array | string, contentType?: string): ReadSubmission {
  let xml: Uint8Array | string = bytes;
  const parts = new Map<string, Uint8Array>();
  if (looksMultipart(bytes, contentType)) {
    const raw = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    const all = splitMultipart(raw, contentType);
    const start = contentType ? /start="?<?([^">;]+)>?"?/i.exec(contentType)?.[1] : undefined;
    const cid = (p: (typeof all)[number]) => (p.headers.get('content-id') ?? '').replace(/^<|>$/g, '');
    const root = all.find((p) => start !== undefined && cid(p) === start) ?? all[0];
    if (!root) throw new XdsError('XDS_MTOM', 'empty multipart body');
    for (const p of all) if (p !== root) parts.set(cid(p), p.body);
    xml = root.body;
  }
  const doc = parseXml(typeof xml === 'string' ? xml : xmlText(xml));
  const top = doc.documentElement as Element | null;
  const sor = top ? findElement(top, NS.lcm, 'SubmitObjectsRequest') : undefined;
  if (!top || !sor)
    throw new XdsError('XDS_MALFORMED', 'no lcm:SubmitObjectsRequest', { where: top?.tagName ?? '/' });
  return { submission: fromSubmitObjects(sor), documents: documentsOf(top, parts) };
}

/**
 * Read a SubmitObjectsRequest / METADATA.XML / PnR (base64 or MTOM) back into a {@link Submission}.
 *
 * @example
 * ```ts
 * const s = parseSubmission(readFileSync('IHE_XDM/SUBSET01/METADATA.XML'));
 * s.documents.map((d) => d.entryUUID);
 * ```
 */
export function parseSubmission(bytes: Uint8Array | string): Submission {
  return readSubmission(bytes).submission;
}
