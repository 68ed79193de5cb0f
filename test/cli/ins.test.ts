import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

const IDENTITY = resolve(PROJECT_ROOT, 'examples/identity.json');
const VISIBLE =
  'IS010000000000000000000000S1279035121518989S21.2.250.1.213.1.4.10S3DOMINIQUE MARIE-LOUISE<GS>S4PAT-TROIS<GS>S5FS628-03-1979S751215';
const tmp = mkdtempSync(join(tmpdir(), 'cisis-ins-cli-'));

const cli = (...args: string[]) => runCli(args, 'latin1');

afterEach(() => {
  process.exitCode = undefined;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cisis-bio ins check', () => {
  it('exits 0 for a valid matricule and says what it encodes', async () => {
    const r = await cli('ins', 'check', '279035121518989', '--oid', '1.2.250.1.213.1.4.10');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^valid: 279035121518989 \(NIR test; sex F; born 03\/79; place 51215\)/);
  });

  it('exits 1 with the reason for a wrong key', async () => {
    const r = await cli('ins', 'check', '279035121518988');
    expect(r.code).toBe(1);
    expect(r.err).toContain('INS_KEY');
    expect(r.err).toContain('expected 89');
  });

  it('exits 1 for the retired INS-C OID', async () => {
    const r = await cli('ins', 'check', '279035121518989', '--oid', '1.2.250.1.213.1.4.2');
    expect(r.code).toBe(1);
    expect(r.err).toContain('INS_OID_RETIRED');
  });

  it('prints JSON with --json', async () => {
    const r = await cli('ins', 'check', '2A', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ valid: false, code: 'INS_LENGTH' });
  });

  it('--identity compares the number with the traits', async () => {
    const agree = await cli('ins', 'check', '279035121518989', '--identity', IDENTITY);
    expect(agree.code).toBe(0);
    expect(agree.out).not.toContain('error:');
    const f = join(tmp, 'male.json');
    writeFileSync(
      f,
      JSON.stringify({
        traits: {
          birthFamilyName: 'X',
          birthGivenNames: 'Y',
          firstBirthGivenName: 'Y',
          sex: 'M',
          birthDate: '1979-03-28',
          birthPlaceCog: '51454',
        },
      }),
    );
    const r = await cli('ins', 'check', '279035121518989', '--identity', f);
    expect(r.code).toBe(1);
    expect(r.out).toContain('error: NIR_SEX_MISMATCH');
    expect(r.out).toContain('warning: NIR_BIRTH_COMMUNE_MISMATCH');
    expect(r.err).toContain('inconsistent with the traits: NIR_SEX_MISMATCH');
    const json = await cli('ins', 'check', '279035121518989', '--identity', f, '--json');
    expect(JSON.parse(json.out).findings.map((x: { code: string }) => x.code)).toEqual([
      'NIR_SEX_MISMATCH',
      'NIR_BIRTH_COMMUNE_MISMATCH',
    ]);
    expect((await cli('ins', 'check', '279035121518989', '--identity', join(tmp, 'none.json'))).code).toBe(2);
  });

  it('exits 2 on a usage error', async () => {
    expect((await cli('ins', 'check')).code).toBe(2);
    expect((await cli('ins', 'check', '279035121518989', '--bogus')).code).toBe(2);
  });
});

describe('cisis-bio ins datamatrix / decode', () => {
  it('prints the payload with visible <GS>', async () => {
    const r = await cli('ins', 'datamatrix', IDENTITY);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${VISIBLE}\n`);
  });

  it('--raw writes the 0x1D bytes and no newline', async () => {
    const r = await cli('ins', 'datamatrix', IDENTITY, '--raw');
    expect(r.code).toBe(0);
    expect(r.out).toBe(VISIBLE.replaceAll('<GS>', '\x1D'));
  });

  it('exits 1 for a non-qualified identity', async () => {
    const f = join(tmp, 'vali.json');
    writeFileSync(
      f,
      JSON.stringify({
        status: 'VALI',
        traits: {
          birthFamilyName: 'X',
          birthGivenNames: 'Y',
          firstBirthGivenName: 'Y',
          sex: 'F',
          birthDate: '1979-03-28',
        },
      }),
    );
    const r = await cli('ins', 'datamatrix', f);
    expect(r.code).toBe(1);
    expect(r.err).toContain('INS_NOT_QUALIFIED');
  });

  it('exits 2 for a missing file or bad JSON', async () => {
    expect((await cli('ins', 'datamatrix', join(tmp, 'none.json'))).code).toBe(2);
    const f = join(tmp, 'bad.json');
    writeFileSync(f, '{ not json');
    expect((await cli('ins', 'datamatrix', f)).code).toBe(2);
  });

  it('decodes a payload back to the identity', async () => {
    const r = await cli('ins', 'decode', VISIBLE);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      status: 'QUAL',
      ins: { matricule: '279035121518989' },
      traits: { birthFamilyName: 'PAT-TROIS' },
    });
    const bad = await cli('ins', 'decode', VISIBLE.replace('IS01', 'XX01'));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('DATAMATRIX_HEADER');
  });
});
