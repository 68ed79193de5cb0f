// Shared by the compose and the report/build CLI tests: a test signer, an ANS kit whose volet schematron always
// fails, and the LOINC / French-unit models of issue 17.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { SCENARIOS } from '../../src/cda/index.js';
import type { CrBioReport, Observation } from '../../src/model/index.js';
import { testClock } from '../helpers/clock.js';
import { KIT_DIR } from '../helpers/shared.js';
import { firstObservation } from '../loinc/helpers.js';
import { makeIdentity, type TestIdentity } from '../sign/pki.js';

/** The clock injected for reproducible output: the suite's one clock (inside the test signer's validity). */
export const CLOCK = testClock;

/** An RSA signer valid around TEST_NOW (../sign/pki.js defaults), so CLOCK's signing time is inside its validity. */
export function testSigner(): Promise<TestIdentity> {
  return makeIdentity({ cn: 'compose test lab' });
}

export function tmpDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cisis-compose-${prefix}-`));
}

/**
 * A copy of the ANS kit (symbolic links) whose CR-BIO volet schematron is replaced by one that rejects every
 * document: the builders succeed, the kit validation fails (to test `failOnInvalid`).
 */
export function rejectingKit(): string {
  const kit = tmpDir('kit');
  for (const e of readdirSync(KIT_DIR)) {
    if (e !== 'schematrons') symlinkSync(join(KIT_DIR, e), join(kit, e));
  }
  mkdirSync(join(kit, 'schematrons'));
  for (const e of readdirSync(join(KIT_DIR, 'schematrons'))) {
    if (e !== 'CI-SIS_BIO-CR-BIO_2024.01.sch')
      symlinkSync(join(KIT_DIR, 'schematrons', e), join(kit, 'schematrons', e));
  }
  writeFileSync(
    join(kit, 'schematrons', 'CI-SIS_BIO-CR-BIO_2024.01.sch'),
    `<?xml version="1.0" encoding="UTF-8"?>
<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <ns prefix="cda" uri="urn:hl7-org:v3"/>
  <pattern id="always-fails">
    <rule context="cda:ClinicalDocument">
      <assert test="false()" role="error">test rule: every document is refused</assert>
    </rule>
  </pattern>
</schema>
`,
  );
  return kit;
}

/**
 * For the file's tests: the LOINC index cached in a fresh `XDG_CACHE_HOME` (never the user's) and `CISIS_BIO_LOINC`
 * unset; both restored after.
 */
export function isolateLoincEnv(): void {
  const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, CISIS_BIO_LOINC: process.env.CISIS_BIO_LOINC };
  beforeAll(() => {
    process.env.XDG_CACHE_HOME = tmpDir('xdg');
    delete process.env.CISIS_BIO_LOINC;
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

/** A bundled scenario's model (a fresh copy). */
export function scenarioModel(name: string): CrBioReport {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s.model();
}

/** Model path of the first result of the biochemistry scenario (sodium, 2951-2 SCnc Qn, mmol/L). */
export const SODIUM_CODE = 'sections[0].subSections[0].entry.items[1].code';

/** The biochemistry scenario with its first result (sodium) changed by `mutate`. */
export function mutatedSodium(mutate: (o: Observation) => void): CrBioReport {
  const r = scenarioModel('biochemistry');
  mutate(firstObservation(r));
  return r;
}

/** Units written the way a French lab prints them: every 10*9/L as G/L, every 10*12/L as T/L. */
export function withFrenchUnits(model: CrBioReport): { model: CrBioReport; replaced: number } {
  const json = JSON.stringify(model);
  const replaced = (json.match(/"unit":"10\*(9|12)\/L"/g) ?? []).length;
  const french = json
    .replaceAll('"unit":"10*9/L"', '"unit":"G/L"')
    .replaceAll('"unit":"10*12/L"', '"unit":"T/L"');
  return { model: JSON.parse(french) as CrBioReport, replaced };
}

/** xmllint's XPath (an independent implementation) on a document's bytes. */
export function xmllintXpath(xml: Uint8Array, expr: string): string {
  const file = join(tmpDir('xpath'), 'doc.xml');
  writeFileSync(file, xml);
  return execFileSync('xmllint', ['--xpath', expr, file], { encoding: 'utf8' }).trim();
}
