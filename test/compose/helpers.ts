// Shared by the compose and report CLI tests: a test signer and an ANS kit whose volet schematron always fails.
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testClock } from '../helpers/clock.js';
import { KIT_DIR } from '../helpers/shared.js';
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
