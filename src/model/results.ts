import { z } from 'zod';
import {
  codeSchema,
  decimalStringSchema,
  instanceIdSchema,
  integerStringSchema,
  nullFlavorSchema,
  timeSchema,
  tsSchema,
} from './codes.js';
import { healthProfessionalSchema, performingLabSchema, resultValidatorSchema } from './parties.js';

/**
 * Results of a CR-BIO: values, observations (FR-Resultat-examens-de-biologie-element-clinique-pertinent),
 * batteries (FR-Batterie-examens-de-biologie-medicale), microbiology isolates (FR-Isolat-microbiologique),
 * specimens (FR-Prelevement), comments (FR-Commentaire-ER), images (observationMedia) and the results entry
 * act (FR-Resultats-examens-de-biologie-medicale) that groups them in a chapter.
 *
 * Numbers are decimal **strings** kept as written: `"1.950"` stays `"1.950"`.
 */

/** A `PQ/translation` (PQR): value + code (the unit in the code system), as written. */
export const pqTranslationSchema = z.object({
  value: decimalStringSchema.optional(),
  code: z.string().optional(),
  codeSystem: z.string().optional(),
  codeSystemName: z.string().optional(),
  displayName: z.string().optional(),
});
export type PqTranslation = z.infer<typeof pqTranslationSchema>;

/**
 * A quantity bound (IVL_PQ `low`/`high`/`center`): value as written, UCUM unit, inclusive flag as written, and the
 * bound in other units (`translation`, as on a PQ value).
 */
export const quantityBoundSchema = z.object({
  value: decimalStringSchema.optional(),
  unit: z.string().regex(/^\S+$/, 'a UCUM unit has no whitespace').optional(),
  inclusive: z.boolean().optional().describe('@inclusive as written (absent = not written)'),
  nullFlavor: nullFlavorSchema.optional(),
  translations: z
    .array(pqTranslationSchema)
    .optional()
    .describe('low/high/center translation (PQR): the bound in a second unit, as written (2021.01 examples)'),
});
export type QuantityBound = z.infer<typeof quantityBoundSchema>;

/** A quantity of a ratio (RTO numerator/denominator): PQ, INT or REAL. */
export const ratioTermSchema = z.object({
  type: z.enum(['PQ', 'INT', 'REAL']),
  value: decimalStringSchema,
  unit: z.string().regex(/^\S+$/).optional(),
});
export type RatioTerm = z.infer<typeof ratioTermSchema>;

/**
 * A result value, by CDA data type (`xsi:type`):
 * - `PQ` physical quantity with a UCUM unit (`{ type: 'PQ', value: '1.950', unit: 'm[IU]/L' }`);
 * - `IVL_PQ` interval for censored values and MICs (`<1.0` → `{ high: { value: '1.0', inclusive: true } }`);
 * - `REAL`, `INT` (as written), `ST` (text), `CD`/`CE` (coded, with originalText), `BL`, `TS`;
 * - `RTO` ratio (titres: numerator/denominator), `RTO_PQ_PQ`;
 * - `ED` (text payload) is kept for completeness.
 */
