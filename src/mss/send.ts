/**
 * Sending an MSSanté e-mail through the operator's SMTP server: nodemailer's SMTP transport, STARTTLS required
 * (or implicit TLS), and the sending system's certificate as the TLS client certificate — MSSanté operators
 * authenticate application mailboxes by certificate.
 * @module
 */
import { createTransport } from 'nodemailer';
import { SmtpError, type SmtpErrorCode } from './errors.js';

/** Where and how to send. */
export interface SmtpOptions {
  /** `smtp://host:port` (STARTTLS, required) or `smtps://host:port` (implicit TLS). */
  url: string;
  /** Client certificate (PEM): the sending system's certificate. */
  cert: string | Uint8Array;
  /** Its private key (PEM). */
  key: string | Uint8Array;
  /** Passphrase of an encrypted key. */
  passphrase?: string;
  /** CA certificate(s) (PEM) the server's certificate must chain to. Default: Node's trusted roots. */
  ca?: string | Uint8Array | Array<string | Uint8Array>;
  /** Name checked against the server's certificate (default: the URL's host). */
  servername?: string;
  /** Login, for operators that also ask for one. */
  auth?: { user: string; pass: string };
  /** Name given in EHLO (default: nodemailer's, the machine's host name). */
  clientName?: string;
  /** Connection, greeting and socket timeouts in ms (default 30 000). */
  timeoutMs?: number;
}

/** A message to send: the raw RFC 5322 bytes and the SMTP envelope (an `MssMessage` fits). */
export interface SendableMessage {
  raw: Uint8Array;
  envelope: { from: string; to: string[] };
  messageId?: string;
}

/** What the server answered. */
export interface SmtpResult {
  /** The server's final reply, e.g. `250 OK: queued as …`. */
  response: string;
  /** Message-ID of the message sent (without angle brackets). */
  messageId: string;
  accepted: string[];
  /** Recipients refused while others were accepted (the message went to the accepted ones). */
  rejected: string[];
}

function toBuffer(v: string | Uint8Array): string | Buffer {
  return typeof v === 'string' ? v : Buffer.from(v);
}

function parseUrl(url: string): { host: string; port: number; secure: boolean } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SmtpError('SMTP_CONNECTION', `"${url}" is not an smtp:// or smtps:// URL`, { where: 'url' });
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') {
    throw new SmtpError('SMTP_CONNECTION', `"${url}" is not an smtp:// or smtps:// URL`, { where: 'url' });
  }
  const secure = u.protocol === 'smtps:';
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (secure ? 465 : 587)), secure };
}

const TLS_HINT = /tls|ssl|certificate|handshake|alert|self.signed|unable to (get|verify)|CERT_|ERR_SSL/i;

/** nodemailer's error → a typed {@link SmtpError}. */
function typed(e: unknown): SmtpError {
  const err = e as {
    code?: string;
    originalCode?: string;
    message?: string;
    responseCode?: number;
    rejected?: string[];
  };
  const msg = err.message ?? String(e);
  let code: SmtpErrorCode;
  if (err.code === 'EENVELOPE' && err.rejected?.length) code = 'SMTP_RECIPIENT_REJECTED';
  else if (
    err.code === 'ETLS' ||
    err.code === 'EREQUIRETLS' ||
    TLS_HINT.test(`${err.originalCode ?? ''} ${msg}`)
  ) {
    code = 'SMTP_TLS';
  } else if (err.code === 'EAUTH' || err.code === 'ENOAUTH') code = 'SMTP_AUTH';
  else if (err.code === 'EENVELOPE' || err.code === 'EMESSAGE') code = 'SMTP_REJECTED';
  else if (['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS'].includes(err.code ?? '')) code = 'SMTP_CONNECTION';
  else code = 'SMTP_FAILED';
  return new SmtpError(code, msg, {
    cause: e,
    ...(err.responseCode !== undefined ? { responseCode: err.responseCode } : {}),
    ...(err.rejected ? { rejected: err.rejected } : {}),
  });
}

/**
 * Send a message through SMTP with TLS and a client certificate, and return the server's answer. Over `smtp://`
 * the connection must upgrade with STARTTLS (never sent in clear). Errors are {@link SmtpError}s:
 * `SMTP_CONNECTION`, `SMTP_TLS` (no STARTTLS, untrusted server, client certificate refused), `SMTP_AUTH`,
 * `SMTP_RECIPIENT_REJECTED` (every recipient refused; `rejected` lists them), `SMTP_REJECTED`.
 *
 * @example
 * ```ts
 * const mail = await buildMssMessage({ … });
 * const res = await sendMssMessage(mail, {
 *   url: 'smtp://smtp.mssante.fr:587', cert: readFileSync('bal.crt'), key: readFileSync('bal.key'),
 * });
 * console.log(res.response, res.messageId);
 * ```
 */
export async function sendMssMessage(message: SendableMessage, smtp: SmtpOptions): Promise<SmtpResult> {
  const { host, port, secure } = parseUrl(smtp.url);
  const timeout = smtp.timeoutMs ?? 30_000;
  const ca =
    smtp.ca === undefined ? undefined : Array.isArray(smtp.ca) ? smtp.ca.map(toBuffer) : toBuffer(smtp.ca);
  const transport = createTransport({
    host,
    port,
    secure,
    requireTLS: !secure,
    ...(smtp.auth ? { auth: smtp.auth } : {}),
    ...(smtp.clientName ? { name: smtp.clientName } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    tls: {
      cert: toBuffer(smtp.cert),
      key: toBuffer(smtp.key),
      ...(smtp.passphrase !== undefined ? { passphrase: smtp.passphrase } : {}),
      ...(ca !== undefined ? { ca } : {}),
      servername: smtp.servername ?? host,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
  });
  try {
    const info = await transport.sendMail({
      envelope: message.envelope,
      raw: Buffer.from(message.raw),
    });
    return {
      response: String(info.response),
      messageId: String(message.messageId ?? info.messageId ?? '').replace(/^<|>$/g, ''),
      accepted: (info.accepted as unknown[]).map(String),
      rejected: (info.rejected as unknown[]).map(String),
    };
  } catch (e) {
    throw typed(e);
  } finally {
    transport.close();
  }
}
