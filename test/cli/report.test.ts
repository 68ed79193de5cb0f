import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCrBio, SCENARIOS } from '../../src/cda/index.js';
import { run } from '../../src/cli/main.js';
import { verifySignature } from '../../src/sign/index.js';
import { rejectingKit, tmpDir } from '../compose/helpers.js';
import { captureOutput } from '../helpers/cli.js';
import { TEST_NOW } from '../helpers/clock.js';
import { makeIdentity, type TestIdentity } from '../sign/pki.js';

let dir: string;
let model: string;
let keyPath: string;
let certPath: string;
let signer: TestIdentity;

beforeAll(async () => {
  dir = tmpDir('cli');
  signer = await makeIdentity({ cn: 'report cli test' });
  keyPath = join(dir, 'key.pem');
  certPath = join(dir, 'cert.pem');
  writeFileSync(keyPath, signer.keyPem);
  writeFileSync(certPath, signer.certPem);
  model = join(dir, 'model.json');
  writeFileSync(model, JSON.stringify(SCENARIOS[0]!.model()));
});

// The command signs at "now": only Date is faked (timers stay real), to the suite's TEST_NOW.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(TEST_NOW);
});
afterAll(() => {
  vi.useRealTimers();
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const capture = () => captureOutput();

const sign = () => ['--sign', '--key', keyPath, '--cert', certPath];

describe('cisis-bio report', () => {
  it('writes <id>.n3.xml, <id>.n1.xml, <id>.pdf, <id>.sig.xml and prints a JSON summary', async () => {
    const out = join(dir, 'ok');
    const io = capture();
    expect(await run(['report', model, '--out', out, ...sign(), '--profile', 'dmp-legacy'])).toBe(0);
    const summary = JSON.parse(io.out.join(''));
    const id = summary.ids.n3 as string;
    expect(id).toBe(SCENARIOS[0]!.model().id.root);
    expect(readdirSync(out).sort()).toEqual([`${id}.n1.xml`, `${id}.n3.xml`, `${id}.pdf`, `${id}.sig.xml`]);
    expect(summary.validation).toMatchObject({ valid: true, rules: 'embedded', n3: true, n1: true });
    expect(summary.files.n3).toEqual({
      path: join(out, `${id}.n3.xml`),
      bytes: readFileSync(join(out, `${id}.n3.xml`)).length,
    });
    const n3 = readFileSync(join(out, `${id}.n3.xml`));
    const n1 = readFileSync(join(out, `${id}.n1.xml`));
    expect(parseCrBio(n3).level).toBe(3);
    expect(parseCrBio(n1).level).toBe(1);
    expect(
      readFileSync(join(out, `${id}.pdf`))
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    const verdict = await verifySignature(readFileSync(join(out, `${id}.sig.xml`)), {
      documents: { [id]: n3, [summary.ids.n1]: n1 },
      submissionSetId: summary.ids.submissionSet,
      trustAnchors: [signer.certPem],
      now: TEST_NOW,
    });
    expect(verdict.profile).toBe('dmp-legacy');
    expect(verdict.valid).toBe(true);
  }, 60_000);

  it('an invalid model: exit 1, the step on stderr, no file', async () => {
    const bad = join(dir, 'bad.json');
    const m = SCENARIOS[0]!.model() as unknown as Record<string, unknown>;
    delete m.patient;
    writeFileSync(bad, JSON.stringify(m));
    const out = join(dir, 'bad-model');
    const io = capture();
    expect(await run(['report', bad, '--out', out, ...sign()])).toBe(1);
    expect(io.err.join('')).toMatch(/REPORT_CREATION_FAILED: .*step "model".*patient/s);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('a bad key: exit 1, step sign, no file', async () => {
    const out = join(dir, 'bad-key');
    const io = capture();
    expect(await run(['report', model, '--out', out, '--sign', '--key', model, '--cert', certPath])).toBe(1);
    expect(io.err.join('')).toContain('step "sign"');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  }, 60_000);

  it('--fail-on-invalid with a kit that rejects the document: exit 1, step validate, no file', async () => {
    const out = join(dir, 'invalid');
    const io = capture();
    expect(await run(['report', model, '--out', out, '--kit', rejectingKit(), '--fail-on-invalid'])).toBe(1);
    expect(io.err.join('')).toContain('step "validate"');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  }, 60_000);

  it('a folder named like an output (issue 13.19): exit 2 before anything is written, no temporary file', async () => {
    const out = join(dir, 'collision');
    const id = SCENARIOS[0]!.model().id.root;
    mkdirSync(join(out, `${id}.pdf`), { recursive: true });
    const io = capture();
    expect(await run(['report', model, '--out', out, ...sign()])).toBe(2);
    expect(io.err.join('')).toContain('PUBLISH_COLLISION');
    expect(readdirSync(out)).toEqual([`${id}.pdf`]);
  }, 60_000);

  it('usage errors exit 2', async () => {
    capture();
    expect(await run(['report', model, '--out', join(dir, 'u1'), '--sign'])).toBe(2);
    expect(await run(['report', model, '--out', join(dir, 'u2'), ...sign(), '--profile', 'xades'])).toBe(2);
    expect(existsSync(join(dir, 'u1')) || existsSync(join(dir, 'u2'))).toBe(false);
  });
});
