import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/cda/index.js';
import { checkXdsMetadata, readSubmission } from '../../src/xds/index.js';
import { runCli } from '../helpers/cli.js';
import { TEST_NOW } from '../helpers/clock.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';
import { LCM_XSD, PNR_XSD, scenarioDocuments, xsdErrors } from './helpers.js';

let dir: string;
let files: string[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cisis-xds-cli-'));
  const out = await scenarioDocuments(SCENARIOS[0]!);
  files = [join(dir, 'n3.xml'), join(dir, 'n1.xml'), join(dir, 'sig.xml')];
  writeFileSync(files[0]!, out.n3);
  writeFileSync(files[1]!, out.n1);
  writeFileSync(files[2]!, out.signature!);
});
const common = () => ['--source-id', '1.2.250.1.999.9.1', '--submission-time', TEST_NOW.toISOString()];

describe('cisis-bio xds', () => {
  it('--format soap writes DIR/submission.mime (MTOM): read back, same bytes, valid PnR', async () => {
    const out = join(dir, 'soap');
    const r = await runCli(['xds', ...files, ...common(), '--hide-from', 'patient', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(out)).toEqual(['submission.mime']);
    const lines = r.out.trim().split('\n').slice(1);
    expect(lines).toHaveLength(3);
    const { submission, documents } = readSubmission(readFileSync(join(out, 'submission.mime')));
    expect(submission.documents.map((d) => d.entryUUID)).toEqual(lines.map((l) => l.split(' ')[0]));
    expect(submission.documents[0]?.confidentialityCodes.map((c) => c.code)).toEqual([
      'N',
      'INVISIBLE_PATIENT',
    ]);
    submission.documents.forEach((d, i) => {
      expect(Buffer.from(documents.get(d.entryUUID)!).equals(readFileSync(files[i]!))).toBe(true);
    });
    const { toProvideAndRegister } = await import('../../src/xds/index.js');
    expect((await xsdErrors(toProvideAndRegister(submission, documents), PNR_XSD)).xmllint).toBe('');
  });

  it('--format ebrs writes DIR/submission.xml; --read prints it as JSON', async () => {
    const out = join(dir, 'ebrs');
    const r = await runCli(['xds', ...files, ...common(), '--format', 'ebrs', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const xml = readFileSync(join(out, 'submission.xml'), 'utf8');
    expect((await xsdErrors(xml, LCM_XSD)).xmllint).toBe('');
    expect(checkXdsMetadata(xml).filter((f) => f.severity === 'error')).toEqual([]);
    const j = await runCli(['xds', '--read', join(out, 'submission.xml')]);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out).documents).toHaveLength(3);
  });

  it('a header without INS: exit 1, the field named, nothing written', async () => {
    const tsh = readFileSync(join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml'), 'utf8');
    const bad = join(dir, 'no-ins.xml');
    writeFileSync(bad, tsh.replace('<id extension="279035121518989" root="1.2.250.1.213.1.4.10"/>', ''));
    const out = join(dir, 'refused');
    const r = await runCli(['xds', bad, ...common(), '--submission-set-id', '1.2.3.4', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('XDS_NO_INS: patientId');
    expect(() => readdirSync(out)).toThrow();
  });

  it('RPLC without --replaces: exit 2 naming the option; usage errors', async () => {
    const v2 = join(EXAMPLES_DIR, 'BIO-CR-BIO_2021.01_Microbiologie_V2.xml');
    const r = await runCli([
      'xds',
      v2,
      ...common(),
      '--submission-set-id',
      '1.2.3.4',
      '--out',
      join(dir, 'v2'),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--replaces');
    const ok = await runCli([
      'xds',
      v2,
      ...common(),
      '--submission-set-id',
      '1.2.3.4',
      '--replaces',
      'urn:uuid:11111111-2222-4333-8444-555555555555',
      '--out',
      join(dir, 'v2'),
    ]);
    expect(ok.code, ok.err).toBe(0);
    expect((await runCli(['xds', files[0]!, '--out', dir])).code).toBe(2);
    expect((await runCli(['xds', ...files, ...common(), '--hide-from', 'doctors', '--out', dir])).code).toBe(
      2,
    );
    expect((await runCli(['xds', '--read', files[0]!])).code).toBe(2);
  });
});

describe('examples/dmp-submission.ts', () => {
  it('writes a valid METADATA.XML and an MTOM request carrying the three documents', async () => {
    const { execFileSync } = await import('node:child_process');
    const { PROJECT_ROOT } = await import('../helpers/shared.js');
    const out = mkdtempSync(join(tmpdir(), 'cisis-xds-example-'));
    const stdout = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'examples/dmp-submission.ts'), out],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    expect(stdout).toContain('0 rule errors');
    const xml = readFileSync(join(out, 'METADATA.XML'), 'utf8');
    expect((await xsdErrors(xml, LCM_XSD)).xmllint).toBe('');
    const { submission, documents } = readSubmission(readFileSync(join(out, 'iti41.mime')));
    expect(documents.size).toBe(3);
    expect(
      checkXdsMetadata(readFileSync(join(out, 'iti41.mime'))).filter((f) => f.severity === 'error'),
    ).toEqual([]);
    expect(submission.documents[0]?.confidentialityCodes.map((c) => c.code)).toEqual([
      'N',
      'INVISIBLE_PATIENT',
    ]);
  }, 120_000);
});
