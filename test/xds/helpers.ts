// Shared by the xds tests: scenario documents (N3 + N1 + signature), reproducible ids, XSD checks (libxml2 and
// xmllint), and an independent XPath reader of CDA headers (the `xpath` package, not the builder's code).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import xpath from 'xpath';
import { type Scenario, seededIds } from '../../src/cda/index.js';
import { createReport } from '../../src/compose/index.js';
import { loadXsd, validateXsdRaw } from '../../src/validate/xsd.js';
import { testClock } from '../helpers/clock.js';
import { SHARED_DIR } from '../helpers/shared.js';
import { makeIdentity, type TestIdentity } from '../sign/pki.js';

export const XDS_SCHEMAS = resolve(SHARED_DIR, 'xds-schemas');
export const LCM_XSD = join(XDS_SCHEMAS, 'ebRS30/lcm.xsd');
export const PNR_XSD = join(XDS_SCHEMAS, 'IHE/XDS.b_DocumentRepository.xsd');
export const RS_XSD = join(XDS_SCHEMAS, 'ebRS30/rs.xsd');

/** Reproducible `urn:uuid:` ids. */
export function seededUuids(prefix = 0): () => string {
  let n = 0;
  return () => `urn:uuid:${String(prefix).padStart(8, '0')}-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

let signer: Promise<TestIdentity> | undefined;
export function testSigner(): Promise<TestIdentity> {
  signer ??= makeIdentity({ cn: 'xds test lab' });
  return signer;
}

/** N3, N1 and the submission-set signature of a bundled scenario (createReport, test clock and key). */
export async function scenarioDocuments(s: Scenario, profile: 'dsg' | 'dmp-legacy' = 'dsg') {
  const id = await testSigner();
  return createReport(s.model(), {
    clock: testClock,
    idGenerator: seededIds(s.name),
    sign: { key: id.keyPem, cert: id.certPem, profile },
  });
}

/** libxml2 (through the validate module's loader) and xmllint must both accept `xml` against `xsd`. */
export async function xsdErrors(xml: string, xsd: string): Promise<{ libxml2: string[]; xmllint: string }> {
  // xml.xsd first: the loader then reads includes from the whole xds-schemas folder (rim.xsd imports ../xml.xsd).
  await loadXsd(join(XDS_SCHEMAS, 'xml.xsd'));
  await loadXsd(xsd);
  const r = validateXsdRaw(xml, xsd);
  const dir = mkdtempSync(join(tmpdir(), 'cisis-xds-'));
  const file = join(dir, 'doc.xml');
  writeFileSync(file, xml);
  let lint = '';
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '--schema', xsd, file], { stdio: 'pipe' });
  } catch (e) {
    lint = String((e as { stderr?: Buffer }).stderr ?? e);
  }
  return { libxml2: r.errors.map((e) => `${e.line}: ${e.message}`), xmllint: lint };
}

const NSS = { h: 'urn:hl7-org:v3' };
/** Independent XPath reads of a CDA header, relative to its ClinicalDocument (`.`). */
export function cdaXPath(bytes: Uint8Array | string): (expr: string) => string {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  const doc = new DOMParser().parseFromString(text, 'text/xml');
  const sel = xpath.useNamespaces(NSS);
  // One descendant search for the ClinicalDocument (self-presenting documents nest it in a stylesheet); every
  // expression is then evaluated from it, `.` being the ClinicalDocument.
  const cd = sel('//h:ClinicalDocument', doc as never, true);
  return (expr: string) => sel(`string(${expr})`, cd as never) as unknown as string;
}

/** HL7 TS with offset → UTC DTM, through the JS Date parser (independent of the module's converter). */
export function utcDtm(ts: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?([+-]\d{2})(\d{2})$/.exec(ts);
  if (!m) throw new Error(`test: unexpected TS ${ts}`);
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7]}:${m[8]}`;
  const d = new Date(iso).toISOString().replace(/[-:T]/g, '');
  return d.slice(0, m[6] ? 14 : 12);
}
