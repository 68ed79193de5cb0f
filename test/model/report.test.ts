import { describe, expect, it } from 'vitest';
import { CisisBioError } from '../../src/common/errors.js';
import { hl7Ts, ModelValidationError, reportStatus, validateReport } from '../../src/model/index.js';
import { sampleReport } from './sample-report.js';

describe('CR-BIO report model', () => {
  it('accepts a valid report and keeps decimals as written', () => {
    const r = validateReport(sampleReport());
    const item = r.sections[0]?.kind === 'chapter' ? r.sections[0].entry?.items[0] : undefined;
    expect(item?.kind === 'observation' && item.value?.type === 'PQ' ? item.value.value : null).toBe('1.950');
    expect(reportStatus(r)).toBe('final');
  });

  it('lists every problem of a model with five distinct problems in one error', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a deliberately broken model
    const bad = sampleReport() as unknown as Record<string, any>;
    bad.versionNumber = 0; // 1: not positive
    bad.effectiveTime = '2021-04-01'; // 2: not an HL7 TS
    bad.patient.identity.status = 'PROV'; // 3: INS on a non-qualified identity
    bad.sections[0].entry.items[0].value.value = '1,950'; // 4: decimal comma
    bad.authors = []; // 5: no author
    let err: unknown;
    try {
      validateReport(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelValidationError);
    expect(err).toBeInstanceOf(CisisBioError);
    const e = err as ModelValidationError;
    expect(e.code).toBe('MODEL_INVALID');
    expect(e.issues.map((i) => i.where).sort()).toEqual(
      [
        'authors',
        'effectiveTime',
        'patient.identity.ins',
        'sections[0].entry.items[0].value.value',
        'versionNumber',
      ].sort(),
    );
    for (const w of ['authors', 'effectiveTime', 'patient.identity.ins', 'versionNumber'])
      expect(e.message).toContain(w);
  });

  it('points into nested batteries instead of reporting the whole union item', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a deliberately broken model
    const bad = sampleReport() as unknown as Record<string, any>;
    const obs = bad.sections[0].entry.items[0];
    bad.sections[0].entry.items[0] = {
      kind: 'battery',
      status: 'completed',
      components: [{ ...obs, value: { type: 'PQ', value: '1.950', unit: 'm g' } }, { kind: 'comment' }],
    };
    try {
      validateReport(bad);
      expect.unreachable();
    } catch (e) {
      expect((e as ModelValidationError).issues.map((i) => i.where)).toEqual([
        'sections[0].entry.items[0].components[0].value.unit',
        'sections[0].entry.items[0].components[1].text',
      ]);
    }
  });

  it('makes HL7 time stamps from a Date with an offset', () => {
    const d = new Date('2024-01-04T06:35:21Z');
    expect(hl7Ts(d, 60)).toBe('20240104073521+0100');
    expect(hl7Ts(d, -300, 'minute')).toBe('202401040135-0500');
    expect(hl7Ts(new Date('2024-07-01T10:00:00Z'))).toBe('20240701120000+0200');
    expect(hl7Ts(d, 0, 'day')).toBe('20240104');
  });
});
