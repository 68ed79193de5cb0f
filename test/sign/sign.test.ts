import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalizeDocument, loadLibxml2 } from '../../src/sign/c14n.js';
import {
  C14N_10_COMMENTS,
  cdaDocumentId,
  loadSigningKey,
  type SigningKey,
  signDocument,
  signSubmissionSet,
  type VerifyOptions,
  verifySignature,
} from '../../src/sign/index.js';
import { daysFromTestNow, TEST_NOW } from '../helpers/clock.js';
import {
  DOC,
  DOC_ID,
  DOC_PATH,
  independentC14nWithComments,
  manifestDigests,
  prng,
  tmp,
  XMLSEC_AT,
  xmlsecVerify,
} from './fixtures.js';
import { makeIdentity, type TestIdentity, x509 } from './pki.js';
import { localTsa } from './tsa.js';

const XADES_132 = 'http://uri.etsi.org/01903/v1.3.2#';
const XADES_111 = 'http://uri.etsi.org/01903/v1.1.1#';
const DOC_URI = `urn:oid:${DOC_ID}`;

let ca: TestIdentity;
let signer: TestIdentity;
let ecSigner: TestIdentity;
let selfSigned: TestIdentity;
let key: SigningKey;
let ecKey: SigningKey;
let selfKey: SigningKey;

beforeAll(async () => {
  await loadLibxml2();
  ca = await makeIdentity({ cn: 'Test CA', ca: true });
  signer = await makeIdentity({ cn: 'Laboratoire des charmes (cachet)', issuer: ca });
  ecSigner = await makeIdentity({ cn: 'Laboratoire EC', keyType: 'ec', issuer: ca });
  selfSigned = await makeIdentity({ cn: 'Self-signed lab' });
  key = loadSigningKey({ key: signer.keyPem, cert: signer.certPem });
  ecKey = loadSigningKey({ key: ecSigner.keyPem, cert: ecSigner.certPem });
  selfKey = loadSigningKey({ key: selfSigned.keyPem, cert: selfSigned.certPem });
});

// Every signature is made at TEST_NOW and verified with "now" = TEST_NOW (never the wall clock), unless a test
// says otherwise; the certificates of ./pki.js are valid around TEST_NOW.
const signAt: typeof signDocument = (doc, opts) => signDocument(doc, { signingTime: TEST_NOW, ...opts });
const signSetAt: typeof signSubmissionSet = (set, opts) =>
  signSubmissionSet(set, { signingTime: TEST_NOW, ...opts });
const verifyAt: typeof verifySignature = (sig, opts) => verifySignature(sig, { now: TEST_NOW, ...opts });
/** TEST_NOW as XAdES writes a SigningTime (seconds, Z). */
const xsTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const docs = (bytes: Uint8Array = DOC) => new Map([[DOC_URI, bytes]]);
const trustCa = (): VerifyOptions => ({ documents: docs(), trustAnchors: [ca.certPem] });
const codes = (r: { issues: { code: string }[] }) => r.issues.map((i) => i.code);

describe('document id', () => {
  it('reads ClinicalDocument/id/@root of the official example', () => {
    expect(cdaDocumentId(DOC)).toBe(DOC_ID);
  });
  it('appends a numeric extension and refuses a non-numeric one', () => {
    const withExt = Buffer.from(
      DOC.toString('utf8').replace(`<id root="${DOC_ID}"/>`, `<id root="${DOC_ID}" extension="42"/>`),
    );
    expect(cdaDocumentId(withExt)).toBe(`${DOC_ID}.42`);
    const bad = Buffer.from(
      DOC.toString('utf8').replace(`<id root="${DOC_ID}"/>`, `<id root="${DOC_ID}" extension="A-42"/>`),
    );
    expect(() => cdaDocumentId(bad)).toThrow(/non-numeric extension/);
  });
});

