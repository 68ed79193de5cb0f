// Shared by the `cisis-bio build|report --loinc --normalise-units` tests (issue 17): each test file's folder, the
// models it writes there, and the LOINC cases both commands are run on.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect } from 'vitest';
import type { Observation } from '../../src/model/index.js';
import {
  isolateLoincEnv,
  mutatedSodium,
  SODIUM_CODE,
  scenarioModel,
  tmpDir,
  withFrenchUnits,
} from '../compose/helpers.js';
import { firstObservation, releaseWith } from '../loinc/helpers.js';

/** A test file's folder (`dir`, set before its tests run) and the writers of its models. */
export interface LoincCliFiles {
  dir: string;
  /** `model` as JSON in `dir/<name>.json`; its path. */
  writeModel(name: string, model: unknown): string;
  /** The biochemistry scenario with its first result (sodium) changed, written as `<name>.json`. */
  sodium(name: string, mutate: (o: Observation) => void): string;
}

/**
 * For a test file: the LOINC index cached in a fresh XDG_CACHE_HOME and CISIS_BIO_LOINC unset (isolateLoincEnv),
 * and a fresh folder for its models and outputs.
 */
export function loincCliFiles(prefix: string): LoincCliFiles {
  isolateLoincEnv();
  const files: LoincCliFiles = {
    dir: '',
    writeModel(name, model) {
      const p = join(files.dir, `${name}.json`);
      writeFileSync(p, JSON.stringify(model));
      return p;
    },
    sodium: (name, mutate) => files.writeModel(name, mutatedSodium(mutate)),
  };
  beforeAll(() => {
    files.dir = tmpDir(prefix);
  });
  return files;
}

/**
 * Sodium (2951-2, Qn) with a coded value ("Négatif", SNOMED CT), written as `qn-coded.json`; `expectRefused` checks
 * the stderr both commands write (the LOINC_SCALE error at its model path, the count, "nothing written").
 */
export function qnCodedCase(files: LoincCliFiles): { model: string; expectRefused(err: string): void } {
  const model = files.sodium('qn-coded', (o) => {
    o.value = { type: 'CD', code: '260385009', codeSystem: '2.16.840.1.113883.6.96', displayName: 'Négatif' };
  });
  return {
    model,
    expectRefused(err) {
      expect(err).toContain(
        `cisis-bio: error: LOINC_SCALE ${SODIUM_CODE}: LOINC 2951-2 is quantitative (Qn)`,
      );
      expect(err).toContain('cisis-bio: LOINC: 1 errors, 0 warnings');
      expect(err).toContain('cisis-bio: 1 LOINC error(s): nothing written');
    },
  };
}

/** A LOINC release (the fixture's terms) plus 90000-1, a DEPRECATED sodium mapped to 2951-2: a LOINC_STATUS warning. */
export function deprecatedSodiumRelease(): string {
  return releaseWith(
    [['90000-1', 'Sodium', 'SCnc', 'Ser/Plas', 'Qn', 'DEPRECATED', 'Test-only deprecated term']],
    [['90000-1', '2951-2']],
  );
}

/** Run `run` with CISIS_BIO_LOINC set to `dir` (the default table of both commands), unset after. */
export async function withLoincEnv<T>(dir: string, run: () => Promise<T>): Promise<T> {
  process.env.CISIS_BIO_LOINC = dir;
  try {
    return await run();
  } finally {
    delete process.env.CISIS_BIO_LOINC;
  }
}

/** Sodium (mmol/L) coded 2345-7, an MCnc term, written as `mcnc.json`: the LOINC_PROPERTY error both commands print. */
export function mcncCase(files: LoincCliFiles): { model: string; finding: RegExp } {
  const model = files.sodium('mcnc', (o) => {
    o.code.code = '2345-7';
  });
  const finding = /error: LOINC_PROPERTY \S+: LOINC 2345-7 is MCnc .* the unit mmol\/L is substance\/volume/;
  return { model, finding };
}

/**
 * Sodium coded 90000-1, written as `deprecated.json`, and the release where that code is DEPRECATED; `expectWarned`
 * checks the stderr both commands write (the warning at its model path, the replacement, the count).
 */
export function deprecatedCase(files: LoincCliFiles): {
  model: string;
  release: string;
  expectWarned(err: string): void;
  /** XPath (string) of the code written in the document: `90000-1`, as given. */
  codeXpath: string;
} {
  const model = files.sodium('deprecated', (o) => {
    o.code.code = '90000-1';
  });
  return {
    model,
    release: deprecatedSodiumRelease(),
    expectWarned(err) {
      expect(err).toContain(`cisis-bio: warning: LOINC_STATUS ${SODIUM_CODE}:`);
      expect(err).toContain('use 2951-2 instead (MAP_TO)');
      expect(err).toContain('LOINC: 0 errors, 1 warnings');
    },
    codeXpath: "string(//*[local-name()='observation']/*[local-name()='code'][@code='90000-1']/@code)",
  };
}

/**
 * A LOINC release (the fixture's terms) whose `LoincTable/MapTo.csv` is a directory: reading it fails with EISDIR.
 * `expectUnreadable` checks the stderr both commands write: LOINC_TABLE_UNREADABLE at that path, no raw error.
 */
export function unreadableRelease(): { release: string; expectUnreadable(err: string): void } {
  const release = releaseWith([]);
  const mapTo = join(release, 'LoincTable', 'MapTo.csv');
  mkdirSync(mapTo);
  return {
    release,
    expectUnreadable(err) {
      expect(err).toContain('LOINC_TABLE_UNREADABLE');
      expect(err).toContain(`(at ${mapTo})`);
      expect(err).not.toMatch(/^Error: EISDIR/m);
    },
  };
}

/**
 * The haematology scenario with its units written the French way (G/L, T/L) and its first result (a count, G/L)
 * recoded 2345-7 (MCnc), written as `haem-mcnc.json`. With `--normalise-units --loinc`, both commands print the unit
 * rewrites, then the LOINC_PROPERTY error on 10*9/L; `expectRewritesThenFinding` checks that order on stderr.
 */
export function haemRecodedCase(files: LoincCliFiles): {
  model: string;
  expectRewritesThenFinding(err: string): void;
} {
  const { model } = withFrenchUnits(scenarioModel('haematology'));
  firstObservation(model).code.code = '2345-7';
  return {
    model: files.writeModel('haem-mcnc', model),
    expectRewritesThenFinding(err) {
      const rewrite = err.indexOf(
        'cisis-bio: unit: sections[0].entry.items[0].components[0].value.unit: G/L → 10*9/L',
      );
      const finding = err.search(/cisis-bio: error: LOINC_PROPERTY \S+: LOINC 2345-7 .*the unit 10\*9\/L/);
      expect(rewrite, err).toBeGreaterThanOrEqual(0);
      expect(finding, err).toBeGreaterThan(rewrite);
      expect(err).toContain('cisis-bio: 1 LOINC error(s): nothing written');
    },
  };
}
