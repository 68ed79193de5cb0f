import { describe, expect, it } from 'vitest';
import { ReplaceError, replaceReport } from '../../src/cda/index.js';
import { ModelValidationError, type Observation } from '../../src/model/index.js';
import { sampleReport } from '../model/sample-report.js';

describe('replaceReport', () => {
  it('makes the next version: new id, same setId, version + 1, RPLC to the previous id', () => {
    const v1 = sampleReport();
    const sections = structuredClone(v1.sections);
    const chapter = sections[0];
    if (chapter?.kind !== 'chapter' || !chapter.entry) throw new Error('chapter expected');
    (chapter.entry.items[0] as Observation).value = { type: 'PQ', value: '2.100', unit: 'm[IU]/L' };
    const v2 = replaceReport(
      v1,
      { sections },
      { newId: { root: '1.2.250.1.213.1.1.1.55.2024.9.2' }, effectiveTime: '20210402090000+0100' },
    );
    expect(v2.id).toEqual({ root: '1.2.250.1.213.1.1.1.55.2024.9.2' });
    expect(v2.setId).toEqual(v1.setId);
    expect(v2.versionNumber).toBe(2);
    expect(v2.effectiveTime).toBe('20210402090000+0100');
    expect(v2.relatedDocument).toEqual({
      typeCode: 'RPLC',
      parentId: v1.id,
      parentVersionNumber: 1,
    });
    const obs = v2.sections[0]?.kind === 'chapter' ? v2.sections[0].entry?.items[0] : undefined;
    expect(obs?.kind === 'observation' && obs.value).toEqual({ type: 'PQ', value: '2.100', unit: 'm[IU]/L' });
    // The previous version is untouched.
    const old = v1.sections[0]?.kind === 'chapter' ? v1.sections[0].entry?.items[0] : undefined;
    expect(old?.kind === 'observation' && old.value).toEqual({ type: 'PQ', value: '1.950', unit: 'm[IU]/L' });
    expect(v1.relatedDocument).toBeUndefined();
    // A third version chains on the second.
    const v3 = replaceReport(v2, {}, { newId: { root: '1.2.250.1.213.1.1.1.55.2024.9.3' } });
    expect(v3.versionNumber).toBe(3);
    expect(v3.relatedDocument?.parentId).toEqual(v2.id);
    expect(v3.effectiveTime).toBe(v2.effectiveTime);
  });

  it('refuses to reuse the previous id and validates the changes', () => {
    const v1 = sampleReport();
    expect(() => replaceReport(v1, {}, { newId: { ...v1.id } })).toThrow(ReplaceError);
    expect(() =>
      replaceReport(
        v1,
        { effectiveTime: 'yesterday' },
        { newId: { root: '1.2.250.1.213.1.1.1.55.2024.9.2' } },
      ),
    ).toThrow(ModelValidationError);
  });
});
