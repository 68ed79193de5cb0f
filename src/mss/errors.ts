import { CisisBioError } from '../common/errors.js';

/** Stable codes of {@link MssError}. */
export type MssErrorCode =
  /** The visibility of the document forbids this audience (§B.3 of the digest). */
  | 'MSS_AUDIENCE_FORBIDDEN'
  /** The patient's identity is not qualified (no INS): no `<INS>@patient.mssante.fr`, no `X-MSS-INS: O`. */
  | 'MSS_PATIENT_NOT_QUALIFIED'
  /** A professional message without any recipient, or a bad address. */
  | 'MSS_BAD_RECIPIENT'
  /** The input files are not what a message needs (no level 3 CDA, no PDF, two patients…). */
  | 'MSS_BAD_INPUT'
  /** The e-mail cannot be read (not MIME, no `IHE_XDM.ZIP`, two archives…). */
  | 'MSS_MALFORMED_MESSAGE'
  /** The archive is larger than the limits allow, or inflates beyond them (zip bomb). */
  | 'XDM_TOO_LARGE'
  /** An entry name escapes the archive (absolute, `..`, drive letter, backslash) — zip-slip. */
  | 'XDM_UNSAFE_PATH'
  /** Two entries with the same name (compared case-insensitively, as ISO-9660 names are). */
  | 'XDM_DUPLICATE_ENTRY'
  /** No `IHE_XDM/SUBSET01/METADATA.XML`, or a document it lists is absent. */
  | 'XDM_MISSING_ENTRY'
  /** Not a zip, an unknown compression method, or an entry that does not inflate to its declared size. */
  | 'XDM_MALFORMED'
  /** A document's SHA-1 or size differs from its DocumentEntry. */
  | 'XDM_HASH_MISMATCH'
  /** A disposition notification (MDN) that cannot be read. */
  | 'MDN_MALFORMED';

/**
 * Building, reading or checking an MSSanté message or its IHE XDM archive failed. `where` names the entry, the
 * header or the option concerned. Nothing is written when this is thrown.
 */
export class MssError extends CisisBioError {
  declare readonly code: MssErrorCode;
  constructor(code: MssErrorCode, message: string, options?: { where?: string; cause?: unknown }) {
    super(code, message, options);
  }
}

/** Stable codes of {@link SmtpError}. */
export type SmtpErrorCode =
  /** The server cannot be reached (DNS, refused, timeout). */
  | 'SMTP_CONNECTION'
  /** TLS failed: no STARTTLS, untrusted server certificate, client certificate refused. */
  | 'SMTP_TLS'
  /** Authentication refused. */
  | 'SMTP_AUTH'
  /** The server refused one or more recipients (`rejected` lists them). */
  | 'SMTP_RECIPIENT_REJECTED'
  /** The server refused the sender or the message itself. */
  | 'SMTP_REJECTED'
  /** Anything else the SMTP client reported. */
  | 'SMTP_FAILED';

/** Sending through SMTP failed. `responseCode` is the server's reply code when there was one. */
export class SmtpError extends CisisBioError {
  declare readonly code: SmtpErrorCode;
  readonly responseCode?: number;
  readonly rejected: string[];
  constructor(
    code: SmtpErrorCode,
    message: string,
    options: { where?: string; cause?: unknown; responseCode?: number; rejected?: string[] } = {},
  ) {
    super(code, message, options);
    if (options.responseCode !== undefined) this.responseCode = options.responseCode;
    this.rejected = options.rejected ?? [];
  }
}
