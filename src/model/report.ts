import { z } from 'zod';
import { CisisBioError } from '../common/errors.js';
import { type Code, codeSchema } from './coded-value.js';
import { type InstanceId, instanceIdSchema, type TimeSpec, type Ts, timeSchema, tsSchema } from './codes.js';
import {
  type Authenticator,
  type Author,
  authenticatorSchema,
  authorSchema,
  type Custodian,
  custodianSchema,
  type Encounter,
  encounterSchema,
  type HeaderParticipant,
  headerParticipantSchema,
  type Informant,
  type InformationRecipient,
  informantSchema,
  informationRecipientSchema,
  type LegalAuthenticator,
  legalAuthenticatorSchema,
  type Patient,
  type PerformingLab,
  patientSchema,
  performingLabSchema,
} from './parties.js';
import { type ResultsEntry, resultsEntrySchema } from './results.js';
import type { Assert, Equals } from './type-equals.js';

/**
 * The CR-BIO report model (CI-SIS BIO-CR-BIO 2021.01–2024.01, CDA R2 level 3 or level 1): what the builders
 * write, what the parser returns, what the PDF renderer and the merge read. JSON-serialisable: bytes are base64.
 */

// ---------------------------------------------------------------------------------------------- sections

/**
 * An attached document (FR-Document-attache organizer 55107-7 + FR-Type-document-attache observation 69764-9 +
 * observationMedia): the other lab's PDF in a second-intention section, or the PDF copy of the report.
 */
export interface AttachedDocument {
  /** organizer/id. */
  ids?: InstanceId[];
  /** FR-Type-document-attache observation/id. */
  typeObservationIds?: InstanceId[];
  /** Type observation value (CD), e.g. 55108-5 for the PDF copy. */
  documentType?: Code;
  /** Type observation text (narrative content). */
  typeText?: string;
  /** organizer/effectiveTime when written (usually nullFlavor NA). */
  effectiveTime?: TimeSpec;
  /** observationMedia@ID, target of renderMultiMedia. */
  mediaId?: string;
  /** value@mediaType, application/pdf. */
  mediaType: string;
  /** Document bytes, base64. */
  data: string;
}
const attachedDocumentShape = z
  .object({
    ids: z.array(instanceIdSchema).optional().describe('organizer/id'),
    typeObservationIds: z
      .array(instanceIdSchema)
      .optional()
      .describe('FR-Type-document-attache observation/id'),
    documentType: codeSchema
      .optional()
      .describe('type observation value (CD), e.g. 55108-5 for the PDF copy'),
    typeText: z.string().optional().describe('type observation text (narrative content)'),
    effectiveTime: timeSchema
      .optional()
      .describe('organizer/effectiveTime when written (usually nullFlavor NA)'),
    mediaId: z.string().optional().describe('observationMedia@ID, target of renderMultiMedia'),
    mediaType: z.string().describe('value@mediaType, application/pdf'),
    data: z.string().describe('document bytes, base64'),
  })
  .describe('attached document (FR-Document-attache)');
/** zod schema of {@link AttachedDocument}. */
export const attachedDocumentSchema: z.ZodType<AttachedDocument, AttachedDocument> = attachedDocumentShape;

const narrative = z
  .string()
  .optional()
  .describe(
    'section text as written (inner XML of <text>, CDA narrative). Parsed documents keep it; builders regenerate ' +
      'it from the entries for chapters, and use it for sections whose content is the narrative (comment, other)',
  );

/** Sub-chapter (FR-CR-BIO-Sous-Chapitre, IHE Laboratory Report Item Section): one results entry. */
export interface SubSection {
  ids?: InstanceId[];
  /** LOINC code of the sub-chapter (panel or specialty). */
  code?: Code;
  title?: string;
  /** Section text as written (inner XML of `<text>`); builders regenerate it from the entry. */
  narrative?: string;
  entry: ResultsEntry;
}
const subSectionShape = z
  .object({
    ids: z.array(instanceIdSchema).optional(),
    code: codeSchema.optional().describe('LOINC code of the sub-chapter (panel or specialty)'),
    title: z.string().optional(),
    narrative,
    entry: resultsEntrySchema,
  })
  .describe('sub-chapter');
/** zod schema of {@link SubSection}. */
export const subSectionSchema: z.ZodType<SubSection, SubSection> = subSectionShape;

