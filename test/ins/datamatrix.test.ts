import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeInsDatamatrix,
  encodeInsDatamatrix,
  INS_DATAMATRIX_GS,
  INS_DATAMATRIX_HEADER,
  InsError,
  showGs,
} from '../../src/ins/index.js';
import { INS_OID, type PatientIdentity, patientIdentitySchema } from '../../src/model/index.js';
import { ANS_TEST_IDENTITY } from '../helpers/identity.js';
import { PROJECT_ROOT } from '../helpers/shared.js';
import { withKey } from './vectors.js';

const ANS: PatientIdentity = ANS_TEST_IDENTITY;
const ANS_PAYLOAD =
  'IS010000000000000000000000S1279035121518989S21.2.250.1.213.1.4.10S3DOMINIQUE MARIE-LOUISE\x1DS4PAT-TROIS\x1DS5FS628-03-1979S751215';

function errorOf(f: () => unknown): InsError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InsError);
    return e as InsError;
  }
  throw new Error('expected an InsError');
}

describe('INS Datamatrix: encode', () => {
  it('encodes the ANS test identity to the exact payload', () => {
    expect(INS_DATAMATRIX_HEADER).toBe('IS010000000000000000000000');
    expect(INS_DATAMATRIX_HEADER).toHaveLength(26);
    expect(encodeInsDatamatrix(ANS)).toBe(ANS_PAYLOAD);
  });

  it('encodes examples/identity.json (the same identity, with used names) to the same payload', () => {
    const json = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'examples/identity.json'), 'utf8'));
    expect(encodeInsDatamatrix(json)).toBe(ANS_PAYLOAD);
  });

  it('closes a 19-character OID with <GS>, not a 20-character one', () => {
    expect(INS_OID.NIR).toHaveLength(19);
    expect(INS_OID.TEST).toHaveLength(20);
    const nir = encodeInsDatamatrix({ ...ANS, ins: { matricule: '279035121518989', oid: INS_OID.NIR } });
    expect(nir).toContain(`S2${INS_OID.NIR}${INS_DATAMATRIX_GS}S3`);
    const nia = encodeInsDatamatrix({ ...ANS, ins: { matricule: '279035121518989', oid: INS_OID.NIA } });
    expect(nia).toContain(`S2${INS_OID.NIA}${INS_DATAMATRIX_GS}S3`);
    const demo = encodeInsDatamatrix({ ...ANS, ins: { matricule: '279035121518989', oid: INS_OID.DEMO } });
    expect(demo).toContain(`S2${INS_OID.DEMO}S3`);
    expect(ANS_PAYLOAD).toContain(`S2${INS_OID.TEST}S3`);
  });

  it('omits S7 when the birthplace is unknown', () => {
    const { birthPlaceCog: _, ...traits } = ANS.traits;
    const p = encodeInsDatamatrix({ ...ANS, traits });
    expect(p.endsWith('S5FS628-03-1979')).toBe(true);
    expect(p).not.toContain('S7');
  });

  it('gives no <GS> to a 100-character name and refuses 101', () => {
    const given100 = `${'A'.repeat(49)} ${'B'.repeat(50)}`;
    const p = encodeInsDatamatrix({
      ...ANS,
      traits: { ...ANS.traits, birthGivenNames: given100, firstBirthGivenName: 'A'.repeat(49) },
    });
    expect(p).toContain(`S3${given100}S4PAT-TROIS${INS_DATAMATRIX_GS}S5`);
    expect(decodeInsDatamatrix(p).traits.birthGivenNames).toBe(given100);
    const e = errorOf(() =>
      encodeInsDatamatrix({ ...ANS, traits: { ...ANS.traits, birthFamilyName: 'X'.repeat(101) } }),
    );
    expect(e.code).toBe('DATAMATRIX_TOO_LONG');
    expect(e.where).toBe('traits.birthFamilyName');
  });

  it.each([
    ['VALI without INS', { ...ANS, status: 'VALI', ins: undefined }],
    ['PROV without INS', { ...ANS, status: 'PROV', ins: undefined }],
    ['RECUP carrying an INS', { ...ANS, status: 'RECUP' }],
  ])('refuses a non-qualified identity: %s', (_n, identity) => {
    const e = errorOf(() => encodeInsDatamatrix(identity as PatientIdentity));
    expect(e.code).toBe('INS_NOT_QUALIFIED');
    expect(e.message).toContain('QUAL');
  });

  it.each([
    [
      'a wrong matricule key',
      { ...ANS, ins: { matricule: '279035121518988', oid: INS_OID.TEST } },
      'INS_KEY',
      'ins.matricule',
    ],
    [
      'an INS-C OID',
      { ...ANS, ins: { matricule: '279035121518989', oid: '1.2.250.1.213.1.4.2' } },
      'INS_IDENTITY_INVALID',
      'ins.oid',
    ],
    [
      'a lower-case name',
      { ...ANS, traits: { ...ANS.traits, birthFamilyName: 'Pat-Trois' } },
      'INS_TRAIT_ALPHABET',
      'traits.birthFamilyName',
    ],
    [
      'an accented given name',
      { ...ANS, traits: { ...ANS.traits, birthGivenNames: 'DOMINIQUE MARIE-LOUÏSE' } },
      'INS_TRAIT_ALPHABET',
      'traits.birthGivenNames',
    ],
    ['sex UN', { ...ANS, traits: { ...ANS.traits, sex: 'UN' } }, 'DATAMATRIX_SEX', 'traits.sex'],
    [
      'an impossible date',
      { ...ANS, traits: { ...ANS.traits, birthDate: '1979-02-30' } },
      'INS_IDENTITY_INVALID',
      'traits.birthDate',
    ],
  ])('refuses %s', (_n, identity, code, where) => {
    const e = errorOf(() => encodeInsDatamatrix(identity as PatientIdentity));
    expect(e.code).toBe(code);
    expect(e.where).toBe(where);
  });
});

