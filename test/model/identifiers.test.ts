import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkAdeli,
  checkFiness,
  checkRpps,
  checkSiren,
  checkSiret,
  formatIdnps,
  formatIdnst,
  IDNPS_OID,
  IDNST_OID,
  IdentifierError,
  LA_POSTE_SIREN,
  luhnIsValid,
  luhnKey,
  parseIdnps,
  parseIdnst,
} from '../../src/model/identifiers.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';
import { luhnDigit, withLuhn, wrongLast } from '../ins/vectors.js';

const RPPS = withLuhn('1000359180');
const FINESS = withLuhn('75000000');
const SIREN = withLuhn('73282932'); // any 8-digit body: the key comes from the independent calculator
const SIRET = withLuhn(`${SIREN}0001`);

describe('Luhn', () => {
  it('matches the textbook example and the independent calculator', () => {
    expect(luhnKey('7992739871')).toBe('3'); // the classic Luhn example
    expect(luhnIsValid('79927398713')).toBe(true);
    expect(luhnIsValid('79927398710')).toBe(false);
    for (const body of ['0', '12345', '1000359180', '35600000000'])
      expect(luhnKey(body)).toBe(luhnDigit(body));
  });
});

describe('identifier vectors', () => {
  it.each([
    ['RPPS valid', () => checkRpps(RPPS), true, []],
    ['RPPS wrong key', () => checkRpps(wrongLast(RPPS)), false, ['IDENTIFIER_KEY']],
    ['RPPS 10 digits', () => checkRpps(RPPS.slice(1)), false, ['IDENTIFIER_FORMAT']],
    ['RPPS with a letter', () => checkRpps(`A${RPPS.slice(1)}`), false, ['IDENTIFIER_FORMAT']],
    ['ADELI valid format', () => checkAdeli('751234567'), true, []],
    ['ADELI Corsica', () => checkAdeli('2A1234567'), true, []],
    ['ADELI 8 characters', () => checkAdeli('75123456'), false, ['IDENTIFIER_FORMAT']],
    ['FINESS valid', () => checkFiness(FINESS), true, []],
    ['FINESS wrong key', () => checkFiness(wrongLast(FINESS)), false, ['IDENTIFIER_KEY']],
    ['FINESS Corsica (key not checked)', () => checkFiness('2A0000013'), true, ['IDENTIFIER_KEY_UNCHECKED']],
    ['FINESS 2C', () => checkFiness('2C0000013'), false, ['IDENTIFIER_FORMAT']],
    ['SIREN valid', () => checkSiren(SIREN), true, []],
    ['SIREN wrong key', () => checkSiren(wrongLast(SIREN)), false, ['IDENTIFIER_KEY']],
    ['SIREN La Poste', () => checkSiren(LA_POSTE_SIREN), true, []],
    ['SIRET valid', () => checkSiret(SIRET), true, []],
    ['SIRET wrong key', () => checkSiret(wrongLast(SIRET)), false, ['IDENTIFIER_KEY']],
    ['SIRET 13 digits', () => checkSiret(SIRET.slice(1)), false, ['IDENTIFIER_FORMAT']],
    ['SIRET La Poste head office (Luhn)', () => checkSiret('35600000000048'), true, []],
    [
      'SIRET La Poste establishment (digit sum multiple of 5, Luhn fails)',
      () => checkSiret('35600000049837'),
      true,
      [],
    ],
    [
      'SIRET La Poste, digit sum not a multiple of 5',
      () => checkSiret('35600000049838'),
      false,
      ['IDENTIFIER_KEY'],
    ],
  ] as const)('%s', (_n, run, valid, codes) => {
    const r = run();
    expect(r.valid).toBe(valid);
    expect(r.findings.map((f) => f.code)).toEqual(codes);
  });

  it('the La Poste vectors exercise the exception (Luhn fails, digit sum % 5 = 0)', () => {
    expect(luhnIsValid('35600000049837')).toBe(false);
    expect([...'35600000049837'].reduce((s, c) => s + Number(c), 0) % 5).toBe(0);
    expect(luhnIsValid('35600000000048')).toBe(true);
  });

  it('gives the expected key on a wrong one', () => {
    const f = checkRpps(wrongLast(RPPS)).findings[0]!;
    expect(f.expectedKey).toBe(RPPS.slice(-1));
    expect(f.severity).toBe('error');
    expect(f.kind).toBe('RPPS');
  });

  it('strict mode throws a typed error carrying the findings', () => {
    expect(() => checkRpps(RPPS, { strict: true })).not.toThrow();
    try {
      checkFiness(wrongLast(FINESS), { strict: true });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IdentifierError);
      expect((e as IdentifierError).code).toBe('IDENTIFIER_KEY');
      expect((e as IdentifierError).findings).toHaveLength(1);
    }
    // Info findings never throw.
    expect(checkFiness('2A0000013', { strict: true }).valid).toBe(true);
  });
});

