// RFC 3161 over HTTP (§3.4): POST a TimeStampReq as application/timestamp-query, read the TimeStampResp.
import { randomBytes } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { MessageImprint, PKIStatus, TimeStampReq, TimeStampResp } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import type { TimestampAuthority } from '../sign/index.js';
import { SealError } from './errors.js';

/** Options of {@link httpTimestampAuthority}. */
export interface HttpTsaOptions {
  /** Give up after this many milliseconds (default 15 000). */
  timeoutMs?: number;
  /** Extra HTTP headers (e.g. the TSA's authentication). */
  headers?: Record<string, string>;
  /** Largest response accepted (default 256 KiB). */
  maxBytes?: number;
}

/**
 * A time-stamping authority reached over HTTP(S): each call sends an RFC 3161 request for the SHA-256 imprint
 * (certReq true, a random nonce) and returns the TimeStampToken of a granted response.
 * @example
 * const sealed = await sealPdf(pdf, { key, timestamp: httpTimestampAuthority('https://tsa.example.fr/tsp') });
 */
export function httpTimestampAuthority(url: string, options: HttpTsaOptions = {}): TimestampAuthority {
  return async ({ digest }) => {
    const nonce = randomBytes(8);
    nonce[0]! &= 0x7f; // a positive INTEGER
    const req = new TimeStampReq({
      messageImprint: new MessageImprint({
        hashAlgorithm: new AlgorithmIdentifier({ algorithm: '2.16.840.1.101.3.4.2.1' }),
        hashedMessage: new OctetString(digest),
      }),
      nonce: new Uint8Array(nonce).buffer,
      certReq: true,
    });
    let body: Uint8Array;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query', ...options.headers },
        body: new Uint8Array(AsnConvert.serialize(req)),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw new SealError(
        'SEAL_TSA_FAILED',
        `the time-stamping authority did not answer (${(e as Error).message})`,
        {
          where: url,
        },
      );
    }
    if (body.length > (options.maxBytes ?? 256 * 1024))
      throw new SealError('SEAL_TSA_FAILED', 'the time-stamp response is too large', { where: url });
    let resp: TimeStampResp;
    try {
      resp = AsnConvert.parse(body, TimeStampResp);
    } catch {
      throw new SealError('SEAL_TSA_FAILED', 'the time-stamp response is not an RFC 3161 TimeStampResp', {
        where: url,
      });
    }
    const granted =
      resp.status.status === PKIStatus.granted || resp.status.status === PKIStatus.grantedWithMods;
    if (!granted || !resp.timeStampToken) {
      const text = resp.status.statusString ? [...resp.status.statusString].join(' ') : '';
      throw new SealError(
        'SEAL_TSA_FAILED',
        `the time-stamp request was refused (status ${resp.status.status}${text ? `: ${text}` : ''})`,
        {
          where: url,
        },
      );
    }
    return new Uint8Array(AsnConvert.serialize(resp.timeStampToken));
  };
}
