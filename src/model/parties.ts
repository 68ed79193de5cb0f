import { z } from 'zod';
import { type Code, codeSchema } from './coded-value.js';
import {
  type Address,
  addressSchema,
  type InstanceId,
  instanceIdSchema,
  type PersonName,
  personNameSchema,
  type Telecom,
  type TimeSpec,
  type Ts,
  telecomSchema,
  timeSchema,
  tsSchema,
} from './codes.js';
import { type PatientIdentity, patientIdentitySchema } from './identity.js';
import type { Assert, Equals } from './type-equals.js';

/**
 * Organisations, health professionals, devices and the participants of a CR-BIO header, the patient (recordTarget)
 * and the patient's guardians among them.
 * Names follow the CI-SIS roles; the builder maps them to the CDA elements given in each TSDoc.
 */

/**
 * An organisation (`representedOrganization`, `scopingOrganization`, `representedCustodianOrganization`).
 * For a lab: ids (FINESS `1.2.250.1.71.4.2.2`, COFRAC accreditation), name, telecoms, addresses and the
 * practice setting (`standardIndustryClassCode`, JDV_J04: AMBULATOIRE, ETABLISSEMENT, DEPISTAGE…).
 */
export interface Organization {
  ids?: InstanceId[];
  name?: string;
  telecoms?: Telecom[];
  addresses?: Address[];
  /** standardIndustryClassCode (practice setting). */
  standardIndustryClass?: Code;
  /** asOrganizationPartOf/code (e.g. a SISA), as written. */
  partOf?: Code;
}
const organizationShape = z
  .object({
    ids: z.array(instanceIdSchema).optional(),
    name: z.string().optional(),
    telecoms: z.array(telecomSchema).optional(),
    addresses: z.array(addressSchema).optional(),
    standardIndustryClass: codeSchema.optional().describe('standardIndustryClassCode (practice setting)'),
    partOf: codeSchema.optional().describe('asOrganizationPartOf/code (e.g. a SISA), as written'),
  })
  .describe('organisation');
/** zod schema of {@link Organization}. */
export const organizationSchema: z.ZodType<Organization, Organization> = organizationShape;

/**
 * A health professional in a role (`assignedEntity`, `assignedAuthor`, `associatedEntity`…): ids (RPPS
 * `1.2.250.1.71.4.2.1` with the `8`-prefixed XDS id), profession/specialty code (JDV_J01, TRE_R85), addresses,
 * telecoms, name and the organisation the person acts for.
 */
export interface HealthProfessional {
  ids?: InstanceId[];
  /** Role code: profession/specialty (JDV_J01_XdsAuthorSpecialty). */
  profession?: Code;
  addresses?: Address[];
  telecoms?: Telecom[];
  name?: PersonName;
  organization?: Organization;
}
const healthProfessionalShape = z
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
/** zod schema of {@link HealthProfessional}. */
export const healthProfessionalSchema: z.ZodType<HealthProfessional, HealthProfessional> =
  healthProfessionalShape;

/** A software/device author (`assignedAuthoringDevice`). */
export interface AuthoringDevice {
  manufacturerModelName?: string;
  softwareName?: string;
}
const authoringDeviceShape = z.object({
  manufacturerModelName: z.string().optional(),
  softwareName: z.string().optional(),
});
/** zod schema of {@link AuthoringDevice}. */
export const authoringDeviceSchema: z.ZodType<AuthoringDevice, AuthoringDevice> = authoringDeviceShape;

/**
 * Document author (`author`): a person (`name`) **or** a device (`device`), never both.
 * `time` is the authoring time (TS).
 */
export interface Author extends HealthProfessional {
  /** Authoring time. */
  time: Ts;
  functionCode?: Code;
  /** assignedAuthoringDevice (instead of assignedPerson). */
  device?: AuthoringDevice;
}
const authorShape = healthProfessionalShape
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
/** zod schema of {@link Author}. */
export const authorSchema: z.ZodType<Author, Author> = authorShape;

/** Legal authenticator (`legalAuthenticator`): time of signature (signatureCode `S`) and the signer. */
export interface LegalAuthenticator extends HealthProfessional {
  /** Time of signature. */
  time: Ts;
}
const legalAuthenticatorShape = healthProfessionalShape
  .extend({ time: tsSchema })
  .describe('legal authenticator (responsible biologist)');
/** zod schema of {@link LegalAuthenticator}. */
export const legalAuthenticatorSchema: z.ZodType<LegalAuthenticator, LegalAuthenticator> =
  legalAuthenticatorShape;

/** Validating biologist in the header (`authenticator`, templateId 1.3.6.1.4.1.19376.1.3.3.1.5). */
export interface Authenticator extends HealthProfessional {
  /** Time of validation. */
  time: Ts;
}
const authenticatorShape = healthProfessionalShape
  .extend({ time: tsSchema })
  .describe('validating biologist (header authenticator)');
