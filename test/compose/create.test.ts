import { beforeAll, describe, expect, it } from 'vitest';
import { parseCrBio, SCENARIOS, seededIds } from '../../src/cda/index.js';
import { createReplacement, createReport, ReportCreationError } from '../../src/compose/index.js';
import { encodeInsDatamatrix } from '../../src/ins/index.js';
import { verifySignature } from '../../src/sign/index.js';
import { TEST_NOW } from '../helpers/clock.js';
import { KIT_DIR } from '../helpers/shared.js';
import { dmtxread, rasterPage1, savePdf, workDir } from '../pdf/tools.js';
import type { TestIdentity } from '../sign/pki.js';
import { CLOCK, rejectingKit, testSigner } from './helpers.js';

let signer: TestIdentity;
beforeAll(async () => {
  signer = await testSigner();
});

function signOpts(profile: 'dsg' | 'dmp-legacy' = 'dsg') {
  return { key: signer.keyPem, cert: signer.certPem, profile };
}

function pdfCopyOf(xml: Uint8Array): Buffer {
  const { report } = parseCrBio(xml);
  return Buffer.from(report.pdf!.data, 'base64');
}

async function verify(created: Awaited<ReturnType<typeof createReport>>) {
  return verifySignature(created.signature!, {
    documents: new Map([
      [`urn:oid:${created.ids.n3}`, created.n3],
      [`urn:oid:${created.ids.n1}`, created.n1],
    ]),
    submissionSetId: created.ids.submissionSet!,
    trustAnchors: [signer.certPem],
    now: TEST_NOW,
  });
}

