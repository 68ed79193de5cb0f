import { z } from 'zod';

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
export const insOidSchema = z.enum([INS_OID.NIR, INS_OID.NIA, INS_OID.TEST, INS_OID.DEMO]);
export type InsOid = z.infer<typeof insOidSchema>;

/** Identity status of the RNIV: only `QUAL` (INSi-verified and ID-checked) may carry the INS. */
export const identityStatusSchema = z.enum(['PROV', 'RECUP', 'VALI', 'QUAL']);
export type IdentityStatus = z.infer<typeof identityStatusSchema>;

/** Administrative sex as carried by CDA (`UN` = undetermined). INS traits only know `F` and `M`. */
export const sexSchema = z.enum(['F', 'M', 'UN']);
export type Sex = z.infer<typeof sexSchema>;

/** Calendar date `YYYY-MM-DD`. */
export const isoDateSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected YYYY-MM-DD');

/** The INS: matricule (15 characters: NIR/NIA + key) and its assigning authority OID. */
export const insSchema = z.object({
  matricule: z.string().regex(/^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{8}$/, 'expected a 15-character matricule INS'),
  oid: insOidSchema,
});
export type Ins = z.infer<typeof insSchema>;

/**
 * INSi traits ("traits stricts"): what the INSi teleservice returns and what the CDA, the PDF and the
 * Datamatrix must carry for a qualified identity.
 */
export const insTraitsSchema = z.object({
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
export type InsTraits = z.infer<typeof insTraitsSchema>;

/**
 * The patient's identity as a CR-BIO carries it. `ins` is allowed only when `status` is `QUAL`
 * (checked by the refinement).
 */
export const patientIdentitySchema = z
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
  });
export type PatientIdentity = z.infer<typeof patientIdentitySchema>;
