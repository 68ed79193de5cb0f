/**
 * The code tables of a CR-BIO submission, shipped as data (spec digest §A.1, §A.4, §C.2; CI-SIS value sets
 * JDV_J02, J04, J07, J08 of TestContenuCDA 3.0). Every table is documented in docs/dmp.md.
 * @module
 */
import type { XdsCode } from './types.js';

/** Code systems (OIDs) of the XDS attributes. */
export const SCHEME = {
  loinc: '2.16.840.1.113883.6.1',
  classCode: '1.2.250.1.213.1.1.4.1', // TRE_A03
  formatCode: '1.3.6.1.4.1.19376.1.2.3', // TRE_A11 (IHE format codes)
  confidentialityHl7: '2.16.840.1.113883.5.25',
  visibility: '1.2.250.1.213.1.1.4.13', // TRE_A07
  facilityType: '1.2.250.1.71.4.2.4', // TRE_R02
  practiceSetting: '1.2.250.1.213.1.1.4.9', // TRE_A01
  producerNotPs: '1.2.250.1.213.1.1.4.6', // TRE_A00
  activityType: '1.2.250.1.213.2.2', // TRE_R209 (contentTypeCode)
  specialtyG15: '1.2.250.1.213.1.1.4.5',
} as const;

/** classCode of a CR-BIO (TRE_A03 via ASS_X04 for typeCode 11502-2; open question §H.1 of the digest). */
export const CLASS_CODE_CR: XdsCode = { code: '10', scheme: SCHEME.classCode, display: 'Compte rendu' };

/** typeCode of a CR-BIO (JDV_J07). */
export const TYPE_CODE_CR_BIO: XdsCode = {
  code: '11502-2',
  scheme: SCHEME.loinc,
  display: "CR d'examens biologiques",
};

/** formatCode of the level 3 (CI-SIS CR-BIO / XD-LAB templates). */
export const FORMAT_CODE_N3: XdsCode = {
  code: 'urn:ihe:lab:xd-lab:2008',
  scheme: SCHEME.formatCode,
  display: 'Compte rendu structuré d’examens de biologie médicale',
};

/** formatCode of the level 1 by `nonXMLBody/text/@mediaType` (ASS_A11). */
export const FORMAT_CODE_N1: Readonly<Record<string, XdsCode>> = {
  'application/pdf': {
    code: 'urn:ihe:iti:xds-sd:pdf:2008',
    scheme: SCHEME.formatCode,
    display: 'Document à corps non structuré en Pdf/A-1',
  },
  'text/plain': {
    code: 'urn:ihe:iti:xds-sd:text:2008',
    scheme: SCHEME.formatCode,
    display: 'Document à corps non structuré en texte brut',
  },
  'image/jpeg': {
    code: 'urn:ihe:iti-fr:xds-sd:jpeg:2010',
    scheme: SCHEME.formatCode,
    display: 'Document à corps non structuré en JPEG',
  },
  'text/rtf': {
    code: 'urn:ihe:iti-fr:xds-sd:rtf:2010',
    scheme: SCHEME.formatCode,
    display: 'Document à corps non structuré en RTF',
  },
  'image/tiff': {
    code: 'urn:ihe:iti-fr:xds-sd:tiff:2010',
    scheme: SCHEME.formatCode,
    display: 'Document à corps non structuré en TIFF',
  },
};

/** Level 1 templateId (IHE XDS-SD) and level 3 templateIds (CI-SIS CR-BIO, IHE XD-LAB). */
export const TEMPLATE_N1 = '1.3.6.1.4.1.19376.1.2.20';
export const TEMPLATES_N3: ReadonlySet<string> = new Set([
  '1.2.250.1.213.1.1.1.55',
  '1.3.6.1.4.1.19376.1.3.3',
]);

/** HL7 confidentiality codes (JDV_J08 part 1). */
export const HL7_CONFIDENTIALITY: Readonly<Record<string, string>> = {
  N: 'Normal',
  R: 'Restreint',
  V: 'Très restreint',
};