/** zod schema of {@link Authenticator}. */
export const authenticatorSchema: z.ZodType<Authenticator, Authenticator> = authenticatorShape;

/**
 * Validating biologist of a results entry (`participant typeCode="AUTHEN"` on the act):
 * validation time (`time/high`), RPPS id, address, telecom, name (`playingEntity/name`).
 */
export interface ResultValidator {
  /** Validation time (`time/high`). */
  time: TimeSpec;
  ids?: InstanceId[];
  /** participantRole/code. */
  profession?: Code;
  addresses?: Address[];
  telecoms?: Telecom[];
  name?: PersonName;
}
const resultValidatorShape = z
  .object({
    time: timeSchema,
    ids: z.array(instanceIdSchema).optional(),
    profession: codeSchema.optional().describe('participantRole/code'),
    addresses: z.array(addressSchema).optional(),
    telecoms: z.array(telecomSchema).optional(),
    name: personNameSchema.optional(),
  })
  .describe('validating biologist of an entry (AUTHEN)');
/** zod schema of {@link ResultValidator}. */
export const resultValidatorSchema: z.ZodType<ResultValidator, ResultValidator> = resultValidatorShape;

/**
 * Performing laboratory (FR-Laboratoire-executant, `performer typeCode="PRF"` with templateId
 * 1.3.6.1.4.1.19376.1.3.3.1.7): `time`, the director (ids, profession, name, addr, telecom) and the lab as
 * organisation (id, name, telecom, addr, standardIndustryClassCode). On the main serviceEvent it is the lab that
 * produced the report; on an act/battery/result, a subcontracting lab.
 */
export interface PerformingLab extends HealthProfessional {
  /** performer/time (required by the volet). */
  time?: TimeSpec;
  /** performer/functionCode as written. */
  functionCode?: Code;
}
const performingLabShape = healthProfessionalShape
  .extend({
    time: timeSchema.optional().describe('performer/time (required by the volet)'),
    functionCode: codeSchema.optional().describe('performer/functionCode as written'),
  })
  .describe('performing laboratory (FR-Laboratoire-executant)');
/** zod schema of {@link PerformingLab}. */
export const performingLabSchema: z.ZodType<PerformingLab, PerformingLab> = performingLabShape;

/** Custodian (`custodian/assignedCustodian/representedCustodianOrganization`). */
export type Custodian = Organization;
/** zod schema of {@link Custodian}. */
export const custodianSchema: z.ZodType<Custodian, Custodian> =
  organizationShape.describe('custodian organisation');

/**
 * A header participant (`participant`): prescriber (`REF`, templateId 1.3.6.1.4.1.19376.1.3.3.1.6, time/high =
 * prescription date), sampler (`PRF` + functionCode PRELV, time/high = sampling time), general practitioner
 * (`INF` + functionCode PCP, time nullFlavor NA), or any other (`typeCode` as written).
 */
export interface HeaderParticipant extends HealthProfessional {
  /** participant@typeCode (REF, PRF, INF, …); implied for named roles. */
  typeCode?: string;
  templateIds?: InstanceId[];
  functionCode?: Code;
  time?: TimeSpec;
  /** associatedEntity@classCode (PROV, AGNT, …), default PROV. */
  classCode?: string;
}
const headerParticipantShape = healthProfessionalShape
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
/** zod schema of {@link HeaderParticipant}. */
export const headerParticipantSchema: z.ZodType<HeaderParticipant, HeaderParticipant> =
  headerParticipantShape;

/** Informant (`informant`): a related person (relatedEntity) or a professional (assignedEntity). */
export interface Informant extends HealthProfessional {
  /** relatedEntity or assignedEntity. */
  kind: 'related' | 'assigned';
  /** relatedEntity@classCode (ECON, NOK, …). */
  classCode?: string;
}
const informantShape = healthProfessionalShape
  .extend({
    kind: z.enum(['related', 'assigned']).describe('relatedEntity or assignedEntity'),
    classCode: z.string().optional().describe('relatedEntity@classCode (ECON, NOK, …)'),
  })
  .describe('informant');
/** zod schema of {@link Informant}. */
export const informantSchema: z.ZodType<Informant, Informant> = informantShape;

/** Information recipient (`informationRecipient/intendedRecipient`). */
export interface InformationRecipient extends HealthProfessional {
  /** informationRecipient@typeCode (PRCP default, TRC). */
  typeCode?: string;
  templateIds?: InstanceId[];
}
const informationRecipientShape = healthProfessionalShape
  .extend({
    typeCode: z.string().optional().describe('informationRecipient@typeCode (PRCP default, TRC)'),
    templateIds: z.array(instanceIdSchema).optional(),
  })
  .describe('information recipient');
/** zod schema of {@link InformationRecipient}. */
export const informationRecipientSchema: z.ZodType<InformationRecipient, InformationRecipient> =
  informationRecipientShape;