/**
 * Chapter (FR-CR-BIO-Chapitre, IHE Laboratory Specialty Section): LOINC specialty code (or another system
 * where the volet allows, e.g. 1.2.250.1.213.1.1.5.130 in DEP-CCU), title, and **either** one results `entry`
 * **or** `subSections`.
 */
export interface ChapterSection {
  kind: 'chapter';
  ids?: InstanceId[];
  code: Code;
  title: string;
  /** Section text as written (inner XML of `<text>`); builders regenerate it from the entries. */
  narrative?: string;
  entry?: ResultsEntry;
  subSections?: SubSection[];
}
const chapterSectionShape = z
  .object({
    kind: z.literal('chapter'),
    ids: z.array(instanceIdSchema).optional(),
    code: codeSchema,
    title: z.string(),
    narrative,
    entry: resultsEntrySchema.optional(),
    subSections: z.array(subSectionSchema).optional(),
  })
  .describe('chapter');
/** zod schema of {@link ChapterSection}. */
export const chapterSectionSchema: z.ZodType<ChapterSection, ChapterSection> = chapterSectionShape;

/** Uncoded comment section (FR-Commentaire-non-code, code 55112-7): a free title and text. */
export interface CommentSection {
  kind: 'comment';
  ids?: InstanceId[];
  title: string;
  /** Plain text of the section. */
  text: string;
  /** Section text as written (inner XML of `<text>`, CDA narrative), when parsed or given. */
  narrative?: string;
}
const commentSectionShape = z
  .object({
    kind: z.literal('comment'),
    ids: z.array(instanceIdSchema).optional(),
    title: z.string(),
    text: z.string().describe('plain text of the section'),
    narrative,
  })
  .describe('uncoded comment section');
/** zod schema of {@link CommentSection}. */
export const commentSectionSchema: z.ZodType<CommentSection, CommentSection> = commentSectionShape;

/**
 * Second-intention results section (1.2.250.1.213.1.1.2.60, code e.g. 101792-0): the other lab's report as an
 * attached PDF.
 */
export interface SecondIntentionSection {
  kind: 'secondIntention';
  ids?: InstanceId[];
  code: Code;
  title: string;
  /** Section text as written (inner XML of `<text>`, CDA narrative). */
  narrative?: string;
  documents: AttachedDocument[];
}
const secondIntentionSectionShape = z
  .object({
    kind: z.literal('secondIntention'),
    ids: z.array(instanceIdSchema).optional(),
    code: codeSchema,
    title: z.string(),
    narrative,
    documents: z.array(attachedDocumentSchema),
  })
  .describe('second-intention results section');
/** zod schema of {@link SecondIntentionSection}. */
export const secondIntentionSectionSchema: z.ZodType<SecondIntentionSection, SecondIntentionSection> =
  secondIntentionSectionShape;

/**
 * A section kept as written (FR-Raison-de-la-recommandation, FR-Vaccinations, or any other legal section):
 * templateIds, id, code, title, narrative and each `entry` as raw XML (serialised, `urn:hl7-org:v3` namespace).
 */
export interface RawSection {
  kind: 'recommendationReason' | 'vaccinations' | 'other';
  templateIds: InstanceId[];
  ids?: InstanceId[];
  code?: Code;
  title?: string;
  /** Section text as written (inner XML of `<text>`, CDA narrative). */
  narrative?: string;
  /** Each `<entry>` element as XML, kept verbatim. */
  entries?: string[];
}
const rawSectionShape = z
  .object({
    kind: z.enum(['recommendationReason', 'vaccinations', 'other']),
    templateIds: z.array(instanceIdSchema),
    ids: z.array(instanceIdSchema).optional(),
    code: codeSchema.optional(),
    title: z.string().optional(),
    narrative,
    entries: z.array(z.string()).optional().describe('each <entry> element as XML, kept verbatim'),
  })
  .describe('section kept as written');
/** zod schema of {@link RawSection}. */
export const rawSectionSchema: z.ZodType<RawSection, RawSection> = rawSectionShape;

/** A body section other than the PDF copy (which is `CrBioReport.pdf`), in document order. */
export type Section = ChapterSection | CommentSection | SecondIntentionSection | RawSection;
const sectionShape = z.discriminatedUnion('kind', [
  chapterSectionShape,
  commentSectionShape,
  secondIntentionSectionShape,
  rawSectionShape,
]);
/** zod schema of {@link Section} (discriminated by `kind`). */
export const sectionSchema: z.ZodType<Section, Section> = sectionShape;

