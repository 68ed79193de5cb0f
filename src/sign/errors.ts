import { CisisBioError } from '../common/errors.js';

/** Stable codes of {@link SignatureError}. */
export type SignatureErrorCode =
  | 'SIGN_INVALID_OPTION'
  | 'SIGN_DOCUMENT_ID'
  | 'SIGN_DOCUMENT_XML'
  | 'SIGN_TSA_FAILED'
  | 'SIGN_CERTIFICATE_INVALID'
  | 'VERIFY_INVALID_OPTION';

/** Signing or verification could not run: bad options, a document whose unique id cannot be found, a TSA failure. */
export class SignatureError extends CisisBioError {
  declare readonly code: SignatureErrorCode;
  constructor(code: SignatureErrorCode, message: string, options?: { where?: string; cause?: unknown }) {
    super(code, message, options);
  }
}

/** Stable codes of {@link KeyLoadError}. */
export type KeyLoadErrorCode =
  | 'KEY_UNREADABLE'
  | 'KEY_BAD_PASSWORD'
  | 'KEY_UNSUPPORTED'
  | 'CERT_UNREADABLE'
  | 'CERT_MISSING'
  | 'KEY_CERT_MISMATCH';

/**
 * A private key or certificate could not be loaded. The message names the input (file name or "key") and
 * what is wrong, never the key material nor the password, and carries no `cause` that could hold them.
 */
export class KeyLoadError extends CisisBioError {
  declare readonly code: KeyLoadErrorCode;
  constructor(code: KeyLoadErrorCode, message: string, where?: string) {
    super(code, message, where ? { where } : undefined);
  }
}
