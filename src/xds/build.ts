/**
 * From the documents' exact bytes (CR-BIO level 3, level 1, submission-set signature) to the typed XDS metadata.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import { inValueSet } from '../cda/index.js';
import { xmlText } from '../common/xml.js';
import {
  CLASS_CODE_CR,
  CONTENT_TYPE_CODES,
  CONTENT_TYPE_SCHEMES,
  FACILITY_TYPES,
  FORMAT_CODE_N1,
  FORMAT_CODE_N3,
  PRACTICE_SETTINGS,
  SCHEME,
  SIGNATURE_CODES,
  TYPE_CODE_CR_BIO,
  VISIBILITY_CODES,
} from './codes.js';
import { dateToDtm } from './dtm.js';
import { XdsError } from './errors.js';
import { type CdaHeader, readCdaHeader } from './header.js';
import { isSignatureXml, readSignature, type SignatureFacts } from './signature.js';
import {
  ASSOCIATION_TYPE,
  type Association,
  type DocumentEntry,
  type Replaces,
  type Submission,
  type SubmissionDocumentInput,
  type SubmissionInput,
  type SubmissionSet,
  type XdsAuthor,
  type XdsCode,
  type XdsFinding,
} from './types.js';
import { confidentialityCodes } from './visibility.js';

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;

/** `urn:uuid:` form of a generated id. */
function uuidGen(gen?: () => string): () => string {
  const g = gen ?? randomUUID;
  return () => {
    const v = g();
    return v.startsWith('urn:uuid:') ? v : `urn:uuid:${v}`;
  };
}

