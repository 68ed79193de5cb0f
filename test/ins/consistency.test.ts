import { describe, expect, it } from 'vitest';
import { checkNirConsistency, InsError, type NirConsistencyCode } from '../../src/ins/index.js';
import type { InsTraits } from '../../src/model/identity.js';
import { withKey } from './vectors.js';

type T = Pick<InsTraits, 'sex' | 'birthDate' | 'birthPlaceCog'>;
const ANS: T = { sex: 'F', birthDate: '1979-03-28', birthPlaceCog: '51215' };

// [name, matricule, traits, expected codes (in order), expected severities]
const VECTORS: Array<[string, string, T, NirConsistencyCode[], string[]]> = [
  ['agreeing (ANS test identity)', '279035121518989', ANS, [], []],
  ['wrong sex digit', '279035121518989', { ...ANS, sex: 'M' }, ['NIR_SEX_MISMATCH'], ['error']],
  ['sex unknown', '279035121518989', { ...ANS, sex: 'UN' }, ['NIR_SEX_UNKNOWN'], ['info']],
  [
    'wrong birth month',
    '279035121518989',
    { ...ANS, birthDate: '1979-04-28' },
    ['NIR_BIRTH_MONTH_MISMATCH'],
    ['error'],
  ],
  [
    'wrong birth year',
    '279035121518989',
    { ...ANS, birthDate: '1978-03-28' },
    ['NIR_BIRTH_YEAR_MISMATCH'],
    ['error'],
  ],
  ['another century, same two digits', '279035121518989', { ...ANS, birthDate: '1879-03-28' }, [], []],
  [
    'month not stated (code 20)',
    withKey('1852099352017'),
    { sex: 'M', birthDate: '1985-07-01', birthPlaceCog: '99352' },
    ['NIR_BIRTH_MONTH_UNKNOWN'],
    ['info'],
  ],
  [
    'month not stated (code 51)',
    withKey('1855199352017'),
    { sex: 'M', birthDate: '1985-07-01', birthPlaceCog: '99352' },
    ['NIR_BIRTH_MONTH_UNKNOWN'],
    ['info'],
  ],
  [
    'month code 13 is no month',
    withKey('1851399352017'),
    { sex: 'M', birthDate: '1985-07-01', birthPlaceCog: '99352' },
    ['NIR_BIRTH_MONTH_MISMATCH'],
    ['error'],
  ],
  [
    'Corsica 2A agreeing',
    withKey('185052A004123'),
    { sex: 'M', birthDate: '1985-05-10', birthPlaceCog: '2A004' },
    [],
    [],
  ],
  [
    'Corsica 2B agreeing',
    withKey('285122B033045'),
    { sex: 'F', birthDate: '1985-12-01', birthPlaceCog: '2B033' },
    [],
    [],
  ],
  [
    'Corsica 2A vs 2B',
    withKey('185052A004123'),
    { sex: 'M', birthDate: '1985-05-10', birthPlaceCog: '2B004' },
    ['NIR_BIRTHPLACE_MISMATCH'],
    ['error'],
  ],
  [
    'Corsica 20 before 1976',
    withKey('1600520004123'),
    { sex: 'M', birthDate: '1960-05-10', birthPlaceCog: '2A004' },
    ['NIR_BIRTHPLACE_HISTORICAL'],
    ['info'],
  ],
  [
    'born abroad agreeing',
    withKey('1800699352017'),
    { sex: 'M', birthDate: '1980-06-15', birthPlaceCog: '99352' },
    [],
    [],
  ],
  [
    'born abroad, another country',
    withKey('1800699352017'),
    { sex: 'M', birthDate: '1980-06-15', birthPlaceCog: '99350' },
    ['NIR_BIRTH_COMMUNE_MISMATCH'],
    ['warning'],
  ],
  [
    'NIR abroad, traits France',
    withKey('1800699352017'),
    { sex: 'M', birthDate: '1980-06-15', birthPlaceCog: '75056' },
    ['NIR_BIRTHPLACE_MISMATCH'],
    ['error'],
  ],
  [
    'NIR France, traits abroad',
    '279035121518989',
    { ...ANS, birthPlaceCog: '99352' },
    ['NIR_BIRTHPLACE_MISMATCH'],
    ['error'],
  ],
  [
    'Algeria before independence (91)',
    withKey('1550691352017'),
    { sex: 'M', birthDate: '1955-06-15', birthPlaceCog: '99352' },
    ['NIR_BIRTHPLACE_HISTORICAL'],
    ['info'],
  ],
  [
    'Seine-et-Oise before 1968',
    withKey('1600578646001'),
    { sex: 'M', birthDate: '1960-05-02', birthPlaceCog: '92046' },
    ['NIR_BIRTHPLACE_HISTORICAL'],
    ['info'],
  ],
  [
    'Seine-et-Oise code after 1968 is a mismatch',
    withKey('1700578646001'),
    { sex: 'M', birthDate: '1970-05-02', birthPlaceCog: '92046' },
    ['NIR_BIRTHPLACE_MISMATCH'],
    ['error'],
  ],
  [
    'overseas agreeing (974)',
    withKey('2920697411123'),
    { sex: 'F', birthDate: '1992-06-01', birthPlaceCog: '97411' },
    [],
    [],
  ],
  [
    'overseas 974 vs 972',
    withKey('2920697411123'),
    { sex: 'F', birthDate: '1992-06-01', birthPlaceCog: '97209' },
    ['NIR_BIRTHPLACE_MISMATCH'],
    ['error'],
  ],
  [
    'same department, another commune',
    '279035121518989',
    { ...ANS, birthPlaceCog: '51454' },
    ['NIR_BIRTH_COMMUNE_MISMATCH'],
    ['warning'],
  ],
  [
    'no COG in the traits',
    '279035121518989',
    { sex: 'F', birthDate: '1979-03-28' },
    ['NIR_BIRTHPLACE_UNKNOWN'],
    ['info'],
  ],
  ['temporary number 8 is female', withKey('8790351215189'), ANS, [], []],
  [
    'several at once',
    '279035121518989',
    { sex: 'M', birthDate: '1980-04-28', birthPlaceCog: '75056' },
    ['NIR_SEX_MISMATCH', 'NIR_BIRTH_YEAR_MISMATCH', 'NIR_BIRTH_MONTH_MISMATCH', 'NIR_BIRTHPLACE_MISMATCH'],
    ['error', 'error', 'error', 'error'],
  ],
];

describe('NIR ↔ traits consistency', () => {
  it.each(VECTORS)('%s', (_name, matricule, traits, codes, severities) => {
    const findings = checkNirConsistency(matricule, traits);
    expect(findings.map((f) => f.code)).toEqual(codes);
    expect(findings.map((f) => f.severity)).toEqual(severities);
    for (const f of findings) expect(f.message.length).toBeGreaterThan(10);
  });

  it('names the trait each finding is about', () => {
    expect(
      checkNirConsistency('279035121518989', { ...ANS, sex: 'M', birthPlaceCog: '99352' }).map((f) => f.path),
    ).toEqual(['traits.sex', 'traits.birthPlaceCog']);
  });

  it('throws a typed error for a malformed matricule', () => {
    expect(() => checkNirConsistency('279035121518988', ANS)).toThrow(InsError);
  });
});
