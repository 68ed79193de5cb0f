/**
 * French health-care identifiers of professionals and organisations: RPPS, ADELI, FINESS, SIREN, SIRET,
 * and the national identifiers (IDNPS/IDNST) that CDA and XDS carry with a one-digit type prefix.
 *
 * Key checks return **findings** rather than throwing: the official ANS examples use fictitious numbers
 * whose keys are wrong, and a parser must still load them. Pass `{ strict: true }` to turn any finding of
 * severity `error` into an {@link IdentifierError}.
 *
 * @example
 * ```ts
 * const r = checkRpps('01234534765'); // fictitious number of the ANS examples: wrong key
 * if (!r.valid) console.warn(r.findings.map((f) => f.message));
 * checkFiness('120459876', { strict: true }); // throws IdentifierError (code IDENTIFIER_KEY) if the key is wrong
 * ```
 * @module
 */
import { z } from 'zod';
import { CisisBioError } from '../common/errors.js';

/** OID of the national identifiers of health professionals (IDNPS), as `id@root` in CDA. */
export const IDNPS_OID = '1.2.250.1.71.4.2.1';
/** OID of the national identifiers of health organisations (IDNST), as `id@root` in CDA. */
export const IDNST_OID = '1.2.250.1.71.4.2.2';

/** The identifier schemes this module checks. */
export type IdentifierKind = 'RPPS' | 'ADELI' | 'FINESS' | 'SIREN' | 'SIRET' | 'IDNPS' | 'IDNST';

/**
 * Stable code of an identifier finding.
 * - `IDENTIFIER_FORMAT`: wrong length or characters.
 * - `IDENTIFIER_KEY`: the check digit does not match.
 * - `IDENTIFIER_PREFIX`: an IDNPS/IDNST whose type prefix is unknown.
 * - `IDENTIFIER_KEY_UNCHECKED`: the key could not be checked (no documented algorithm, e.g. Corsican FINESS).
 */
export type IdentifierFindingCode =
  | 'IDENTIFIER_FORMAT'
  | 'IDENTIFIER_KEY'
  | 'IDENTIFIER_PREFIX'
  | 'IDENTIFIER_KEY_UNCHECKED';

/** One problem (or remark) found on an identifier. `error` findings make the identifier invalid. */
export interface IdentifierFinding {
  code: IdentifierFindingCode;
  severity: 'error' | 'info';
  kind: IdentifierKind;
  /** The value that was checked. */
  value: string;
  message: string;
  /** For `IDENTIFIER_KEY`: the key digit the body calls for, when it can be computed. */
  expectedKey?: string;
}

/** Result of an identifier check: `valid` is false when at least one finding has severity `error`. */
export interface IdentifierCheck<K extends IdentifierKind = IdentifierKind> {
  kind: K;
  value: string;
  valid: boolean;
  findings: IdentifierFinding[];
}

/** Options of the identifier checks. */
export interface IdentifierCheckOptions {
  /** Throw an {@link IdentifierError} instead of returning error findings. Default `false`. */
  strict?: boolean;
}

/** Thrown by identifier checks in strict mode; `findings` holds every error finding. */
export class IdentifierError extends CisisBioError {
  readonly findings: IdentifierFinding[];
  constructor(findings: IdentifierFinding[], where?: string) {
    const first = findings[0];
    super(
      first?.code ?? 'IDENTIFIER_FORMAT',
      findings.map((f) => f.message).join('; '),
      where ? { where } : undefined,
    );
    this.findings = findings;
  }
}

// ---------------------------------------------------------------------------------------------
// Luhn

/**
 * Whether a string of digits passes the Luhn (mod 10) check, its last digit being the key.
 * @example luhnIsValid('79927398713') // true
 */
export function luhnIsValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  return luhnSum(digits, false) % 10 === 0;
}

/**
 * The Luhn key digit to append to `body` (a string of digits) so that the whole passes {@link luhnIsValid}.
 * Throws a `CisisBioError` (code `IDENTIFIER_FORMAT`) when `body` is not all digits.
 * @example luhnKey('7992739871') // '3'
 */
export function luhnKey(body: string): string {
  if (!/^\d+$/.test(body))
    throw new CisisBioError('IDENTIFIER_FORMAT', `Luhn body must be digits, got ${JSON.stringify(body)}`);
  return String((10 - (luhnSum(body, true) % 10)) % 10);
}

