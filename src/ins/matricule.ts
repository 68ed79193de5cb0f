import { INS_C_OID, INS_OID, type InsOid } from '../model/index.js';
import { InsError, type InsErrorCode } from './errors.js';

/** What an INS OID stands for: the number's authority (NIR from INSEE, NIA from CNAV) and the environment. */
export interface InsOidInfo {
  oid: InsOid;
  authority: 'NIR' | 'NIA';
  environment: 'production' | 'test' | 'demonstration';
}

const OID_INFO: Record<InsOid, InsOidInfo> = {
  [INS_OID.NIR]: { oid: INS_OID.NIR, authority: 'NIR', environment: 'production' },
  [INS_OID.NIA]: { oid: INS_OID.NIA, authority: 'NIA', environment: 'production' },
  [INS_OID.TEST]: { oid: INS_OID.TEST, authority: 'NIR', environment: 'test' },
  [INS_OID.DEMO]: { oid: INS_OID.DEMO, authority: 'NIR', environment: 'demonstration' },
};

/** Whether `oid` is one of the four INS OIDs (the retired INS-C is not). */
export function isInsOid(oid: string): oid is InsOid {
  return Object.hasOwn(OID_INFO, oid);
}

/**
 * Describe an INS OID, or throw an {@link InsError} (`INS_OID_RETIRED` for the INS-C `…4.2`,
 * `INS_OID_UNKNOWN` otherwise).
 * @example insOidInfo('1.2.250.1.213.1.4.9') // { authority: 'NIA', environment: 'production', … }
 */
export function insOidInfo(oid: string): InsOidInfo {
  const problem = oidProblem(oid);
  if (problem) throw new InsError(problem.code, problem.message, { where: 'ins.oid' });
  return OID_INFO[oid as InsOid];
}

function oidProblem(oid: string): { code: InsErrorCode; message: string } | undefined {
  if (oid === INS_C_OID) {
    return { code: 'INS_OID_RETIRED', message: `OID ${oid} is the retired INS-C: it must never be used` };
  }
  if (!isInsOid(oid)) {
    return {
      code: 'INS_OID_UNKNOWN',
      message: `OID ${JSON.stringify(oid)} is not an INS OID (${Object.values(INS_OID).join(', ')})`,
    };
  }
  return undefined;
}

/** A matricule INS that passed {@link checkInsMatricule}, with what its digits say. */
export interface ValidInsMatricule {
  valid: true;
  /** The 15-character matricule (13-character NIR/NIA + 2-digit key). */
  matricule: string;
  /** The 13 characters before the key. */
  body: string;
  /** The 2-digit key. */
  key: string;
  /** First digit: 1/2 definitive number (man/woman), 3/4 person born abroad being registered, 7/8 temporary number. */
  sexDigit: 1 | 2 | 3 | 4 | 7 | 8;
  /** Sex the first digit encodes (odd `M`, even `F`). */
  sex: 'M' | 'F';
  /** True for first digits 3, 4, 7, 8 (not a definitive NIR). */
  temporary: boolean;
  /** Last two digits of the birth year (characters 2–3). */
  birthYear: string;
  /** Birth month code (characters 4–5): `01`–`12`, or a code for an unknown month (20–42, 50–99). */
  birthMonth: string;
  /** Characters 6–10: department + commune (the COG in France), or `99` + country code abroad. */
  birthPlace: string;
  /** Department of birth: 2 characters (`2A`/`2B` in Corsica), 3 digits overseas (97x), `99` abroad. */
  department: string;
  /** Set when the check was given an OID. */
  oidInfo?: InsOidInfo;
}

/** A refused matricule: a stable code and a message saying what is wrong. */
export interface InvalidInsMatricule {
  valid: false;
  code: InsErrorCode;
  message: string;
  /** For `INS_KEY`: the key the body calls for. */
  expectedKey?: string;
}

/** Verdict of {@link checkInsMatricule}. */
export type InsMatriculeCheck = ValidInsMatricule | InvalidInsMatricule;

/** Options of {@link checkInsMatricule}. */
export interface InsMatriculeOptions {
  /** The assigning-authority OID given with the matricule (checked too; `.9` marks a NIA). */
  oid?: string;
}

/**
 * Key of a 13-character NIR/NIA body: 97 − (body mod 97), as 2 digits, with the Corsican departments
 * `2A` read as `19` and `2B` as `18`.
 * @example computeInsKey('2790351215189') // '89'
 */
export function computeInsKey(body: string): string {
  if (!/^\d{5}(?:\d{2}|2A|2B)\d{6}$/.test(body)) {
    throw new InsError(
      'INS_CHARACTERS',
      `NIR/NIA body ${JSON.stringify(body)}: expected 13 characters (digits, or 2A/2B as department)`,
    );
  }
  const numeric = body.slice(0, 5) + body.slice(5, 7).replace('2A', '19').replace('2B', '18') + body.slice(7);
  // 13 digits < 2^53: exact in a double.
  return String(97 - (Number(numeric) % 97)).padStart(2, '0');
}

