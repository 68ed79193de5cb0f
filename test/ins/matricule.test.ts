import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertInsMatricule,
  checkInsMatricule,
  computeInsKey,
  InsError,
  insOidInfo,
  isInsOid,
  normalizeInsMatricule,
} from '../../src/ins/index.js';
import { INS_OID } from '../../src/model/index.js';
import { nirKey, withKey } from './vectors.js';

const ANS_TEST = '279035121518989'; // ANS examples (TestContenuCDA), OID .10
const ANS_OTHER = '277076322082910'; // also in the ANS examples, OID .8

// Valid vectors: every key is computed by the independent calculator in vectors.ts.
const VALID: Array<{ name: string; matricule: string; oid?: string; expect?: Record<string, unknown> }> = [
  {
    name: 'ANS test identity',
    matricule: ANS_TEST,
    oid: INS_OID.TEST,
    expect: { sex: 'F', birthPlace: '51215' },
  },
  { name: 'ANS example (NIR OID)', matricule: ANS_OTHER, oid: INS_OID.NIR },
  { name: 'man born in Paris', matricule: withKey('1850575123456'), expect: { sex: 'M', department: '75' } },
  {
    name: 'Corsica 2A',
    matricule: withKey('185052A004123'),
    expect: { department: '2A', birthPlace: '2A004' },
  },
  { name: 'Corsica 2B', matricule: withKey('285122B033045'), expect: { department: '2B', sex: 'F' } },
  {
    name: 'born abroad (99)',
    matricule: withKey('1800699352017'),
    expect: { department: '99', birthPlace: '99352' },
  },
  { name: 'overseas (974)', matricule: withKey('2920697411123'), expect: { department: '974' } },
  { name: 'NIA recognised by OID .9', matricule: withKey('1950199100321'), oid: INS_OID.NIA },
  { name: 'temporary number 7', matricule: withKey('7800199135002'), expect: { temporary: true, sex: 'M' } },
  { name: 'temporary number 8', matricule: withKey('8800199135002'), expect: { temporary: true, sex: 'F' } },
  {
    name: 'foreign-born being registered 3',
    matricule: withKey('3700199216001'),
    expect: { temporary: true, sex: 'M' },
  },
  {
    name: 'foreign-born being registered 4',
    matricule: withKey('4700199216001'),
    expect: { temporary: true, sex: 'F' },
  },
  { name: 'demonstration OID .11', matricule: ANS_TEST, oid: INS_OID.DEMO },
  { name: 'unknown birth month code 20', matricule: withKey('1852099352017'), expect: { birthMonth: '20' } },
];

// Refusals: [name, matricule, oid?, expected code].
const INVALID: Array<[string, string, string | undefined, string]> = [
  ['wrong key (last digit)', '279035121518988', undefined, 'INS_KEY'],
  ['wrong key (00)', '279035121518900', undefined, 'INS_KEY'],
  ['wrong key (98, out of range)', '279035121518998', undefined, 'INS_KEY'],
  ['swapped month digits', '279305121518989', undefined, 'INS_KEY'],
  ['Corsica 2A with the 2B key', `185052A004123${nirKey('185052B004123')}`, undefined, 'INS_KEY'],
  ['Corsica key computed as if 2A were 20', `185052A004123${nirKey('1850520004123')}`, undefined, 'INS_KEY'],
  ['NIA OID with a wrong key', '195019910032100', INS_OID.NIA, 'INS_KEY'],
  ['lower-case 2a', withKey('185052A004123').replace('2A', '2a'), undefined, 'INS_LOWER_CASE'],
  ['lower-case 2b', withKey('285122B033045').replace('2B', '2b'), undefined, 'INS_LOWER_CASE'],
  ['14 characters', ANS_TEST.slice(0, 14), undefined, 'INS_LENGTH'],
  ['16 characters', `${ANS_TEST}0`, undefined, 'INS_LENGTH'],
  ['13 characters (no key)', ANS_TEST.slice(0, 13), undefined, 'INS_LENGTH'],
  ['empty', '', undefined, 'INS_LENGTH'],
  ['spaces', '2 79 03 51 215 189 89', undefined, 'INS_CHARACTERS'],
  ['trailing space', `${ANS_TEST} `, undefined, 'INS_CHARACTERS'],
  ['hyphens', '2-79-03-51-215-189-89', undefined, 'INS_CHARACTERS'],
  ['full-width digits', '２７９０３５１２１５１８９８９', undefined, 'INS_CHARACTERS'],
  ['letter in the key', '27903512151898A', undefined, 'INS_CHARACTERS'],
  ['letters only', 'ABCDEFGHIJKLMNO', undefined, 'INS_CHARACTERS'],
  ['department 2C', '185052C00412300', undefined, 'INS_CHARACTERS'],
  ['A without the 2 (1A)', '185051A00412300', undefined, 'INS_CHARACTERS'],
  ['lower-case letter elsewhere', '27903512151898a', undefined, 'INS_CHARACTERS'],
  ['first digit 0', withKey('0790351215189'), undefined, 'INS_SEX_DIGIT'],
  ['first digit 5', withKey('5790351215189'), undefined, 'INS_SEX_DIGIT'],
  ['first digit 9', withKey('9790351215189'), undefined, 'INS_SEX_DIGIT'],
  ['retired INS-C OID', ANS_TEST, '1.2.250.1.213.1.4.2', 'INS_OID_RETIRED'],
  ['wrong OID …4.5', ANS_TEST, '1.2.250.1.213.1.4.5', 'INS_OID_UNKNOWN'],
  ['OID …4.12 (not in the kit)', ANS_TEST, '1.2.250.1.213.1.4.12', 'INS_OID_UNKNOWN'],
];

