import { z } from 'zod';
import {
  addressSchema,
  codeSchema,
  instanceIdSchema,
  personNameSchema,
  telecomSchema,
  timeSchema,
  tsSchema,
} from './codes.js';

/**
 * Organisations, health professionals, devices and the participants of a CR-BIO header.
 * Names follow the CI-SIS roles; the builder maps them to the CDA elements given in each TSDoc.
 */

/**
 * An organisation (`representedOrganization`, `scopingOrganization`, `representedCustodianOrganization`).
 * For a lab: ids (FINESS `1.2.250.1.71.4.2.2`, COFRAC accreditation), name, telecoms, addresses and the
 * practice setting (`standardIndustryClassCode`, JDV_J04: AMBULATOIRE, ETABLISSEMENT, DEPISTAGE…).
 */
export const organizationSchema = z
  .object({
    ids: z.array(instanceIdSchema).optional(),
    name: z.string().optional(),
    telecoms: z.array(telecomSchema).optional(),
    addresses: z.array(addressSchema).optional(),
    standardIndustryClass: codeSchema.optional().describe('standardIndustryClassCode (practice setting)'),
    partOf: codeSchema.optional().describe('asOrganizationPartOf/code (e.g. a SISA), as written'),
  })
  .describe('organisation');
export type Organization = z.infer<typeof organizationSchema>;

/**
 * A health professional in a role (`assignedEntity`, `assignedAuthor`, `associatedEntity`…): ids (RPPS
 * `1.2.250.1.71.4.2.1` with the `8`-prefixed XDS id), profession/specialty code (JDV_J01, TRE_R85), addresses,
 * telecoms, name and the organisation the person acts for.
 */
export const healthProfessionalSchema = z
  .object({
    ids: z.array(instanceIdSchema).optional(),
    profession: codeSchema
      .optional()
      .describe('role code: profession/specialty (JDV_J01_XdsAuthorSpecialty)'),
    addresses: z.array(addressSchema).optional(),
    telecoms: z.array(telecomSchema).optional(),
    name: personNameSchema.optional(),
    organization: organizationSchema.optional(),
  })
  .describe('health professional in a role');
export type HealthProfessional = z.infer<typeof healthProfessionalSchema>;

/** A software/device author (`assignedAuthoringDevice`). */
export const authoringDeviceSchema = z.object({
  manufacturerModelName: z.string().optional(),
  softwareName: z.string().optional(),
});
export type AuthoringDevice = z.infer<typeof authoringDeviceSchema>;

/**
 * Document author (`author`): a person (`name`) **or** a device (`device`), never both.
 * `time` is the authoring time (TS).
 */
export const authorSchema = healthProfessionalSchema
  .extend({
    time: tsSchema,
    functionCode: codeSchema.optional(),
    device: authoringDeviceSchema.optional().describe('assignedAuthoringDevice (instead of assignedPerson)'),
  })
  .superRefine((a, ctx) => {
    if (a.device && a.name) {
      ctx.addIssue({
        code: 'custom',
        path: ['device'],
        message: 'an author is a person (name) or a device, not both',
      });
    }
  })
  .describe('document author');
export type Author = z.infer<typeof authorSchema>;

/** Legal authenticator (`legalAuthenticator`): time of signature (signatureCode `S`) and the signer. */
export const legalAuthenticatorSchema = healthProfessionalSchema
  .extend({ time: tsSchema })
  .describe('legal authenticator (responsible biologist)');
export type LegalAuthenticator = z.infer<typeof legalAuthenticatorSchema>;

/** Validating biologist in the header (`authenticator`, templateId 1.3.6.1.4.1.19376.1.3.3.1.5). */
export const authenticatorSchema = healthProfessionalSchema
  .extend({ time: tsSchema })
  .describe('validating biologist (header authenticator)');
export type Authenticator = z.infer<typeof authenticatorSchema>;

/**
 * Validating biologist of a results entry (`participant typeCode="AUTHEN"` on the act):
 * validation time (`time/high`), RPPS id, address, telecom, name (`playingEntity/name`).
 */
