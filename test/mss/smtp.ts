// A real SMTP server for the tests: smtp-server on 127.0.0.1, port 0, STARTTLS with a test CA, client
// certificate required. Messages are kept raw, as received.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { makeIdentity, type TestIdentity, x509 } from '../sign/pki.js';

/**
 * Test certificates valid from 2000 to 2099: OpenSSL checks TLS certificate validity against the process clock,
 * which `faketime` moves (2025, 2031…), so a window around TEST_NOW would fail under a faked date. The window is
 * explicit and independent of the wall clock.
 */
const NOT_BEFORE = new Date('2000-01-01T00:00:00Z');
const NOT_AFTER = new Date('2099-12-31T23:59:59Z');

export interface TestPki {
  ca: TestIdentity;
  server: TestIdentity;
  client: TestIdentity;
  /** A client certificate from another CA: refused by the server. */
  stranger: TestIdentity;
}

export async function makeTlsPki(): Promise<TestPki> {
  const window = { notBefore: NOT_BEFORE, notAfter: NOT_AFTER };
  const tls = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
  const ca = await makeIdentity({ cn: 'cisis-bio test MSS CA', ca: true, ...window });
  const server = await makeIdentity({ cn: 'localhost', issuer: ca, keyUsage: tls, ...window });
  const client = await makeIdentity({ cn: 'labo.test.mssante.fr', issuer: ca, keyUsage: tls, ...window });
  const otherCa = await makeIdentity({ cn: 'another CA', ca: true, ...window });
  const stranger = await makeIdentity({ cn: 'stranger', issuer: otherCa, keyUsage: tls, ...window });
  return { ca, server, client, stranger };
}

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  secure: boolean;
}

export interface TestSmtp {
  url: string;
  received: Received[];
  /** Errors the server reported (e.g. a client certificate it refused). */
  errors: Error[];
  close(): Promise<void>;
}

/** Start the server; `refuse` lists recipients answered 550. */
export async function startSmtp(pki: TestPki, refuse: string[] = []): Promise<TestSmtp> {
  const received: Received[] = [];
  const server = new SMTPServer({
    secure: false,
    key: pki.server.keyPem,
    cert: pki.server.certPem,
    ca: pki.ca.certPem,
    requestCert: true,
    rejectUnauthorized: true,
    authOptional: true,
    disabledCommands: ['AUTH'],
    logger: false,
    size: 64 * 1024 * 1024,
    onMailFrom(_address, session, cb) {
      // Only over TLS: STARTTLS first.
      if (!session.secure) return cb(Object.assign(new Error('530 STARTTLS first'), { responseCode: 530 }));
      cb();
    },
    onRcptTo(address, _session, cb) {
      if (refuse.includes(address.address)) {
        return cb(Object.assign(new Error(`unknown mailbox ${address.address}`), { responseCode: 550 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
        });
        cb(null, `OK: queued as test-${received.length}`);
      });
    },
  });
  // A refused client certificate is reported as a server 'error' event: kept, not thrown.
  const errors: Error[] = [];
  server.on('error', (e: Error) => errors.push(e));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    errors,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