function sha1(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

function checkedCodes(
  h: CdaHeader,
  kit: string | undefined,
): Pick<DocumentEntry, 'practiceSettingCode' | 'healthcareFacilityTypeCode' | 'typeCode'> {
  if (h.typeCode.code !== TYPE_CODE_CR_BIO.code || h.typeCode.scheme !== TYPE_CODE_CR_BIO.scheme) {
    throw new XdsError(
      'XDS_CODE_OUT_OF_SET',
      `${h.typeCode.code} (${h.typeCode.scheme}) is not the CR-BIO type 11502-2`,
      {
        field: 'typeCode',
        where: '/ClinicalDocument/code',
      },
    );
  }
  const ps = h.practiceSetting;
  if (!ps) {
    throw new XdsError('XDS_HEADER_MISSING', 'no standardIndustryClassCode on the performing lab', {
      field: 'practiceSettingCode',
      where:
        '/ClinicalDocument/documentationOf/serviceEvent/performer/assignedEntity/representedOrganization',
    });
  }
  const psDisplay = PRACTICE_SETTINGS[`${ps.scheme}|${ps.code}`];
  if (psDisplay === undefined) {
    throw new XdsError('XDS_CODE_OUT_OF_SET', `${ps.code} (${ps.scheme}) is not in JDV_J04`, {
      field: 'practiceSettingCode',
      where: ps.where,
    });
  }
  const f = h.facilityType;
  const hcftWhere = '/ClinicalDocument/componentOf/encompassingEncounter/location/healthCareFacility/code';
  if (!f)
    throw new XdsError('XDS_HEADER_MISSING', 'no healthCareFacility code', {
      field: 'healthcareFacilityTypeCode',
      where: hcftWhere,
    });
  const known = kit
    ? inValueSet('facilityType', { code: f.code, codeSystem: f.scheme }, kit)
    : FACILITY_TYPES.has(`${f.scheme}|${f.code}`);
  if (!known) {
    throw new XdsError('XDS_CODE_OUT_OF_SET', `${f.code} (${f.scheme}) is not in JDV_J02`, {
      field: 'healthcareFacilityTypeCode',
      where: hcftWhere,
    });
  }
  return {
    typeCode: { ...TYPE_CODE_CR_BIO, display: h.typeCode.display || TYPE_CODE_CR_BIO.display },
    practiceSettingCode: { code: ps.code, scheme: ps.scheme, display: ps.display || psDisplay },
    healthcareFacilityTypeCode: { code: f.code, scheme: f.scheme, display: f.display || f.code },
  };
}

function checkSpecialties(authors: XdsAuthor[], kit: string | undefined): void {
  if (!kit) return;
  authors.forEach((a, i) => {
    for (const s of a.specialties) {
      const [code = '', , system = ''] = s.split('^');
      if (inValueSet('authorSpecialty', { code, codeSystem: system }, kit) === false) {
        throw new XdsError('XDS_CODE_OUT_OF_SET', `${code} (${system}) is not in JDV_J01`, {
          field: 'authorSpecialty',
          where: `/ClinicalDocument/author[${i + 1}]/assignedAuthor/code`,
        });
      }
    }
  });
}

function formatCode(h: CdaHeader): XdsCode {
  if (h.level === 3) return { ...FORMAT_CODE_N3 };
  const c = FORMAT_CODE_N1[h.mediaType ?? ''];
  if (!c) {
    throw new XdsError('XDS_CODE_OUT_OF_SET', `no XDS-SD format code for the media type ${h.mediaType}`, {
      field: 'formatCode',
      where: '/ClinicalDocument/component/nonXMLBody/text/@mediaType',
    });
  }
  return { ...c };
}

function languageOf(h: CdaHeader): string {
  if (!/^[a-z]{2}-[A-Z]{2}$/.test(h.languageCode)) {
    throw new XdsError('XDS_BAD_VALUE', `"${h.languageCode}" is not a language code such as fr-FR`, {
      field: 'languageCode',
      where: '/ClinicalDocument/languageCode/@code',
    });
  }
  return h.languageCode;
}

function cdaEntry(
  doc: SubmissionDocumentInput,
  h: CdaHeader,
  input: SubmissionInput,
  uuid: () => string,
): DocumentEntry {
  return {
    entryUUID: doc.entryUUID ?? uuid(),
    uniqueId: h.uniqueId,
    mimeType: 'text/xml',
    hash: sha1(doc.bytes),
    size: doc.bytes.byteLength,
    ...(doc.uri ? { uri: doc.uri } : {}),
    ...(h.title ? { title: h.title } : {}),
    patientId: h.patientId,
    sourcePatientId: h.sourcePatientId,
    sourcePatientInfo: h.sourcePatientInfo,
    classCode: { ...CLASS_CODE_CR },
    ...checkedCodes(h, input.kit),
    formatCode: formatCode(h),
    confidentialityCodes: confidentialityCodes(h.confidentiality, input.visibility),
    eventCodes: h.eventCodes,
    creationTime: h.creationTime,
    ...(h.serviceStartTime ? { serviceStartTime: h.serviceStartTime } : {}),
    ...(h.serviceStopTime ? { serviceStopTime: h.serviceStopTime } : {}),
    languageCode: languageOf(h),
    ...(h.legalAuthenticator ? { legalAuthenticator: h.legalAuthenticator } : {}),
    authors: h.authors,
    ...(h.referenceIds.length ? { referenceIds: h.referenceIds } : {}),
  };
}

function signatureEntry(
  doc: SubmissionDocumentInput,
  facts: SignatureFacts,
  main: DocumentEntry,
  ss: SubmissionSet,
  input: SubmissionInput,
  uuid: () => string,
): DocumentEntry {
  const conf = [...main.confidentialityCodes];
  for (const v of [VISIBILITY_CODES.hiddenFromProfessionals, VISIBILITY_CODES.hiddenFromPatient]) {
    if (!conf.some((c) => c.code === v.code)) conf.push({ ...v });
  }
  const author = ss.authors[0];
  return {
    entryUUID: doc.entryUUID ?? uuid(),
    uniqueId: input.signatureUniqueId ?? `${ss.uniqueId}.0`,
    mimeType: 'text/xml',
    hash: sha1(doc.bytes),
    size: doc.bytes.byteLength,
    ...(doc.uri ? { uri: doc.uri } : {}),
    title: 'Source',
    patientId: main.patientId,
    sourcePatientId: main.sourcePatientId,
    sourcePatientInfo: main.sourcePatientInfo,
    classCode: { ...SIGNATURE_CODES.classCode },
    typeCode: { ...SIGNATURE_CODES.typeCode },
    formatCode: { ...(facts.profile === 'dsg' ? SIGNATURE_CODES.formatDsg : SIGNATURE_CODES.formatLegacy) },
    confidentialityCodes: conf,
    healthcareFacilityTypeCode: main.healthcareFacilityTypeCode,
    practiceSettingCode: main.practiceSettingCode,
    eventCodes: [{ ...SIGNATURE_CODES.eventSource }],
    creationTime: facts.signingTime ?? ss.submissionTime,
    languageCode: 'art',
    ...(author?.person ? { legalAuthenticator: author.person } : {}),
    authors: ss.authors,
  };
}

function contentTypeCode(input: SubmissionInput): XdsCode {
  const c = input.submissionSet.contentTypeCode;
  const scheme = c.scheme ?? SCHEME.activityType;
  const display = c.display ?? (scheme === SCHEME.activityType ? CONTENT_TYPE_CODES[c.code] : undefined);
  if (!CONTENT_TYPE_SCHEMES.has(scheme) || !c.code) {
    throw new XdsError('XDS_CODE_OUT_OF_SET', `scheme ${scheme} is not TRE_R209, TRE_R02 nor TRE_A00`, {
      field: 'contentTypeCode',
    });
  }
  if (!display) {
    throw new XdsError('XDS_OPTION', `no known label for ${c.code}: give its display`, {
      field: 'contentTypeCode',
    });
  }
  return { code: c.code, scheme, display };
}

function submissionSet(
  input: SubmissionInput,
  main: DocumentEntry,
  sig: SignatureFacts | undefined,
  docs: DocumentEntry[],
  uuid: () => string,
): SubmissionSet {
  const s = input.submissionSet;
  if (!OID.test(s.sourceId))
    throw new XdsError('XDS_OPTION', `"${s.sourceId}" is not an OID`, { field: 'sourceId' });
  const named = sig?.references.filter((r) => !docs.some((d) => d.uniqueId === r));
  const uniqueId = s.uniqueId ?? (named?.length === 1 ? named[0] : undefined);
  if (!uniqueId || !OID.test(uniqueId)) {
    throw new XdsError('XDS_OPTION', 'give the submission set uniqueId (an OID), or a signature naming it', {
      field: 'submissionSet.uniqueId',
    });
  }
  if (sig && !sig.references.includes(uniqueId)) {
    throw new XdsError('XDS_SIGNATURE', `the signature does not name the submission set ${uniqueId}`, {
      field: 'signature',
    });
  }
  const author = s.author ?? main.authors[0];
  const when = s.submissionTime ?? (input.clock ?? (() => new Date()))();
  return {
    entryUUID: uuid(),
    uniqueId,
    sourceId: s.sourceId,
    patientId: main.patientId,
    submissionTime: dateToDtm(when),
    contentTypeCode: contentTypeCode(input),
    authors: author ? [author] : [],
    ...(s.title ? { title: s.title } : {}),
    ...(s.comments ? { comments: s.comments } : {}),
    ...(s.intendedRecipients?.length ? { intendedRecipients: s.intendedRecipients } : {}),
  };
}

/** Pair each document carrying an RPLC with the entryUUID it replaces. */
function replacements(
  headers: CdaHeader[],
  entries: DocumentEntry[],
  given: Replaces[],
  uuid: () => string,
): Association[] {
  const pool = [...given];
  const out: Association[] = [];
  headers.forEach((h, i) => {
    if (!h.replacedUniqueId) return;
    const k = pool.findIndex((r) => r.uniqueId === h.replacedUniqueId);
    const j = k >= 0 ? k : pool.findIndex((r) => r.uniqueId === undefined);
    const r = j >= 0 ? pool.splice(j, 1)[0] : undefined;
    if (!r) {
      throw new XdsError(
        'XDS_REPLACES_MISSING',
        `document ${h.uniqueId} replaces ${h.replacedUniqueId}: give the entryUUID of that entry (option replaces: { entryUUID }, CLI --replaces urn:uuid:…)`,
        {
          field: 'replaces',
          where: '/ClinicalDocument/relatedDocument/parentDocument/id',
        },
      );
    }
    if (!/^urn:uuid:[0-9a-f-]{36}$/i.test(r.entryUUID)) {
      throw new XdsError('XDS_OPTION', `"${r.entryUUID}" is not a urn:uuid: entryUUID`, {
        field: 'replaces',
      });
    }
    out.push({
      id: uuid(),
      type: ASSOCIATION_TYPE.replace,
      sourceObject: (entries[i] as DocumentEntry).entryUUID,
      targetObject: r.entryUUID,
    });
  });
  if (pool.length) {
    throw new XdsError(
      'XDS_REPLACES_UNUSED',
      `no document carries an RPLC relatedDocument for ${pool.map((r) => r.entryUUID).join(', ')}`,
      {
        field: 'replaces',
      },
    );
  }
  return out;
}

/**
 * Build the XDS metadata of a CR-BIO submission (ITI-41 / XDM) from the documents' exact bytes: one
 * DocumentEntry per CDA (fields read from its header), one for the submission-set signature, the SubmissionSet,
 * HasMember, RPLC and `signs` associations. Codes are checked against the shipped tables (typed error naming the
 * field). The returned entryUUIDs are the ones to store: a later replacement names them.
 *
 * @example
 * ```ts
 * const s = buildSubmission({
 *   documents: [{ bytes: n3 }, { bytes: n1 }],
 *   signature: { bytes: sig },
 *   submissionSet: { sourceId: '1.2.250.1.999.9', contentTypeCode: { code: '07' } },
 *   visibility: { hiddenFromPatient: true },
 * });
 * writeFileSync('METADATA.XML', toSubmitObjectsRequest(s));
 * ```
 */
export function buildSubmission(input: SubmissionInput): Submission {
  const uuid = uuidGen(input.uuid);
  const warn = input.onWarning ?? ((_: XdsFinding) => {});
  const all = [...input.documents, ...(input.signature ? [input.signature] : [])];
  // The root element is within the first 4 kB: no need to decode whole documents to tell a signature.
  const sigs = all.filter((d) => isSignatureXml(xmlText(d.bytes.subarray(0, 4096))));
  const cdas = all.filter((d) => !sigs.includes(d));
  if (!cdas.length) throw new XdsError('XDS_OPTION', 'no CDA document given', { field: 'documents' });
  if (sigs.length > 1)
    throw new XdsError('XDS_OPTION', 'more than one signature given', { field: 'signature' });
  const headers = cdas.map((d) => readCdaHeader(d.bytes, warn));
  const entries = cdas.map((d, i) => cdaEntry(d, headers[i] as CdaHeader, input, uuid));
  const main = entries[0] as DocumentEntry;
  for (const e of entries) {
    if (e.patientId !== main.patientId) {
      throw new XdsError(
        'XDS_PATIENT_MISMATCH',
        `${e.uniqueId} is about ${e.patientId}, ${main.uniqueId} about ${main.patientId}`,
        { field: 'patientId' },
      );
    }
  }
  for (const h of headers) checkSpecialties(h.authors, input.kit);
  const sigDoc = sigs[0];
  const facts = sigDoc ? readSignature(sigDoc.bytes) : undefined;
  for (const e of facts ? entries : []) {
    if (!facts?.references.includes(e.uniqueId)) {
      throw new XdsError('XDS_SIGNATURE', `the signature does not cover ${e.uniqueId}`, {
        field: 'signature',
      });
    }
  }
  const ss = submissionSet(input, main, facts, entries, uuid);
  const documents = [...entries];
  if (sigDoc && facts) documents.push(signatureEntry(sigDoc, facts, main, ss, input, uuid));
  const given =
    input.replaces === undefined ? [] : Array.isArray(input.replaces) ? input.replaces : [input.replaces];
  const associations: Association[] = documents.map((d) => ({
    id: uuid(),
    type: ASSOCIATION_TYPE.hasMember,
    sourceObject: ss.entryUUID,
    targetObject: d.entryUUID,
    submissionSetStatus: 'Original',
  }));
  associations.push(...replacements(headers, entries, given, uuid));
  const sigEntry = sigDoc ? documents[documents.length - 1] : undefined;
  if (sigEntry)
    associations.push({
      id: uuid(),
      type: ASSOCIATION_TYPE.signs,
      sourceObject: sigEntry.entryUUID,
      targetObject: ss.entryUUID,
    });
  return { submissionSet: ss, documents, associations };
}
