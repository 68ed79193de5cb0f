import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type {
  Battery,
  batterySchema,
  CrBioReport,
  crBioReportSchema,
  Observation,
  observationSchema,
  ResultValue,
  resultValueSchema,
  Section,
  sectionSchema,
  validateReport,
} from '../../src/index.js';
import type { sampleReport } from './sample-report.js';

// Type tests, run by vitest's typecheck mode (tsc): a wrong assertion here fails `npm test`.
// The model's public types are hand-written interfaces; each schema is annotated `z.ZodType<T, T>`. That the zod
// object behind each schema infers exactly its interface is asserted where the schema is declared (src/model/*.ts,
// `Assert<Equals<…>>`). Here: what a consumer sees.
describe('model types (hand-written interfaces behind compact schema types)', () => {
  it('exposes the interfaces through the schemas and validateReport', () => {
    expectTypeOf<z.infer<typeof crBioReportSchema>>().toEqualTypeOf<CrBioReport>();
    expectTypeOf<z.input<typeof crBioReportSchema>>().toEqualTypeOf<CrBioReport>();
    expectTypeOf<z.infer<typeof sectionSchema>>().toEqualTypeOf<Section>();
    expectTypeOf<z.infer<typeof observationSchema>>().toEqualTypeOf<Observation>();
    expectTypeOf<z.infer<typeof resultValueSchema>>().toEqualTypeOf<ResultValue>();
    expectTypeOf<z.infer<typeof batterySchema>>().toEqualTypeOf<Battery>();
    expectTypeOf<typeof validateReport>().returns.toEqualTypeOf<CrBioReport>();
    expectTypeOf<Battery>().not.toEqualTypeOf<Section>();
  });

  it('rejects a misspelt field at compile time', () => {
    expectTypeOf<ReturnType<typeof sampleReport>>().toEqualTypeOf<CrBioReport>();
    expectTypeOf<{ versionNumbr: number }>().not.toMatchTypeOf<Partial<CrBioReport>>();
    // @ts-expect-error `versionNumbr` is not a field of CrBioReport
    expectTypeOf<CrBioReport>().toHaveProperty('versionNumbr');
  });
});
