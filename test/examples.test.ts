// Runs every examples/*.ts as a user would (`node --import tsx`). Examples already run by a module's own test
// (their path appears in another test file) are skipped here; examples/create-report.ts is checked in depth.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCrBio } from '../src/cda/index.js';
import { verifySignature } from '../src/sign/index.js';
import { validate } from '../src/validate/index.js';
import { TEST_NOW } from './helpers/clock.js';
import { KIT_DIR, PROJECT_ROOT } from './helpers/shared.js';
import { makeIdentity, type TestIdentity } from './sign/pki.js';

const TEST_DIR = join(PROJECT_ROOT, 'test');
const SELF = join(TEST_DIR, 'examples.test.ts');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** examples/*.ts not mentioned by another test file. */
function examplesRunHere(): string[] {
  const others = testFiles(TEST_DIR)
    .filter((f) => f !== SELF)
    .map((f) => readFileSync(f, 'utf8'));
  return readdirSync(join(PROJECT_ROOT, 'examples'))
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => !others.some((src) => src.includes(`examples/${f}`)));
}

function runExample(file: string, args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'examples', file), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
}

const here = examplesRunHere();

describe('examples', () => {
  it('every example is run by a test (here or in its module)', () => {
    expect(here).toContain('create-report.ts');
  });

  for (const file of here.filter((f) => f !== 'create-report.ts')) {
    it(`${file} runs and prints its result`, () => {
      const out = mkdtempSync(join(tmpdir(), 'cisis-bio-example-'));
      expect(runExample(file, [out]).trim().length).toBeGreaterThan(0);
    }, 120_000);
  }
});

describe('examples/create-report.ts', () => {
  let signer: TestIdentity;
  let out: string;
  let stdout: string;
  beforeAll(async () => {
    // The example injects its own clock (2024-01-04, its lab's validation time) and signs then: the certificate
    // runs from before that fixed time to TEST_NOW + 1 year, so it is valid both at signing and at "now".
    signer = await makeIdentity({ cn: 'example lab', notBefore: new Date('2023-01-01T00:00:00Z') });
    out = mkdtempSync(join(tmpdir(), 'cisis-bio-create-'));
    writeFileSync(join(out, 'key.pem'), signer.keyPem);
    writeFileSync(join(out, 'cert.pem'), signer.certPem);
    stdout = runExample('create-report.ts', [out, join(out, 'key.pem'), join(out, 'cert.pem')]);
  }, 120_000);

  it('writes v1 and v2 (N3, N1, PDF, signature), valid for the ANS kit, signatures verifying, v2 replacing v1', async () => {
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const ids = lines.map((l) => JSON.parse(/^v\d: (\{.*\}) valid=true signed=true$/.exec(l)![1]!));
    const files = readdirSync(out).filter((f) => !f.endsWith('.pem'));
    expect(files).toHaveLength(8);
    for (const id of ids) {
      const n3 = readFileSync(join(out, `${id.n3}.n3.xml`));
      const n1 = readFileSync(join(out, `${id.n3}.n1.xml`));
      const v = await validate(n3, { kit: KIT_DIR });
      expect(v.valid, relative(out, `${id.n3}.n3.xml`)).toBe(true);
      const verdict = await verifySignature(readFileSync(join(out, `${id.n3}.sig.xml`)), {
        documents: { [id.n3]: n3, [id.n1]: n1 },
        submissionSetId: `${id.n3}.2`,
        trustAnchors: [signer.certPem],
        now: TEST_NOW,
      });
      expect(verdict.valid).toBe(true);
    }
    const v2 = parseCrBio(readFileSync(join(out, `${ids[1].n3}.n3.xml`))).report;
    expect(v2.setId.root).toBe(ids[0].setId);
    expect(v2.versionNumber).toBe(2);
    expect(v2.relatedDocument).toMatchObject({ typeCode: 'RPLC', parentId: { root: ids[0].n3 } });
    // The subcontracted result (local code only) keeps its performing lab; the correction is in v2.
    const ch = v2.sections[0];
    const items = ch?.kind === 'chapter' ? (ch.entry?.items ?? []) : [];
    const gly = items[0];
    expect(gly?.kind === 'observation' && gly.value?.type === 'PQ' ? gly.value.value : undefined).toBe('5.4');
    const vitd = items[2];
    expect(vitd?.kind === 'observation' ? vitd.performer?.organization?.name : undefined).toBe(
      'LABORATOIRE SOUS-TRAITANT',
    );
    expect(vitd?.kind === 'observation' ? vitd.code.translations?.[0]?.code : undefined).toBe('VITD');
  }, 120_000);
});
