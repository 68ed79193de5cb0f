import { XdsError } from './errors.js';
import type { Submission, SubmissionInput } from './types.js';

/** Build the XDS metadata of a CR-BIO submission from the documents' CDA headers. */
export function buildSubmission(_input: SubmissionInput): Submission {
  throw new XdsError('XDS_OPTION', 'not implemented yet');
}