export const resultValidatorSchema = z
  .object({
    time: timeSchema,
    ids: z.array(instanceIdSchema).optional(),
    profession: codeSchema.optional().describe('participantRole/code'),
    addresses: z.array(addressSchema).optional(),
    telecoms: z.array(telecomSchema).optional(),
    name: personNameSchema.optional(),
  })
  .describe('validating biologist of an entry (AUTHEN)');
export type ResultValidator = z.infer<typeof resultValidatorSchema>;

/**
 * Performing laboratory (FR-Laboratoire-executant, `performer typeCode="PRF"` with templateId
 * 1.3.6.1.4.1.19376.1.3.3.1.7): `time`, the director (ids, profession, name, addr, telecom) and the lab as
 * organisation (id, name, telecom, addr, standardIndustryClassCode). On the main serviceEvent it is the lab that
 * produced the report; on an act/battery/result, a subcontracting lab.
 */
export const performingLabSchema = healthProfessionalSchema
  .extend({
    time: timeSchema.optional().describe('performer/time (required by the volet)'),
    functionCode: codeSchema.optional().describe('performer/functionCode as written'),
  })
  .describe('performing laboratory (FR-Laboratoire-executant)');
export type PerformingLab = z.infer<typeof performingLabSchema>;

/** Custodian (`custodian/assignedCustodian/representedCustodianOrganization`). */
export const custodianSchema = organizationSchema.describe('custodian organisation');
export type Custodian = z.infer<typeof custodianSchema>;

/**
 * A header participant (`participant`): prescriber (`REF`, templateId 1.3.6.1.4.1.19376.1.3.3.1.6, time/high =
 * prescription date), sampler (`PRF` + functionCode PRELV, time/high = sampling time), general practitioner
 * (`INF` + functionCode PCP, time nullFlavor NA), or any other (`typeCode` as written).
 */
export const headerParticipantSchema = healthProfessionalSchema
  .extend({
    typeCode: z
      .string()
      .optional()
      .describe('participant@typeCode (REF, PRF, INF, …); implied for named roles'),
    templateIds: z.array(instanceIdSchema).optional(),
    functionCode: codeSchema.optional(),
    time: timeSchema.optional(),
    classCode: z.string().optional().describe('associatedEntity@classCode (PROV, AGNT, …), default PROV'),
  })
  .describe('header participant');
export type HeaderParticipant = z.infer<typeof headerParticipantSchema>;

/** Informant (`informant`): a related person (relatedEntity) or a professional (assignedEntity). */
export const informantSchema = healthProfessionalSchema
  .extend({
    kind: z.enum(['related', 'assigned']).describe('relatedEntity or assignedEntity'),
    classCode: z.string().optional().describe('relatedEntity@classCode (ECON, NOK, …)'),
  })
  .describe('informant');
export type Informant = z.infer<typeof informantSchema>;

/** Information recipient (`informationRecipient/intendedRecipient`). */
export const informationRecipientSchema = healthProfessionalSchema
  .extend({
    typeCode: z.string().optional().describe('informationRecipient@typeCode (PRCP default, TRC)'),
    templateIds: z.array(instanceIdSchema).optional(),
  })
  .describe('information recipient');
export type InformationRecipient = z.infer<typeof informationRecipientSchema>;

/**
 * Healthcare encounter (`componentOf/encompassingEncounter`): ids, code (JDV_J142: AMB, IMP, EXTERNE…),
 * effective time, the responsible biologist and lab (`responsibleParty`), the facility (`location/
 * healthCareFacility`, code SA25 for a lab).
 */
export const encounterSchema = z
  .object({
    ids: z.array(instanceIdSchema).optional(),
    code: codeSchema.optional(),
    effectiveTime: timeSchema,
    responsibleParty: healthProfessionalSchema.optional(),
    facility: z
      .object({
        ids: z.array(instanceIdSchema).optional(),
        code: codeSchema.optional().describe('healthCareFacility/code (JDV_J02; SA25 = lab)'),
        locationName: z.string().optional(),
        locationAddress: addressSchema.optional(),
        serviceProvider: organizationSchema.optional(),
      })
      .optional(),
  })
  .describe('healthcare encounter (encompassingEncounter)');
export type Encounter = z.infer<typeof encounterSchema>;
