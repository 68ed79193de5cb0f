// Pre-build checks of the report model (issue 19 item 4, issue 13 items 13, 14, 17): identifiers, addresses,
// guardian relationship, impossible time stamps, text XML cannot carry — refused at build with the full model path,
// reported as warnings when a received document is read or rebuilt.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCrBio, parseCrBio, SCENARIOS } from '../../src/cda/index.js';
import {
  type CrBioReport,
  checkFiness,
  checkReportForBuild,
  checkRpps,
  ModelValidationError,
  reportFindings,
  tsInterval,
  tsProblem,
} from '../../src/model/index.js';
import { tinyPdf } from '../cda/build-helpers.js';
import { TEST_NOW, testClock } from '../helpers/clock.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';

const pdf = await tinyPdf();

function scenario(name: string): CrBioReport {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s.model();
}

function refusal(m: CrBioReport): ModelValidationError {
  try {
    buildCrBio(m, { pdf, clock: testClock });
  } catch (e) {
    if (e instanceof ModelValidationError) return e;
    throw e;
  }
  throw new Error('the build was not refused');
}

const where = (e: ModelValidationError) => e.issues.map((i) => `${i.where} ${i.code}`);

describe('identifiers refused at build (19.4)', () => {
  it('every bundled scenario uses identifiers whose keys are valid, and builds', () => {
    for (const s of SCENARIOS) {
      expect(reportFindings(s.model(), { now: TEST_NOW }), s.name).toEqual([]);
      if (s.level === 3) expect(() => buildCrBio(s.model(), { pdf, clock: testClock })).not.toThrow();
    }
  });

  it('a wrong RPPS key, a wrong FINESS key and a malformed SIRET are refused with their model paths', () => {
    const m = scenario('biochemistry');
    m.legalAuthenticator.ids = [{ root: '1.2.250.1.71.4.2.1', extension: '801234534765' }]; // ANS fictitious RPPS
    m.custodian.ids = [{ root: '1.2.250.1.71.4.2.2', extension: '1120459876' }]; // ANS fictitious FINESS
    m.authors[0]!.organization = { ids: [{ root: '1.2.250.1.71.4.2.2', extension: '3123456789' }] }; // SIRET, 9 digits
    const e = refusal(m);
    expect(where(e)).toEqual([
      'authors[0].organization.ids[0].extension IDENTIFIER_FORMAT',
      'custodian.ids[0].extension IDENTIFIER_KEY',
      'legalAuthenticator.ids[0].extension IDENTIFIER_KEY',
    ]);
    // Independent check of the keys the messages state (Luhn by hand on the digits).
    expect(checkRpps('01234534765').valid).toBe(false);
    expect(checkFiness('120459876').valid).toBe(false);
    expect(e.message).toContain('expected 4');
  });

  it('the same model rebuilt as a received document only warns', () => {
    const m = scenario('biochemistry');
    m.legalAuthenticator.ids = [{ root: '1.2.250.1.71.4.2.1', extension: '801234534765' }];
    const built = buildCrBio(m, { pdf, clock: testClock, received: true });
    expect(built.warnings?.map((w) => w.where)).toEqual(['legalAuthenticator.ids[0].extension']);
    expect(built.xml).toContain('extension="801234534765"');
  });

  it('parseCrBio reads an official example with the ANS keys and reports each bad key as a warning', () => {
    const { report, warnings } = parseCrBio(readFileSync(join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml')));
    const keys = warnings.filter((w) => w.code === 'IDENTIFIER_KEY');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.map((w) => w.modelPath)).toContain('legalAuthenticator.ids[0].extension');
    expect(report.legalAuthenticator.ids?.[0]?.extension).toBe('801234534765');
  });

  it('an address mixing streetAddressLines with structured parts is refused', () => {
    const m = scenario('biochemistry');
    m.patient.addresses = [
      { streetAddressLines: ['28 avenue de Breteuil'], postalCode: '75007', city: 'Paris' },
    ];
    expect(where(refusal(m))).toEqual(['patient.addresses[0].streetAddressLines ADDRESS_MIXED']);
  });

  it('a guardian relationship code (which the structuration minimale forbids) is refused; without it the guardian builds', () => {
    const m = scenario('biochemistry');
    m.patient.guardians = [
      { code: { code: 'TUTEUR', codeSystem: '1.2.250.1.213.1.1.4.327' }, name: { family: 'NESSI' } },
    ];
    expect(where(refusal(m))).toEqual(['patient.guardians[0].code GUARDIAN_RELATIONSHIP']);
    delete m.patient.guardians[0]!.code;
    expect(() => buildCrBio(m, { pdf, clock: testClock })).not.toThrow();
  });
});

describe('impossible time stamps (13.14)', () => {
  it('tsProblem names what does not exist', () => {
    expect(tsProblem('20240230')).toMatch(/day 30/);
    expect(tsProblem('20230229')).toMatch(/day 29/);
    expect(tsProblem('20240229')).toBeUndefined();
    expect(tsProblem('2024010425')).toMatch(/hour 25/);
    expect(tsProblem('202401041060')).toMatch(/minute 60/);
    expect(tsProblem('20240104101010+9999')).toMatch(/beyond ±14:00/);
    expect(tsProblem('20240104101010+1400')).toBeUndefined();
    expect(tsProblem('20240104101010-1401')).toMatch(/beyond/);
    expect(tsProblem('00000101')).toMatch(/year 0000/);
    expect(tsProblem('20241301')).toMatch(/month 13/);
  });

  it('tsInterval covers the precision and, without a zone, ±14 h', () => {
    expect(tsInterval('20240104120000+0100')).toEqual({
      earliest: Date.parse('2024-01-04T11:00:00Z'),
      latest: Date.parse('2024-01-04T11:00:01Z') - 1,
    });
    const day = tsInterval('20240104');
    expect(day?.earliest).toBe(Date.parse('2024-01-03T10:00:00Z'));
    expect(day?.latest).toBe(Date.parse('2024-01-05T14:00:00Z') - 1);
  });

  it('Feb 30, hour 25, zone +9999 and year 0000 in the model are refused at their paths', () => {
    const m = scenario('biochemistry');
    m.effectiveTime = '20240230120000+0100';
    m.authors[0]!.time = '20240104250000+0100';
    m.serviceEvents[0]!.effectiveTime = { low: '20240104092200+9999', high: '00000104160500+0100' };
    expect(where(refusal(m))).toEqual([
      'effectiveTime TS_IMPOSSIBLE',
      'authors[0].time TS_IMPOSSIBLE',
      'serviceEvents[0].effectiveTime.low TS_IMPOSSIBLE',
      'serviceEvents[0].effectiveTime.high TS_IMPOSSIBLE',
    ]);
  });

  it('a birth date after the injected clock is refused; the same date before it is accepted', () => {
    const m = scenario('biochemistry');
    m.patient.birthTime = '29990101';
    expect(where(refusal(m))).toEqual(['patient.birthTime TS_BIRTH_IN_FUTURE']);
    const born = new Date(TEST_NOW.getTime() + 3 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    m.patient.birthTime = born;
    expect(where(refusal(m))).toEqual(['patient.birthTime TS_BIRTH_IN_FUTURE']);
    // Three days later the patient is born: the same model builds.
    const later = () => new Date(TEST_NOW.getTime() + 5 * 86_400_000);
    expect(() => buildCrBio(m, { pdf, clock: later })).not.toThrow();
  });

  it('a legal authentication before the results is refused', () => {
    const m = scenario('biochemistry');
    m.legalAuthenticator.time = '20240104060000+0100'; // the scenario's results are dated 07:35 that morning
    const e = refusal(m);
    expect(where(e)).toEqual(['legalAuthenticator.time TS_LEGAL_AUTH_BEFORE_RESULTS']);
    expect(e.message).toMatch(/before the result at sections\[0\]/);
  });
});

describe('text the document cannot carry (13.13, 13.17)', () => {
  it('a lone surrogate is refused with the full model path', () => {
    const m = scenario('biochemistry');
    m.patient.identity.usedGivenName = 'DOMI\uD800NIQUE';
    expect(where(refusal(m))).toEqual(['patient.identity.usedGivenName TEXT_LONE_SURROGATE']);
    m.patient.identity.usedGivenName = 'DOMINIQUE \uD83D\uDE00'; // a pair is a character
    expect(() => checkReportForBuild(m, { now: TEST_NOW })).not.toThrow();
  });

  it('a wrong INS key is refused at build with the path from the report root (not "ins.matricule")', async () => {
    const m = scenario('biochemistry');
    m.patient.identity.ins!.matricule = '279035121518988';
    expect(where(refusal(m))).toEqual(['patient.identity.ins.matricule INS_KEY']);
    const { renderReportPdf } = await import('../../src/pdf/index.js');
    await expect(renderReportPdf(m, { clock: testClock })).rejects.toMatchObject({
      where: 'patient.identity.ins.matricule',
    });
  });

  it('a control character is refused at its model path, not at the XML writer', () => {
    const m = scenario('microbiology');
    m.authors[0]!.name = { family: 'CAMPARINI\u0001' };
    expect(where(refusal(m))).toEqual(['authors[0].name.family XML_INVALID_CHARACTER']);
  });
});
