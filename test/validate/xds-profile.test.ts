import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isXdsMetadata, validate } from '../../src/validate/index.js';
import { buildSubmission, toProvideAndRegister, toSubmitObjectsRequest } from '../../src/xds/index.js';
import { runCli } from '../helpers/cli.js';
import { TEST_NOW } from '../helpers/clock.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';
import { seededUuids } from '../xds/helpers.js';

// `cisis-bio validate` on XDS metadata (METADATA.XML, SubmitObjectsRequest, ITI-41 request): the `xds` profile.
const TSH = readFileSync(join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml'));
const submission = buildSubmission({
  documents: [{ bytes: new Uint8Array(TSH) }],
  submissionSet: {
    sourceId: '1.2.250.1.999.9.1',
    uniqueId: '1.2.250.1.999.9.2.1',
    submissionTime: TEST_NOW,
    contentTypeCode: { code: '04' },
  },
  uuid: seededUuids(),
});
const SOR = toSubmitObjectsRequest(submission);
/** The same metadata without the DocumentEntry's creationTime slot, which the DMP requires. */
const NO_CREATION_TIME = SOR.replace(/<rim:Slot name="creationTime">[\s\S]*?<\/rim:Slot>/, '');

afterEach(() => vi.restoreAllMocks());

describe('the xds profile of validate', () => {
  it('recognises XDS metadata by its root, and a CDA as not', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(isXdsMetadata(enc(SOR))).toBe(true);
    const docs = new Map([[submission.documents[0]!.entryUUID, new Uint8Array(TSH)]]);
    expect(isXdsMetadata(enc(toProvideAndRegister(submission, docs)))).toBe(true);
    expect(isXdsMetadata(new Uint8Array(TSH))).toBe(false);
  });

  it('validate() judges a SubmitObjectsRequest by the XDS rules: valid as built, invalid without creationTime', async () => {
    expect(NO_CREATION_TIME).not.toBe(SOR);
    const ok = await validate(SOR, { fileName: 'METADATA.XML' });
    expect(ok.kind).toBe('xds-metadata');
    expect(Object.keys(ok.profiles)).toEqual(['xds']);
    expect(ok.valid).toBe(true);
    const bad = await validate(NO_CREATION_TIME, { fileName: 'METADATA.XML' });
    expect(bad.valid).toBe(false);
    const findings = 'findings' in bad.profiles.xds! ? bad.profiles.xds.findings : [];
    expect(findings.some((f) => f.kind === 'failed-assert' && /creationTime/.test(f.text))).toBe(true);
  });

  it('cisis-bio validate: XDS metadata beside a CDA in one batch, each judged by its own rules (exit 1 on the bad one)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cisis-bio-xds-profile-'));
    writeFileSync(join(dir, 'good.xml'), SOR);
    writeFileSync(join(dir, 'bad.xml'), NO_CREATION_TIME);
    writeFileSync(join(dir, 'tsh.xml'), TSH);
    const r = await runCli(['validate', '--format', 'json', dir]);
    expect(r.code).toBe(1);
    const docs = JSON.parse(r.out).documents as Array<{ file: string; valid: boolean; profiles: object }>;
    const byName = Object.fromEntries(docs.map((d) => [d.file.replace(/.*\//, ''), d]));
    expect(byName['good.xml']!.valid).toBe(true);
    expect(byName['bad.xml']!.valid).toBe(false);
    expect(Object.keys(byName['bad.xml']!.profiles)).toEqual(['xds']);
    expect(Object.keys(byName['tsh.xml']!.profiles)).not.toContain('xds');
  });
});