describe('bad input gives typed errors', () => {
  it('non-CDA without an id, a DTD, bad options', async () => {
    const err = async (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e as { code?: string; name?: string },
      );
    expect(await err(signAt(Buffer.from('<x/>'), { key }))).toMatchObject({
      name: 'SignatureError',
      code: 'SIGN_DOCUMENT_ID',
    });
    const pdf = Buffer.from('%PDF-1.7 …');
    expect(await err(signAt(pdf, { key }))).toMatchObject({ code: 'SIGN_DOCUMENT_XML' });
    const signedPdf = await signAt(pdf, { key, documentId: '1.2.3.4' }); // non-XML: digest of the bytes
    expect(signedPdf.references[0]).toMatchObject({ uri: 'urn:oid:1.2.3.4', transform: null });
    const dtd = Buffer.from('<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>');
    expect(await err(signAt(dtd, { key, documentId: '1.2.3', profile: 'dmp-legacy' }))).toMatchObject({
      code: 'XML_DTD_FORBIDDEN',
    });
    expect(await err(signAt(DOC, { key, signatureId: '1.2.3' }))).toMatchObject({
      code: 'SIGN_INVALID_OPTION',
    });
    expect(await err(signAt(DOC, { key, documentId: 'abc' }))).toMatchObject({
      code: 'SIGN_INVALID_OPTION',
    });
    expect(await err(signAt(DOC, { key, profile: 'dmp-legacy', packaging: 'enveloping' }))).toMatchObject({
      code: 'SIGN_INVALID_OPTION',
    });
    expect(await err(signSetAt({ submissionSetId: '1.2', documents: [] }, { key }))).toMatchObject({
      code: 'SIGN_INVALID_OPTION',
    });
  });
});

