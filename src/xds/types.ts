/**
 * Typed XDS.b metadata of a DMP submission (ITI-41 Provide and Register / XDM METADATA.XML).
 * These types are the contract other modules (mss XDM packaging, hl7v2) code against: fields are only ever added.
 * @module
 */

/** An XDS coded value: a `Classification` with its `codingScheme` slot and `Name`. */
export interface XdsCode {
  code: string;
  /** codingScheme slot (an OID, or `URN`, `ASTM`… for the signature entry). */
  scheme: string;
  /** Display name (the Classification's `Name`). */
  display: string;
}

/**
 * Patient / professional visibility of a document in the DMP, written as the TRE_A07 confidentiality codes
 * (`MASQUE_PS`, `INVISIBLE_PATIENT`, `INVISIBLE_REPRESENTANTS_LEGAUX`). `secretConnection` ("connexion secrète",
 * patient-hidden DMP activity) has no XDS code of its own: it implies hidden from the patient and the legal
 * representatives (see docs/dmp.md).
 */
export interface Visibility {
  hiddenFromProfessionals?: boolean;
  hiddenFromPatient?: boolean;
  hiddenFromLegalRepresentatives?: boolean;
  secretConnection?: boolean;
}

/** An XDS author (DocumentEntry.author / SubmissionSet.author): HL7 v2 XCN / XON / CE strings, as sent. */
export interface XdsAuthor {
  /** authorPerson, XCN: `id^FAMILY^Given^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS`. */
  person?: string;
  /** authorInstitution, XON: `Name^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1<FINESS>`. */
  institutions: string[];
  /** authorRole (functionCode display, e.g. the biologist's role). */
  roles: string[];
  /** authorSpecialty, `code^display^codeSystem` (JDV_J01). */
  specialties: string[];
  /** authorTelecommunication, XTN. */
  telecoms: string[];
}

/** Registry statuses: the IHE ones and the CI-SIS archived status. */
export const AVAILABILITY_STATUS = {
  approved: 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved',
  deprecated: 'urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated',
  archived: 'urn:asip:ci-sis:2010:StatusType:Archived',
} as const;
/** One of {@link AVAILABILITY_STATUS}. */
export type AvailabilityStatus = (typeof AVAILABILITY_STATUS)[keyof typeof AVAILABILITY_STATUS];

/** What a DocumentEntry stands for: the CR-BIO level 3, its level 1, or the submission-set signature. */
export type DocumentRole = 'n3' | 'n1' | 'signature';

/** An XDS DocumentEntry (ebRIM `ExtrinsicObject`, objectType stable `7edca82f-…`). */
export interface DocumentEntry {
  /** `urn:uuid:…` (the RPLC target of a later version: store it). */
  entryUUID: string;
  /** Document uniqueId: a pure OID (`root` or `root.extension`). */
  uniqueId: string;
  mimeType: string;
  /** SHA-1 of the exact bytes, lower-case hex. */
  hash: string;
  /** Byte length. */
  size: number;
  /** XDM URI slot = file name in the XDM subset (set by the XDM packager). */
  uri?: string;
  title?: string;
  comments?: string;
  /** INS as CX `matricule^^^&OID&ISO^NH`. */
  patientId: string;
  /** Local id (IPP) `id^^^&OID&ISO^PI`, or the INS when the header carries no local id. */
  sourcePatientId: string;
  /** sourcePatientInfo values, e.g. `PID-5|NOM^Prénom^^^^^L`, `PID-7|19790328`, `PID-8|F`. */
  sourcePatientInfo: string[];
  classCode: XdsCode;
  typeCode: XdsCode;
  formatCode: XdsCode;
  /** The CDA confidentiality code first, then the visibility codes (1..4). */
  confidentialityCodes: XdsCode[];
  healthcareFacilityTypeCode: XdsCode;
  practiceSettingCode: XdsCode;
  eventCodes: XdsCode[];
  /** XDS DTM in UTC (`YYYYMMDDhhmmss`, or shorter for a less precise time). */
  creationTime: string;
  serviceStartTime?: string;
  serviceStopTime?: string;
  languageCode: string;
  /** XCN of the legal authenticator. */
  legalAuthenticator?: string;
  authors: XdsAuthor[];
  /** referenceIdList (CXi), e.g. `ORDER-1^^^&1.2.3&ISO^urn:ihe:iti:xds:2013:order`. */
  referenceIds?: string[];
  /** ExtrinsicObject@status (not written by a submitter; read back when present). */
  availabilityStatus?: AvailabilityStatus;
  /** ITI-57: logical id (lid) shared by every metadata version of the entry = the first entryUUID. */
  logicalId?: string;
  /** ITI-57 / registry: metadata version (`rim:VersionInfo@versionName`). */
  version?: string;
}

