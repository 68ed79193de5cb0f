import type { InsTraits } from '../model/index.js';
import { assertInsMatricule } from './matricule.js';

/**
 * Codes of the NIR ↔ traits consistency check.
 * - `NIR_SEX_MISMATCH` (error): the first digit's sex (odd M, even F) differs from the traits' sex.
 * - `NIR_SEX_UNKNOWN` (info): traits sex `UN`, nothing to compare.
 * - `NIR_BIRTH_YEAR_MISMATCH` (error): characters 2–3 differ from the birth year's last two digits.
 * - `NIR_BIRTH_MONTH_MISMATCH` (error): characters 4–5 are a month (01–12) other than the birth month, or no valid code.
 * - `NIR_BIRTH_MONTH_UNKNOWN` (info): characters 4–5 are 20–42 or 50–99, the code INSEE uses when the civil
 *   status does not give the month; nothing to compare.
 * - `NIR_BIRTHPLACE_MISMATCH` (error): department differs, or one says abroad (`99`) and the other France.
 * - `NIR_BIRTH_COMMUNE_MISMATCH` (warning): same department (or both abroad) but another commune/country
 *   code — communes merge and get new codes, so this may be legitimate.
 * - `NIR_BIRTHPLACE_HISTORICAL` (info): a difference explained by history: Corsica `20` before the 1976
 *   split into 2A/2B, Seine (75) / Seine-et-Oise (78) before the 1968 re-division into 91–95, Algeria,
 *   Morocco and Tunisia (91–96) before independence.
 * - `NIR_BIRTHPLACE_UNKNOWN` (info): the traits carry no COG.
 */
export type NirConsistencyCode =
  | 'NIR_SEX_MISMATCH'
  | 'NIR_SEX_UNKNOWN'
  | 'NIR_BIRTH_YEAR_MISMATCH'
  | 'NIR_BIRTH_MONTH_MISMATCH'
  | 'NIR_BIRTH_MONTH_UNKNOWN'
  | 'NIR_BIRTHPLACE_MISMATCH'
  | 'NIR_BIRTH_COMMUNE_MISMATCH'
  | 'NIR_BIRTHPLACE_HISTORICAL'
  | 'NIR_BIRTHPLACE_UNKNOWN';

/** One observation of {@link checkNirConsistency}; the caller decides what to do with each severity. */
export interface NirConsistencyFinding {
  code: NirConsistencyCode;
  severity: 'error' | 'warning' | 'info';
  /** The trait compared, as a path in a `PatientIdentity`. */
  path: 'traits.sex' | 'traits.birthDate' | 'traits.birthPlaceCog';
  message: string;
}

/**
 * Compare what a matricule INS encodes (sex, birth year and month, birthplace) with the INSi traits.
 * Returns findings (empty when everything agrees); throws an `InsError` only for a malformed matricule.
 *
 * @example
 * ```ts
 * checkNirConsistency('279035121518989', { sex: 'F', birthDate: '1979-03-28', birthPlaceCog: '51215', … }); // []
 * checkNirConsistency('279035121518989', { sex: 'M', … })[0].code; // 'NIR_SEX_MISMATCH'
 * ```
 */
export function checkNirConsistency(
  matricule: string,
  traits: Pick<InsTraits, 'sex' | 'birthDate' | 'birthPlaceCog'>,
): NirConsistencyFinding[] {
  const nir = assertInsMatricule(matricule);
  const out: NirConsistencyFinding[] = [];
  const add = (
    code: NirConsistencyCode,
    severity: NirConsistencyFinding['severity'],
    path: NirConsistencyFinding['path'],
    message: string,
  ) => out.push({ code, severity, path, message });

  // Sex.
  if (traits.sex === 'UN')
    add('NIR_SEX_UNKNOWN', 'info', 'traits.sex', 'sex UN: the NIR sex digit cannot be compared');
  else if (traits.sex !== nir.sex) {
    add(
      'NIR_SEX_MISMATCH',
      'error',
      'traits.sex',
      `NIR first digit ${nir.sexDigit} means ${nir.sex}, traits say ${traits.sex}`,
    );
  }

  // Birth year and month.
  const [year, month] = traits.birthDate.split('-') as [string, string, string];
  if (nir.birthYear !== year.slice(2)) {
    add(
      'NIR_BIRTH_YEAR_MISMATCH',
      'error',
      'traits.birthDate',
      `NIR birth year ${nir.birthYear}, traits birth year ${year}`,
    );
  }
  const nm = Number(nir.birthMonth);
  if ((nm >= 20 && nm <= 42) || nm >= 50) {
    add(
      'NIR_BIRTH_MONTH_UNKNOWN',
      'info',
      'traits.birthDate',
      `NIR month code ${nir.birthMonth}: month not stated in the civil status`,
    );
  } else if (nir.birthMonth !== month) {
    add(
      'NIR_BIRTH_MONTH_MISMATCH',
      'error',
      'traits.birthDate',
      nm >= 1 && nm <= 12
        ? `NIR birth month ${nir.birthMonth}, traits birth month ${month}`
        : `NIR month code ${nir.birthMonth} is not a month`,
    );
  }

  // Birthplace.
  const cog = traits.birthPlaceCog;
  if (cog === undefined) {
    add(
      'NIR_BIRTHPLACE_UNKNOWN',
      'info',
      'traits.birthPlaceCog',
      'no birthplace COG in the traits: NIR characters 6-10 not compared',
    );
    return out;
  }
  const place = nir.birthPlace;
  if (place === cog) return out;
  const nirDept = place.slice(0, 2);
  const cogDept = cog.slice(0, 2);
  const birthYear = Number(year);
  const where = 'traits.birthPlaceCog' as const;
  const versus = `NIR birthplace ${place}, traits COG ${cog}`;
  if (nirDept === '20' && (cogDept === '2A' || cogDept === '2B')) {
    add('NIR_BIRTHPLACE_HISTORICAL', 'info', where, `${versus}: Corsica was department 20 before 1976`);
  } else if (
    (nirDept === '75' || nirDept === '78') &&
    ['91', '92', '93', '94', '95'].includes(cogDept) &&
    birthYear < 1968
  ) {
    add(
      'NIR_BIRTHPLACE_HISTORICAL',
      'info',
      where,
      `${versus}: Seine / Seine-et-Oise before the 1968 departments`,
    );
  } else if (['91', '92', '93', '94', '95', '96'].includes(nirDept) && cogDept === '99') {
    add(
      'NIR_BIRTHPLACE_HISTORICAL',
      'info',
      where,
      `${versus}: Algeria, Morocco or Tunisia before independence`,
    );
  } else if (nirDept === '99' || cogDept === '99') {
    if (nirDept === cogDept)
      add('NIR_BIRTH_COMMUNE_MISMATCH', 'warning', where, `${versus}: another country code`);
    else
      add(
        'NIR_BIRTHPLACE_MISMATCH',
        'error',
        where,
        `${versus}: ${nirDept === '99' ? 'the NIR says born abroad' : 'the traits say born abroad'}`,
      );
  } else {
    const deptLen = nirDept === '97' || nirDept === '98' ? 3 : 2;
    if (place.slice(0, deptLen) !== cog.slice(0, deptLen)) {
      add('NIR_BIRTHPLACE_MISMATCH', 'error', where, `${versus}: another department`);
    } else {
      add(
        'NIR_BIRTH_COMMUNE_MISMATCH',
        'warning',
        where,
        `${versus}: same department, another commune code (merged commune?)`,
      );
    }
  }
  return out;
}