describe('xmlsec1 accepts every profile and every manifest reference', () => {
  const cases = [
    { profile: 'dsg', keyName: 'rsa', ns: XADES_132 },
    { profile: 'dsg', keyName: 'ec', ns: XADES_132 },
    { profile: 'dmp-legacy', keyName: 'rsa', ns: XADES_111 },
  ] as const;
  for (const c of cases) {
    it(`${c.profile} / ${c.keyName}: xmlsec1 OK, manifest 1/1, digest recomputed independently`, async () => {
      const sig = await signAt(DOC, { key: c.keyName === 'ec' ? ecKey : key, profile: c.profile });
      const x = xmlsecVerify(sig.bytes, {
        trusted: [ca.certPem],
        urlMap: { [DOC_URI]: DOC_PATH },
        xadesNs: c.ns,
      });
      expect(x.status, x.stderr).toBe(0);
      expect(x.signedInfo).toEqual([2, 2]);
      expect(x.manifest).toEqual([1, 1]);
      // Independent digest: dsg digests the exact bytes (SHA-256); dmp-legacy the C14N-with-comments form (SHA-1),
      // recomputed here with xmldom + xml-crypto, not libxml2.
      const expected =
        c.profile === 'dsg'
          ? createHash('sha256').update(DOC).digest('base64')
          : createHash('sha1').update(independentC14nWithComments(DOC)).digest('base64');
      expect(manifestDigests(sig.xml).get(DOC_URI)).toBe(expected);
      const v = await verifyAt(sig.bytes, trustCa());
      expect(v.issues).toEqual([]);
      expect(v.valid).toBe(true);
      expect(v.profile).toBe(c.profile);
      expect(v.level).toBe('B-B');
      expect(v.manifest.map((m) => m.status)).toEqual(['ok']);
    });
  }

  it('xmlsec1 counts a tampered document as a failed manifest reference (so the counts above mean something)', async () => {
    const sig = await signAt(DOC, { key });
    const dir = tmp();
    const tampered = join(dir, 'tampered.xml');
    writeFileSync(tampered, DOC.toString('utf8').replace('TSH', 'TSX'));
    const x = xmlsecVerify(sig.bytes, {
      trusted: [ca.certPem],
      urlMap: { [DOC_URI]: tampered },
      xadesNs: XADES_132,
    });
    expect(x.signedInfo).toEqual([2, 2]);
    expect(x.manifest).toEqual([0, 1]);
  });

  it('the other way: a signature completed by xmlsec1 from a re-indented template verifies here (both profiles)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'key.pem'), signer.keyPem);
    writeFileSync(join(dir, 'cert.pem'), signer.certPem);
    for (const profile of ['dsg', 'dmp-legacy'] as const) {
      const sig = await signAt(DOC, { key, profile, signatureId: 'sig-x' });
      // Whitespace everywhere (so canonical forms differ from our compact writing), digests and value emptied.
      const template = sig.xml
        .replace(/<ds:DigestValue>[^<]*<\/ds:DigestValue>/g, '<ds:DigestValue></ds:DigestValue>')
        .replace(/(<ds:SignatureValue[^>]*>)[^<]*/, '$1')
        .replace(/></g, '>\n  <');
      // The SigningCertificate digest is a property value, not a reference: put it back.
      const certDigest = /<(?:ds|xades):CertDigest>.*?<(?:ds|xades):DigestValue>([^<]+)/s.exec(sig.xml)![1]!;
      const tpl = template.replace(
        /(<(?:ds|xades):CertDigest>[\s\S]*?<(?:ds|xades):DigestValue>)/,
        `$1${certDigest}`,
      );
      writeFileSync(join(dir, 'tpl.xml'), tpl);
      const ns = profile === 'dsg' ? XADES_132 : XADES_111;
      const out = join(dir, `${profile}.xmlsec.xml`);
      const r = spawnSync(
        'xmlsec1',
        [
          '--sign',
          ...XMLSEC_AT,
          '--privkey-pem',
          `${join(dir, 'key.pem')},${join(dir, 'cert.pem')}`,
          '--id-attr:Id',
          `${ns}:SignedProperties`,
          `--url-map:${DOC_URI}`,
          DOC_PATH,
          '--output',
          out,
          join(dir, 'tpl.xml'),
        ],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      const v = await verifyAt(readFileSync(out), trustCa());
      expect(v.issues, profile).toEqual([]);
      expect(v.manifest.map((m) => m.status)).toEqual(['ok']);
    }
  });

  it('dsg: the document reference can use the C14N 1.1 with comments transform (xmlsec1 checks it)', async () => {
    const sig = await signAt(DOC, {
      key,
      transform: 'http://www.w3.org/2006/12/xml-c14n11#WithComments',
    });
    expect(sig.xml).toContain(
      '<ds:Transform Algorithm="http://www.w3.org/2006/12/xml-c14n11#WithComments"></ds:Transform>',
    );
    const x = xmlsecVerify(sig.bytes, {
      trusted: [ca.certPem],
      urlMap: { [DOC_URI]: DOC_PATH },
      xadesNs: XADES_132,
    });
    expect(x.status, x.stderr).toBe(0);
    expect(x.manifest).toEqual([1, 1]);
    expect((await verifyAt(sig.bytes, trustCa())).valid).toBe(true);
  });

  it('documents can come from an async resolver', async () => {
    const sig = await signAt(DOC, { key });
    const asked: string[] = [];
    const v = await verifyAt(sig.bytes, {
      trustAnchors: [ca.certPem],
      resolver: async (uri) => {
        asked.push(uri);
        return uri === DOC_URI ? DOC : undefined;
      },
    });
    expect(asked).toEqual([DOC_URI]);
    expect(v.valid).toBe(true);
  });

  it('dsg enveloping: the document travels in a ds:Object; xmlsec1 checks the 2 references', async () => {
    const sig = await signAt(DOC, { key, packaging: 'enveloping' });
    expect(sig.xml).toContain('urn:ihe:iti:dsg:enveloping:2014');
    const x = xmlsecVerify(sig.bytes, { trusted: [ca.certPem], xadesNs: XADES_132 });
    expect(x.status, x.stderr).toBe(0);
    expect(x.signedInfo).toEqual([2, 2]);
    const v = await verifyAt(sig.bytes, { trustAnchors: [ca.certPem] });
    expect(v.valid).toBe(true);
    expect(v.packaging).toBe('enveloping');
    expect(Buffer.compare(v.envelopedDocument!, DOC)).toBe(0);
  });

  it('submission set (both profiles): placeholder AA== for the set, every document referenced and checked', async () => {
    const dir = tmp();
    const second = Buffer.from(
      DOC.toString('utf8').replace(`<id root="${DOC_ID}"/>`, '<id root="1.2.250.1.999.2"/>'),
    );
    const secondPath = join(dir, 'second.xml');
    writeFileSync(secondPath, second);
    for (const profile of ['dsg', 'dmp-legacy'] as const) {
      const sig = await signSetAt(
        {
          submissionSetId: '1.2.250.1.999.1.1',
          documents: [
            { id: DOC_ID, bytes: DOC },
            { id: '1.2.250.1.999.2', bytes: second },
          ],
        },
        { key, profile },
      );
      const digests = manifestDigests(sig.xml);
      expect([...digests.keys()]).toEqual(['urn:oid:1.2.250.1.999.1.1', DOC_URI, 'urn:oid:1.2.250.1.999.2']);
      expect(digests.get('urn:oid:1.2.250.1.999.1.1')).toBe('AA==');
      const x = xmlsecVerify(sig.bytes, {
        trusted: [ca.certPem],
        urlMap: {
          [DOC_URI]: DOC_PATH,
          'urn:oid:1.2.250.1.999.2': secondPath,
          'urn:oid:1.2.250.1.999.1.1': DOC_PATH,
        },
        xadesNs: profile === 'dsg' ? XADES_132 : XADES_111,
      });
      expect(x.status, x.stderr).toBe(0);
      expect(x.signedInfo).toEqual([2, 2]);
      // Every document reference is OK; the submission-set placeholder cannot match any bytes (by design).
      expect(x.manifest).toEqual([2, 3]);
      const opts = {
        documents: new Map([
          [DOC_URI, DOC],
          ['1.2.250.1.999.2', second],
        ]),
        trustAnchors: [ca.certPem],
      };
      const v = await verifyAt(sig.bytes, { ...opts, submissionSetId: '1.2.250.1.999.1.1' });
      expect(v.issues).toEqual([]);
      expect(v.manifest.map((m) => m.status)).toEqual(['placeholder', 'ok', 'ok']);
      // Without naming the submission set, its reference is unresolved: invalid.
      expect(codes(await verifyAt(sig.bytes, opts))).toEqual(['MANIFEST_UNRESOLVED']);
    }
  });
});

