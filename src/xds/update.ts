import { XdsError } from './errors.js';
import type {
  AvailabilityStatus,
  DocumentEntry,
  Submission,
  SubmissionSetInput,
  Visibility,
} from './types.js';

/** Input of {@link buildVisibilityUpdate}. */
export interface MetadataUpdateInput {
  /** The entry as registered (from the lab's store or a registry query). */
  entry: DocumentEntry;
  visibility: Visibility;
  submissionSet: SubmissionSetInput & { uniqueId: string };
  uuid?: () => string;
  clock?: () => Date;
}
/** Input of {@link buildStatusUpdate}. */
export interface StatusUpdateInput {
  entry: DocumentEntry;
  newStatus: AvailabilityStatus;
  submissionSet: SubmissionSetInput & { uniqueId: string };
  uuid?: () => string;
  clock?: () => Date;
}
/** Input of {@link buildDeletion}. */
export interface DeletionInput {
  /** entryUUIDs of the objects to remove. */
  entryUUIDs: string[];
}

/** ITI-57: new metadata version of an entry with new visibility codes. */
export function buildVisibilityUpdate(_input: MetadataUpdateInput): Submission {
  throw new XdsError('XDS_OPTION', 'not implemented yet');
}
/** ITI-57: availability status change (Deprecated, CI-SIS Archived). */
export function buildStatusUpdate(_input: StatusUpdateInput): Submission {
  throw new XdsError('XDS_OPTION', 'not implemented yet');
}
/** ITI-62: the objects to delete. */
export function buildDeletion(input: DeletionInput): DeletionInput {
  return input;
}
/** ITI-62 `lcm:RemoveObjectsRequest`. */
export function toRemoveObjectsRequest(_d: DeletionInput): string {
  return '';
}
