// Shared material of the seal tests: a test PKI, the rich report rendered once, and the independent tools.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentInfo } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { PKIStatus, PKIStatusInfo, TimeStampReq, TimeStampResp } from '@peculiar/asn1-tsp';
import { type RenderedReport, renderReportPdfDetailed } from '../../src/pdf/index.js';
import type { TimestampAuthority } from '../../src/sign/index.js';
import { CLOCK, richReport } from '../pdf/fixtures.js';
import { makeIdentity, type TestIdentity } from '../sign/pki.js';

/**
 * pdfsig (NSS) and `openssl cms -verify` check certificate validity against the real clock, which faketime moves
 * (2025 … 2031): the test certificates are valid from 2000 to 2099 so that the suite passes at any date, while the
 * seal time itself comes from TEST_NOW (testClock).
 */
const WIDE = { notBefore: new Date('2000-01-01T00:00:00Z'), notAfter: new Date('2099-12-31T00:00:00Z') };

export interface SealPki {
  ca: TestIdentity;
  org: TestIdentity;
  tsa: TestIdentity;
  other: TestIdentity;
}

let pki: Promise<SealPki> | undefined;

export function sealPki(): Promise<SealPki> {
  pki ??= (async () => {
    const ca = await makeIdentity({ cn: 'Autorité de test cisis-bio', ca: true, ...WIDE });
    const org = await makeIdentity({ cn: 'Laboratoire des Charmes', issuer: ca, ...WIDE });
    const tsa = await makeIdentity({
      cn: 'Horodatage de test',
      issuer: ca,
      extKeyUsage: ['1.3.6.1.5.5.7.3.8'],
      ...WIDE,
    });
    const other = await makeIdentity({ cn: 'Autre autorité', ca: true, ...WIDE });
    return { ca, org, tsa, other };
  })();
  return pki;
}

let rendered: Promise<RenderedReport> | undefined;

/** The rich report of test/pdf (qualified identity: Datamatrix on page 1), rendered at the fixed CLOCK. */
export function renderedReport(): Promise<RenderedReport> {
  rendered ??= renderReportPdfDetailed(richReport(), { clock: CLOCK });
  return rendered;
}

export const tmp = (): string => mkdtempSync(join(tmpdir(), 'cisis-seal-'));

/** An NSS database (certutil, libnss3-tools) trusting `caPem`; returns its `sql:` directory for pdfsig -nssdir. */
export function nssDbTrusting(caPem: string): string {
  const dir = tmp();
  execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, caPem);
  execFileSync('certutil', ['-A', '-d', `sql:${dir}`, '-n', 'cisis-test-ca', '-t', 'CT,C,C', '-i', ca]);
  return `sql:${dir}`;
}

/** pdfsig's report on a file, with `nssdir` as its certificate database. */
export function pdfsig(path: string, nssdir: string): string {
  try {
    return execFileSync('pdfsig', ['-nssdir', nssdir, path], { encoding: 'utf8' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ''}${err.stderr ?? ''}`;
  }
}

/** The ByteRange of the last signature and its two parts, read from the raw bytes (not through the SDK). */
export function byteRangeOf(pdf: Uint8Array): { range: number[]; signed: Buffer; contentsHex: string } {
  const latin = Buffer.from(pdf).toString('latin1');
  const at = latin.lastIndexOf('/ByteRange');
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(latin.slice(at));
  if (!m) throw new Error('no ByteRange');
  const range = m.slice(1).map(Number);
  const [, a, b, c] = range as [number, number, number, number];
  return {
    range,
    signed: Buffer.concat([Buffer.from(pdf.subarray(0, a)), Buffer.from(pdf.subarray(b, b + c))]),
    contentsHex: latin.slice(a, b),
  };
}

/**
 * An RFC 3161 TSA over HTTP on 127.0.0.1 (port 0) answering with `tsa`'s tokens; `/fail` answers 503. Started and
 * stopped by the test.
 */
export async function httpTsa(
  tsa: TimestampAuthority,
): Promise<{ url: string; contentTypes: string[]; close(): Promise<void> }> {
  const contentTypes: string[] = [];
  const server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', async () => {
      contentTypes.push(String(req.headers['content-type']));
      if (req.url === '/fail') {
        res.writeHead(503).end();
        return;
      }
      const tsq = AsnConvert.parse(Buffer.concat(body), TimeStampReq);
      const token = await tsa({
        data: new Uint8Array(0),
        hash: 'sha256',
        digest: new Uint8Array(tsq.messageImprint.hashedMessage.buffer),
      });
      const resp = new TimeStampResp({
        status: new PKIStatusInfo({ status: PKIStatus.granted }),
        timeStampToken: AsnConvert.parse(token, ContentInfo),
      });
      res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
      res.end(Buffer.from(AsnConvert.serialize(resp)));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    contentTypes,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
