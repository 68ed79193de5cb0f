/**
 * Later life of a registered document, as the digest §A.2/§A.4 describes it: visibility change (ITI-57 new
 * metadata version with new confidentiality codes), withdrawal / archiving (ITI-57 availability status change),
 * deletion (ITI-62 RemoveObjectsRequest). Open points are listed in docs/dmp.md.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { CONTENT_TYPE_CODES, CONTENT_TYPE_SCHEMES, SCHEME } from './codes.js';
import { dateToDtm } from './dtm.js';
import { esc } from './ebrs.js';
import { XdsError } from './errors.js';
import {
  ASSOCIATION_TYPE,
  AVAILABILITY_STATUS,
  type AvailabilityStatus,
  type DocumentEntry,
  type Submission,
  type SubmissionSet,
  type SubmissionSetInput,
  type Visibility,
  type XdsCode,
} from './types.js';
import { NS } from './uuids.js';
import { confidentialityCodes } from './visibility.js';

interface UpdateBase {
  /** The entry as registered (from the lab's store or a registry query): its entryUUID is the logical id. */
  entry: DocumentEntry;
  /** The update's own submission set (uniqueId required; author default: the entry's first author). */
  submissionSet: SubmissionSetInput & { uniqueId: string };
  uuid?: () => string;
  clock?: () => Date;
}
/** Input of {@link buildVisibilityUpdate}. */
export interface MetadataUpdateInput extends UpdateBase {
  visibility: Visibility;
}
/** Input of {@link buildStatusUpdate}. */
export interface StatusUpdateInput extends UpdateBase {
  /** Deprecated (withdrawal) or the CI-SIS Archived status; Approved to undo. */
  newStatus: AvailabilityStatus;
  /** Current status (default Approved). */
  originalStatus?: AvailabilityStatus;
}
/** Input of {@link toRemoveObjectsRequest} (ITI-62). */
export interface DeletionInput {
  /** entryUUIDs of the objects to remove (DocumentEntries and their associations). */
  entryUUIDs: string[];
}

function gen(uuid?: () => string): () => string {
  const g = uuid ?? randomUUID;
  return () => {
    const v = g();
    return v.startsWith('urn:uuid:') ? v : `urn:uuid:${v}`;
  };
}

function updateSet(input: UpdateBase, uuid: () => string): SubmissionSet {
  const s = input.submissionSet;
  const scheme = s.contentTypeCode.scheme ?? SCHEME.activityType;
  const display = s.contentTypeCode.display ?? CONTENT_TYPE_CODES[s.contentTypeCode.code];
  if (!CONTENT_TYPE_SCHEMES.has(scheme) || !display) {
    throw new XdsError(
      'XDS_CODE_OUT_OF_SET',
      `${s.contentTypeCode.code} (${scheme}) needs a known scheme and a display`,
      {
        field: 'contentTypeCode',
      },
    );
  }
  const author = s.author ?? input.entry.authors[0];
  const contentTypeCode: XdsCode = { code: s.contentTypeCode.code, scheme, display };
  return {
    entryUUID: uuid(),
    uniqueId: s.uniqueId,
    sourceId: s.sourceId,
    patientId: input.entry.patientId,
    submissionTime: dateToDtm(s.submissionTime ?? (input.clock ?? (() => new Date()))()),
    contentTypeCode,
    authors: author ? [author] : [],
    ...(s.title ? { title: s.title } : {}),
    ...(s.comments ? { comments: s.comments } : {}),
  };
}

/**
 * ITI-57 Update Document Set: a new metadata version of the entry (same logical id, new entryUUID) whose
 * confidentiality codes express the new visibility; the HasMember association carries `PreviousVersion`.
 *
 * @example
 * ```ts
 * const upd = buildVisibilityUpdate({ entry: stored, visibility: { hiddenFromPatient: false },
 *   submissionSet: { uniqueId: '1.2.250.1.999.7.3', sourceId: '1.2.250.1.999.9', contentTypeCode: { code: '07' } } });
 * post(toSubmitObjectsRequest(upd)); // ITI-57 body
 * ```
 */
export function buildVisibilityUpdate(input: MetadataUpdateInput): Submission {
  const uuid = gen(input.uuid);
  const e = input.entry;
  const hl7 = e.confidentialityCodes.find((c) => c.scheme === SCHEME.confidentialityHl7)?.code ?? 'N';
  const { availabilityStatus: _status, ...rest } = e;
  const next: DocumentEntry = {
    ...rest,
    entryUUID: uuid(),
    logicalId: e.logicalId ?? e.entryUUID,
    confidentialityCodes: confidentialityCodes(hl7, input.visibility),
  };
  delete next.version;
  const ss = updateSet(input, uuid);
  return {
    submissionSet: ss,
    documents: [next],
    associations: [
      {
        id: uuid(),
        type: ASSOCIATION_TYPE.hasMember,
        sourceObject: ss.entryUUID,
        targetObject: next.entryUUID,
        submissionSetStatus: 'Original',
        previousVersion: e.version ?? '1',
      },
    ],
  };
}

/**
 * ITI-57 availability status change: `Deprecated` withdraws the document (the DMP's "retrait"), the CI-SIS
 * `Archived` status archives it. An UpdateAvailabilityStatus association from the update's submission set.
 *
 * @example
 * ```ts
 * const withdraw = buildStatusUpdate({ entry: stored, newStatus: AVAILABILITY_STATUS.deprecated, submissionSet });
 * ```
 */
export function buildStatusUpdate(input: StatusUpdateInput): Submission {
  const uuid = gen(input.uuid);
  const ss = updateSet(input, uuid);
  const statusId = uuid();
  return {
    submissionSet: ss,
    documents: [],
    associations: [
      {
        id: statusId,
        type: ASSOCIATION_TYPE.updateAvailabilityStatus,
        sourceObject: ss.entryUUID,
        targetObject: input.entry.logicalId ?? input.entry.entryUUID,
        originalStatus: input.originalStatus ?? AVAILABILITY_STATUS.approved,
        newStatus: input.newStatus,
      },
      {
        id: uuid(),
        type: ASSOCIATION_TYPE.hasMember,
        sourceObject: ss.entryUUID,
        targetObject: statusId,
        submissionSetStatus: 'Original',
      },
    ],
  };
}

/**
 * ITI-62 Remove Metadata: the `lcm:RemoveObjectsRequest` naming the objects to delete.
 *
 * @example
 * ```ts
 * toRemoveObjectsRequest({ entryUUIDs: [stored.entryUUID] });
 * ```
 */
export function toRemoveObjectsRequest(d: DeletionInput): string {
  if (!d.entryUUIDs.length) throw new XdsError('XDS_OPTION', 'nothing to delete', { field: 'entryUUIDs' });
  for (const id of d.entryUUIDs) {
    if (!/^urn:uuid:[0-9a-f-]{36}$/i.test(id))
      throw new XdsError('XDS_OPTION', `"${id}" is not a urn:uuid: id`, { field: 'entryUUIDs' });
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<lcm:RemoveObjectsRequest xmlns:lcm="${NS.lcm}" xmlns:rim="${NS.rim}">` +
    `<rim:ObjectRefList>${d.entryUUIDs.map((id) => `<rim:ObjectRef id="${esc(id)}"/>`).join('')}</rim:ObjectRefList>` +
    '</lcm:RemoveObjectsRequest>'
  );
}
