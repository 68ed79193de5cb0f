import { describe, expect, it } from 'vitest';
import {
  assertQualifiedIdentity,
  canCarryIns,
  checkInsTrait,
  checkInsTraits,
  InsError,
  normalizeInsTrait,
} from '../../src/ins/index.js';
import { INS_OID } from '../../src/model/index.js';

describe('INSi trait alphabet', () => {
  it.each([
    ['Hélène', 'HELENE'],
    ['  jean   pierre ', 'JEAN PIERRE'],
    ['d’Aubigné', "D'AUBIGNE"],
    ['ŒUF-Ærø', 'OEUF-AERO'],
    ['François–Xavier', 'FRANCOIS-XAVIER'],
    ['NGUYỄN', 'NGUYEN'],
    ['Müller', 'MULLER'],
    ['Strauß', 'STRAUSS'],
  ])('normalises %j to %j', (input, out) => {
    expect(normalizeInsTrait(input)).toBe(out);
    expect(checkInsTrait(normalizeInsTrait(input))).toEqual([]);
  });

  it('keeps characters it cannot map, so the check reports them', () => {
    expect(normalizeInsTrait('Jean-Paul II.')).toBe('JEAN-PAUL II.');
    expect(normalizeInsTrait('Louis 14')).toBe('LOUIS 14');
    expect(checkInsTrait('LOUIS 14')).toEqual(['1', '4']);
  });

  it('lists the characters outside A-Z, space, hyphen, apostrophe', () => {
    expect(checkInsTrait("PAT-TROIS D'ARC")).toEqual([]);
    expect(checkInsTrait('Dupont')).toEqual(['u', 'p', 'o', 'n', 't']);
    expect(checkInsTrait('HÉLÈNE')).toEqual(['É', 'È']);
  });

  it('checks the three name traits with paths', () => {
    const f = checkInsTraits({
      birthFamilyName: 'PAT-TROIS',
      birthGivenNames: 'Dominique',
      firstBirthGivenName: '',
    });
    expect(f.map((x) => [x.path, x.code])).toEqual([
      ['traits.birthGivenNames', 'INS_TRAIT_ALPHABET'],
      ['traits.firstBirthGivenName', 'INS_TRAIT_ALPHABET'],
    ]);
  });
});

describe('identity status', () => {
  it('lets only QUAL carry the INS', () => {
    expect(canCarryIns('QUAL')).toBe(true);
    for (const s of ['PROV', 'RECUP', 'VALI'] as const) expect(canCarryIns(s)).toBe(false);
  });

  it('asserts a qualified identity and returns its INS', () => {
    const ins = { matricule: '279035121518989', oid: INS_OID.TEST };
    expect(assertQualifiedIdentity({ status: 'QUAL', ins })).toBe(ins);
    expect(() => assertQualifiedIdentity({ status: 'VALI', ins })).toThrow(
      expect.objectContaining({ code: 'INS_NOT_QUALIFIED' }),
    );
    expect(() => assertQualifiedIdentity({ status: 'QUAL' })).toThrow(InsError);
  });
});
