import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  type Battery,
  batterySchema,
  type CrBioReport,
  crBioReportSchema,
  type Observation,
  type observationSchema,
  type ResultValue,
  type resultValueSchema,
  type Section,
  type sectionSchema,
  validateReport,
} from '../../src/index.js';
import { sampleReport } from './sample-report.js';

// The model's public types are hand-written interfaces; each schema is annotated `z.ZodType<T, T>`. That the zod
// object behind each schema infers exactly its interface is asserted where the schema is declared (src/model/*.ts,
// `Assert<Equals<…>>`, checked by `npm run typecheck` and the d.ts build). Here: what a consumer sees.
describe('model types (hand-written interfaces behind compact schema types)', () => {
  it('exposes the interfaces through the schemas and validateReport', () => {
    expectTypeOf<z.infer<typeof crBioReportSchema>>().toEqualTypeOf<CrBioReport>();
    expectTypeOf<z.input<typeof crBioReportSchema>>().toEqualTypeOf<CrBioReport>();
    expectTypeOf<z.infer<typeof sectionSchema>>().toEqualTypeOf<Section>();
    expectTypeOf<z.infer<typeof observationSchema>>().toEqualTypeOf<Observation>();
    expectTypeOf<z.infer<typeof resultValueSchema>>().toEqualTypeOf<ResultValue>();
    expectTypeOf<z.infer<typeof batterySchema>>().toEqualTypeOf<Battery>();
    expectTypeOf(validateReport).returns.toEqualTypeOf<CrBioReport>();
  });

  it('rejects a misspelt field at compile time', () => {
    const r: CrBioReport = sampleReport();
    // @ts-expect-error `versionNumbr` is not a field of CrBioReport
    const bad: CrBioReport = { ...r, versionNumbr: 2 };
    expect(bad).toBeDefined();
  });

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
