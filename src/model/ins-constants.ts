// Plain INS constants, without zod: the ins module and light bundles (`cisis-bio/ins`) read them without pulling the
// schemas of identity.ts.

/**
 * OIDs of the INS assigning authorities (CI-SIS). `.10` and `.11` are the test and demonstration
 * authorities used by the ANS examples. The retired INS-C (`1.2.250.1.213.1.4.2`) is never accepted.
 */
export const INS_OID = {
  NIR: '1.2.250.1.213.1.4.8',
  NIA: '1.2.250.1.213.1.4.9',
  TEST: '1.2.250.1.213.1.4.10',
  DEMO: '1.2.250.1.213.1.4.11',
} as const;
/** OID of the retired INS-C (computed INS): recognised only to be refused. */
export const INS_C_OID = '1.2.250.1.213.1.4.2';
/** An INS assigning-authority OID. */
export type InsOid = (typeof INS_OID)[keyof typeof INS_OID];

/**
 * Alphabet of the INSi name traits: upper-case A–Z, space, hyphen, apostrophe; no accents, no digits.
 * `normalizeInsTrait` (ins module) brings a typed name into it.
 */
export const INS_TRAIT_ALPHABET = /^[A-Z' -]+$/;
