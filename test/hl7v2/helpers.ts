import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildCrBioN1, buildReport, SCENARIOS } from '../../src/cda/index.js';
import { counterIds, FIXED_CLOCK, tinyPdf } from '../cda/build-helpers.js';
import { SHARED_DIR } from '../helpers/shared.js';

/** The ANS example messages (read-only, never copied). */
export const HL7_EXAMPLES = join(SHARED_DIR, 'hl7v2-examples');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Every example message (not the CDA files nor the READMEs), as paths relative to HL7_EXAMPLES. */
export function exampleMessages(): string[] {
  return walk(HL7_EXAMPLES)
    .filter((f) => !/\.(xml|md)$/i.test(f) && !/\/Readme$/.test(f))
    .map((f) => relative(HL7_EXAMPLES, f))
    .sort();
}

/** The bundled scenario built as CDA bytes (level 3, or level 1 with `level: 1`). */
export async function scenarioCda(name: string, level: 1 | 3 = 3): Promise<Uint8Array> {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name}`);
  const pdf = await tinyPdf();
  const model = s.model();
  if (level === 1)
    return buildCrBioN1({ ...model, level: 1 }, pdf, { clock: FIXED_CLOCK, idGenerator: counterIds() }).bytes;
  return buildReport(model, { pdf, clock: FIXED_CLOCK, idGenerator: counterIds() }).bytes;
}

/** Level-3 scenario names. */
export const LEVEL3_SCENARIOS = SCENARIOS.filter((s) => s.level === 3).map((s) => s.name);

/** The message clock of the tests. */
export { FIXED_CLOCK };
