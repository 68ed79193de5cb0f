// Codes of the volet « Transmission de document(s) CDA en HL7 v2 » v2.1 (tables MetaDMPMSS and AckMetierZAM).

/** The Y/N metadata of the MetaDMPMSS table, in the order the guide prescribes for the OBX segments. */
export const META_FLAGS = [
  { code: 'MASQUE_PS', key: 'hiddenFromProfessionals', label: 'Masqué aux professionnels de Santé' },
  { code: 'INVISIBLE_PATIENT', key: 'hiddenFromPatient', label: 'Document Non Visible par le patient' },
  {
    code: 'INVISIBLE_REP_LEGAUX',
    key: 'hiddenFromLegalRepresentatives',
    label: 'Non visible par les représentants Légaux du patient',
  },
  { code: 'CONNEXION_SECRETE', key: 'secretConnection', label: 'Connexion Secrete' },
  { code: 'MODIF_CONF_CODE', key: 'confidentialityChanged', label: 'Modification Confidentiality Code' },
  { code: 'DESTDMP', key: 'toDmp', label: 'Destinataire DMP' },
  {
    code: 'DESTMSSANTEPS',
    key: 'toMssanteProfessionals',
    label: 'Destinataire (Professionnel de Santé, organisation ou BAL applicative)',
  },
  { code: 'DESTMSSANTEPAT', key: 'toMssantePatient', label: 'Destinataire Patient' },
  { code: 'ACK_RECEPTION', key: 'receptionAck', label: 'Accusé de réception' },
  { code: 'ACK_LECTURE_MSS', key: 'readingAck', label: 'Accusé de lecture' },
] as const;

/** A MetaDMPMSS Y/N code. */
export type MetaFlagCode = (typeof META_FLAGS)[number]['code'];

/** The MetaDMPMSS flags as booleans (Y = true). */
export type MetaFlags = { [K in (typeof META_FLAGS)[number]['key']]: boolean };

/** The optional mail bodies (ED, base64 text). */
export const MAIL_BODIES = [
  { code: 'CORPSMAIL_PS', key: 'professional', label: 'Corps du mail pour un PS' },
  { code: 'CORPSMAIL_PATIENT', key: 'patient', label: 'Corps du mail pour le patient' },
] as const;

/** Codes some ANS examples write for a table code (the LPS examples write `ACK_LECTURE`). */
export const FLAG_ALIASES: Readonly<Record<string, MetaFlagCode>> = { ACK_LECTURE: 'ACK_LECTURE_MSS' };

export const META_SYSTEM = 'MetaDMPMSS';
export const YES_NO_SYSTEM = 'expandedYes-NoIndicator';
export const ZAM_SYSTEM = 'AckMetierZAM';

/** MSH-21 of the volet and of its sister « Transmission au LPS d'un document CDA provenant d'un courriel MSSanté ». */
export const PROFILES = {
  transmission: { id: '2.1', namespace: 'CISIS_CDA_HL7_V2' },
  lps: { id: '1.0', namespace: 'CISIS_CDA_HL7_LPS' },
} as const;

/** CR-BIO document type (JDV_J07, LOINC). */
export const CR_BIO_TYPE = { code: '11502-2', display: "CR d'examens biologiques", system: 'LN' } as const;

/** What happens to the document(s): OBX-11, ORC-1 and the MDM trigger that go with it. */
export type DocumentEvent = 'initial' | 'replacement' | 'deletion';

export const EVENTS: Readonly<Record<DocumentEvent, { obx11: string; orc1: string; mdm: string }>> = {
  initial: { obx11: 'F', orc1: 'NW', mdm: 'T02' },
  replacement: { obx11: 'C', orc1: 'RO', mdm: 'T10' },
  deletion: { obx11: 'D', orc1: 'CA', mdm: 'T04' },
};

/** OIDs used in PID/PRT. */
export const OID = {
  professional: '1.2.250.1.71.4.2.1',
  structure: '1.2.250.1.71.4.2.2',
} as const;

/** The business acknowledgements (ZAM_Z01, HL7 2.6). */
export const ZAM_KINDS = {
  'dmp-reception': {
    trigger: 'Z01',
    status: { code: 'ACK_RECEPTION_DMP', label: 'Accusé de réception DMP' },
    errorSystem: 'DMP_ERROR_CODE',
  },
  'mss-reception': {
    trigger: 'Z02',
    status: { code: 'ACK_RECEPTION_MSS', label: 'Accusé de réception MSSanté' },
    party: { code: 'DESTINATAIRE_MSS', label: 'Destinataire MSSanté' },
    errorSystem: 'SMTPERRORCODE',
  },
  'mss-reading': {
    trigger: 'Z03',
    status: { code: 'ACK_LECTURE_MSS', label: 'Accusé de lecture' },
    party: { code: 'LECTEUR_MSS', label: 'Lecteur du courriel MSSanté' },
    errorSystem: 'applicationErrorCondition',
  },
} as const;

/** A business acknowledgement kind. */
export type ZamKind = keyof typeof ZAM_KINDS;

/**
 * Format a date as an HL7 TS in UTC (`YYYYMMDDHHMMSS+0000`), independent of the machine's time zone.
 *
 * @example
 * ```ts
 * hl7Timestamp(new Date('2024-01-04T16:10:00Z')); // '20240104161000+0000'
 * ```
 */
export function hl7Timestamp(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`;
}