/**
 * The report's PDF copy: level 3 → FR-Document-PDF-copie section (55108-5); level 1 → `nonXMLBody/text`.
 */
export interface PdfCopy extends Omit<AttachedDocument, 'mediaType'> {
  /** FR-Document-PDF-copie section/id. */
  sectionIds?: InstanceId[];
  /** Section title (must be "Copie du document"). */
  title?: string;
  /** Default application/pdf. */
  mediaType?: string;
}
const pdfCopyShape = attachedDocumentShape
  .extend({
    sectionIds: z.array(instanceIdSchema).optional().describe('FR-Document-PDF-copie section/id'),
    title: z.string().optional().describe('section title (must be "Copie du document")'),
    mediaType: z.string().optional().describe('default application/pdf'),
  })
  .describe('PDF copy of the report');
/** zod schema of {@link PdfCopy}. */
export const pdfCopySchema: z.ZodType<PdfCopy, PdfCopy> = pdfCopyShape;

// ---------------------------------------------------------------------------------------------- header

/**
 * A `documentationOf/serviceEvent`. The first one is the main act: the request (ids), first chapter code,
 * `status` (lab:statusCode: `completed` = final report, `active` = partial), `effectiveTime` (low = receipt,
 * high = final release) and the performing lab. The others carry only the code of a further chapter.
 */
export interface ServiceEvent {
  ids?: InstanceId[];
  code: Code;
  /** lab:statusCode: `completed` = final report, `active` = partial. */
  status?: 'active' | 'completed';
  effectiveTime?: TimeSpec;
  performer?: PerformingLab;
}
const serviceEventShape = z
  .object({
    ids: z.array(instanceIdSchema).optional(),
    code: codeSchema,
    status: z.enum(['active', 'completed']).optional().describe('lab:statusCode'),
    effectiveTime: timeSchema.optional(),
    performer: performingLabSchema.optional(),
  })
  .describe('service event (documentationOf)');
/** zod schema of {@link ServiceEvent}. */
export const serviceEventSchema: z.ZodType<ServiceEvent, ServiceEvent> = serviceEventShape;

/** `relatedDocument`: the previous version replaced (`RPLC`) — or APND/XFRM as written. */
export interface RelatedDocument {
  typeCode: 'RPLC' | 'APND' | 'XFRM';
  parentId: InstanceId;
  parentSetId?: InstanceId;
  parentVersionNumber?: number;
}
const relatedDocumentShape = z
  .object({
    typeCode: z.enum(['RPLC', 'APND', 'XFRM']),
    parentId: instanceIdSchema,
    parentSetId: instanceIdSchema.optional(),
    parentVersionNumber: z.number().int().positive().optional(),
  })
  .describe('related (replaced) document');
/** zod schema of {@link RelatedDocument}. */
export const relatedDocumentSchema: z.ZodType<RelatedDocument, RelatedDocument> = relatedDocumentShape;

/** Header content the model has no field for, kept as raw XML with its location (parsed documents only). */
export interface Unmodeled {
  xpath: string;
  xml: string;
}
const unmodeledShape = z.object({
  xpath: z.string(),
  xml: z.string(),
});
/** zod schema of {@link Unmodeled}. */
export const unmodeledSchema: z.ZodType<Unmodeled, Unmodeled> = unmodeledShape;

/** CR-BIO report levels: 3 = structured (CR-BIO volet), 1 = PDF in a nonXMLBody. */
export const levelSchema = z.union([z.literal(3), z.literal(1)]);

/**
 * A CR-BIO report. Minimal level 3 content: id, setId, versionNumber, effectiveTime, patient, author, custodian,
 * legalAuthenticator, one serviceEvent, encounter, ≥1 chapter, and the PDF copy (`pdf`; required by the volet).
 *
 * @example
 * const report = validateReport(JSON.parse(json)); // throws ModelValidationError listing every problem
 */
