import { XdsError } from './errors.js';
import type { Submission } from './types.js';

/** A read request: its submission and, for a PnR, the documents by entryUUID. */
export interface ReadSubmission {
  submission: Submission;
  documents: Map<string, Uint8Array>;
}

/** Read a SubmitObjectsRequest / METADATA.XML / PnR (base64 or MTOM) back into a {@link Submission}. */
export function parseSubmission(bytes: Uint8Array | string): Submission {
  return readSubmission(bytes).submission;
}

/** Like {@link parseSubmission}, also returning the documents of a PnR. */
export function readSubmission(_bytes: Uint8Array | string, _contentType?: string): ReadSubmission {
  throw new XdsError('XDS_MALFORMED', 'not implemented yet');
}
