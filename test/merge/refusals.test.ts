// Issue 13.18: merge refuses what is not a CR-BIO and a report merged with itself, with typed errors; and
// composeMerged (issue 20.3) runs the same steps as the CLI (merge → PDF → level 3 → kit).
import { describe, expect, it } from 'vitest';
import { parseCrBio, seededIds } from '../../src/cda/index.js';
import { composeMerged, MergedReportInvalidError } from '../../src/compose/index.js';
import { MergeError, mergeSubcontracted } from '../../src/merge/index.js';
import { rejectingKit } from '../compose/helpers.js';
import { testClock } from '../helpers/clock.js';
import { KIT_DIR } from '../helpers/shared.js';
import { example, GLYCEMIE, reissuedBySubcontractor, SUB_LAB, TSH } from './fixtures.js';

const refusal = (fn: () => unknown): MergeError => {
  try {
    fn();
  } catch (e) {
    return e as MergeError;
  }
  throw new Error('not refused');
};

describe('merge refusals', () => {
  it('another volet (AVC-AUNV_2022.01, code 34133-9) as sub or as main → MERGE_NOT_CR_BIO', () => {
    const avc = example('AVC-AUNV_2022.01.xml');
    for (const [main, sub, role] of [
      [example(TSH), avc, 'sub'],
      [avc, example(TSH), 'main'],
    ] as const) {
      const e = refusal(() => mergeSubcontracted(main, sub));
      expect(e).toBeInstanceOf(MergeError);
      expect(e).toMatchObject({ code: 'MERGE_NOT_CR_BIO', where: role });
      expect(e.message).toContain('34133-9');
    }
  });
  it('a CDA with code 11502-2 but without the CR-BIO volet templateId → MERGE_NOT_CR_BIO', () => {
    const text = Buffer.from(example(GLYCEMIE)).toString('utf8');
    const noVolet = text.replace(/<templateId root="1\.2\.250\.1\.213\.1\.1\.1\.55"[^>]*\/>/, '');
    expect(noVolet).not.toBe(text);
    const e = refusal(() => mergeSubcontracted(example(TSH), noVolet));
    expect(e).toMatchObject({ code: 'MERGE_NOT_CR_BIO' });
    expect(e.message).toContain('1.2.250.1.213.1.1.1.55');
  });
  it('the same report as main and sub (same id, as bytes or as a model) → MERGE_SAME_DOCUMENT', () => {
    const e = refusal(() => mergeSubcontracted(example(TSH), example(TSH)));
    expect(e).toMatchObject({ code: 'MERGE_SAME_DOCUMENT' });
    const model = parseCrBio(example(TSH)).report;
    expect(refusal(() => mergeSubcontracted(example(TSH), model))).toMatchObject({
      code: 'MERGE_SAME_DOCUMENT',
    });
  });
});

describe('composeMerged', () => {
  it('merges, renders the new PDF and passes the kit; a fixed clock and ids give the same bytes twice', async () => {
    const sub = reissuedBySubcontractor(GLYCEMIE);
    const opts = () => ({ kit: KIT_DIR, clock: testClock, idGenerator: seededIds('merged') });
    const a = await composeMerged(example(TSH), sub, opts());
    expect(a.validation?.valid, JSON.stringify(a.validation?.xsd)).toBe(true);
    expect(a.merge.mode).toBe('structured');
    const merged = parseCrBio(a.n3).report;
    expect(Buffer.from(merged.pdf!.data, 'base64').equals(Buffer.from(a.pdf))).toBe(true);
    const performers = merged.sections.flatMap((s) =>
      s.kind === 'chapter' ? (s.subSections ?? []).map((x) => x.entry.performer?.organization?.name) : [],
    );
    expect(performers).toContain(SUB_LAB.name);
    const b = await composeMerged(example(TSH), reissuedBySubcontractor(GLYCEMIE), opts());
    expect(Buffer.from(b.n3).equals(Buffer.from(a.n3))).toBe(true);
  }, 60_000);
  it('a result the kit rejects → MergedReportInvalidError naming the failed profile', async () => {
    const e = await composeMerged(example(TSH), reissuedBySubcontractor(GLYCEMIE), {
      kit: rejectingKit(),
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MergedReportInvalidError);
    expect((e as MergedReportInvalidError).failed.length).toBeGreaterThan(0);
    expect((e as MergedReportInvalidError).code).toBe('MERGED_REPORT_INVALID');
  }, 60_000);
});
