import type { Submission } from './types.js';

/** ebRS 3.0 `lcm:SubmitObjectsRequest` (the XDM METADATA.XML). */
export function toSubmitObjectsRequest(_s: Submission): string {
  return '';
}

/** `xdsb:ProvideAndRegisterDocumentSetRequest` with the documents in base64. */
export function toProvideAndRegister(_s: Submission, _docs: Map<string, Uint8Array>): string {
  return '';
}
