// Unit tests of each verification phase (issue 20.1): locate → references and manifest → SignedInfo and value →
// signing time and time-stamp → certificate path, each on a real signature and on one broken input.
import type { XmlDocument } from 'libxml2-wasm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadLibxml2, parseForC14n } from '../../src/sign/c14n.js';
import { loadSigningKey, type SigningKey, signDocument } from '../../src/sign/index.js';
import { Verdict } from '../../src/sign/verify-common.js';
import { census, classifyReferences, locateSignature, readSignedInfo } from '../../src/sign/verify-locate.js';
import {
  checkDocumentsMatched,
  checkManifest,
  checkSignedInfoReferences,
  DocumentSource,
} from '../../src/sign/verify-references.js';
import {
  checkSignatureTimestamp,
  checkSignerCertificate,
  checkSigningTime,
} from '../../src/sign/verify-time.js';
import {
  checkSignatureValue,
  findSigner,
  keyInfoCertificates,
  profileOf,
  purposeOf,
} from '../../src/sign/verify-value.js';
import { daysFromTestNow, TEST_NOW } from '../helpers/clock.js';
import { DOC, DOC_ID } from './fixtures.js';
import { makeIdentity, type TestIdentity, x509 } from './pki.js';
import { localTsa } from './tsa.js';

const DOC_URI = `urn:oid:${DOC_ID}`;
let ca: TestIdentity;
let signer: TestIdentity;
let tsaId: TestIdentity;
let key: SigningKey;
let xml: string;
const opened: XmlDocument[] = [];

beforeAll(async () => {
  await loadLibxml2();
  ca = await makeIdentity({ cn: 'Phases CA', ca: true });
  signer = await makeIdentity({ cn: 'Phases lab', issuer: ca });
  tsaId = await makeIdentity({
    cn: 'Phases TSA',
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    extKeyUsage: ['1.3.6.1.5.5.7.3.8'],
  });
  key = loadSigningKey({ key: signer.keyPem, cert: signer.certPem });
  xml = (await signDocument(DOC, { key, signingTime: TEST_NOW, timestampAuthority: localTsa(tsaId) })).xml;
});
afterEach(() => {
  for (const d of opened.splice(0)) d.dispose();
});

function rootOf(text: string) {
  const doc = parseForC14n(Buffer.from(text));
  opened.push(doc);
  return doc.root;
}
function located(text = xml) {
  const v = new Verdict();
  const { located: l } = locateSignature(rootOf(text), v);
  expect(v.issues).toEqual([]);
  return l!;
}
const codes = (v: Verdict) => v.issues.map((i) => i.code);

