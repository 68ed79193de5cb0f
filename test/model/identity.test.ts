import { describe, expect, it } from 'vitest';
import {
  INS_C_OID,
  INS_OID,
  insOidSchema,
  insSchema,
  isoDateSchema,
  type PatientIdentity,
  patientIdentitySchema,
} from '../../src/model/index.js';
import { ANS_TEST_IDENTITY } from '../helpers/identity.js';

const ANS: PatientIdentity = ANS_TEST_IDENTITY;

const paths = (v: unknown) =>
  patientIdentitySchema.safeParse(v).error?.issues.map((i) => i.path.join('.')) ?? [];

describe('patient identity model', () => {
  it('accepts the ANS test identity', () => {
    expect(patientIdentitySchema.parse(ANS)).toEqual(ANS);
  });

  it('accepts non-qualified identities without INS, accents allowed', () => {
    expect(
      paths({
        ...ANS,
        status: 'PROV',
        ins: undefined,
        traits: { ...ANS.traits, birthFamilyName: 'Pât-Trois' },
      }),
    ).toEqual([]);
  });

  it('refuses an INS on a non-qualified identity, and a QUAL identity without INS', () => {
    for (const status of ['PROV', 'RECUP', 'VALI']) expect(paths({ ...ANS, status })).toEqual(['ins']);
    expect(paths({ ...ANS, ins: undefined })).toEqual(['ins']);
  });

  it('refuses names outside the INSi alphabet on a qualified identity', () => {
    expect(
      paths({
        ...ANS,
        traits: { ...ANS.traits, birthFamilyName: 'Pat-Trois', firstBirthGivenName: 'DOMINIQUÉ' },
      }),
    ).toEqual(['traits.birthFamilyName', 'traits.firstBirthGivenName']);
  });

  it('refuses the INS-C and unknown OIDs', () => {
    expect(insOidSchema.safeParse(INS_C_OID).success).toBe(false);
    expect(insOidSchema.safeParse('1.2.250.1.213.1.4.12').success).toBe(false);
    expect(Object.values(INS_OID).every((o) => insOidSchema.safeParse(o).success)).toBe(true);
  });

  it('checks the matricule shape (Corsica upper case only)', () => {
    expect(insSchema.safeParse({ matricule: '185052A00412345', oid: INS_OID.NIR }).success).toBe(true);
    expect(insSchema.safeParse({ matricule: '185052a00412345', oid: INS_OID.NIR }).success).toBe(false);
    expect(insSchema.safeParse({ matricule: '27903512151898', oid: INS_OID.NIR }).success).toBe(false);
  });

  it('accepts real calendar dates only', () => {
    expect(isoDateSchema.safeParse('2000-02-29').success).toBe(true);
    expect(isoDateSchema.safeParse('1900-02-29').success).toBe(false);
    expect(isoDateSchema.safeParse('1979-02-30').success).toBe(false);
    expect(isoDateSchema.safeParse('1979-3-28').error?.issues).toHaveLength(1);
  });

  it('lists every problem with its path', () => {
    const bad = {
      status: 'VALI',
      ins: { matricule: '27903512151898', oid: INS_C_OID },
      traits: { ...ANS.traits, sex: 'X', birthDate: '1979-13-01', birthPlaceCog: '5121' },
    };
    expect(paths(bad).sort()).toEqual([
      'ins.matricule',
      'ins.oid',
      'traits.birthDate',
      'traits.birthPlaceCog',
      'traits.sex',
    ]);
  });
});