describe('canonical fragments', () => {
  it('an issuer name with XML-special characters (IssuerSerial, dmp-legacy) is escaped canonically', async () => {
    const odd = await makeIdentity({ cn: 'Lab & Co <Bio>', ca: true });
    const leaf = await makeIdentity({ cn: 'Leaf', issuer: odd });
    const k = loadSigningKey({ key: leaf.keyPem, cert: leaf.certPem });
    const sig = await signAt(DOC, { key: k, profile: 'dmp-legacy' });
    expect(/<ds:X509IssuerName>[^<]*/.exec(sig.xml)?.[0]).toContain('CN=Lab &amp; Co \\&lt;Bio\\&gt;');
    const v = await verifyAt(sig.bytes, { documents: docs(), trustAnchors: [odd.certPem] });
    expect(v.issues).toEqual([]);
    const x = xmlsecVerify(sig.bytes, {
      trusted: [odd.certPem],
      urlMap: { [DOC_URI]: DOC_PATH },
      xadesNs: XADES_111,
    });
    expect(x.status, x.stderr).toBe(0);
    expect(x.signedInfo).toEqual([2, 2]);
  });
});

describe('tampering', () => {
  it('dsg: 100 random single-byte changes of the document all fail (the exact bytes are digested)', async () => {
    const sig = await signAt(DOC, { key });
    const rnd = prng(20261125);
    for (let i = 0; i < 100; i++) {
      const pos = Math.floor(rnd() * DOC.length);
      const mutated = Buffer.from(DOC);
      mutated[pos] = (mutated[pos]! + 1 + Math.floor(rnd() * 255)) % 256;
      const v = await verifyAt(sig.bytes, { documents: docs(mutated), trustAnchors: [ca.certPem] });
      expect(v.valid, `byte ${pos}`).toBe(false);
      expect(codes(v)).toEqual(['MANIFEST_DIGEST_MISMATCH']);
    }
  });

  it('dmp-legacy: 100 single-byte changes that alter the canonical form all fail; changes C14N erases do not', async () => {
    const sig = await signAt(DOC, { key, profile: 'dmp-legacy' });
    const canonical = canonicalizeDocument(DOC, C14N_10_COMMENTS);
    const rnd = prng(424242);
    let altering = 0;
    // Mutations are printable ASCII so that both "erased" (e.g. whitespace inside a tag) and real changes occur.
    while (altering < 100) {
      const pos = Math.floor(rnd() * DOC.length);
      const mutated = Buffer.from(DOC);
      const b = 0x20 + Math.floor(rnd() * 95);
      if (b === mutated[pos]) continue;
      mutated[pos] = b;
      let same = false;
      try {
        same = canonicalizeDocument(mutated, C14N_10_COMMENTS).equals(canonical);
      } catch {
        same = false; // no longer XML: certainly tampering
      }
      const v = await verifyAt(sig.bytes, { documents: docs(mutated), trustAnchors: [ca.certPem] });
      if (same) {
        expect(v.valid, `erased change at ${pos}`).toBe(true);
      } else {
        altering++;
        expect(v.valid, `byte ${pos}`).toBe(false);
        expect(codes(v)).toEqual(['MANIFEST_DIGEST_MISMATCH']);
      }
    }
  });

  it('dmp-legacy: a change C14N erases (attribute whitespace, empty-element form) is not tampering', async () => {
    const sig = await signAt(DOC, { key, profile: 'dmp-legacy' });
    const text = DOC.toString('utf8');
    const erased = Buffer.from(text.replace(`<id root="${DOC_ID}"/>`, `<id  root="${DOC_ID}"></id>`));
    expect(erased.equals(DOC)).toBe(false);
    expect((await verifyAt(sig.bytes, { documents: docs(erased), trustAnchors: [ca.certPem] })).valid).toBe(
      true,
    );
  });

  it('a SigningTime moved by one second fails (SignedProperties digest)', async () => {
    const t = TEST_NOW;
    for (const profile of ['dsg', 'dmp-legacy'] as const) {
      const sig = await signAt(DOC, { key, profile, signingTime: t });
      const moved = sig.xml.replace(xsTime(t), xsTime(new Date(t.getTime() + 1000)));
      expect(moved).not.toBe(sig.xml);
      const v = await verifyAt(moved, trustCa());
      expect(v.valid).toBe(false);
      expect(codes(v)).toEqual(['REFERENCE_DIGEST_MISMATCH']);
      expect(v.issues[0]!.message).toMatch(/SignedProperties/);
    }
  });

  it('a changed manifest (digest, URI) or SignedInfo fails with the reason', async () => {
    const sig = await signAt(DOC, { key });
    const digest = manifestDigests(sig.xml).get(DOC_URI)!;
    const otherDigest = createHash('sha256').update('other').digest('base64');
    const v1 = await verifyAt(sig.xml.replace(digest, otherDigest), {
      documents: new Map([[DOC_URI, Buffer.from('other')]]),
      trustAnchors: [ca.certPem],
    });
    expect(codes(v1)).toEqual(['REFERENCE_DIGEST_MISMATCH']);
    expect(v1.issues[0]!.message).toMatch(/Manifest/);
    const v2 = await verifyAt(sig.xml.replace(`URI="${DOC_URI}"`, 'URI="urn:oid:1.2.3"'), {
      documents: new Map([['urn:oid:1.2.3', DOC]]),
      trustAnchors: [ca.certPem],
    });
    expect(codes(v2)).toContain('REFERENCE_DIGEST_MISMATCH');
    // SignedInfo: switch the signature method / canonicalisation → SignatureValue no longer verifies.
    const v3 = await verifyAt(
      sig.xml.replace(
        'xml-c14n11#WithComments"></ds:CanonicalizationMethod>',
        'xml-c14n11"></ds:CanonicalizationMethod>',
      ),
      trustCa(),
    );
    expect(codes(v3)).toEqual(['SIGNATURE_VALUE_INVALID']);
    const v4 = await verifyAt(sig.xml.replace('<ds:SignedInfo>\n', '<ds:SignedInfo>\n\n'), trustCa());
    expect(codes(v4)).toEqual(['SIGNATURE_VALUE_INVALID']);
  });
});