describe('phase 1: locate', () => {
  it('census counts Ids; a duplicated Id is a wrapping issue', () => {
    const v = new Verdict();
    const { ids, manifests } = census(rootOf(xml), v);
    expect(manifests).toBe(1);
    expect(ids.size).toBeGreaterThanOrEqual(4);
    const dup = xml.replace('</ds:Signature>', `<ds:Object Id="${[...ids.keys()][0]}"/></ds:Signature>`);
    census(rootOf(dup), v);
    expect(codes(v)).toEqual(['WRAPPING_DUPLICATE_ID']);
  });
  it('readSignedInfo reads methods and references; a SignatureValue first is a structure issue', () => {
    const v = new Verdict();
    const si = readSignedInfo(rootOf(xml), v)!;
    expect(si.refs.map((r) => r.type?.replace(/.*#/, ''))).toEqual(['Manifest', 'SignedProperties']);
    expect(si.c14nAlg).toMatch(/c14n11#WithComments$/);
    const swapped = xml.replace(
      /(<ds:SignedInfo>[\s\S]*<\/ds:SignedInfo>)\s*(<ds:SignatureValue[\s\S]*?<\/ds:SignatureValue>)/,
      '$2$1',
    );
    expect(readSignedInfo(rootOf(swapped), v)).toBeNull();
    expect(codes(v)).toEqual(['STRUCTURE']);
  });
  it('classifyReferences finds the Manifest and SignedProperties; a reference to another element is refused', () => {
    const v = new Verdict();
    const root = rootOf(xml);
    const { ids } = census(root, v);
    const targets = classifyReferences(readSignedInfo(root, v)!.refs, ids, root, v);
    expect([targets.manifest?.el.name, targets.props?.el.name, targets.object]).toEqual([
      'Manifest',
      'SignedProperties',
      undefined,
    ]);
    const sigId = /<ds:Signature[^>]* Id="([^"]+)"/.exec(xml)![1]!;
    const moved = xml.replace(`URI="#${sigId}-manifest"`, `URI="#${sigId}-value"`);
    const r2 = rootOf(moved);
    classifyReferences(readSignedInfo(r2, v)!.refs, census(r2, new Verdict()).ids, r2, v);
    expect(codes(v)).toEqual(['WRAPPING_REFERENCE_TARGET']);
  });
});

describe('phase 2: references and manifest', () => {
  it('SignedInfo reference digests hold; a changed SignedProperties does not', () => {
    const v = new Verdict();
    expect(checkSignedInfoReferences(located().targets, v)).toEqual({ ok: true });
    const l = located(xml.replace('<xades:SigningTime>', '<xades:SigningTime> '));
    expect(checkSignedInfoReferences(l.targets, v).ok).toBe(false);
    expect(codes(v)).toEqual(['REFERENCE_DIGEST_MISMATCH']);
  });
  it('checkManifest: ok with the document, unresolved without it; unmatched documents are named', async () => {
    const l = located();
    const v = new Verdict();
    const source = new DocumentSource({ documents: { [DOC_ID]: DOC, '1.2.3': DOC } });
    const r = await checkManifest(l.targets.manifest!.el, source, {} as never, v);
    expect(r.map((x) => [x.uri, x.status])).toEqual([[DOC_URI, 'ok']]);
    expect(checkDocumentsMatched(source, undefined, v)).toBe(false);
    expect(v.issues).toEqual([expect.objectContaining({ code: 'DOCUMENT_UNMATCHED', where: '1.2.3' })]);
    const none = new Verdict();
    const r2 = await checkManifest(l.targets.manifest!.el, new DocumentSource({}), {} as never, none);
    expect(r2[0]!.status).toBe('unresolved');
    expect(codes(none)).toEqual(['MANIFEST_UNRESOLVED']);
  });
});

describe('phase 3: SignedInfo and value', () => {
  it('the signer is the KeyInfo certificate SigningCertificateV2 names; its key verifies the SignatureValue', () => {
    const l = located();
    const v = new Verdict();
    const certs = keyInfoCertificates(l.keyInfo, v);
    const { signer: found, ok } = findSigner(l, certs, v);
    expect(ok).toBe(true);
    expect(found?.fingerprint256).toBe(signer.cert.fingerprint256);
    expect([profileOf(l), purposeOf(l)]).toEqual(['dsg', '1.2.840.10065.1.12.1.1']);
    expect(checkSignatureValue(l, found!, v)).toBe(true);
    expect(checkSignatureValue(l, ca.cert, v)).toBe(false);
    expect(codes(v)).toEqual(['SIGNATURE_VALUE_INVALID']);
  });
  it('findSigner: a KeyInfo without the named certificate is a mismatch', () => {
    const v = new Verdict();
    expect(findSigner(located(), [ca.cert], v).ok).toBe(false);
    expect(codes(v)).toEqual(['SIGNING_CERTIFICATE_MISMATCH']);
  });
});

describe('phases 4–5: time, time-stamp, certificate path', () => {
  const trust = () => ({ anchors: [ca.cert, tsaId.cert], pool: [], validationTime: TEST_NOW });
  it('checkSigningTime: consistent at TEST_NOW; in the future a day earlier', () => {
    const v = new Verdict();
    expect(checkSigningTime(located(), signer.cert, TEST_NOW, v)).toEqual({
      signingTime: TEST_NOW,
      ok: true,
    });
    expect(checkSigningTime(located(), signer.cert, daysFromTestNow(-1), v).ok).toBe(false);
    expect(codes(v)).toEqual(['SIGNING_TIME_IN_FUTURE']);
  });
  it('checkSignatureTimestamp: B-T with a pinned TSA, refused without it', () => {
    const v = new Verdict();
    const ok = checkSignatureTimestamp(located(), TEST_NOW, trust(), v);
    expect(ok).toMatchObject({ ok: true, level: 'B-T', time: TEST_NOW });
    const bad = checkSignatureTimestamp(located(), TEST_NOW, { ...trust(), anchors: [ca.cert] }, v);
    expect(bad).toMatchObject({ ok: false, level: 'B-B' });
    expect(codes(v)).toEqual(['TIMESTAMP_INVALID']);
  });
  it('checkSignerCertificate: valid at TEST_NOW, expired two years later', () => {
    const v = new Verdict();
    expect(checkSignerCertificate(signer.cert, trust(), TEST_NOW, v)).toEqual({
      keyUsage: true,
      chain: true,
    });
    expect(checkSignerCertificate(signer.cert, trust(), daysFromTestNow(730), v).chain).toBe(false);
    expect(codes(v)).toEqual(['CHAIN_UNTRUSTED']);
  });
});