/**
 * Bring a typed matricule to its canonical form: spaces, dots and hyphens removed, letters upper-cased.
 * The checks never do this themselves: a stored or transmitted matricule must already be canonical.
 * @example normalizeInsMatricule('2 79 03 51 215 189 89') // '279035121518989'
 */
export function normalizeInsMatricule(input: string): string {
  return input.replace(/[\s.-]/g, '').toUpperCase();
}

/**
 * Check a matricule INS (and its OID when given). Never throws: returns `{ valid: true, … }` with what the
 * digits say, or `{ valid: false, code, message }`.
 *
 * Accepted: 15 characters, first digit 1/2 (definitive), 3/4 (born abroad, being registered) or 7/8
 * (temporary), department `2A`/`2B` in upper case for Corsica, and the right key. NIR and NIA share one
 * structure; only the OID (`…4.9`) tells a NIA.
 *
 * @example
 * ```ts
 * checkInsMatricule('279035121518989', { oid: '1.2.250.1.213.1.4.10' }); // { valid: true, sex: 'F', … }
 * checkInsMatricule('279035121518988'); // { valid: false, code: 'INS_KEY', expectedKey: '89', … }
 * ```
 */
export function checkInsMatricule(matricule: string, options?: InsMatriculeOptions): InsMatriculeCheck {
  const fail = (code: InsErrorCode, message: string, expectedKey?: string): InvalidInsMatricule =>
    expectedKey === undefined
      ? { valid: false, code, message }
      : { valid: false, code, message, expectedKey };
  const shown = JSON.stringify(matricule);

  if (/[^0-9A-Za-z]/.test(matricule)) {
    const bad = [...new Set(matricule.replace(/[0-9A-Za-z]/g, ''))].map((c) => JSON.stringify(c)).join(', ');
    return fail(
      'INS_CHARACTERS',
      `matricule INS ${shown}: forbidden character(s) ${bad} (normalizeInsMatricule removes spaces)`,
    );
  }
  if (matricule.length !== 15) {
    return fail(
      'INS_LENGTH',
      `matricule INS ${shown}: ${matricule.length} characters, expected 15 (13-character NIR/NIA + 2-digit key)`,
    );
  }
  const dept = matricule.slice(5, 7);
  if (dept === '2a' || dept === '2b') {
    return fail(
      'INS_LOWER_CASE',
      `matricule INS ${shown}: Corsican department must be upper case (${dept.toUpperCase()})`,
    );
  }
  if (!/^\d{5}(?:\d{2}|2A|2B)\d{8}$/.test(matricule)) {
    return fail(
      'INS_CHARACTERS',
      `matricule INS ${shown}: only digits are allowed, except 2A/2B as department (characters 6-7)`,
    );
  }
  const sexDigit = Number(matricule[0]);
  if (![1, 2, 3, 4, 7, 8].includes(sexDigit)) {
    return fail(
      'INS_SEX_DIGIT',
      `matricule INS ${shown}: first digit ${sexDigit} is not a sex code (1, 2, 3, 4, 7 or 8)`,
    );
  }
  const body = matricule.slice(0, 13);
  const key = matricule.slice(13);
  const expectedKey = computeInsKey(body);
  if (key !== expectedKey) {
    return fail(
      'INS_KEY',
      `matricule INS ${shown}: key ${key} does not match the number (expected ${expectedKey})`,
      expectedKey,
    );
  }
  let oidInfo: InsOidInfo | undefined;
  if (options?.oid !== undefined) {
    const problem = oidProblem(options.oid);
    if (problem) return fail(problem.code, problem.message);
    oidInfo = OID_INFO[options.oid as InsOid];
  }
  const overseas = dept === '97' || dept === '98';
  const ok: ValidInsMatricule = {
    valid: true,
    matricule,
    body,
    key,
    sexDigit: sexDigit as ValidInsMatricule['sexDigit'],
    sex: sexDigit % 2 === 1 ? 'M' : 'F',
    temporary: sexDigit > 2,
    birthYear: matricule.slice(1, 3),
    birthMonth: matricule.slice(3, 5),
    birthPlace: matricule.slice(5, 10),
    department: overseas ? matricule.slice(5, 8) : dept,
  };
  if (oidInfo) ok.oidInfo = oidInfo;
  return ok;
}

/**
 * Like {@link checkInsMatricule}, but throws an {@link InsError} (with the same code) for a refused matricule.
 * @example assertInsMatricule('279035121518989').sex // 'F'
 */
export function assertInsMatricule(matricule: string, options?: InsMatriculeOptions): ValidInsMatricule {
  const r = checkInsMatricule(matricule, options);
  if (!r.valid)
    throw new InsError(r.code, r.message, {
      where: r.code.startsWith('INS_OID') ? 'ins.oid' : 'ins.matricule',
    });
  return r;
}