describe('createReport on every bundled scenario (ANS kit)', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: N3 + N1 pass their ANS profiles, share setId/version, the signature verifies`, async () => {
      const model = scenario.model();
      const created = await createReport(model, {
        clock: CLOCK,
        idGenerator: seededIds(scenario.name),
        sign: signOpts(scenario.name === 'haematology' ? 'dmp-legacy' : 'dsg'),
        validate: { kit: KIT_DIR },
        failOnInvalid: true,
      });
      const v = created.validation!;
      expect(v.n3.rules).toBe('kit');
      expect(v.n3.xsd?.valid).toBe(true);
      expect(Object.keys(v.n3.profiles)).toHaveLength(5);
      expect(Object.keys(v.n1.profiles).length).toBeGreaterThanOrEqual(4);
      expect([v.n3.valid, v.n1.valid, v.valid]).toEqual([true, true, true]);
      expect([v.n3.level, v.n1.level]).toEqual([3, 1]);

      const n3 = parseCrBio(created.n3);
      const n1 = parseCrBio(created.n1);
      expect([n3.level, n1.level]).toEqual([3, 1]);
      expect(n3.report.id).toEqual(model.id);
      expect(n1.report.id).toEqual({ root: `${created.ids.n3}.1` });
      expect(created.ids.n1).not.toBe(created.ids.n3);
      expect(n1.report.setId).toEqual(n3.report.setId);
      expect(n1.report.versionNumber).toBe(n3.report.versionNumber);
      expect(created.ids.version).toBe(model.versionNumber);
      // The same PDF everywhere.
      expect(Buffer.from(created.pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
      expect(pdfCopyOf(created.n3).equals(Buffer.from(created.pdf))).toBe(true);
      expect(pdfCopyOf(created.n1).equals(Buffer.from(created.pdf))).toBe(true);

      const verdict = await verify(created);
      expect(verdict.issues).toEqual([]);
      expect(verdict.valid).toBe(true);
      expect(verdict.manifest.map((m) => m.uri).sort()).toEqual(
        [created.ids.submissionSet!, created.ids.n3, created.ids.n1].map((id) => `urn:oid:${id}`).sort(),
      );
    }, 60_000);
  }
});

describe('createReport outputs', () => {
  it("the PDF's Datamatrix decodes to the patient's INS payload (pdftoppm + dmtxread)", async () => {
    const model = SCENARIOS[0]!.model();
    expect(model.patient.identity.status).toBe('QUAL');
    const created = await createReport(model, { clock: CLOCK, idGenerator: seededIds('dm') });
    const dir = workDir();
    const png = rasterPage1(savePdf(dir, 'report.pdf', created.pdf), dir);
    expect(dmtxread(png).toString('latin1')).toBe(encodeInsDatamatrix(model.patient.identity));
  }, 60_000);

  it('same model + injected clock and ids → byte-identical outputs, signature included', async () => {
    const make = () =>
      createReport(SCENARIOS[1]!.model(), { clock: CLOCK, idGenerator: seededIds('same'), sign: signOpts() });
    const a = await make();
    const b = await make();
    expect(a.ids).toEqual(b.ids);
    for (const k of ['n3', 'n1', 'pdf', 'signature'] as const) {
      expect(Buffer.from(a[k]!).equals(Buffer.from(b[k]!)), k).toBe(true);
    }
    // …and another id seed changes the documents (the injection is really used).
    const c = await createReport(SCENARIOS[1]!.model(), { clock: CLOCK, idGenerator: seededIds('other') });
    expect(Buffer.from(c.n3).equals(Buffer.from(a.n3))).toBe(false);
  }, 60_000);

  it('without sign/validate options returns no signature and no validation', async () => {
    const created = await createReport(SCENARIOS[0]!.model(), { clock: CLOCK, idGenerator: seededIds('x') });
    expect(created.signature).toBeUndefined();
    expect(created.validation).toBeUndefined();
    expect(created.ids.submissionSet).toBeUndefined();
  }, 60_000);
});

describe('createReport failures name the step', () => {
  async function failure(p: Promise<unknown>): Promise<ReportCreationError> {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ReportCreationError);
    return e as ReportCreationError;
  }

  it('model: an invalid model (zod), with the path', async () => {
    const model = SCENARIOS[0]!.model() as unknown as Record<string, unknown>;
    delete model.setId;
    const e = await failure(createReport(model));
    expect(e.step).toBe('model');
    expect(e.code).toBe('REPORT_CREATION_FAILED');
    expect(e.causeCode).toBe('MODEL_INVALID');
    expect(e.message).toContain('setId');
  });

  it('n3: a unit that is not UCUM', async () => {
    const model = SCENARIOS[0]!.model();
    const json = JSON.stringify(model).replace('"umol/L"', '"zorglub"');
    const e = await failure(createReport(JSON.parse(json), { clock: CLOCK }));
    expect(e.step).toBe('n3');
    expect(e.causeCode).toBe('CODE_INVALID');
  }, 60_000);

  it('sign: a key that is not a key', async () => {
    const e = await failure(
      createReport(SCENARIOS[0]!.model(), {
        clock: CLOCK,
        sign: { key: 'not a key', cert: signer.certPem, profile: 'dsg' },
      }),
    );
    expect(e.step).toBe('sign');
    expect(e.causeCode).toMatch(/^KEY_/);
  }, 60_000);

  it('sign: a document id that cannot be an OID (non-numeric extension)', async () => {
    const model = SCENARIOS[0]!.model();
    model.id = { root: model.id.root, extension: 'CR-2024-01' };
    const e = await failure(createReport(model, { sign: signOpts() }));
    expect(e.step).toBe('sign');
    expect(e.message).toContain(`${model.id.root}^CR-2024-01`);
    expect(e.where).toBe('sign');
  });

  it('validate: a document the kit rejects, with failOnInvalid (and not without it)', async () => {
    const kit = rejectingKit();
    const opts = { clock: CLOCK, idGenerator: seededIds('v'), validate: { kit } };
    const e = await failure(createReport(SCENARIOS[0]!.model(), { ...opts, failOnInvalid: true }));
    expect(e.step).toBe('validate');
    expect(e.message).toContain('level 3');
    expect(e.message).not.toContain('level 1'); // the volet schematron only judges level 3
    const kept = await createReport(SCENARIOS[0]!.model(), opts);
    expect(kept.validation?.valid).toBe(false);
    expect(kept.validation?.n1.valid).toBe(true);
  }, 60_000);
});

describe('createReplacement', () => {
  it('version 2: same setId, version + 1, RPLC to version 1 (N3 and N1), passes the pipeline, signed', async () => {
    const v1 = await createReport(SCENARIOS[0]!.model(), { clock: CLOCK, idGenerator: seededIds('v1') });
    const previous = parseCrBio(v1.n3).report;
    const newId = { root: `${previous.setId.root}.2` };
    const v2 = await createReplacement(
      v1.n3,
      { effectiveTime: '20240105090000+0100' },
      {
        newId,
        clock: CLOCK,
        idGenerator: seededIds('v2'),
        sign: signOpts(),
        validate: { kit: KIT_DIR },
        failOnInvalid: true,
      },
    );
    expect(v2.validation?.valid).toBe(true);
    const n3 = parseCrBio(v2.n3).report;
    const n1 = parseCrBio(v2.n1).report;
    expect(n3.setId).toEqual(previous.setId);
    expect(n3.id).toEqual(newId);
    expect(n3.versionNumber).toBe(previous.versionNumber + 1);
    expect(n3.relatedDocument).toMatchObject({ typeCode: 'RPLC', parentId: previous.id });
    expect(n1.relatedDocument).toMatchObject({ typeCode: 'RPLC', parentId: { root: v1.ids.n1 } });
    expect(v2.ids).toMatchObject({
      n3: newId.root,
      n1: `${newId.root}.1`,
      version: previous.versionNumber + 1,
    });
    expect((await verify(v2)).valid).toBe(true);
    // The PDF is rendered again for version 2, not copied from version 1.
    expect(Buffer.from(v2.pdf).equals(Buffer.from(v1.pdf))).toBe(false);
  }, 60_000);

  it('refuses to reuse the previous id (step model) and a level 1 as previous version', async () => {
    const v1 = await createReport(SCENARIOS[0]!.model(), { clock: CLOCK, idGenerator: seededIds('v1') });
    const { report } = parseCrBio(v1.n3);
    const e = await createReplacement(v1.n3, {}, { newId: report.id }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReportCreationError);
    expect((e as ReportCreationError).step).toBe('model');
    expect((e as ReportCreationError).causeCode).toBe('REPLACE_INVALID');
    const e1 = await createReplacement(v1.n1, {}, { newId: { root: '1.2.3.4' } }).catch((x: unknown) => x);
    expect((e1 as ReportCreationError).step).toBe('model');
  }, 60_000);
});