export interface CrBioReport {
  /** 3 = structured CR-BIO, 1 = PDF wrapped in CDA. */
  level: 3 | 1;
  /** templateId 1.2.250.1.213.1.1.1.55 `@extension` (2024.01) as written; builders write 2024.01. */
  voletVersion?: string;
  /** ClinicalDocument/id: unique per version. */
  id: InstanceId;
  /** Shared by every version. */
  setId: InstanceId;
  versionNumber: number;
  /** Creation time of this version. */
  effectiveTime: Ts;
  /** Default "Compte rendu d'examens biologiques". */
  title?: string;
  /** confidentialityCode (HL7 5.25: N default, R, V). */
  confidentiality?: Code;
  /** Default fr-FR. */
  languageCode?: string;
  patient: Patient;
  /** At least one. */
  authors: Author[];
  informants?: Informant[];
  custodian: Custodian;
  informationRecipients?: InformationRecipient[];
  legalAuthenticator: LegalAuthenticator;
  /** Validating biologists. */
  authenticators?: Authenticator[];
  /** participant REF. */
  prescriber?: HeaderParticipant;
  /** participant PRF + functionCode PRELV. */
  sampler?: HeaderParticipant;
  /** participant INF + functionCode PCP. */
  generalPractitioner?: HeaderParticipant;
  otherParticipants?: HeaderParticipant[];
  /** inFulfillmentOf/order/id (prescription ids). */
  orderIds?: InstanceId[];
  /** At least one; the first is the main act. */
  serviceEvents: ServiceEvent[];
  relatedDocument?: RelatedDocument;
  encounter: Encounter;
  /** Body sections in order (level 3), PDF copy excluded. */
  sections: Section[];
  /** PDF copy (level 3) or the level 1 body. */
  pdf?: PdfCopy;
  /** Content kept from a parsed document. */
  unmodeled?: Unmodeled[];
}
const crBioReportShape = z
  .object({
    level: levelSchema.describe('3 = structured CR-BIO, 1 = PDF wrapped in CDA'),
    voletVersion: z
      .string()
      .optional()
      .describe('templateId 1.2.250.1.213.1.1.1.55 @extension (2024.01) as written; builders write 2024.01'),
    id: instanceIdSchema.describe('ClinicalDocument/id: unique per version'),
    setId: instanceIdSchema.describe('shared by every version'),
    versionNumber: z.number().int().positive(),
    effectiveTime: tsSchema.describe('creation time of this version'),
    title: z.string().optional().describe('default "Compte rendu d\'examens biologiques"'),
    confidentiality: codeSchema.optional().describe('confidentialityCode (HL7 5.25: N default, R, V)'),
    languageCode: z
      .string()
      .regex(/^[a-z]{2}-[A-Z]{2}$/, 'expected a language code such as fr-FR')
      .optional()
      .describe('default fr-FR'),
    patient: patientSchema,
    authors: z.array(authorSchema).min(1, 'a report has at least one author'),
    informants: z.array(informantSchema).optional(),
    custodian: custodianSchema,
    informationRecipients: z.array(informationRecipientSchema).optional(),
    legalAuthenticator: legalAuthenticatorSchema,
    authenticators: z.array(authenticatorSchema).optional().describe('validating biologists'),
    prescriber: headerParticipantSchema.optional().describe('participant REF'),
    sampler: headerParticipantSchema.optional().describe('participant PRF + functionCode PRELV'),
    generalPractitioner: headerParticipantSchema.optional().describe('participant INF + functionCode PCP'),
    otherParticipants: z.array(headerParticipantSchema).optional(),
    orderIds: z.array(instanceIdSchema).optional().describe('inFulfillmentOf/order/id (prescription ids)'),
    serviceEvents: z.array(serviceEventSchema).min(1, 'a report has at least one serviceEvent'),
    relatedDocument: relatedDocumentSchema.optional(),
    encounter: encounterSchema,
    sections: z.array(sectionSchema).describe('body sections in order (level 3), PDF copy excluded'),
    pdf: pdfCopySchema.optional().describe('PDF copy (level 3) or the level 1 body'),
    unmodeled: z.array(unmodeledSchema).optional().describe('content kept from a parsed document'),
  })
  .describe('CR-BIO report');
/** zod schema of {@link CrBioReport}. */
export const crBioReportSchema: z.ZodType<CrBioReport, CrBioReport> = crBioReportShape;

