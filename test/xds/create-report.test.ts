import { describe, expect, it } from 'vitest';
import { SCENARIOS, seededIds } from '../../src/cda/index.js';
import { createReport, ReportCreationError } from '../../src/compose/index.js';
import { checkXdsMetadata, toProvideAndRegister } from '../../src/xds/index.js';
import { TEST_NOW, testClock } from '../helpers/clock.js';
import { seededUuids, testSigner } from './helpers.js';

describe('createReport(…, { submission })', () => {
  it('returns the submission of N3, N1 and the signature with consistent ids', async () => {
    const id = await testSigner();
    const out = await createReport(SCENARIOS[0]!.model(), {
      clock: testClock,
      idGenerator: seededIds('xds'),
      sign: { key: id.keyPem, cert: id.certPem, profile: 'dsg' },
      submission: {
        submissionSet: { sourceId: '1.2.250.1.999.9.1', contentTypeCode: { code: '07' } },
        uuid: seededUuids(),
        visibility: { hiddenFromProfessionals: true },
      },
    });
    const s = out.submission!;
    expect(s.submissionSet.uniqueId).toBe(out.ids.submissionSet);
    expect(s.submissionSet.submissionTime).toBe(TEST_NOW.toISOString().replace(/[-:T]/g, '').slice(0, 14));
    expect(s.documents.map((d) => d.uniqueId)).toEqual([
      out.ids.n3,
      out.ids.n1,
      `${out.ids.submissionSet}.0`,
    ]);
    expect(s.documents[0]?.confidentialityCodes.map((c) => c.code)).toEqual(['N', 'MASQUE_PS']);
    const docs = new Map([
      [s.documents[0]!.entryUUID, out.n3],
      [s.documents[1]!.entryUUID, out.n1],
      [s.documents[2]!.entryUUID, out.signature!],
    ]);
    expect(checkXdsMetadata(toProvideAndRegister(s, docs)).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('without signature: the set id defaults to <N3>.2; a submission failure is step "submission"', async () => {
    const out = await createReport(SCENARIOS[0]!.model(), {
      clock: testClock,
      idGenerator: seededIds('xds'),
      submission: {
        submissionSet: { sourceId: '1.2.250.1.999.9.1', contentTypeCode: { code: '07' } },
        uuid: seededUuids(),
      },
    });
    expect(out.submission?.submissionSet.uniqueId).toBe(`${out.ids.n3}.2`);
    expect(out.submission?.documents).toHaveLength(2);
    const bad = createReport(SCENARIOS[0]!.model(), {
      clock: testClock,
      idGenerator: seededIds('xds'),
      submission: { submissionSet: { sourceId: 'not-an-oid', contentTypeCode: { code: '07' } } },
    });
    await expect(bad).rejects.toBeInstanceOf(ReportCreationError);
    await expect(bad).rejects.toMatchObject({ step: 'submission', causeCode: 'XDS_OPTION' });
  });
});
