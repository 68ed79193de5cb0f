import type { Submission } from './types.js';

/** Options of {@link toMtomRequest}. */
export interface MtomOptions {
  /** WS-Addressing `To` (the DMP repository endpoint). */
  to: string;
  /** `urn:uuid:` MessageID (inject for reproducible output). */
  messageId?: string;
  /** MIME boundary (inject for reproducible output). */
  boundary?: string;
  /** Returns the `wsse:Security` header element (VIHF / SAML) to insert; none when absent. */
  security?: (context: { messageId: string; action: string; to: string }) => string;
}

/** A multipart/related MTOM/XOP ITI-41 request. */
export interface MtomRequest {
  /** HTTP Content-Type header value. */
  contentType: string;
  body: Uint8Array;
}

/** ITI-41 request as SOAP 1.2 + WS-Addressing in an MTOM/XOP multipart/related body. */
export function toMtomRequest(
  _s: Submission,
  _docs: Map<string, Uint8Array>,
  _options: MtomOptions,
): MtomRequest {
  return { contentType: '', body: new Uint8Array() };
}