describe('IDNPS / IDNST prefixes', () => {
  it('formats and parses professionals (8 RPPS, 0 ADELI, 3 staff)', () => {
    expect(formatIdnps({ kind: 'RPPS', value: RPPS })).toBe(`8${RPPS}`);
    expect(formatIdnps({ kind: 'ADELI', value: '751234567' })).toBe('0751234567');
    expect(parseIdnps(`8${RPPS}`)).toMatchObject({ kind: 'RPPS', value: RPPS, valid: true, findings: [] });
    expect(parseIdnps('0751234567')).toMatchObject({ kind: 'ADELI', value: '751234567', valid: true });
    expect(parseIdnps(`3${FINESS}/LAB042`)).toMatchObject({
      kind: 'STAFF',
      value: `${FINESS}/LAB042`,
      valid: true,
    });
    expect(parseIdnps('9123')).toMatchObject({
      kind: 'UNKNOWN',
      valid: false,
      findings: [{ code: 'IDENTIFIER_PREFIX' }],
    });
  });

  it('formats and parses organisations (1 FINESS, 2 SIREN, 3 SIRET, 4 RPPS office)', () => {
    expect(formatIdnst({ kind: 'FINESS', value: FINESS })).toBe(`1${FINESS}`);
    expect(formatIdnst({ kind: 'SIRET', value: SIRET })).toBe(`3${SIRET}`);
    expect(parseIdnst(`1${FINESS}`)).toMatchObject({ kind: 'FINESS', value: FINESS, valid: true });
    expect(parseIdnst(`2${SIREN}`)).toMatchObject({ kind: 'SIREN', valid: true });
    expect(parseIdnst(`3${SIRET}`)).toMatchObject({ kind: 'SIRET', valid: true });
    expect(parseIdnst(`3${wrongLast(SIRET)}`)).toMatchObject({
      kind: 'SIRET',
      valid: false,
      findings: [{ code: 'IDENTIFIER_KEY' }],
    });
  });

  it('strict formatting refuses a bad key', () => {
    expect(() => formatIdnps({ kind: 'RPPS', value: wrongLast(RPPS) }, { strict: true })).toThrow(
      IdentifierError,
    );
    expect(formatIdnps({ kind: 'RPPS', value: wrongLast(RPPS) })).toBe(`8${wrongLast(RPPS)}`);
  });

  it('loads every national id of the official CR-BIO examples, fictitious keys reported as findings', () => {
    const ids: Array<{ root: string; ext: string }> = [];
    for (const name of ['BIO-CR-BIO_2024.01_TSH_1.xml', 'BIO-CR-BIO_2024.01_Electrophorese.xml']) {
      const xml = readFileSync(resolve(EXAMPLES_DIR, name), 'utf8');
      for (const m of xml.matchAll(/<id\b[^>]*>/g)) {
        const root = /root="([^"]+)"/.exec(m[0])?.[1];
        const ext = /extension="([^"]+)"/.exec(m[0])?.[1];
        if (ext && (root === IDNPS_OID || root === IDNST_OID)) ids.push({ root, ext });
      }
    }
    expect(ids.length).toBeGreaterThan(5);
    const results = ids.map(({ root, ext }) => (root === IDNPS_OID ? parseIdnps(ext) : parseIdnst(ext)));
    // The examples' RPPS 01234534765 and FINESS 120459876 are fictitious: wrong keys, yet they load.
    expect(
      results.some((r) => r.kind === 'RPPS' && r.findings.some((f) => f.code === 'IDENTIFIER_KEY')),
    ).toBe(true);
    expect(
      results.some((r) => r.kind === 'FINESS' && r.findings.some((f) => f.code === 'IDENTIFIER_KEY')),
    ).toBe(true);
    expect(parseIdnps('801234534765')).toMatchObject({ kind: 'RPPS', value: '01234534765', valid: false });
    expect(parseIdnst('1120459876')).toMatchObject({ kind: 'FINESS', value: '120459876', valid: false });
  });
});