/** Luhn sum; `doubleLast` is true when computing a key (the rightmost body digit gets doubled). */
function luhnSum(digits: string, doubleLast: boolean): number {
  let sum = 0;
  for (let i = digits.length - 1, pos = doubleLast ? 1 : 0; i >= 0; i--, pos++) {
    let d = digits.charCodeAt(i) - 48;
    if (pos % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Checks

function finding(
  code: IdentifierFindingCode,
  kind: IdentifierKind,
  value: string,
  message: string,
  extra?: { expectedKey?: string; severity?: 'error' | 'info' },
): IdentifierFinding {
  const f: IdentifierFinding = { code, severity: extra?.severity ?? 'error', kind, value, message };
  if (extra?.expectedKey !== undefined) f.expectedKey = extra.expectedKey;
  return f;
}

function result<K extends IdentifierKind>(
  kind: K,
  value: string,
  findings: IdentifierFinding[],
  options?: IdentifierCheckOptions,
): IdentifierCheck<K> {
  const errors = findings.filter((f) => f.severity === 'error');
  if (options?.strict && errors.length > 0) throw new IdentifierError(errors);
  return { kind, value, valid: errors.length === 0, findings };
}

function luhnFindings(kind: IdentifierKind, value: string, label: string): IdentifierFinding[] {
  if (luhnIsValid(value)) return [];
  const expectedKey = luhnKey(value.slice(0, -1));
  return [
    finding(
      'IDENTIFIER_KEY',
      kind,
      value,
      `${label} ${value}: wrong Luhn key (last digit ${value.slice(-1)}, expected ${expectedKey})`,
      {
        expectedKey,
      },
    ),
  ];
}

/**
 * Check an RPPS number: 11 digits, the last being a Luhn key.
 * @example checkRpps('01234534765').findings[0]?.code // 'IDENTIFIER_KEY' (the fictitious RPPS of the ANS examples)
 */
export function checkRpps(value: string, options?: IdentifierCheckOptions): IdentifierCheck<'RPPS'> {
  if (!/^\d{11}$/.test(value)) {
    return result(
      'RPPS',
      value,
      [finding('IDENTIFIER_FORMAT', 'RPPS', value, `RPPS ${JSON.stringify(value)}: expected 11 digits`)],
      options,
    );
  }
  return result('RPPS', value, luhnFindings('RPPS', value, 'RPPS'), options);
}

/**
 * Check an ADELI number: 9 characters, a department (2 digits, or `2A`/`2B` for Corsica) then 7 digits.
 * Only the format is checked: the ADELI key algorithm is not published in the sources this project uses.
 */
export function checkAdeli(value: string, options?: IdentifierCheckOptions): IdentifierCheck<'ADELI'> {
  if (!/^(?:\d{2}|2[AB])\d{7}$/.test(value)) {
    return result(
      'ADELI',
      value,
      [
        finding(
          'IDENTIFIER_FORMAT',
          'ADELI',
          value,
          `ADELI ${JSON.stringify(value)}: expected 9 characters (department 2 digits or 2A/2B, then 7 digits)`,
        ),
      ],
      options,
    );
  }
  return result('ADELI', value, [], options);
}

/**
 * Check a FINESS number: 9 characters, a department (2 digits, or `2A`/`2B`), 6 digits, and a Luhn key.
 * For Corsican numbers (`2A`/`2B`) the key is not checked (no documented rule for the letters): an `info`
 * finding `IDENTIFIER_KEY_UNCHECKED` says so.
 */
export function checkFiness(value: string, options?: IdentifierCheckOptions): IdentifierCheck<'FINESS'> {
  if (!/^(?:\d{2}|2[AB])\d{7}$/.test(value)) {
    return result(
      'FINESS',
      value,
      [
        finding(
          'IDENTIFIER_FORMAT',
          'FINESS',
          value,
          `FINESS ${JSON.stringify(value)}: expected 9 characters (department 2 digits or 2A/2B, then 7 digits)`,
        ),
      ],
      options,
    );
  }
  if (/^2[AB]/.test(value)) {
    return result(
      'FINESS',
      value,
      [
        finding(
          'IDENTIFIER_KEY_UNCHECKED',
          'FINESS',
          value,
          `FINESS ${value}: Corsican number, key not checked`,
          {
            severity: 'info',
          },
        ),
      ],
      options,
    );
  }
  return result('FINESS', value, luhnFindings('FINESS', value, 'FINESS'), options);
}

/** SIREN of La Poste, whose establishments' SIRET numbers follow a different key rule. */
export const LA_POSTE_SIREN = '356000000';

/** Check a SIREN number: 9 digits, Luhn key. */
export function checkSiren(value: string, options?: IdentifierCheckOptions): IdentifierCheck<'SIREN'> {
  if (!/^\d{9}$/.test(value)) {
    return result(
      'SIREN',
      value,
      [finding('IDENTIFIER_FORMAT', 'SIREN', value, `SIREN ${JSON.stringify(value)}: expected 9 digits`)],
      options,
    );
  }
  return result('SIREN', value, luhnFindings('SIREN', value, 'SIREN'), options);
}

/**
 * Check a SIRET number: 14 digits (SIREN + 5-digit establishment number), Luhn key over the 14 digits.
 * La Poste (SIREN 356000000) numbers its establishments beyond what Luhn allows: for them the INSEE rule is
 * that the sum of the 14 digits is a multiple of 5; either rule is accepted.
 */
export function checkSiret(value: string, options?: IdentifierCheckOptions): IdentifierCheck<'SIRET'> {
  if (!/^\d{14}$/.test(value)) {
    return result(
      'SIRET',
      value,
      [finding('IDENTIFIER_FORMAT', 'SIRET', value, `SIRET ${JSON.stringify(value)}: expected 14 digits`)],
      options,
    );
  }
  if (value.startsWith(LA_POSTE_SIREN) && !luhnIsValid(value)) {
    const sum = [...value].reduce((s, c) => s + Number(c), 0);
    if (sum % 5 === 0) return result('SIRET', value, [], options);
    return result(
      'SIRET',
      value,
      [
        finding(
          'IDENTIFIER_KEY',
          'SIRET',
          value,
          `SIRET ${value} (La Poste): the digit sum ${sum} is not a multiple of 5`,
        ),
      ],
      options,
    );
  }
  return result('SIRET', value, luhnFindings('SIRET', value, 'SIRET'), options);
}

// ---------------------------------------------------------------------------------------------
// IDNPS / IDNST: the type-prefixed national identifiers of CDA (`id@root` 1.2.250.1.71.4.2.1 / .2) and XDS.

/** Type prefix of a health professional's national identifier (IDNPS). */
export const IDNPS_PREFIX = { RPPS: '8', ADELI: '0', STAFF: '3' } as const;
/** Type prefix of an organisation's national identifier (IDNST). */
export const IDNST_PREFIX = { FINESS: '1', SIREN: '2', SIRET: '3', RPPS_OFFICE: '4' } as const;

/** A professional's identifier before prefixing. `STAFF` is a FINESS + `/` + local staff id. */
export type PersonIdentifier = { kind: 'RPPS' | 'ADELI' | 'STAFF'; value: string };
/** An organisation's identifier before prefixing. `RPPS_OFFICE` is the RPPS id of a practice. */
export type OrganizationIdentifier = { kind: 'FINESS' | 'SIREN' | 'SIRET' | 'RPPS_OFFICE'; value: string };

/** Parsed IDNPS/IDNST: the scheme, the unprefixed value, and the findings of its check. */
export type ParsedNationalId<T> = (T | { kind: 'UNKNOWN'; value: string }) & {
  valid: boolean;
  findings: IdentifierFinding[];
};

function checkPerson(id: PersonIdentifier): IdentifierFinding[] {
  switch (id.kind) {
    case 'RPPS':
      return checkRpps(id.value).findings;
    case 'ADELI':
      return checkAdeli(id.value).findings;
    case 'STAFF': {
      const slash = id.value.indexOf('/');
      if (slash < 0 || slash === id.value.length - 1) {
        return [
          finding(
            'IDENTIFIER_FORMAT',
            'IDNPS',
            id.value,
            `staff identifier ${JSON.stringify(id.value)}: expected FINESS/local-id`,
          ),
        ];
      }
      return checkFiness(id.value.slice(0, slash)).findings;
    }
  }
}

function checkOrganization(id: OrganizationIdentifier): IdentifierFinding[] {
  switch (id.kind) {
    case 'FINESS':
      return checkFiness(id.value).findings;
    case 'SIREN':
      return checkSiren(id.value).findings;
    case 'SIRET':
      return checkSiret(id.value).findings;
    case 'RPPS_OFFICE':
      return /^\d+$/.test(id.value)
        ? []
        : [
            finding(
              'IDENTIFIER_FORMAT',
              'IDNST',
              id.value,
              `RPPS office identifier ${JSON.stringify(id.value)}: expected digits`,
            ),
          ];
  }
}

/**
 * Prefix a professional's identifier for CDA `id@extension` (root {@link IDNPS_OID}) or an XDS author:
 * `8`+RPPS, `0`+ADELI, `3`+FINESS/local id. The value is checked; in strict mode a bad key throws.
 * @example formatIdnps({ kind: 'RPPS', value: '01234534765' }) // '801234534765'
 */
export function formatIdnps(id: PersonIdentifier, options?: IdentifierCheckOptions): string {
  result('IDNPS', id.value, checkPerson(id), options);
  return IDNPS_PREFIX[id.kind] + id.value;
}

/**
 * Read a professional's national identifier (IDNPS) into its scheme and value, with check findings.
 * @example parseIdnps('801234534765') // { kind: 'RPPS', value: '01234534765', valid: false, findings: [IDENTIFIER_KEY…] }
 */
export function parseIdnps(
  idnps: string,
  options?: IdentifierCheckOptions,
): ParsedNationalId<PersonIdentifier> {
  const prefix = idnps.charAt(0);
  const value = idnps.slice(1);
  const kind = (Object.keys(IDNPS_PREFIX) as Array<keyof typeof IDNPS_PREFIX>).find(
    (k) => IDNPS_PREFIX[k] === prefix,
  );
  if (!kind) {
    const r = result(
      'IDNPS',
      idnps,
      [
        finding(
          'IDENTIFIER_PREFIX',
          'IDNPS',
          idnps,
          `IDNPS ${JSON.stringify(idnps)}: unknown type prefix ${JSON.stringify(prefix)} (8 RPPS, 0 ADELI, 3 staff)`,
        ),
      ],
      options,
    );
    return { kind: 'UNKNOWN', value: idnps, valid: r.valid, findings: r.findings };
  }
  const r = result('IDNPS', idnps, checkPerson({ kind, value }), options);
  return { kind, value, valid: r.valid, findings: r.findings };
}

/**
 * Prefix an organisation's identifier (IDNST, root {@link IDNST_OID}): `1`+FINESS, `2`+SIREN, `3`+SIRET,
 * `4`+RPPS office id.
 * @example formatIdnst({ kind: 'FINESS', value: '120459876' }) // '1120459876'
 */
export function formatIdnst(id: OrganizationIdentifier, options?: IdentifierCheckOptions): string {
  result('IDNST', id.value, checkOrganization(id), options);
  return IDNST_PREFIX[id.kind] + id.value;
}

/**
 * Read an organisation's national identifier (IDNST) into its scheme and value, with check findings.
 * @example parseIdnst('1120459876').kind // 'FINESS'
 */
export function parseIdnst(
  idnst: string,
  options?: IdentifierCheckOptions,
): ParsedNationalId<OrganizationIdentifier> {
  const prefix = idnst.charAt(0);
  const value = idnst.slice(1);
  const kind = (Object.keys(IDNST_PREFIX) as Array<keyof typeof IDNST_PREFIX>).find(
    (k) => IDNST_PREFIX[k] === prefix,
  );
  if (!kind) {
    const r = result(
      'IDNST',
      idnst,
      [
        finding(
          'IDENTIFIER_PREFIX',
          'IDNST',
          idnst,
          `IDNST ${JSON.stringify(idnst)}: unknown type prefix ${JSON.stringify(prefix)} (1 FINESS, 2 SIREN, 3 SIRET, 4 RPPS office)`,
        ),
      ],
      options,
    );
    return { kind: 'UNKNOWN', value: idnst, valid: r.valid, findings: r.findings };
  }
  const r = result('IDNST', idnst, checkOrganization({ kind, value }), options);
  return { kind, value, valid: r.valid, findings: r.findings };
}

// ---------------------------------------------------------------------------------------------
// zod schemas (format only: keys are checked by the functions above, as findings)

/** RPPS format: 11 digits (key not checked, see {@link checkRpps}). */
export const rppsSchema = z.string().regex(/^\d{11}$/, 'expected an 11-digit RPPS number');
/** ADELI format: 9 characters. */
export const adeliSchema = z.string().regex(/^(?:\d{2}|2[AB])\d{7}$/, 'expected a 9-character ADELI number');
/** FINESS format: 9 characters (Corsica `2A`/`2B`). */
export const finessSchema = z
  .string()
  .regex(/^(?:\d{2}|2[AB])\d{7}$/, 'expected a 9-character FINESS number');
/** SIREN format: 9 digits. */
export const sirenSchema = z.string().regex(/^\d{9}$/, 'expected a 9-digit SIREN number');
/** SIRET format: 14 digits. */
export const siretSchema = z.string().regex(/^\d{14}$/, 'expected a 14-digit SIRET number');
