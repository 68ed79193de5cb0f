import { z } from 'zod';
import { INS_OID, INS_TRAIT_ALPHABET, type InsOid } from './ins-constants.js';
import type { Assert, Equals } from './type-equals.js';

/** One of the four INS assigning-authority OIDs of {@link INS_OID}. */
export const insOidSchema = z.enum([INS_OID.NIR, INS_OID.NIA, INS_OID.TEST, INS_OID.DEMO]);

/** Identity status of the RNIV: only `QUAL` (INSi-verified and ID-checked) may carry the INS. */
export const identityStatusSchema = z.enum(['PROV', 'RECUP', 'VALI', 'QUAL']);
/** `PROV` provisional, `RECUP` retrieved from INSi without a high-trust ID check, `VALI` validated, `QUAL` qualified. */
export type IdentityStatus = 'PROV' | 'RECUP' | 'VALI' | 'QUAL';

/** Administrative sex as carried by CDA (`UN` = undetermined). INS traits only know `F` and `M`. */
export const sexSchema = z.enum(['F', 'M', 'UN']);
/** `F`, `M`, or `UN` (undetermined). */
export type Sex = 'F' | 'M' | 'UN';

/** Calendar date `YYYY-MM-DD` (a real date: `1979-02-30` is refused). */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'expected YYYY-MM-DD', abort: true })
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
  }, 'not a calendar date');

/**
 * The INS: matricule (15 characters: NIR/NIA + key) and its assigning authority OID. The schema checks the
 * shape only; `checkInsMatricule` (ins module) checks the key.
 */
export interface Ins {
  /** Matricule INS: NIR or NIA, 15 characters with the key (`2A`/`2B` for Corsica). */
  matricule: string;
  /** Assigning authority. */
  oid: InsOid;
}
const insShape = z.object({
  matricule: z
    .string()
    .regex(/^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{8}$/, 'expected a 15-character matricule INS'),
  oid: insOidSchema,
});
/** zod schema of {@link Ins}: an INS, matricule + OID. */
export const insSchema: z.ZodType<Ins, Ins> = insShape;

/**
 * INSi traits ("traits stricts"): what the INSi teleservice returns and what the CDA, the PDF and the
 * Datamatrix must carry for a qualified identity.
 */
export interface InsTraits {
  /** Nom de naissance (CDA `family@qualifier="BR"`). */
  birthFamilyName: string;
  /** Every birth given name, space-separated (CDA unqualified `given`). */
  birthGivenNames: string;
  /** Premier prénom de naissance (CDA `given@qualifier="BR"`). */
  firstBirthGivenName: string;
  sex: Sex;
  /** Date de naissance, `YYYY-MM-DD`. */
  birthDate: string;
  /** INSEE COG code of the birth commune, or `99xxx` for a country abroad; absent when unknown. */
  birthPlaceCog?: string;
  /** Birth commune name, as written in `birthplace/place/addr/city` (display only). */
  birthPlaceName?: string;
}
const insTraitsShape = z.object({
  /** Nom de naissance (CDA `family@qualifier="BR"`). */
  birthFamilyName: z.string().min(1),
  /** Every birth given name, space-separated (CDA unqualified `given`). */
  birthGivenNames: z.string().min(1),
  /** Premier prénom de naissance (CDA `given@qualifier="BR"`). */
  firstBirthGivenName: z.string().min(1),
  sex: sexSchema,
  /** Date de naissance, `YYYY-MM-DD`. */
  birthDate: isoDateSchema,
  /** INSEE COG code of the birth commune, or `99xxx` for a country abroad; absent when unknown. */
  birthPlaceCog: z
    .string()
    .regex(/^(?:[0-9]{5}|2[AB][0-9]{3})$/, 'expected a 5-character COG code')
    .optional(),
  /** Birth commune name, as written in `birthplace/place/addr/city` (display only). */
  birthPlaceName: z.string().optional(),
});
/** zod schema of {@link InsTraits}: the INSi traits of a patient. */
export const insTraitsSchema: z.ZodType<InsTraits, InsTraits> = insTraitsShape;

/**
 * The patient's identity as a CR-BIO carries it. Rules checked by the refinement:
 * - `ins` is allowed only when `status` is `QUAL`, and a `QUAL` identity carries its `ins`;
 * - for a `QUAL` identity the birth names follow {@link INS_TRAIT_ALPHABET} (they come from INSi).
 *
 * @example
 * ```ts
 * patientIdentitySchema.parse({
 *   status: 'QUAL',
 *   ins: { matricule: '279035121518989', oid: INS_OID.TEST },
 *   traits: { birthFamilyName: 'PAT-TROIS', birthGivenNames: 'DOMINIQUE MARIE-LOUISE', firstBirthGivenName: 'DOMINIQUE',
 *             sex: 'F', birthDate: '1979-03-28', birthPlaceCog: '51215' },
 * });
 * ```
 */
export interface PatientIdentity {
  status: IdentityStatus;
  /** The INS, only for a `QUAL` identity (which must carry it). */
  ins?: Ins;
  traits: InsTraits;
  /** Nom utilisé (CDA `family@qualifier="CL"`). */
  usedFamilyName?: string;
  /** Prénom utilisé (CDA `given@qualifier="CL"`). */
  usedGivenName?: string;
}
const patientIdentityShape = z
  .object({
    status: identityStatusSchema,
    ins: insSchema.optional(),
    traits: insTraitsSchema,
    /** Nom utilisé (CDA `family@qualifier="CL"`). */
    usedFamilyName: z.string().optional(),
    /** Prénom utilisé (CDA `given@qualifier="CL"`). */
    usedGivenName: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.ins && v.status !== 'QUAL') {
      ctx.addIssue({
        code: 'custom',
        path: ['ins'],
        message: `an INS may be carried only by a qualified identity (status QUAL, got ${v.status})`,
      });
    }
    if (v.status === 'QUAL' && !v.ins) {
      ctx.addIssue({
        code: 'custom',
        path: ['ins'],
        message: 'a qualified identity (QUAL) must carry its INS',
      });
    }
    if (v.status === 'QUAL') {
      for (const key of ['birthFamilyName', 'birthGivenNames', 'firstBirthGivenName'] as const) {
        if (!INS_TRAIT_ALPHABET.test(v.traits[key])) {
          ctx.addIssue({
            code: 'custom',
            path: ['traits', key],
            message: 'INSi traits use upper-case A-Z, space, hyphen and apostrophe only (no accents)',
          });
        }
      }
    }
  });
/** zod schema of {@link PatientIdentity} (status, optional INS, traits, used names), with the rules above. */
export const patientIdentitySchema: z.ZodType<PatientIdentity, PatientIdentity> = patientIdentityShape;

// Compile-time: each schema infers exactly its hand-written type (see type-equals.ts).
type _IdentityChecks = [
  Assert<Equals<z.infer<typeof insOidSchema>, InsOid>>,
  Assert<Equals<z.infer<typeof identityStatusSchema>, IdentityStatus>>,
  Assert<Equals<z.infer<typeof sexSchema>, Sex>>,
  Assert<Equals<z.infer<typeof insShape>, Ins>>,
  Assert<Equals<z.infer<typeof insTraitsShape>, InsTraits>>,
  Assert<Equals<z.infer<typeof patientIdentityShape>, PatientIdentity>>,
];