describe('signature wrapping', () => {
  let xml: string;
  let sigId: string;
  beforeAll(async () => {
    const sig = await signAt(DOC, {
      key,
      signatureId: 'sig-1',
      signingTime: TEST_NOW,
    });
    xml = sig.xml;
    sigId = sig.signatureId;
  });
  const objectWith = (inner: string) =>
    xml.replace('</ds:Signature>', `<ds:Object>${inner}</ds:Object>\n</ds:Signature>`);
  const signedProps = () => /<xades:SignedProperties[\s\S]*?<\/xades:SignedProperties>/.exec(xml)![0];
  const manifest = () => /<ds:Manifest[\s\S]*?<\/ds:Manifest>/.exec(xml)![0];

  it('sanity: the untouched signature is valid', async () => {
    expect((await verifyAt(xml, trustCa())).valid).toBe(true);
  });
  it('duplicated Id (a forged SignedProperties with the same Id) fails', async () => {
    const forged = signedProps().replace(xsTime(TEST_NOW), xsTime(daysFromTestNow(-365)));
    const v = await verifyAt(
      objectWith(
        `<xades:QualifyingProperties xmlns:xades="${XADES_132}" Target="#${sigId}">${forged}</xades:QualifyingProperties>`,
      ),
      trustCa(),
    );
    expect(v.valid).toBe(false);
    expect(codes(v)).toContain('WRAPPING_DUPLICATE_ID');
  });
  it('moved Id: the signed Manifest moved under another element and a forged one in its place fails', async () => {
    const signed = manifest();
    const forged = signed
      .replace(/Id="[^"]+"/, 'Id="forged"')
      .replace(/<ds:DigestValue>[^<]+/, '<ds:DigestValue>AAAA');
    const moved = xml
      .replace(signed, forged)
      .replace(
        '</ds:Signature>',
        `<ds:Object><ds:SignatureProperties><ds:SignatureProperty Target="#${sigId}">${signed}</ds:SignatureProperty></ds:SignatureProperties></ds:Object>\n</ds:Signature>`,
      );
    const v = await verifyAt(moved, trustCa());
    expect(v.valid).toBe(false);
    expect(codes(v)).toEqual(expect.arrayContaining(['WRAPPING_REFERENCE_TARGET']));
  });
  it('an unreferenced second Manifest fails', async () => {
    const extra = manifest().replace(/Id="[^"]+"/, 'Id="m2"');
    const v = await verifyAt(objectWith(extra), trustCa());
    expect(codes(v)).toContain('WRAPPING_DUPLICATE_ELEMENT');
  });
  it('an extra Reference in SignedInfo fails', async () => {
    const extraRef = `<ds:Reference URI="#${sigId}-signedprops"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference>\n</ds:SignedInfo>`;
    const v = await verifyAt(xml.replace('</ds:SignedInfo>', extraRef), trustCa());
    expect(codes(v)).toContain('WRAPPING_EXTRA_REFERENCE');
  });
  it('a reference to content outside the signature (URI="" or external) fails', async () => {
    for (const uri of ['', 'http://example.org/evil.xml', `#xpointer(id('${sigId}-manifest'))`]) {
      const v = await verifyAt(xml.replace(`URI="#${sigId}-manifest"`, `URI="${uri}"`), trustCa());
      expect(codes(v), uri).toContain('WRAPPING_REFERENCE_TARGET');
    }
  });
  it('a second Signature (nested in an Object) fails', async () => {
    const inner = xml.replace(/^<\?xml[^>]*>\n/, '').replace(/Id="/g, 'Id="x');
    const v = await verifyAt(objectWith(inner), trustCa());
    expect(codes(v)).toContain('WRAPPING_EXTRA_SIGNATURE');
  });
  it('the signature wrapped inside another root element fails', async () => {
    const wrapped = `<wrapper>${xml.replace(/^<\?xml[^>]*>\n/, '')}</wrapper>`;
    expect(codes(await verifyAt(wrapped, trustCa()))).toEqual(['STRUCTURE']);
  });
  it('a QualifyingProperties not targeting this signature (or a signature without Id) fails', async () => {
    const noId = xml.replace(
      `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="${sigId}">`,
      '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">',
    );
    expect(codes(await verifyAt(noId, trustCa()))).toEqual(['STRUCTURE']);
    const otherTarget = xml.replace(`Target="#${sigId}"`, 'Target="#other"');
    expect(codes(await verifyAt(otherTarget, trustCa()))).toEqual(['STRUCTURE']);
  });
  it('a DTD or entity is refused before parsing', async () => {
    const withDtd = xml.replace(
      '<ds:Signature',
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<ds:Signature',
    );
    expect(codes(await verifyAt(withDtd, trustCa()))).toEqual(['MALFORMED_XML']);
  });
});

describe('certificates and trust', () => {
  it('a certificate not chaining to the pinned anchors is invalid; none pinned trusts nothing', async () => {
    const sig = await signAt(DOC, { key });
    const v = await verifyAt(sig.bytes, { documents: docs(), trustAnchors: [selfSigned.certPem] });
    expect(codes(v)).toEqual(['CHAIN_UNTRUSTED']);
    expect(v.checks.signatureValue).toBe(true);
    const none = await verifyAt(sig.bytes, { documents: docs(), trustAnchors: [] });
    expect(none.issues[0]!.message).toMatch(/nothing is trusted by default/);
  });
  it('a pinned self-signed certificate is its own anchor', async () => {
    const sig = await signAt(DOC, { key: selfKey });
    expect((await verifyAt(sig.bytes, { documents: docs(), trustAnchors: [selfSigned.certPem] })).valid).toBe(
      true,
    );
    expect(codes(await verifyAt(sig.bytes, { documents: docs(), trustAnchors: [ca.certPem] }))).toEqual([
      'CHAIN_UNTRUSTED',
    ]);
  });
  it('a certificate expired at signing time is invalid', async () => {
    const expired = await makeIdentity({
      cn: 'Expired lab',
      issuer: ca,
      notBefore: daysFromTestNow(-40),
      notAfter: daysFromTestNow(-10),
    });
    const sig = await signAt(DOC, {
      key: loadSigningKey({ key: expired.keyPem, cert: expired.certPem }),
      allowInvalidCertificate: true, // sign refuses it otherwise (see hardening.test.ts)
    });
    const v = await verifyAt(sig.bytes, trustCa());
    expect(codes(v)).toEqual(['SIGNING_TIME_OUTSIDE_VALIDITY', 'CHAIN_UNTRUSTED']);
    expect(v.issues[0]!.message).toMatch(/not valid at SigningTime/);
  });
  it('key usage: keyEncipherment only is refused; no keyUsage extension is unrestricted', async () => {
    const enc = await makeIdentity({
      cn: 'Encryption only',
      issuer: ca,
      keyUsage: x509.KeyUsageFlags.keyEncipherment,
    });
    const v = await verifyAt(
      (
        await signAt(DOC, {
          key: loadSigningKey({ key: enc.keyPem, cert: enc.certPem }),
          allowInvalidCertificate: true,
        })
      ).bytes,
      trustCa(),
    );
    expect(codes(v)).toEqual(['KEY_USAGE']);
    const noKu = await makeIdentity({ cn: 'No key usage', issuer: ca, keyUsage: null });
    const ok = await verifyAt(
      (await signAt(DOC, { key: loadSigningKey({ key: noKu.keyPem, cert: noKu.certPem }) })).bytes,
      trustCa(),
    );
    expect(ok.issues).toEqual([]);
  });
  it('a chain through an intermediate CA: from KeyInfo, from options.intermediates, or refused when missing', async () => {
    const intermediate = await makeIdentity({ cn: 'Intermediate CA', issuer: ca, ca: true });
    const leaf = await makeIdentity({ cn: 'Leaf via intermediate', issuer: intermediate });
    const withChain = loadSigningKey({ key: leaf.keyPem, cert: leaf.certPem + intermediate.certPem });
    expect(withChain.chain.map((c) => c.fingerprint256)).toEqual([intermediate.cert.fingerprint256]);
    const sig = await signAt(DOC, { key: withChain });
    expect((await verifyAt(sig.bytes, trustCa())).issues).toEqual([]);
    const bare = await signAt(DOC, { key: loadSigningKey({ key: leaf.keyPem, cert: leaf.certPem }) });
    expect(codes(await verifyAt(bare.bytes, trustCa()))).toEqual(['CHAIN_UNTRUSTED']);
    expect((await verifyAt(bare.bytes, { ...trustCa(), intermediates: [intermediate.cert] })).valid).toBe(
      true,
    );
    // An "intermediate" without basicConstraints cA cannot issue.
    const notCa = await makeIdentity({ cn: 'Not a CA', issuer: ca });
    const leaf2 = await makeIdentity({ cn: 'Leaf of a non-CA', issuer: notCa });
    const sig2 = await signAt(DOC, {
      key: loadSigningKey({ key: leaf2.keyPem, cert: leaf2.certPem + notCa.certPem }),
    });
    expect(codes(await verifyAt(sig2.bytes, trustCa()))).toEqual(['CHAIN_UNTRUSTED']);
  });
  it('a SigningTime in the future is refused', async () => {
    const sig = await signAt(DOC, { key, signingTime: daysFromTestNow(1) });
    expect(codes(await verifyAt(sig.bytes, trustCa()))).toEqual(['SIGNING_TIME_IN_FUTURE']);
  });
  it('a KeyInfo certificate swapped for another one fails the SigningCertificate check', async () => {
    const sig = await signAt(DOC, { key });
    const b64 = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
    const swapped = sig.xml.replace(b64(signer.certPem), b64(selfSigned.certPem));
    const v = await verifyAt(swapped, { documents: docs(), trustAnchors: [selfSigned.certPem] });
    expect(codes(v)).toContain('SIGNING_CERTIFICATE_MISMATCH');
    expect(codes(v)).toContain('SIGNATURE_VALUE_INVALID');
  });
});

describe('timestamp and long-term hooks (dsg)', () => {
  let tsaId: TestIdentity;
  beforeAll(async () => {
    tsaId = await makeIdentity({
      cn: 'Test TSA',
      keyUsage: x509.KeyUsageFlags.digitalSignature,
      extKeyUsage: ['1.3.6.1.5.5.7.3.8'],
    });
  });
  it('a local RFC 3161 TSA adds a SignatureTimeStamp (B-T) that verifies; xmlsec1 still accepts', async () => {
    const tsa = localTsa(tsaId);
    const sig = await signAt(DOC, { key, timestampAuthority: tsa });
    expect(tsa.calls).toBe(1);
    expect(sig.level).toBe('B-T');
    const v = await verifyAt(sig.bytes, {
      documents: docs(),
      trustAnchors: [ca.certPem, tsaId.certPem],
    });
    expect(v.issues).toEqual([]);
    expect(v.level).toBe('B-T');
    expect(v.timestamp?.genTime).toBeInstanceOf(Date);
    const x = xmlsecVerify(sig.bytes, {
      trusted: [ca.certPem],
      urlMap: { [DOC_URI]: DOC_PATH },
      xadesNs: XADES_132,
    });
    expect(x.status, x.stderr).toBe(0);
    // TSA not pinned → the time-stamp is not trusted.
    const untrusted = await verifyAt(sig.bytes, { documents: docs(), trustAnchors: [ca.certPem] });
    expect(codes(untrusted)).toEqual(['TIMESTAMP_INVALID']);
  });
  it('a TSA certificate without id-kp-timeStamping is refused', async () => {
    const plain = await makeIdentity({ cn: 'Not a TSA', keyUsage: x509.KeyUsageFlags.digitalSignature });
    const sig = await signAt(DOC, { key, timestampAuthority: localTsa(plain) });
    const v = await verifyAt(sig.bytes, {
      documents: docs(),
      trustAnchors: [ca.certPem, plain.certPem],
    });
    expect(codes(v)).toEqual(['TIMESTAMP_INVALID']);
    expect(v.issues[0]!.message).toMatch(/id-kp-timeStamping/);
  });
  it('a time-stamp over other data fails', async () => {
    const tsa = localTsa(tsaId);
    const wrong: typeof tsa = Object.assign(
      (r: Parameters<typeof tsa>[0]) => tsa({ ...r, digest: createHash('sha256').update('x').digest() }),
      { calls: 0 },
    );
    const sig = await signAt(DOC, { key, timestampAuthority: wrong });
    const v = await verifyAt(sig.bytes, {
      documents: docs(),
      trustAnchors: [ca.certPem, tsaId.certPem],
    });
    expect(codes(v)).toEqual(['TIMESTAMP_INVALID']);
    expect(v.issues[0]!.message).toMatch(/imprint/);
  });
  it('revocation values supplied by the caller are embedded (B-LT with a time-stamp)', async () => {
    const sig = await signAt(DOC, {
      key,
      timestampAuthority: localTsa(tsaId),
      certificateValues: [ca.cert],
      revocationValues: { crls: [Buffer.from('3000', 'hex')] },
    });
    expect(sig.level).toBe('B-LT');
    expect(sig.xml).toContain('<xades:EncapsulatedCRLValue>MAA=</xades:EncapsulatedCRLValue>');
    expect(sig.xml).toContain('<xades:CertificateValues>');
    const v = await verifyAt(sig.bytes, {
      documents: docs(),
      trustAnchors: [ca.certPem, tsaId.certPem],
    });
    expect(v.valid).toBe(true);
    expect(v.level).toBe('B-LT');
  });
  it('dmp-legacy refuses long-term options', async () => {
    await expect(
      signAt(DOC, { key, profile: 'dmp-legacy', timestampAuthority: localTsa(tsaId) }),
    ).rejects.toThrow(/dmp-legacy/);
  });
});