describe('INS Datamatrix: decode', () => {
  it('decodes the ANS payload, raw or with visible <GS>', () => {
    const expected = { status: 'QUAL', ins: ANS.ins, traits: ANS.traits };
    expect(decodeInsDatamatrix(ANS_PAYLOAD)).toEqual(expected);
    expect(showGs(ANS_PAYLOAD)).toBe(
      'IS010000000000000000000000S1279035121518989S21.2.250.1.213.1.4.10S3DOMINIQUE MARIE-LOUISE<GS>S4PAT-TROIS<GS>S5FS628-03-1979S751215',
    );
    expect(decodeInsDatamatrix(showGs(ANS_PAYLOAD))).toEqual(expected);
  });

  it.each([
    ['wrong header', ANS_PAYLOAD.replace('IS01', 'IS02'), 'DATAMATRIX_HEADER', 'header'],
    [
      'missing <GS> after S3',
      ANS_PAYLOAD.replace(`LOUISE${INS_DATAMATRIX_GS}`, 'LOUISE'),
      'DATAMATRIX_GS',
      'S3',
    ],
    [
      '<GS> after a 20-character OID',
      ANS_PAYLOAD.replace('4.10S3', `4.10${INS_DATAMATRIX_GS}S3`),
      'DATAMATRIX_GS',
      'S2',
    ],
    ['missing <GS> after a 19-character OID', ANS_PAYLOAD.replace('4.10S3', '4.8S3'), 'DATAMATRIX_GS', 'S2'],
    [
      'S4 before S3',
      ANS_PAYLOAD.replace(
        `S3DOMINIQUE MARIE-LOUISE${INS_DATAMATRIX_GS}S4PAT-TROIS${INS_DATAMATRIX_GS}`,
        `S4PAT-TROIS${INS_DATAMATRIX_GS}S3DOMINIQUE MARIE-LOUISE${INS_DATAMATRIX_GS}`,
      ),
      'DATAMATRIX_FIELD',
      'S3',
    ],
    ['sex X', ANS_PAYLOAD.replace('S5F', 'S5X'), 'DATAMATRIX_SEX', 'S5'],
    ['ISO date', ANS_PAYLOAD.replace('28-03-1979', '1979-03-28'), 'DATAMATRIX_DATE', 'S6'],
    ['30 February', ANS_PAYLOAD.replace('28-03-1979', '30-02-1979'), 'DATAMATRIX_DATE', 'S6'],
    ['bad COG', ANS_PAYLOAD.replace('S751215', 'S75121X'), 'DATAMATRIX_COG', 'S7'],
    ['trailing text', `${ANS_PAYLOAD}${INS_DATAMATRIX_GS}`, 'DATAMATRIX_TRAILING', 'S7'],
    ['short S7', ANS_PAYLOAD.slice(0, -1), 'DATAMATRIX_FIELD', 'S7'],
    ['wrong matricule key', ANS_PAYLOAD.replace('518989', '518988'), 'INS_KEY', 'S1'],
    ['not an INS OID', ANS_PAYLOAD.replace('4.10S3', `4.5${INS_DATAMATRIX_GS}S3`), 'INS_OID_UNKNOWN', 'S2'],
    ['lower-case name', ANS_PAYLOAD.replace('PAT-TROIS', 'Pat-Trois'), 'INS_TRAIT_ALPHABET', 'S4'],
  ])('refuses %s', (_n, payload, code, where) => {
    const e = errorOf(() => decodeInsDatamatrix(payload));
    expect(e.code).toBe(code);
    expect(e.where).toBe(where);
  });
});

