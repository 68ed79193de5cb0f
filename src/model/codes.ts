import { z } from 'zod';
import type { Assert, Equals } from './type-equals.js';

/**
 * Building blocks shared by the CR-BIO model: instance identifiers, HL7 time stamps, null flavors, code systems,
 * addresses, telecoms and person names (coded values: coded-value.ts). Everything is kept **as written** in CDA (strings), so that a
 * parsed document can be rebuilt without loss.
 */

/** OID (`1.2.250…`) or UUID, as CDA `II@root` accepts. */
export const oidOrUuidSchema = z
  .string()
  .regex(
    /^(?:[0-2](?:\.(?:0|[1-9][0-9]*))+|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[A-Za-z][A-Za-z0-9-]*)$/,
    'expected an OID, a UUID or an HL7 RUID',
  )
  .describe('II@root: an OID or a UUID');

/** An instance identifier (CDA `II`): `root` (OID/UUID) and an optional `extension`. */
export interface InstanceId {
  /** II@root: an OID or a UUID. */
  root: string;
  /** II@extension, the identifier within the root. */
  extension?: string;
  /** II@assigningAuthorityName (e.g. "COFRAC"). */
  assigningAuthorityName?: string;
}
const instanceIdShape = z
  .object({
    root: oidOrUuidSchema,
    extension: z.string().min(1).optional().describe('II@extension, the identifier within the root'),
    assigningAuthorityName: z.string().optional().describe('II@assigningAuthorityName (e.g. "COFRAC")'),
  })
  .describe('CDA instance identifier (II)');
/** zod schema of {@link InstanceId}. */
export const instanceIdSchema: z.ZodType<InstanceId, InstanceId> = instanceIdShape;

/**
 * HL7 V3 time stamp (`TS`) kept exactly as written: `YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+|-ZZZZ]`,
 * e.g. `20140402145521+0200`. Use {@link hl7Ts} to make one from a JS `Date`.
 */
export const tsSchema = z
  .string()
  .regex(
    /^\d{4}(?:\d{2}(?:\d{2}(?:\d{2}(?:\d{2}(?:\d{2}(?:\.\d{1,4})?)?)?)?)?)?(?:[+-]\d{4})?$/,
    'expected an HL7 TS such as 20140402145521+0200',
  )
  .describe('HL7 TS as written, e.g. 20140402145521+0200');
/** HL7 V3 time stamp (`TS`) as written, e.g. `20140402145521+0200` (see {@link tsSchema}). */
export type Ts = string;

/** HL7 null flavors (NI, NA, UNK, ASKU, NAV, NASK, MSK, OTH, …). */
export const nullFlavorSchema = z
  .enum(['NI', 'NA', 'UNK', 'ASKU', 'NAV', 'NASK', 'MSK', 'OTH', 'NINF', 'PINF', 'TRC', 'QS', 'NP'])
  .describe('HL7 nullFlavor');
/** An HL7 null flavor. */
export type NullFlavor =
  | 'NI'
  | 'NA'
  | 'UNK'
  | 'ASKU'
  | 'NAV'
  | 'NASK'
  | 'MSK'
  | 'OTH'
  | 'NINF'
  | 'PINF'
  | 'TRC'
  | 'QS'
  | 'NP';

/**
 * A time as CDA writes it, point or interval: `{ value }` (TS), `{ low?, high? }` (IVL_TS), or
 * `{ nullFlavor }`. Which form is used is kept, so that rebuilding writes the same shape.
 */
export interface TimeSpec {
  /** Point in time (TS@value). */
  value?: Ts;
  /** IVL_TS low@value. */
  low?: Ts;
  /** IVL_TS high@value. */
  high?: Ts;
  nullFlavor?: NullFlavor;
  /** low@nullFlavor (e.g. UNK). */
  lowNullFlavor?: NullFlavor;
}
const timeShape = z
  .object({
    value: tsSchema.optional().describe('point in time (TS@value)'),
    low: tsSchema.optional().describe('IVL_TS low@value'),
    high: tsSchema.optional().describe('IVL_TS high@value'),
    nullFlavor: nullFlavorSchema.optional(),
    lowNullFlavor: nullFlavorSchema.optional().describe('low@nullFlavor (e.g. UNK)'),
  })
  .describe('CDA time: TS or IVL_TS');
