import { z } from 'zod';
import { type Code, codeSchema, codeShape } from './coded-value.js';
import {
  decimalStringSchema,
  type InstanceId,
  instanceIdSchema,
  integerStringSchema,
  type NullFlavor,
  nullFlavorSchema,
  type TimeSpec,
  type Ts,
  timeSchema,
  tsSchema,
} from './codes.js';
import {
  type HealthProfessional,
  healthProfessionalSchema,
  type PerformingLab,
  performingLabSchema,
  type ResultValidator,
  resultValidatorSchema,
} from './parties.js';
import type { Assert, Equals } from './type-equals.js';

/**
 * Results of a CR-BIO: values, observations (FR-Resultat-examens-de-biologie-element-clinique-pertinent),
 * batteries (FR-Batterie-examens-de-biologie-medicale), microbiology isolates (FR-Isolat-microbiologique),
 * specimens (FR-Prelevement), comments (FR-Commentaire-ER), images (observationMedia) and the results entry
 * act (FR-Resultats-examens-de-biologie-medicale) that groups them in a chapter.
 *
 * Numbers are decimal **strings** kept as written: `"1.950"` stays `"1.950"`.
 */

/** A `PQ/translation` (PQR): value + code (the unit in the code system), as written. */
export interface PqTranslation {
  /** Decimal as written. */
  value?: string;
  code?: string;
  codeSystem?: string;
  codeSystemName?: string;
  displayName?: string;
}
const pqTranslationShape = z.object({
  value: decimalStringSchema.optional(),
  code: z.string().optional(),
  codeSystem: z.string().optional(),
  codeSystemName: z.string().optional(),
  displayName: z.string().optional(),
});
/** zod schema of {@link PqTranslation}. */
export const pqTranslationSchema: z.ZodType<PqTranslation, PqTranslation> = pqTranslationShape;

/**
 * A quantity bound (IVL_PQ `low`/`high`/`center`): value as written, UCUM unit, inclusive flag as written, and the
 * bound in other units (`translation`, as on a PQ value).
 */
export interface QuantityBound {
  /** Decimal as written. */
  value?: string;
  /** UCUM unit. */
  unit?: string;
  /** `@inclusive` as written (absent = not written). */
  inclusive?: boolean;
  nullFlavor?: NullFlavor;
  /** low/high/center translation (PQR): the bound in a second unit, as written (2021.01 examples). */
  translations?: PqTranslation[];
}
const quantityBoundShape = z.object({
  value: decimalStringSchema.optional(),
  unit: z.string().regex(/^\S+$/, 'a UCUM unit has no whitespace').optional(),
  inclusive: z.boolean().optional().describe('@inclusive as written (absent = not written)'),
  nullFlavor: nullFlavorSchema.optional(),
  translations: z
    .array(pqTranslationSchema)
    .optional()
    .describe('low/high/center translation (PQR): the bound in a second unit, as written (2021.01 examples)'),
});
/** zod schema of {@link QuantityBound}. */
export const quantityBoundSchema: z.ZodType<QuantityBound, QuantityBound> = quantityBoundShape;

/** A quantity of a ratio (RTO numerator/denominator): PQ, INT or REAL. */
export interface RatioTerm {
  type: 'PQ' | 'INT' | 'REAL';
  /** Decimal as written. */
  value: string;
  /** UCUM unit (PQ). */
  unit?: string;
}
const ratioTermShape = z.object({
  type: z.enum(['PQ', 'INT', 'REAL']),
  value: decimalStringSchema,
  unit: z.string().regex(/^\S+$/).optional(),
});
/** zod schema of {@link RatioTerm}. */
export const ratioTermSchema: z.ZodType<RatioTerm, RatioTerm> = ratioTermShape;

/**
 * A result value, by CDA data type (`xsi:type`):
 * - `PQ` physical quantity with a UCUM unit (`{ type: 'PQ', value: '1.950', unit: 'm[IU]/L' }`);
 * - `IVL_PQ` interval for censored values and MICs (`<1.0` → `{ high: { value: '1.0', inclusive: true } }`);
 * - `REAL`, `INT` (as written), `ST` (text), `CD`/`CE` (coded, with originalText), `BL`, `TS`;
 * - `RTO` ratio (titres: numerator/denominator), `RTO_PQ_PQ`;
 * - `ED` (text payload) is kept for completeness.
 */