describe('INS Datamatrix: round trip', () => {
  const name = (max: number) =>
    fc
      .array(fc.stringMatching(/^[A-Z][A-Z'-]{0,15}$/), { minLength: 1, maxLength: 6 })
      .map((w) => w.join(' '))
      .filter((s) => s.length <= max);
  const identity: fc.Arbitrary<PatientIdentity> = fc
    .record({
      body: fc
        .tuple(
          fc.constantFrom('1', '2', '7', '8'),
          fc.stringMatching(/^\d{4}$/),
          fc.constantFrom('2A', '2B', '51', '99', '97'),
          fc.stringMatching(/^\d{6}$/),
        )
        .map((p) => p.join('')),
      oid: fc.constantFrom(INS_OID.NIR, INS_OID.NIA, INS_OID.TEST, INS_OID.DEMO),
      given: name(100),
      family: name(100),
      sex: fc.constantFrom('F' as const, 'M' as const),
      date: fc.date({ min: new Date('1900-01-01'), max: new Date('2025-12-31'), noInvalidDate: true }),
      cog: fc.option(fc.stringMatching(/^(?:\d{5}|2[AB]\d{3})$/), { nil: undefined }),
    })
    .map((r) => {
      const traits: PatientIdentity['traits'] = {
        birthFamilyName: r.family,
        birthGivenNames: r.given,
        firstBirthGivenName: r.given.split(' ')[0]!,
        sex: r.sex,
        birthDate: r.date.toISOString().slice(0, 10),
      };
      if (r.cog !== undefined) traits.birthPlaceCog = r.cog;
      return { status: 'QUAL' as const, ins: { matricule: withKey(r.body), oid: r.oid }, traits };
    });

  it('decode(encode(identity)) gives the identity back, and encode(decode(p)) the payload', () => {
    fc.assert(
      fc.property(identity, (id) => {
        expect(patientIdentitySchema.safeParse(id).success).toBe(true);
        const p = encodeInsDatamatrix(id);
        const back = decodeInsDatamatrix(p);
        expect(back).toEqual(id);
        expect(encodeInsDatamatrix(back)).toBe(p);
        // <GS> count: one per variable field shorter than its maximum.
        const expectedGs = [
          id.ins!.oid.length < 20,
          id.traits.birthGivenNames.length < 100,
          id.traits.birthFamilyName.length < 100,
        ].filter(Boolean).length;
        expect(p.split(INS_DATAMATRIX_GS).length - 1).toBe(expectedGs);
      }),
      { numRuns: 200 },
    );
  });
});