/**
 * Healthcare encounter (`componentOf/encompassingEncounter`): ids, code (JDV_J142: AMB, IMP, EXTERNE…),
 * effective time, the responsible biologist and lab (`responsibleParty`), the facility (`location/
 * healthCareFacility`, code SA25 for a lab).
 */
export interface Encounter {
  ids?: InstanceId[];
  code?: Code;
  effectiveTime: TimeSpec;
  responsibleParty?: HealthProfessional;
  facility?: EncounterFacility;
}
/** The facility of an {@link Encounter} (`location/healthCareFacility`). */
export interface EncounterFacility {
  ids?: InstanceId[];
  /** healthCareFacility/code (JDV_J02; SA25 = lab). */
  code?: Code;
  locationName?: string;
  locationAddress?: Address;
  serviceProvider?: Organization;
}
const encounterShape = z
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
/** zod schema of {@link Encounter}. */
export const encounterSchema: z.ZodType<Encounter, Encounter> = encounterShape;

// ---------------------------------------------------------------------------------------------- patient

/** A guardian of the patient (`guardian`): a person or an organisation, with address and telecom. */
export interface Guardian {
  ids?: InstanceId[];
  code?: Code;
  addresses?: Address[];
  telecoms?: Telecom[];
  /** guardianPerson/name. */
  name?: PersonName;
  /** guardianOrganization. */
  organization?: Organization;
}
const guardianShape = z.object({
  ids: z.array(instanceIdSchema).optional(),
  code: codeSchema.optional(),
  addresses: z.array(addressSchema).optional(),
  telecoms: z.array(telecomSchema).optional(),
  name: personNameSchema.optional().describe('guardianPerson/name'),
  organization: organizationSchema.optional().describe('guardianOrganization'),
});
/** zod schema of {@link Guardian}. */
export const guardianSchema: z.ZodType<Guardian, Guardian> = guardianShape;

/**
 * The patient (`recordTarget/patientRole`). `identity` carries status, INS (QUAL only) and INSi traits;
 * `localIds` are the other `patientRole/id`s (IPP, invitation number…) — never the INS, which is written from
 * `identity.ins`.
 */
export interface Patient {
  identity: PatientIdentity;
  /** patientRole/id other than the INS (IPP, …). */
  localIds?: InstanceId[];
  addresses?: Address[];
  telecoms?: Telecom[];
  /** birthTime@value as written, when it differs from identity.traits.birthDate (e.g. with a time). */
  birthTime?: Ts;
  /** administrativeGenderCode@displayName (e.g. Féminin). */
  genderDisplayName?: string;
  guardians?: Guardian[];
  /** sdtc:deceasedInd. */
  deceasedInd?: boolean;
  /** sdtc:deceasedTime. */
  deceasedTime?: Ts;
}
const patientShape = z
  .object({
    identity: patientIdentitySchema,
    localIds: z.array(instanceIdSchema).optional().describe('patientRole/id other than the INS (IPP, …)'),
    addresses: z.array(addressSchema).optional(),
    telecoms: z.array(telecomSchema).optional(),
    birthTime: tsSchema
      .optional()
      .describe(
        'birthTime@value as written, when it differs from identity.traits.birthDate (e.g. with a time)',
      ),
    genderDisplayName: z.string().optional().describe('administrativeGenderCode@displayName (e.g. Féminin)'),
    guardians: z.array(guardianSchema).optional(),
    deceasedInd: z.boolean().optional().describe('sdtc:deceasedInd'),
    deceasedTime: tsSchema.optional().describe('sdtc:deceasedTime'),
  })
  .describe('patient');
/** zod schema of {@link Patient}. */
export const patientSchema: z.ZodType<Patient, Patient> = patientShape;

// Compile-time: each schema infers exactly its hand-written type (see type-equals.ts).
type _PartiesChecks = [
  Assert<Equals<z.infer<typeof organizationShape>, Organization>>,
  Assert<Equals<z.infer<typeof healthProfessionalShape>, HealthProfessional>>,
  Assert<Equals<z.infer<typeof authoringDeviceShape>, AuthoringDevice>>,
  Assert<Equals<z.infer<typeof authorShape>, Author>>,
  Assert<Equals<z.infer<typeof legalAuthenticatorShape>, LegalAuthenticator>>,
  Assert<Equals<z.infer<typeof authenticatorShape>, Authenticator>>,
  Assert<Equals<z.infer<typeof resultValidatorShape>, ResultValidator>>,
  Assert<Equals<z.infer<typeof performingLabShape>, PerformingLab>>,
  Assert<Equals<z.infer<typeof headerParticipantShape>, HeaderParticipant>>,
  Assert<Equals<z.infer<typeof informantShape>, Informant>>,
  Assert<Equals<z.infer<typeof informationRecipientShape>, InformationRecipient>>,
  Assert<Equals<z.infer<typeof encounterShape>, Encounter>>,
  Assert<Equals<z.infer<typeof guardianShape>, Guardian>>,
  Assert<Equals<z.infer<typeof patientShape>, Patient>>,
];