// Compile-time: each schema infers exactly its hand-written type (see type-equals.ts).
type _ReportChecks = [
  Assert<Equals<z.infer<typeof attachedDocumentShape>, AttachedDocument>>,
  Assert<Equals<z.infer<typeof subSectionShape>, SubSection>>,
  Assert<Equals<z.infer<typeof chapterSectionShape>, ChapterSection>>,
  Assert<Equals<z.infer<typeof commentSectionShape>, CommentSection>>,
  Assert<Equals<z.infer<typeof secondIntentionSectionShape>, SecondIntentionSection>>,
  Assert<Equals<z.infer<typeof rawSectionShape>, RawSection>>,
  Assert<Equals<z.infer<typeof sectionShape>, Section>>,
  Assert<Equals<z.infer<typeof pdfCopyShape>, PdfCopy>>,
  Assert<Equals<z.infer<typeof serviceEventShape>, ServiceEvent>>,
  Assert<Equals<z.infer<typeof relatedDocumentShape>, RelatedDocument>>,
  Assert<Equals<z.infer<typeof unmodeledShape>, Unmodeled>>,
  Assert<Equals<z.infer<typeof levelSchema>, CrBioReport['level']>>,
  Assert<Equals<z.infer<typeof crBioReportShape>, CrBioReport>>,
];

/** Final vs partial status of a report, read from the main serviceEvent (`lab:statusCode`). */
export function reportStatus(report: Pick<CrBioReport, 'serviceEvents'>): 'final' | 'partial' | undefined {
  const s = report.serviceEvents[0]?.status;
  return s === 'completed' ? 'final' : s === 'active' ? 'partial' : undefined;
}

// ---------------------------------------------------------------------------------------------- validation

/** One problem found in a model: zod path (`patient.identity.ins`), message, zod issue code. */
export interface ModelIssue {
  path: ReadonlyArray<PropertyKey>;
  /** The path as text, e.g. `sections[0].entry.items[2].value.unit`. */
  where: string;
  message: string;
  code: string;
}

/** A report model failed validation. `issues` lists **every** problem, each with its zod path. */
export class ModelValidationError extends CisisBioError {
  readonly issues: ReadonlyArray<ModelIssue>;
  constructor(issues: ModelIssue[]) {
    const list = issues.map((i) => `  - ${i.where || '(root)'}: ${i.message}`).join('\n');
    super(
      'MODEL_INVALID',
      `invalid CR-BIO report model (${issues.length} problem${issues.length > 1 ? 's' : ''}):\n${list}`,
      {
        where: issues.map((i) => i.where).join(', '),
      },
    );
    this.issues = issues;
  }
}

/** Render a zod path as `a.b[0].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

const DISCRIMINATORS = new Set<PropertyKey>(['kind', 'type']);

/** A union branch that failed only because its `kind`/`type` literal did not match is not the one meant. */
function isWrongBranch(issues: ReadonlyArray<z.core.$ZodIssue>): boolean {
  return issues.some(
    (i) => i.path.length === 1 && DISCRIMINATORS.has(i.path[0] as PropertyKey) && i.code === 'invalid_value',
  );
}

function flattenIssue(issue: z.core.$ZodIssue, prefix: ReadonlyArray<PropertyKey>, out: ModelIssue[]): void {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Report the problems of the branch the input was meant for (the one whose kind/type matched).
    const meant = issue.errors.filter((branch) => !isWrongBranch(branch));
    if (meant.length === 1) {
      for (const sub of meant[0] ?? []) flattenIssue(sub, path, out);
      return;
    }
  }
  out.push({ path, where: formatPath(path), message: issue.message, code: issue.code });
}

/**
 * Flatten zod issues into {@link ModelIssue}s. A failed union (e.g. a battery component) is replaced by the issues of
 * the branch the input was meant for, so the path points at the bad field rather than at the whole item.
 */
export function toModelIssues(issues: ReadonlyArray<z.core.$ZodIssue>): ModelIssue[] {
  const out: ModelIssue[] = [];
  for (const i of issues) flattenIssue(i, [], out);
  return out;
}

/**
 * Validate an unknown value (e.g. parsed JSON) as a CR-BIO report model.
 *
 * @throws ModelValidationError listing every zod issue path.
 * @example
 * try { validateReport(json) } catch (e) { if (e instanceof ModelValidationError) console.error(e.issues) }
 */
export function validateReport(input: unknown): CrBioReport {
  const r = crBioReportSchema.safeParse(input);
  if (!r.success) throw new ModelValidationError(toModelIssues(r.error.issues));
  return r.data;
}