describe('matricule INS vectors', () => {
  it('has at least 30 vectors', () => {
    expect(VALID.length + INVALID.length).toBeGreaterThanOrEqual(30);
  });

  it.each(VALID)('valid: $name', ({ matricule, oid, expect: fields }) => {
    const r = checkInsMatricule(matricule, oid === undefined ? undefined : { oid });
    expect(r).toMatchObject({ valid: true, matricule, key: matricule.slice(13), ...fields });
  });

  it.each(INVALID)('invalid: %s', (_name, matricule, oid, code) => {
    const r = checkInsMatricule(matricule, oid === undefined ? undefined : { oid });
    expect(r.valid).toBe(false);
    if (r.valid) return;
    expect(r.code).toBe(code);
    expect(r.message).toContain(code.startsWith('INS_OID') ? String(oid) : JSON.stringify(matricule));
    expect(() => assertInsMatricule(matricule, oid === undefined ? undefined : { oid })).toThrow(
      expect.objectContaining({ code }),
    );
  });
});

describe('matricule INS details', () => {
  it('computes the key of the ANS example (2790351215189 mod 97 = 8 → 89)', () => {
    expect(2790351215189 % 97).toBe(8);
    expect(computeInsKey('2790351215189')).toBe('89');
  });

  it('agrees with the independent calculator on random bodies, Corsica included', () => {
    const body = fc
      .tuple(
        fc.constantFrom('1', '2', '3', '4', '7', '8'),
        fc.stringMatching(/^\d{4}$/),
        fc.constantFrom('01', '2A', '2B', '75', '97', '99'),
        fc.stringMatching(/^\d{6}$/),
      )
      .map((p) => p.join(''));
    fc.assert(
      fc.property(body, (b) => {
        expect(computeInsKey(b)).toBe(nirKey(b));
        expect(checkInsMatricule(b + nirKey(b)).valid).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('pads one-digit keys and reaches 97', () => {
    // Find bodies whose keys are 97 (body ≡ 0 mod 97) and 05, from the independent calculator.
    const base = 1850575000000;
    const k97 = String(base + ((97 - (base % 97)) % 97));
    expect(nirKey(k97)).toBe('97');
    expect(checkInsMatricule(`${k97}97`)).toMatchObject({ valid: true, key: '97' });
    const k05 = String(base + ((92 - (base % 97) + 97) % 97));
    expect(nirKey(k05)).toBe('05');
    expect(checkInsMatricule(`${k05}05`)).toMatchObject({ valid: true, key: '05' });
  });

  it('reports the expected key on INS_KEY', () => {
    expect(checkInsMatricule('279035121518988')).toMatchObject({
      valid: false,
      code: 'INS_KEY',
      expectedKey: '89',
    });
  });

  it('normalises typed matricules without validating them', () => {
    expect(normalizeInsMatricule('2 79 03 51 215 189 89')).toBe(ANS_TEST);
    expect(normalizeInsMatricule('1 85 05 2a 004 123 xx')).toBe('185052A004123XX');
    expect(checkInsMatricule(normalizeInsMatricule(' 2.79.03.51.215.189-89 ')).valid).toBe(true);
  });

  it('describes the OIDs and tells NIA by OID', () => {
    expect(insOidInfo(INS_OID.NIA)).toMatchObject({ authority: 'NIA', environment: 'production' });
    expect(insOidInfo(INS_OID.TEST)).toMatchObject({ authority: 'NIR', environment: 'test' });
    expect(isInsOid('1.2.250.1.213.1.4.2')).toBe(false);
    expect(() => insOidInfo('1.2.250.1.213.1.4.2')).toThrow(InsError);
    const r = checkInsMatricule(withKey('1950199100321'), { oid: INS_OID.NIA });
    expect(r.valid && r.oidInfo?.authority).toBe('NIA');
  });

  it('throws a typed error with where', () => {
    try {
      assertInsMatricule('279035121518989', { oid: '1.2.250.1.213.1.4.2' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InsError);
      expect((e as InsError).where).toBe('ins.oid');
    }
  });
});