export type ResultValue =
  | PqValue
  | IvlPqValue
  | RealValue
  | IntValue
  | StValue
  | CodedValue<'CD'>
  | CodedValue<'CE'>
  | CodedValue<'CV'>
  | CodedValue<'CO'>
  | BlValue
  | TsValue
  | RatioValue<'RTO'>
  | RatioValue<'RTO_PQ_PQ'>
  | EdValue;
/** `PQ` result value: a physical quantity with a UCUM unit. */
export interface PqValue {
  type: 'PQ';
  /** Decimal as written. */
  value?: string;
  /** UCUM unit. */
  unit?: string;
  nullFlavor?: NullFlavor;
  /** PQ/translation (PQR): the value in another unit system, as written (2021.01 examples). */
  translations?: PqTranslation[];
}
/** `IVL_PQ` result value: an interval (censored values, MICs). */
export interface IvlPqValue {
  type: 'IVL_PQ';
  low?: QuantityBound;
  high?: QuantityBound;
  center?: QuantityBound;
  nullFlavor?: NullFlavor;
}
/** `REAL` result value (decimal as written). */
export interface RealValue {
  type: 'REAL';
  value?: string;
  nullFlavor?: NullFlavor;
}
/** `INT` result value (integer as written). */
export interface IntValue {
  type: 'INT';
  value?: string;
  nullFlavor?: NullFlavor;
}
/** `ST` result value (text). */
export interface StValue {
  type: 'ST';
  text: string;
  nullFlavor?: NullFlavor;
}
/** Coded result value (`CD`, `CE`, `CV`, `CO`). */
export interface CodedValue<T extends 'CD' | 'CE' | 'CV' | 'CO' = 'CD' | 'CE' | 'CV' | 'CO'> extends Code {
  type: T;
}
/** `BL` result value (boolean). */
export interface BlValue {
  type: 'BL';
  value?: boolean;
  nullFlavor?: NullFlavor;
}
/** `TS` result value (time stamp as written). */
export interface TsValue {
  type: 'TS';
  value?: Ts;
  nullFlavor?: NullFlavor;
}
/** Ratio result value (`RTO`, `RTO_PQ_PQ`: titres). */
export interface RatioValue<T extends 'RTO' | 'RTO_PQ_PQ' = 'RTO' | 'RTO_PQ_PQ'> {
  type: T;
  numerator: RatioTerm;
  denominator: RatioTerm;
}
/** `ED` result value (text payload). */
export interface EdValue {
  type: 'ED';
  mediaType?: string;
  /** Text content, or base64 when representation is B64. */
  text?: string;
  representation?: 'TXT' | 'B64';
}
const resultValueShape = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('PQ'),
    value: decimalStringSchema.optional(),
    unit: z.string().regex(/^\S+$/, 'a UCUM unit has no whitespace').optional(),
    nullFlavor: nullFlavorSchema.optional(),
    translations: z
      .array(pqTranslationSchema)
      .optional()
      .describe('PQ/translation (PQR): the value in another unit system, as written (2021.01 examples)'),
  }),
  z.object({
    type: z.literal('IVL_PQ'),
    low: quantityBoundSchema.optional(),
    high: quantityBoundSchema.optional(),
    center: quantityBoundSchema.optional(),
    nullFlavor: nullFlavorSchema.optional(),
  }),
  z.object({
    type: z.literal('REAL'),
    value: decimalStringSchema.optional(),
    nullFlavor: nullFlavorSchema.optional(),
  }),
  z.object({
    type: z.literal('INT'),
    value: integerStringSchema.optional(),
    nullFlavor: nullFlavorSchema.optional(),
  }),
  z.object({ type: z.literal('ST'), text: z.string(), nullFlavor: nullFlavorSchema.optional() }),
  codeShape.extend({ type: z.literal('CD') }),
  codeShape.extend({ type: z.literal('CE') }),
  codeShape.extend({ type: z.literal('CV') }),
  codeShape.extend({ type: z.literal('CO') }),
  z.object({ type: z.literal('BL'), value: z.boolean().optional(), nullFlavor: nullFlavorSchema.optional() }),
  z.object({ type: z.literal('TS'), value: tsSchema.optional(), nullFlavor: nullFlavorSchema.optional() }),
  z.object({
    type: z.literal('RTO'),
    numerator: ratioTermSchema,
    denominator: ratioTermSchema,
  }),
  z.object({
    type: z.literal('RTO_PQ_PQ'),
    numerator: ratioTermSchema,
    denominator: ratioTermSchema,
  }),
  z.object({
    type: z.literal('ED'),
    mediaType: z.string().optional(),
    text: z.string().optional().describe('text content, or base64 when representation is B64'),
    representation: z.enum(['TXT', 'B64']).optional(),
  }),
]);
/** zod schema of {@link ResultValue} (discriminated by `type`). */
export const resultValueSchema: z.ZodType<ResultValue, ResultValue> = resultValueShape;

