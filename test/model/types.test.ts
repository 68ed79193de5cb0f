import { describe, expect, it } from 'vitest';
import { type Battery, batterySchema, crBioReportSchema } from '../../src/index.js';
import { sampleReport } from './sample-report.js';

// Compile-time assertions on the model types live in types.test-d.ts (vitest typecheck); here, the run-time side.
describe('model schemas at run time', () => {
  it('still validates nested batteries at run time', () => {
    const nested: Battery = {
      kind: 'battery',
      status: 'completed',
      components: [
        {
          kind: 'battery',
          status: 'completed',
          components: [
            { kind: 'comment', text: 'x' },
            { kind: 'media', mediaType: 'image/png', data: '' },
          ],
        },
      ],
    };
    expect(batterySchema.parse(nested)).toEqual(nested);
    const bad = { ...nested, components: [{ kind: 'battery', status: 'done', components: [] }] };
    const r = batterySchema.safeParse(bad);
    expect(r.success).toBe(false);
    expect(crBioReportSchema.parse(sampleReport())).toEqual(sampleReport());
  });
});