export const resultValueSchema = z.discriminatedUnion('type', [
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
  codeSchema.extend({ type: z.literal('CD') }),
  codeSchema.extend({ type: z.literal('CE') }),
  codeSchema.extend({ type: z.literal('CV') }),
  codeSchema.extend({ type: z.literal('CO') }),
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
export type ResultValue = z.infer<typeof resultValueSchema>;

/**
 * Reference range (`referenceRange/observationRange`, at most one per result): the normal interval as IVL_PQ
 * (or any value type), a text, and the interpretation it stands for (usually `N`).
 */
export const referenceRangeSchema = z.object({
  value: resultValueSchema.optional(),
  text: z.string().optional().describe('observationRange/text'),
  interpretation: codeSchema.optional().describe('observationRange/interpretationCode'),
});
export type ReferenceRange = z.infer<typeof referenceRangeSchema>;

/** A comment (FR-Commentaire-ER: act code 48767-8, text/reference into the narrative). */
export const commentSchema = z
  .object({
    kind: z.literal('comment'),
    text: z.string().describe('the comment text (narrative content)'),
    ids: z.array(instanceIdSchema).optional(),
  })
  .describe('comment (FR-Commentaire-ER)');
export type Comment = z.infer<typeof commentSchema>;

/**
 * An illustrative image or multimedia object (`observationMedia`, e.g. an electrophoresis curve):
 * bytes as base64 so the model stays JSON. `mediaId` is `observationMedia@ID` (`renderMultiMedia` target).
 */
export const mediaSchema = z
  .object({
    kind: z.literal('media'),
    mediaId: z.string().optional().describe('observationMedia@ID'),
    ids: z.array(instanceIdSchema).optional(),
    mediaType: z.string().describe('value@mediaType, e.g. image/png, application/pdf'),
    data: z.string().describe('the bytes, base64 (no line breaks needed)'),
    caption: z.string().optional(),
  })
  .describe('multimedia object (observationMedia)');
export type Media = z.infer<typeof mediaSchema>;

/** A device used for a result (`participant typeCode="DEV"` MANU kit, `CSM` ADTV medium). */
export const resultDeviceSchema = z.object({
  typeCode: z.string().describe('participant@typeCode: DEV, CSM'),
  classCode: z.string().optional().describe('participantRole@classCode: MANU, ADTV'),
  code: codeSchema.optional().describe('playingDevice/code'),
});
export type ResultDevice = z.infer<typeof resultDeviceSchema>;

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
export const previousResultSchema = z.object(observationCore).describe('previous result (REFR)');
export type PreviousResult = z.infer<typeof previousResultSchema>;

/**
 * One result (FR-Resultat-examens-de-biologie-element-clinique-pertinent). A result in two units is two
 * sibling observations, each with its own LOINC code.
 */
export const observationSchema = z
  .object({
    kind: z.literal('observation'),
    ...observationCore,
    devices: z.array(resultDeviceSchema).optional(),
    performer: performingLabSchema.optional().describe('subcontracting lab that produced this result'),
    comments: z.array(commentSchema).optional(),
    previousResults: z.array(previousResultSchema).optional(),
  })
  .describe('laboratory result (observation)');
export type Observation = z.infer<typeof observationSchema>;

/** Something a battery holds. */
export type BatteryComponent = Observation | Battery | Comment | Media;

/**
 * A battery (FR-Batterie-examens-de-biologie-medicale, `organizer classCode="BATTERY"`): optional code (LOINC
 * panel, or uncoded with originalText + translation), status, and components (results, nested batteries,
 * comments, images).
 */
export interface Battery {
  kind: 'battery';
  ids?: z.infer<typeof instanceIdSchema>[];
  code?: z.infer<typeof codeSchema>;
  status: 'completed' | 'active' | 'aborted';
  effectiveTime?: z.infer<typeof timeSchema>;
  performer?: z.infer<typeof performingLabSchema>;
  validators?: z.infer<typeof resultValidatorSchema>[];
  components: BatteryComponent[];
}
/** zod schema of {@link Battery} (lazy: batteries nest). */
export const batterySchema: z.ZodType<Battery> = z.lazy(() =>
  z
    .object({
      kind: z.literal('battery'),
      ids: z.array(instanceIdSchema).optional(),
      code: codeSchema.optional(),
      status: z.enum(['completed', 'active', 'aborted']),
      effectiveTime: timeSchema.optional(),
      performer: performingLabSchema.optional(),
      validators: z.array(resultValidatorSchema).optional(),
      components: z.array(batteryComponentSchema),
    })
    .describe('battery (organizer BATTERY)'),
);
/** zod schema of {@link BatteryComponent}: observation, battery, comment or media. */
export const batteryComponentSchema: z.ZodType<BatteryComponent> = z.lazy(() =>
  z.union([observationSchema, batterySchema, commentSchema, mediaSchema]),
);

/**
 * Microbiology isolate (FR-Isolat-microbiologique, `organizer classCode="CLUSTER"`): the organism
 * (SNOMED CT, or uncoded with an NCBI translation, or originalText) and its results (count, antibiogram
 * battery 18769-0 of MIC observations with S/I/R interpretations).
 */
export const isolateSchema = z
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
export type Isolate = z.infer<typeof isolateSchema>;

/**
 * Specimen (FR-Prelevement, `procedure` PROC/EVN): NABM/other act code, sampling time, body site, sampler,
 * specimen id and type (HL7 SpecimenType), and the receipt time (SPRECEIVE act).
 */
export const specimenSchema = z
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
export type Specimen = z.infer<typeof specimenSchema>;

/** Something a results entry (act) holds. */
export const resultItemSchema = z.union([specimenSchema, observationSchema, batterySchema, isolateSchema]);
/** An item of a results entry, discriminated by `kind`. */
export type ResultItem = Specimen | Observation | Battery | Isolate;

/**
 * The results entry of a chapter or sub-chapter (FR-Resultats-examens-de-biologie-medicale, `entry
 * typeCode="DRIV"` / `act`): code (LOINC specialty or empty), status (completed = final, active = partial),
 * optional subcontracting performer, validating biologists, items and comments.
 */
export const resultsEntrySchema = z
  .object({
    ids: z.array(instanceIdSchema).optional(),
    code: codeSchema.optional(),
    status: z.enum(['completed', 'active', 'aborted']),
    effectiveTime: timeSchema.optional(),
    performer: performingLabSchema.optional(),
    validators: z.array(resultValidatorSchema).optional(),
    items: z.array(resultItemSchema).min(1, 'a results entry holds at least one item (COMP)'),
    comments: z.array(commentSchema).optional(),
  })
  .describe('results entry (act)');
export type ResultsEntry = z.infer<typeof resultsEntrySchema>;