/**
 * Reference range (`referenceRange/observationRange`, at most one per result): the normal interval as IVL_PQ
 * (or any value type), a text, and the interpretation it stands for (usually `N`).
 */
export interface ReferenceRange {
  value?: ResultValue;
  /** observationRange/text. */
  text?: string;
  /** observationRange/interpretationCode. */
  interpretation?: Code;
}
const referenceRangeShape = z.object({
  value: resultValueSchema.optional(),
  text: z.string().optional().describe('observationRange/text'),
  interpretation: codeSchema.optional().describe('observationRange/interpretationCode'),
});
/** zod schema of {@link ReferenceRange}. */
export const referenceRangeSchema: z.ZodType<ReferenceRange, ReferenceRange> = referenceRangeShape;

/** A comment (FR-Commentaire-ER: act code 48767-8, text/reference into the narrative). */
export interface Comment {
  kind: 'comment';
  /** The comment text (narrative content). */
  text: string;
  ids?: InstanceId[];
}
const commentShape = z
  .object({
    kind: z.literal('comment'),
    text: z.string().describe('the comment text (narrative content)'),
    ids: z.array(instanceIdSchema).optional(),
  })
  .describe('comment (FR-Commentaire-ER)');
/** zod schema of {@link Comment}. */
export const commentSchema: z.ZodType<Comment, Comment> = commentShape;

/**
 * An illustrative image or multimedia object (`observationMedia`, e.g. an electrophoresis curve):
 * bytes as base64 so the model stays JSON. `mediaId` is `observationMedia@ID` (`renderMultiMedia` target).
 */
export interface Media {
  kind: 'media';
  /** observationMedia@ID. */
  mediaId?: string;
  ids?: InstanceId[];
  /** value@mediaType, e.g. image/png, application/pdf. */
  mediaType: string;
  /** The bytes, base64 (no line breaks needed). */
  data: string;
  caption?: string;
}
const mediaShape = z
  .object({
    kind: z.literal('media'),
    mediaId: z.string().optional().describe('observationMedia@ID'),
    ids: z.array(instanceIdSchema).optional(),
    mediaType: z.string().describe('value@mediaType, e.g. image/png, application/pdf'),
    data: z.string().describe('the bytes, base64 (no line breaks needed)'),
    caption: z.string().optional(),
  })
  .describe('multimedia object (observationMedia)');
/** zod schema of {@link Media}. */
export const mediaSchema: z.ZodType<Media, Media> = mediaShape;

/** A device used for a result (`participant typeCode="DEV"` MANU kit, `CSM` ADTV medium). */
export interface ResultDevice {
  /** participant@typeCode: DEV, CSM. */
  typeCode: string;
  /** participantRole@classCode: MANU, ADTV. */
  classCode?: string;
  /** playingDevice/code. */
  code?: Code;
}
const resultDeviceShape = z.object({
  typeCode: z.string().describe('participant@typeCode: DEV, CSM'),
  classCode: z.string().optional().describe('participantRole@classCode: MANU, ADTV'),
  code: codeSchema.optional().describe('playingDevice/code'),
});
/** zod schema of {@link ResultDevice}. */
export const resultDeviceSchema: z.ZodType<ResultDevice, ResultDevice> = resultDeviceShape;