/** zod schema of {@link TimeSpec}. */
export const timeSchema: z.ZodType<TimeSpec, TimeSpec> = timeShape;

/**
 * Make an HL7 TS (`YYYYMMDDHHMMSS±ZZZZ`) from a JS Date, in the given UTC offset (minutes east of
 * UTC; default: the offset of Europe/Paris at that instant, +0100 or +0200).
 *
 * @example hl7Ts(new Date('2024-01-04T06:35:00Z'), 60) // '20240104073500+0100'
 */
export function hl7Ts(
  date: Date,
  offsetMinutes?: number,
  precision: 'day' | 'minute' | 'second' = 'second',
): Ts {
  const off = offsetMinutes ?? parisOffsetMinutes(date);
  const local = new Date(date.getTime() + off * 60_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const ymd = `${p(local.getUTCFullYear(), 4)}${p(local.getUTCMonth() + 1)}${p(local.getUTCDate())}`;
  if (precision === 'day') return ymd;
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const zone = `${sign}${p(Math.floor(abs / 60))}${p(abs % 60)}`;
  const hm = `${p(local.getUTCHours())}${p(local.getUTCMinutes())}`;
  return precision === 'minute' ? `${ymd}${hm}${zone}` : `${ymd}${hm}${p(local.getUTCSeconds())}${zone}`;
}

/** Offset of Europe/Paris (minutes east of UTC) at an instant, from the ICU time-zone data of Node. */
export function parisOffsetMinutes(date: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? '');
  if (!m) return 60;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** Well-known code systems (OIDs). */
export const CODE_SYSTEM = {
  LOINC: '2.16.840.1.113883.6.1',
  SNOMED_CT: '2.16.840.1.113883.6.96',
  UCUM: '2.16.840.1.113883.6.8',
  HL7_OBSERVATION_INTERPRETATION: '2.16.840.1.113883.5.83',
  HL7_CONFIDENTIALITY: '2.16.840.1.113883.5.25',
  HL7_ADMINISTRATIVE_GENDER: '2.16.840.1.113883.5.1',
  HL7_ACT_CODE: '2.16.840.1.113883.5.4',
  HL7_OBSERVATION_METHOD: '2.16.840.1.113883.5.84',
  HL7_SPECIMEN_TYPE: '2.16.840.1.113883.18.311',
  NCBI_TAXONOMY: '2.16.840.1.113883.3.9471',
  NABM: '1.2.250.1.213.2.7',
  ANSM_REAGENTS: '1.2.250.1.213.2.3.5',
  TRE_R85_RPPS_PROFESSION: '1.2.250.1.213.1.1.4.5',
  PRACTICE_SETTING: '1.2.250.1.213.1.1.4.9',
  ANS_WAITING_CODE: '1.2.250.1.213.1.1.5.130',
  IHE_ACT_CODE: '1.3.5.1.4.1.19376.1.5.3.2',
} as const;

/**
 * A postal address (CDA `AD`): structured parts, or up to 7 `streetAddressLine`s (the structuration
 * minimale refuses mixing both), or a nullFlavor (`MSK` for a masked subcontractor address).
 */
export interface Address {
  /** AD@use: H, HP, HV, WP, TMP. */
  use?: string;
  nullFlavor?: NullFlavor;
  streetAddressLines?: string[];
  houseNumber?: string;
  houseNumberNumeric?: string;
  streetName?: string;
  streetNameType?: string;
  streetNameBase?: string;
  additionalLocator?: string;
  unitID?: string;
  unitType?: string;
  postBox?: string;
  precinct?: string;
  postalCode?: string;
  city?: string;
  county?: string;
  state?: string;
  country?: string;
  censusTract?: string;
}
const addressShape = z
  .object({
    use: z.string().optional().describe('AD@use: H, HP, HV, WP, TMP'),
    nullFlavor: nullFlavorSchema.optional(),
    streetAddressLines: z.array(z.string()).optional(),
    houseNumber: z.string().optional(),
    houseNumberNumeric: z.string().optional(),
    streetName: z.string().optional(),
    streetNameType: z.string().optional(),
    streetNameBase: z.string().optional(),
    additionalLocator: z.string().optional(),
    unitID: z.string().optional(),
    unitType: z.string().optional(),
    postBox: z.string().optional(),
    precinct: z.string().optional(),
    postalCode: z.string().optional(),
    city: z.string().optional(),
    county: z.string().optional(),
    state: z.string().optional(),
    country: z.string().optional(),
    censusTract: z.string().optional(),
  })
  .describe('postal address (AD)');
/** zod schema of {@link Address}. */
export const addressSchema: z.ZodType<Address, Address> = addressShape;

/** Order in which {@link Address} parts are written. */
export const ADDRESS_PARTS = [
  'houseNumber',
  'houseNumberNumeric',
  'streetNameType',
  'streetNameBase',
  'streetName',
  'additionalLocator',
  'unitID',
  'unitType',
  'postBox',
  'precinct',
  'postalCode',
  'city',
  'county',
  'state',
  'country',
  'censusTract',
] as const;

/** A telecom (CDA `TEL`): `value` is a URL (`tel:`, `mailto:`, `fax:`…), or a nullFlavor. */
export interface Telecom {
  /** TEL@value, e.g. tel:0144534551, mailto:x@y.mssante.fr. */
  value?: string;
  /** TEL@use: H, HP, WP, MC, EC, …. */
  use?: string;
  nullFlavor?: NullFlavor;
}
const telecomShape = z
  .object({
    value: z.string().min(1).optional().describe('TEL@value, e.g. tel:0144534551, mailto:x@y.mssante.fr'),
    use: z.string().optional().describe('TEL@use: H, HP, WP, MC, EC, …'),
    nullFlavor: nullFlavorSchema.optional(),
  })
  .describe('telecom (TEL)');
/** zod schema of {@link Telecom}. */
export const telecomSchema: z.ZodType<Telecom, Telecom> = telecomShape;

/** Name of a health professional or other person (not the patient: see PatientIdentity). */
export interface PersonName {
  /** M, MME (JDV_J245). */
  prefix?: string;
  given?: string[];
  family?: string;
  /** DR, PR, MC, … (JDV_J246). */
  suffix?: string;
  nullFlavor?: NullFlavor;
}
const personNameShape = z
  .object({
    prefix: z.string().optional().describe('M, MME (JDV_J245)'),
    given: z.array(z.string()).optional(),
    family: z.string().optional(),
    suffix: z.string().optional().describe('DR, PR, MC, … (JDV_J246)'),
    nullFlavor: nullFlavorSchema.optional(),
  })
  .describe('person name (PN)');
/** zod schema of {@link PersonName}. */
export const personNameSchema: z.ZodType<PersonName, PersonName> = personNameShape;

/**
 * A decimal number kept as written (`"1.950"` stays `"1.950"`): the digits carry the precision.
 */
export const decimalStringSchema = z
  .string()
  .regex(
    /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/,
    'expected a decimal number written as a string, e.g. "1.950"',
  )
  .describe('decimal number as written');
/** An integer kept as written. */
export const integerStringSchema = z.string().regex(/^[+-]?\d+$/, 'expected an integer written as a string');

// Compile-time: each schema infers exactly its hand-written type (see type-equals.ts).
type _CodesChecks = [
  Assert<Equals<z.infer<typeof instanceIdShape>, InstanceId>>,
  Assert<Equals<z.infer<typeof tsSchema>, Ts>>,
  Assert<Equals<z.infer<typeof nullFlavorSchema>, NullFlavor>>,
  Assert<Equals<z.infer<typeof timeShape>, TimeSpec>>,
  Assert<Equals<z.infer<typeof addressShape>, Address>>,
  Assert<Equals<z.infer<typeof telecomShape>, Telecom>>,
  Assert<Equals<z.infer<typeof personNameShape>, PersonName>>,
];