/** The XDS SubmissionSet (ebRIM `RegistryPackage` classified `a54d6aa5-…`). */
export interface SubmissionSet {
  entryUUID: string;
  /** The submission set's own OID (the one the signature names). */
  uniqueId: string;
  /** OID of the sending system. */
  sourceId: string;
  /** Same INS CX as every DocumentEntry. */
  patientId: string;
  /** XDS DTM in UTC. */
  submissionTime: string;
  contentTypeCode: XdsCode;
  authors: XdsAuthor[];
  title?: string;
  comments?: string;
  /** intendedRecipient values (XON|XCN|XTN). */
  intendedRecipients?: string[];
  availabilityStatus?: AvailabilityStatus;
}

/** Association types used by a CR-BIO submission. */
export const ASSOCIATION_TYPE = {
  hasMember: 'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember',
  replace: 'urn:ihe:iti:2007:AssociationType:RPLC',
  signs: 'urn:ihe:iti:2007:AssociationType:signs',
  /** ITI-57: change of availability status (deprecation, CI-SIS archiving). */
  updateAvailabilityStatus: 'urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus',
} as const;
/** One of {@link ASSOCIATION_TYPE}. */
export type AssociationType = (typeof ASSOCIATION_TYPE)[keyof typeof ASSOCIATION_TYPE];

/** An ebRIM Association. */
export interface Association {
  /** `urn:uuid:…`. */
  id: string;
  type: AssociationType;
  sourceObject: string;
  targetObject: string;
  /** SubmissionSetStatus slot of a HasMember from the SubmissionSet: `Original`. */
  submissionSetStatus?: 'Original' | 'Reference';
  /** ITI-57 HasMember to a new version: the version number of the entry being updated. */
  previousVersion?: string;
  /** ITI-57 UpdateAvailabilityStatus: current status of the target. */
  originalStatus?: AvailabilityStatus;
  /** ITI-57 UpdateAvailabilityStatus: status to set. */
  newStatus?: AvailabilityStatus;
}

/** A whole submission: what ITI-41 registers and what XDM's METADATA.XML lists. */
export interface Submission {
  submissionSet: SubmissionSet;
  documents: DocumentEntry[];
  associations: Association[];
}

/** One document given to {@link SubmissionInput}: its exact bytes (N3, N1 or the XAdES signature). */
export interface SubmissionDocumentInput {
  bytes: Uint8Array;
  /** entryUUID to use (default: from the id generator). */
  entryUUID?: string;
  /** XDM file name. */
  uri?: string;
}

/** The previous version a document replaces: the entryUUID the registry gave it (stored by the lab). */
export interface Replaces {
  /** `urn:uuid:…` of the DocumentEntry replaced. */
  entryUUID: string;
  /**
   * uniqueId of the replaced document (the CDA `relatedDocument/parentDocument/id`): picks which new document
   * replaces it. Without it, the replacements are taken in the order of the documents carrying an RPLC.
   */
  uniqueId?: string;
}

/** SubmissionSet attributes the CDA headers cannot give. */
export interface SubmissionSetInput {
  /** OID of the sending system (XDS sourceId). */
  sourceId: string;
  /** The submission set's OID. Default: the one named by the signature's manifest; required without a signature. */
  uniqueId?: string;
  /** Submission time. Default: the injected clock. */
  submissionTime?: Date;
  /** contentTypeCode (TRE_R209 type d'activité, e.g. `04`); see {@link CONTENT_TYPE_CODES}. */
  contentTypeCode: { code: string; display?: string; scheme?: string };
  /** Sender (default: the level 3 document's first author). */
  author?: XdsAuthor;
  title?: string;
  comments?: string;
  intendedRecipients?: string[];
}

/** Input of `buildSubmission`. */
export interface SubmissionInput {
  /** CR-BIO documents (level 3 first, then level 1); a XAdES signature among them is recognised too. */
  documents: SubmissionDocumentInput[];
  /** The submission-set signature (XAdES, `signSubmissionSet`). */
  signature?: SubmissionDocumentInput;
  submissionSet: SubmissionSetInput;
  /** Masking / visibility (default: visible to all). */
  visibility?: Visibility;
  /** Required when a document carries an RPLC relatedDocument. */
  replaces?: Replaces | Replaces[];
  /** uniqueId of the signature entry. Default: `<submission set uniqueId>.0`. */
  signatureUniqueId?: string;
  /** Generator of `urn:uuid:` ids (default: random UUIDs); inject for reproducible output. */
  uuid?: () => string;
  /** Clock for the default submission time. */
  clock?: () => Date;
  /** ANS kit folder: also check authorSpecialty (JDV_J01) against the kit's file. */
  kit?: string;
  /** Warnings (e.g. a bad RPPS key in the header); default: ignored. */
  onWarning?: (warning: XdsFinding) => void;
}

/** A finding of `checkXdsMetadata` or a warning of `buildSubmission`. */
export interface XdsFinding {
  severity: 'error' | 'warning';
  /** Stable rule code, e.g. `XDS_SLOT_MISSING`. */
  code: string;
  message: string;
  /** Object id (`urn:uuid:…`) and slot / classification, or an XPath. */
  where?: string;
}