const observationCore = {
  ids: z.array(instanceIdSchema).optional(),
  code: codeSchema.describe(
    'LOINC (code+displayName+codeSystem), or an empty code with originalText and local/LOINC translations',
  ),
  status: z.enum(['completed', 'aborted']).describe('completed, or aborted = test not performed'),
  effectiveTime: timeSchema.optional().describe('time of the result (clinically relevant time)'),
  value: resultValueSchema.optional(),
  interpretations: z
    .array(codeSchema)
    .optional()
    .describe('interpretationCode (HL7 ObservationInterpretation)'),
  methods: z.array(codeSchema).optional().describe('methodCode (ANSM reagents table, or originalText only)'),
  referenceRange: referenceRangeSchema.optional(),
};

/** A previous result (`entryRelationship typeCode="REFR"`): code, completed, time, value. */
export interface PreviousResult {
  ids?: InstanceId[];
  /** LOINC (code+displayName+codeSystem), or an empty code with originalText and local/LOINC translations. */
  code: Code;
  /** `completed`, or `aborted` = test not performed. */
  status: 'completed' | 'aborted';
  /** Time of the result (clinically relevant time). */
  effectiveTime?: TimeSpec;
  value?: ResultValue;
  /** interpretationCode (HL7 ObservationInterpretation). */
  interpretations?: Code[];
  /** methodCode (ANSM reagents table, or originalText only). */
  methods?: Code[];
  referenceRange?: ReferenceRange;
}
const previousResultShape = z.object(observationCore).describe('previous result (REFR)');
/** zod schema of {@link PreviousResult}. */
export const previousResultSchema: z.ZodType<PreviousResult, PreviousResult> = previousResultShape;

/**
 * One result (FR-Resultat-examens-de-biologie-element-clinique-pertinent). A result in two units is two
 * sibling observations, each with its own LOINC code.
 */
export interface Observation extends PreviousResult {
  kind: 'observation';
  /**
   * "Résultat en attente": the analysis is requested but not yet valued. The builder writes it in the narrative
   * only (no observation entry, as the volet wants) and marks its battery and results entry `active`; the PDF prints
   * "En attente". A pending result has no `value`.
   */
  pending?: boolean;
  /**
   * A critical (panic) value, marked on the PDF. `true` writes HL7 ObservationInterpretation's critical code in the
   * CDA with the kit's display name: H → HH, L → LL, A → AA (other codes kept: `[H, POS]` → `[HH, POS]`); without
   * H, L or A, AA is added (`[POS]` → `[POS, AA]`); interpretations already holding HH, LL or AA are written as given
   * (`[H, AA]` stays). The build refuses it on a pending result, a result without a value or not performed, and with
   * an `N` interpretation. `false` or absent changes nothing: HH/LL/AA given as interpretations still make the
   * result critical. A parsed document never sets it (the codes stay in `interpretations`). The rule is
   * `interpretationsAsWritten` (see docs/model.md).
   */
  critical?: boolean;
  devices?: ResultDevice[];
  /** Subcontracting lab that produced this result. */
  performer?: PerformingLab;
  comments?: Comment[];
  previousResults?: PreviousResult[];
}
const observationShape = z
  .object({
    kind: z.literal('observation'),
    pending: z
      .boolean()
      .optional()
      .describe('résultat en attente: narrative only, battery/entry active, no value'),
    critical: z
      .boolean()
      .optional()
      .describe('critical (panic) value: H → HH, L → LL, A → AA, else AA added; marked on the PDF'),
    ...observationCore,
    devices: z.array(resultDeviceSchema).optional(),
    performer: performingLabSchema.optional().describe('subcontracting lab that produced this result'),
    comments: z.array(commentSchema).optional(),
    previousResults: z.array(previousResultSchema).optional(),
  })
  .describe('laboratory result (observation)');