/** Visibility codes (JDV_J08 part 2, TRE_A07). */
export const VISIBILITY_CODES = {
  hiddenFromProfessionals: {
    code: 'MASQUE_PS',
    scheme: SCHEME.visibility,
    display: 'Masqué aux professionnels de santé',
  },
  hiddenFromPatient: {
    code: 'INVISIBLE_PATIENT',
    scheme: SCHEME.visibility,
    display: 'Non visible par le patient',
  },
  hiddenFromLegalRepresentatives: {
    code: 'INVISIBLE_REPRESENTANTS_LEGAUX',
    scheme: SCHEME.visibility,
    display: 'Non visible par les représentants légaux du patient',
  },
} as const satisfies Record<string, XdsCode>;

/** Practice settings of JDV_J04 (TRE_A01 + TRE_A00). */
export const PRACTICE_SETTINGS: Readonly<Record<string, string>> = {
  [`${SCHEME.producerNotPs}|EXP_PATIENT`]: 'Expression personnelle du patient',
  [`${SCHEME.producerNotPs}|SNR`]: 'Service numérique référencé',
  [`${SCHEME.practiceSetting}|AMBULATOIRE`]: 'Ambulatoire',
  [`${SCHEME.practiceSetting}|AMO`]: "Organisme d'assurance maladie obligatoire",
  [`${SCHEME.practiceSetting}|DEPISTAGE`]: 'Dépistage',
  [`${SCHEME.practiceSetting}|ESSMS`]: 'Etablissement ou Service Social ou Médico-Social',
  [`${SCHEME.practiceSetting}|ETABLISSEMENT`]: 'Etablissement de santé',
  [`${SCHEME.practiceSetting}|HAD`]: 'Hospitalisation à domicile',
  [`${SCHEME.practiceSetting}|MAD`]: 'Maintien à domicile',
  [`${SCHEME.practiceSetting}|PALLIATIF`]: 'Soins palliatifs',
  [`${SCHEME.practiceSetting}|SAD`]: 'Soins à domicile',
  [`${SCHEME.practiceSetting}|SAMU_SMUR`]: 'SAMU/SMUR',
};

/** healthcareFacilityTypeCode codes of JDV_J02 (TRE_R02 `SAxx` and TRE_A00), checked by code. */
export const FACILITY_TYPES: ReadonlySet<string> = new Set([
  `${SCHEME.producerNotPs}|EXP_PATIENT`,
  `${SCHEME.producerNotPs}|SNR`,
  ...'01 02 03 04 05 06 07 08 09 10 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 63 64 65 66 67 68 69'
    .split(' ')
    .map((n) => `${SCHEME.facilityType}|SA${n}`),
]);

/** contentTypeCode labels known to the SDK (TRE_R209 type d'activité); other codes of the set need a display. */
export const CONTENT_TYPE_CODES: Readonly<Record<string, string>> = {
  '03': 'Hospitalisation complète (non compris hospitalisation de semaine)',
  '04': 'Hospitalisation de Jour',
  '07': 'Consultation Soins Externes',
};
/** Code systems a contentTypeCode may come from (TRE_R209, TRE_R02, TRE_A00). */
export const CONTENT_TYPE_SCHEMES: ReadonlySet<string> = new Set([
  SCHEME.activityType,
  SCHEME.facilityType,
  SCHEME.producerNotPs,
]);

/** The signature DocumentEntry's codes (DRIM / Mediboard, digest §C.2; IHE DSG 2014 format code as alternative). */
export const SIGNATURE_CODES = {
  classCode: { code: 'urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1', scheme: 'URN', display: 'Digital Signature' },
  typeCode: { code: 'E1762', scheme: 'ASTM', display: 'Full Document' },
  formatLegacy: {
    code: 'http://www.w3.org/2000/09/xmldsig#',
    scheme: 'URN',
    display: 'Default Signature Style',
  },
  formatDsg: {
    code: 'urn:ihe:iti:dsg:detached:2014',
    scheme: SCHEME.formatCode,
    display: 'Signature détachée',
  },
  eventSource: { code: '1.2.840.10065.1.12.1.14', scheme: '1.2.840.10065.1.12', display: 'Source' },
} as const satisfies Record<string, XdsCode>;
