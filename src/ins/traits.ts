import {
  type IdentityStatus,
  INS_TRAIT_ALPHABET,
  type InsTraits,
  type PatientIdentity,
} from '../model/index.js';
import { InsError } from './errors.js';

export { INS_TRAIT_ALPHABET };

/** The name traits whose alphabet is checked. */
export type InsNameTrait = 'birthFamilyName' | 'birthGivenNames' | 'firstBirthGivenName';

/** A name trait outside the INSi alphabet: which one, and the characters at fault. */
export interface InsTraitFinding {
  code: 'INS_TRAIT_ALPHABET';
  path: `traits.${InsNameTrait}`;
  value: string;
  invalidCharacters: string[];
  message: string;
}

// Letters NFD does not split into base + combining mark.
const LIGATURES: Record<string, string> = {
  Œ: 'OE',
  œ: 'OE',
  Æ: 'AE',
  æ: 'AE',
  ß: 'SS',
  Ø: 'O',
  ø: 'O',
  Đ: 'D',
  đ: 'D',
  Ł: 'L',
  ł: 'L',
};

/**
 * Bring a typed name into the INSi alphabet: upper case, diacritics removed (É→E, Ç→C, Œ→OE),
 * typographic apostrophes and dashes mapped to `'` and `-`, runs of spaces collapsed, ends trimmed.
 * Characters that have no mapping (digits, `.`, `,`…) are kept so that {@link checkInsTrait} reports them:
 * nothing is dropped silently.
 * @example normalizeInsTrait("  Hélène  d’Aubigné-Œuf ") // "HELENE D'AUBIGNE-OEUF"
 */
export function normalizeInsTrait(value: string): string {
  return value
    .replace(/[ŒœÆæßØøĐđŁł]/g, (c) => LIGATURES[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019\u02BC\u00B4`]/g, "'")
    .replace(/[\u2010-\u2015]/g, '-')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The characters of `value` outside the INSi alphabet (upper-case A–Z, space, hyphen, apostrophe), in order
 * of first appearance; empty when the value conforms.
 * @example checkInsTrait('Dupont') // ['u', 'p', 'o', 'n', 't']
 */
export function checkInsTrait(value: string): string[] {
  return [...new Set(value.replace(/[A-Z' -]/g, ''))];
}

/**
 * Check the three name traits of an identity against the INSi alphabet; one finding per non-conforming trait.
 * @example checkInsTraits(identity.traits) // [] when every name trait conforms
 */
export function checkInsTraits(traits: Pick<InsTraits, InsNameTrait>): InsTraitFinding[] {
  const out: InsTraitFinding[] = [];
  for (const key of ['birthFamilyName', 'birthGivenNames', 'firstBirthGivenName'] as const) {
    const value = traits[key];
    const invalidCharacters = checkInsTrait(value);
    if (invalidCharacters.length > 0 || !INS_TRAIT_ALPHABET.test(value)) {
      out.push({
        code: 'INS_TRAIT_ALPHABET',
        path: `traits.${key}`,
        value,
        invalidCharacters,
        message: `${key} ${JSON.stringify(value)}: ${
          invalidCharacters.length
            ? `character(s) ${invalidCharacters.map((c) => JSON.stringify(c)).join(', ')} outside`
            : 'empty, not in'
        } the INSi alphabet (A-Z, space, hyphen, apostrophe; normalizeInsTrait helps)`,
      });
    }
  }
  return out;
}

/**
 * Whether an identity with this status may carry the INS (matricule + OID) — as CDA identifier, DMP patient
 * id, MSSanté address or Datamatrix. Only `QUAL` may (RNIV).
 */
export function canCarryIns(status: IdentityStatus): boolean {
  return status === 'QUAL';
}

/**
 * Throw `INS_NOT_QUALIFIED` unless the identity is qualified and carries its INS; returns the INS.
 * @example const ins = assertQualifiedIdentity(identity); // { matricule, oid }
 */
export function assertQualifiedIdentity(
  identity: Pick<PatientIdentity, 'status' | 'ins'>,
): NonNullable<PatientIdentity['ins']> {
  if (!canCarryIns(identity.status)) {
    throw new InsError(
      'INS_NOT_QUALIFIED',
      `identity status is ${identity.status}: only a qualified identity (QUAL) may carry or show the INS`,
      { where: 'status' },
    );
  }
  if (!identity.ins) {
    throw new InsError('INS_NOT_QUALIFIED', 'the qualified identity carries no INS', { where: 'ins' });
  }
  return identity.ins;
}