/** zod schema of {@link Observation}. */
export const observationSchema: z.ZodType<Observation, Observation> = observationShape;

/** Something a battery holds. */
export type BatteryComponent = Observation | Battery | Comment | Media;

/** What a battery and a results entry both carry: ids, code, status, time, subcontracting lab, validators. */
interface ResultGroup {
  ids?: InstanceId[];
  code?: Code;
  /** `completed` = final, `active` = partial (a result still pending), `aborted`. */
  status: 'completed' | 'active' | 'aborted';
  effectiveTime?: TimeSpec;
  performer?: PerformingLab;
  validators?: ResultValidator[];
}
const resultGroupCore = {
  ids: z.array(instanceIdSchema).optional(),
  code: codeSchema.optional(),
  status: z.enum(['completed', 'active', 'aborted']),
  effectiveTime: timeSchema.optional(),
  performer: performingLabSchema.optional(),
  validators: z.array(resultValidatorSchema).optional(),
};

/**
 * A battery (FR-Batterie-examens-de-biologie-medicale, `organizer classCode="BATTERY"`): optional code (LOINC
 * panel, or uncoded with originalText + translation), status, and components (results, nested batteries,
 * comments, images).
 */
export interface Battery extends ResultGroup {
  kind: 'battery';
  components: BatteryComponent[];
}
// Batteries nest: the components array reaches the (annotated, hence not circular) component schema lazily.
const batteryShape = z
  .object({
    kind: z.literal('battery'),
    ...resultGroupCore,
    components: z.array(z.lazy(() => batteryComponentSchema)),
  })
  .describe('battery (organizer BATTERY)');
/** zod schema of {@link Battery} (batteries nest). */
export const batterySchema: z.ZodType<Battery, Battery> = batteryShape;
const batteryComponentShape = z.union([observationSchema, batterySchema, commentSchema, mediaSchema]);
/** zod schema of {@link BatteryComponent}: observation, battery, comment or media. */
export const batteryComponentSchema: z.ZodType<BatteryComponent, BatteryComponent> = batteryComponentShape;

/**
 * Microbiology isolate (FR-Isolat-microbiologique, `organizer classCode="CLUSTER"`): the organism
 * (SNOMED CT, or uncoded with an NCBI translation, or originalText) and its results (count, antibiogram
 * battery 18769-0 of MIC observations with S/I/R interpretations).
 */
export interface Isolate {
  kind: 'isolate';
  ids?: InstanceId[];
  status: 'completed' | 'active' | 'aborted';
  effectiveTime?: TimeSpec;
  organism: {
    /** specimenRole/id. */
    ids?: InstanceId[];
    /** specimenPlayingEntity/code. */
    code: Code;
  };
  performer?: PerformingLab;
  components: BatteryComponent[];
}
const isolateShape = z
  .object({
    kind: z.literal('isolate'),
    ids: z.array(instanceIdSchema).optional(),
    status: z.enum(['completed', 'active', 'aborted']),
    effectiveTime: timeSchema.optional(),
    organism: z.object({
      ids: z.array(instanceIdSchema).optional().describe('specimenRole/id'),
      code: codeSchema.describe('specimenPlayingEntity/code'),
    }),
    performer: performingLabSchema.optional(),
    components: z.array(batteryComponentSchema),
  })
  .describe('microbiology isolate');
/** zod schema of {@link Isolate}. */
export const isolateSchema: z.ZodType<Isolate, Isolate> = isolateShape;

/**
 * Specimen (FR-Prelevement, `procedure` PROC/EVN): NABM/other act code, sampling time, body site, sampler,
 * specimen id and type (HL7 SpecimenType), and the receipt time (SPRECEIVE act).
 */
