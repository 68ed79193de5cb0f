// Shared fixtures of the sign tests: the official CR-BIO example and helpers around xmlsec1.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { C14nCanonicalizationWithComments } from 'xml-crypto';
import { TEST_NOW } from '../helpers/clock.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';

export const DOC_PATH = join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml');
export const DOC = readFileSync(DOC_PATH);
/** ClinicalDocument/id/@root of the example (no extension). */
export const DOC_ID = '1.2.250.1.213.1.1.1.55.2024.9.1';

export function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'cisis-sign-'));
}

/**
 * C14N 1.0 with comments of a whole document by an independent implementation (xmldom + xml-crypto),
 * adding the document-level PIs and comments around the root as the C14N spec writes them.
 */
export function independentC14nWithComments(bytes: Uint8Array): Buffer {
  const doc = new DOMParser().parseFromString(Buffer.from(bytes).toString('utf8'), 'text/xml');
  const c14n = new C14nCanonicalizationWithComments();
  let out = '';
  let afterRoot = false;
  for (let n = doc.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) {
      out += c14n.process(n as never, {});
      afterRoot = true;
      continue;
    }
    let s: string;
    const node = n as unknown as { target: string; data: string };
    if (n.nodeType === 7) {
      if (node.target === 'xml') continue;
      s = `<?${node.target}${node.data ? ` ${node.data}` : ''}?>`;
    } else if (n.nodeType === 8) s = `<!--${node.data}-->`;
    else continue;
    out += afterRoot ? `\n${s}` : `${s}\n`;
  }
  return Buffer.from(out, 'utf8');
}

/**
 * xmlsec1 checks certificates against its own clock: the tests give it TEST_NOW explicitly
 * (`--verification-gmt-time`, "YYYY-MM-DD HH:MM:SS" in GMT), so its verdict is the same on any day.
 */
export const XMLSEC_AT = ['--verification-gmt-time', TEST_NOW.toISOString().slice(0, 19).replace('T', ' ')];

export interface XmlsecResult {
  status: number | null;
  stderr: string;
  signedInfo?: [number, number];
  manifest?: [number, number];
}

/** Run `xmlsec1 --verify` with each manifest URI mapped to a file. */
export function xmlsecVerify(
  sigXml: Uint8Array,
  opts: { trusted: string[]; urlMap?: Record<string, string>; xadesNs: string },
): XmlsecResult {
  const dir = tmp();
  const sig = join(dir, 'sig.xml');
  writeFileSync(sig, sigXml);
  const args = ['--verify', ...XMLSEC_AT, '--id-attr:Id', `${opts.xadesNs}:SignedProperties`];
  opts.trusted.forEach((pem, i) => {
    const f = join(dir, `trusted${i}.pem`);
    writeFileSync(f, pem);
    args.push('--trusted-pem', f);
  });
  for (const [uri, file] of Object.entries(opts.urlMap ?? {})) args.push(`--url-map:${uri}`, file);
  args.push(sig);
  const r = spawnSync('xmlsec1', args, { encoding: 'utf8' });
  const pair = (label: string): [number, number] | undefined => {
    const m = new RegExp(`${label} \\(ok/all\\): (\\d+)/(\\d+)`).exec(r.stderr);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  };
  return {
    status: r.status,
    stderr: r.stderr,
    signedInfo: pair('SignedInfo References'),
    manifest: pair('Manifests References'),
  };
}

/** Manifest references as written: URI → DigestValue. */
export function manifestDigests(sigXml: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /<ds:Reference URI="(urn:oid:[^"]+)">.*?<ds:DigestValue>([^<]*)<\/ds:DigestValue>/g;
  for (let m = re.exec(sigXml); m; m = re.exec(sigXml)) out.set(m[1]!, m[2]!);
  return out;
}

/** Deterministic PRNG (mulberry32) so a failing mutation can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
