/**
 * ebRS 3.0 serialisations: `lcm:SubmitObjectsRequest` (ITI-42 body, XDM METADATA.XML) and the ITI-41
 * `xdsb:ProvideAndRegisterDocumentSetRequest`. Output is deterministic: the ids of classifications and external
 * identifiers are name-based UUIDs derived from their object's entryUUID, so parse → serialise is byte-identical.
 * @module
 */
import { createHash } from 'node:crypto';
import { XdsError } from './errors.js';
import type { Association, DocumentEntry, Submission, SubmissionSet, XdsAuthor, XdsCode } from './types.js';
import { NS, OBJECT_TYPE, XDS_UUID } from './uuids.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** Escape text or attribute content. */
export function esc(v: string): string {
  return v.replace(/[&<>"]/g, (c) => ESC[c] ?? c);
}

/** Name-based UUID (SHA-1, RFC 4122 v5 layout) of a child object of `parent`. */
function childId(parent: string, n: number): string {
  const h = createHash('sha1').update(`${parent}#${n}`).digest('hex');
  const variant = ((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const slot = (name: string, values: readonly string[]): string =>
  values.length
    ? `<rim:Slot name="${esc(name)}"><rim:ValueList>${values.map((v) => `<rim:Value>${esc(v)}</rim:Value>`).join('')}</rim:ValueList></rim:Slot>`
    : '';
const text = (tag: 'Name' | 'Description', v: string | undefined): string =>
  v === undefined ? '' : `<rim:${tag}><rim:LocalizedString value="${esc(v)}"/></rim:${tag}>`;

/** Sequential child ids of one object. */
function ids(parent: string): () => string {
  let n = 0;
  return () => childId(parent, ++n);
}

function coded(scheme: string, obj: string, id: string, c: XdsCode): string {
  return (
    `<rim:Classification classificationScheme="${scheme}" classifiedObject="${esc(obj)}" id="${id}" nodeRepresentation="${esc(c.code)}" objectType="${OBJECT_TYPE.classification}">` +
    `${slot('codingScheme', [c.scheme])}${text('Name', c.display)}</rim:Classification>`
  );
}

function author(scheme: string, obj: string, id: string, a: XdsAuthor): string {
  return (
    `<rim:Classification classificationScheme="${scheme}" classifiedObject="${esc(obj)}" id="${id}" nodeRepresentation="" objectType="${OBJECT_TYPE.classification}">` +
    slot('authorPerson', a.person === undefined ? [] : [a.person]) +
    slot('authorInstitution', a.institutions) +
    slot('authorRole', a.roles) +
    slot('authorSpecialty', a.specialties) +
    slot('authorTelecommunication', a.telecoms) +
    '</rim:Classification>'
  );
}

function external(scheme: string, obj: string, id: string, value: string, name: string): string {
  return (
    `<rim:ExternalIdentifier id="${id}" identificationScheme="${scheme}" objectType="${OBJECT_TYPE.externalIdentifier}" registryObject="${esc(obj)}" value="${esc(value)}">` +
    `${text('Name', name)}</rim:ExternalIdentifier>`
  );
}

const opt = (v: string | undefined): string[] => (v === undefined ? [] : [v]);
const version = (v: string | undefined): string =>
  v === undefined ? '' : `<rim:VersionInfo versionName="${esc(v)}"/>`;

/** One DocumentEntry as `rim:ExtrinsicObject`. */
function extrinsicObject(d: DocumentEntry): string {
  const id = d.entryUUID;
  const next = ids(id);
  const attrs =
    `id="${esc(id)}"${d.logicalId ? ` lid="${esc(d.logicalId)}"` : ''} mimeType="${esc(d.mimeType)}" objectType="${XDS_UUID.documentEntry}"` +
    (d.availabilityStatus ? ` status="${d.availabilityStatus}"` : '');
  return (
    `<rim:ExtrinsicObject ${attrs}>` +
    slot('creationTime', [d.creationTime]) +
    slot('languageCode', [d.languageCode]) +
    slot('legalAuthenticator', opt(d.legalAuthenticator)) +
    slot('serviceStartTime', opt(d.serviceStartTime)) +
    slot('serviceStopTime', opt(d.serviceStopTime)) +
    slot('sourcePatientId', [d.sourcePatientId]) +
    slot('sourcePatientInfo', d.sourcePatientInfo) +
    slot('hash', [d.hash]) +
    slot('size', [String(d.size)]) +
    slot('URI', opt(d.uri)) +
    slot('urn:ihe:iti:xds:2013:referenceIdList', d.referenceIds ?? []) +
    text('Name', d.title) +
    text('Description', d.comments) +
    version(d.version) +
    d.authors.map((a) => author(XDS_UUID.deAuthor, id, next(), a)).join('') +
    coded(XDS_UUID.deClassCode, id, next(), d.classCode) +
    d.confidentialityCodes.map((c) => coded(XDS_UUID.deConfidentialityCode, id, next(), c)).join('') +
    d.eventCodes.map((c) => coded(XDS_UUID.deEventCode, id, next(), c)).join('') +
    coded(XDS_UUID.deFormatCode, id, next(), d.formatCode) +
    coded(XDS_UUID.deFacilityType, id, next(), d.healthcareFacilityTypeCode) +
    coded(XDS_UUID.dePracticeSetting, id, next(), d.practiceSettingCode) +
    coded(XDS_UUID.deTypeCode, id, next(), d.typeCode) +
    external(XDS_UUID.dePatientId, id, next(), d.patientId, 'XDSDocumentEntry.patientId') +
    external(XDS_UUID.deUniqueId, id, next(), d.uniqueId, 'XDSDocumentEntry.uniqueId') +
    '</rim:ExtrinsicObject>'
  );
}

/** The SubmissionSet as `rim:RegistryPackage` + its SubmissionSet classification. */
function registryPackage(s: SubmissionSet): string {
  const id = s.entryUUID;
  const next = ids(id);
  return (
    `<rim:RegistryPackage id="${esc(id)}" objectType="${OBJECT_TYPE.registryPackage}"${s.availabilityStatus ? ` status="${s.availabilityStatus}"` : ''}>` +
    slot('submissionTime', [s.submissionTime]) +
    slot('intendedRecipient', s.intendedRecipients ?? []) +
    text('Name', s.title) +
    text('Description', s.comments) +
    s.authors.map((a) => author(XDS_UUID.ssAuthor, id, next(), a)).join('') +
    coded(XDS_UUID.ssContentType, id, next(), s.contentTypeCode) +
    external(XDS_UUID.ssUniqueId, id, next(), s.uniqueId, 'XDSSubmissionSet.uniqueId') +
    external(XDS_UUID.ssSourceId, id, next(), s.sourceId, 'XDSSubmissionSet.sourceId') +
    external(XDS_UUID.ssPatientId, id, next(), s.patientId, 'XDSSubmissionSet.patientId') +
    '</rim:RegistryPackage>' +
    `<rim:Classification classificationNode="${XDS_UUID.submissionSet}" classifiedObject="${esc(id)}" id="${childId(id, 0)}" objectType="${OBJECT_TYPE.classification}"/>`
  );
}

/** One `rim:Association`. */
function association(a: Association): string {
  return (
    `<rim:Association associationType="${a.type}" id="${esc(a.id)}" objectType="${OBJECT_TYPE.association}" sourceObject="${esc(a.sourceObject)}" targetObject="${esc(a.targetObject)}">` +
    slot('SubmissionSetStatus', opt(a.submissionSetStatus)) +
    slot('PreviousVersion', opt(a.previousVersion)) +
    slot('OriginalStatus', opt(a.originalStatus)) +
    slot('NewStatus', opt(a.newStatus)) +
    '</rim:Association>'
  );
}

function registryObjectList(s: Submission): string {
  return (
    '<rim:RegistryObjectList>' +
    registryPackage(s.submissionSet) +
    s.documents.map(extrinsicObject).join('') +
    s.associations.map(association).join('') +
    '</rim:RegistryObjectList>'
  );
}

/**
 * The submission as an ebRS 3.0 `lcm:SubmitObjectsRequest` document — the XDM `METADATA.XML`, and the
 * metadata part of ITI-41.
 *
 * @example
 * ```ts
 * writeFileSync('IHE_XDM/SUBSET01/METADATA.XML', toSubmitObjectsRequest(submission));
 * ```
 */
export function toSubmitObjectsRequest(s: Submission): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${submitObjectsElement(s)}`;
}

/** The `lcm:SubmitObjectsRequest` element (no XML declaration), namespaces declared on it. */
export function submitObjectsElement(s: Submission): string {
  return `<lcm:SubmitObjectsRequest xmlns:lcm="${NS.lcm}" xmlns:rim="${NS.rim}">${registryObjectList(s)}</lcm:SubmitObjectsRequest>`;
}

/** Bytes of each DocumentEntry, looked up by entryUUID then uniqueId; a missing document is a typed error. */
export function documentBytes(
  s: Submission,
  docs: Map<string, Uint8Array>,
): Array<[DocumentEntry, Uint8Array]> {
  return s.documents.map((d) => {
    const b = docs.get(d.entryUUID) ?? docs.get(d.uniqueId);
    if (!b)
      throw new XdsError('XDS_OPTION', `no bytes for ${d.entryUUID} (${d.uniqueId})`, { field: 'documents' });
    return [d, b];
  });
}

/**
 * ITI-41 `xdsb:ProvideAndRegisterDocumentSetRequest`: the SubmitObjectsRequest followed by each document in
 * base64 (`docs` keyed by entryUUID or uniqueId). For the MTOM/XOP wire form use `toMtomRequest`.
 *
 * @example
 * ```ts
 * const xml = toProvideAndRegister(s, new Map([[s.documents[0].entryUUID, n3]]));
 * ```
 */
export function toProvideAndRegister(s: Submission, docs: Map<string, Uint8Array>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${provideAndRegisterElement(
    s,
    documentBytes(s, docs).map(([d, b]) => [d.entryUUID, Buffer.from(b).toString('base64')]),
  )}`;
}

/** The PnR element with each document's content (base64 text, or an `xop:Include`). */
export function provideAndRegisterElement(s: Submission, contents: Array<[string, string]>): string {
  return (
    `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${NS.xdsb}">` +
    submitObjectsElement(s) +
    contents.map(([id, c]) => `<xdsb:Document id="${esc(id)}">${c}</xdsb:Document>`).join('') +
    '</xdsb:ProvideAndRegisterDocumentSetRequest>'
  );
}