export interface Specimen {
  kind: 'specimen';
  ids?: InstanceId[];
  /** procedure/code (NABM act, …). */
  code?: Code;
  /** procedure/effectiveTime (usually high = sampling time). */
  samplingTime: TimeSpec;
  targetSite?: Code;
  /** procedure/performer/assignedEntity. */
  sampler?: HealthProfessional;
  /** participantRole/id (exactly one expected). */
  specimenIds: InstanceId[];
  /** playingEntity/code (HL7 SpecimenType). */
  specimenType?: Code;
  /** SPRECEIVE act effectiveTime. */
  receivedTime?: TimeSpec;
}
const specimenShape = z
  .object({
    kind: z.literal('specimen'),
    ids: z.array(instanceIdSchema).optional(),
    code: codeSchema.optional().describe('procedure/code (NABM act, …)'),
    samplingTime: timeSchema.describe('procedure/effectiveTime (usually high = sampling time)'),
    targetSite: codeSchema.optional(),
    sampler: healthProfessionalSchema.optional().describe('procedure/performer/assignedEntity'),
    specimenIds: z.array(instanceIdSchema).describe('participantRole/id (exactly one expected)'),
    specimenType: codeSchema.optional().describe('playingEntity/code (HL7 SpecimenType)'),
    receivedTime: timeSchema.optional().describe('SPRECEIVE act effectiveTime'),
  })
  .describe('specimen (FR-Prelevement)');
/** zod schema of {@link Specimen}. */
export const specimenSchema: z.ZodType<Specimen, Specimen> = specimenShape;

/** An item of a results entry, discriminated by `kind`. */
export type ResultItem = Specimen | Observation | Battery | Isolate;
const resultItemShape = z.union([specimenSchema, observationSchema, batterySchema, isolateSchema]);
/** zod schema of {@link ResultItem}: something a results entry (act) holds. */
export const resultItemSchema: z.ZodType<ResultItem, ResultItem> = resultItemShape;

/**
 * The results entry of a chapter or sub-chapter (FR-Resultats-examens-de-biologie-medicale, `entry
 * typeCode="DRIV"` / `act`): code (LOINC specialty or empty), status (completed = final, active = partial),
 * optional subcontracting performer, validating biologists, items and comments.
 */
export interface ResultsEntry extends ResultGroup {
  /** At least one item (COMP). */
  items: ResultItem[];
  comments?: Comment[];
}
const resultsEntryShape = z
  .object({
    ...resultGroupCore,
    items: z.array(resultItemSchema).min(1, 'a results entry holds at least one item (COMP)'),
    comments: z.array(commentSchema).optional(),
  })
  .describe('results entry (act)');
/** zod schema of {@link ResultsEntry}. */
export const resultsEntrySchema: z.ZodType<ResultsEntry, ResultsEntry> = resultsEntryShape;

// Compile-time: each schema infers exactly its hand-written type (see type-equals.ts).
type _ResultsChecks = [
  Assert<Equals<z.infer<typeof pqTranslationShape>, PqTranslation>>,
  Assert<Equals<z.infer<typeof quantityBoundShape>, QuantityBound>>,
  Assert<Equals<z.infer<typeof ratioTermShape>, RatioTerm>>,
  Assert<Equals<z.infer<typeof resultValueShape>, ResultValue>>,
  Assert<Equals<z.infer<typeof referenceRangeShape>, ReferenceRange>>,
  Assert<Equals<z.infer<typeof commentShape>, Comment>>,
  Assert<Equals<z.infer<typeof mediaShape>, Media>>,
  Assert<Equals<z.infer<typeof resultDeviceShape>, ResultDevice>>,
  Assert<Equals<z.infer<typeof previousResultShape>, PreviousResult>>,
  Assert<Equals<z.infer<typeof observationShape>, Observation>>,
  Assert<Equals<z.infer<typeof batteryShape>, Battery>>,
  Assert<Equals<z.infer<typeof batteryComponentShape>, BatteryComponent>>,
  Assert<Equals<z.infer<typeof isolateShape>, Isolate>>,
  Assert<Equals<z.infer<typeof specimenShape>, Specimen>>,
  Assert<Equals<z.infer<typeof resultItemShape>, ResultItem>>,
  Assert<Equals<z.infer<typeof resultsEntryShape>, ResultsEntry>>,
];
