/**
 * Shared parts of the bundled scenarios: the ANS test identity (INS-NIR de test), the laboratory, its
 * biologist, the prescriber, the sampler. Every value is fictitious, as in the ANS examples.
 *
 * Identifiers: the ANS examples' fictitious RPPS (801234534765, 801234567833, 801234567893, 801234567898) and FINESS
 * (1120459876, 1120456733) fail their own Luhn keys, which the builder refuses. The scenarios keep the ANS numbers'
 * bodies with the key recomputed by `luhnKey` (src/model/identifiers.ts): RPPS 801234534764, 801234567830,
 * 801234567897, 801234567905 (body 0123456790: two people must not share one number), FINESS 1120459870,
 * 1120456736. They are test numbers, not registered professionals or establishments.
 * @module
 */
import type {
  Address,
  ChapterSection,
  Code,
  CrBioReport,
  HealthProfessional,
  Observation,
  Organization,
  Patient,
  PerformingLab,
  PreviousResult,
  ResultsEntry,
  ResultValue,
  Telecom,
} from '../../model/index.js';

export const LOINC = '2.16.840.1.113883.6.1';
export const SCENARIO_OID = '1.2.250.1.213.1.1.1.55.9999';

/** The ANS test patient: INS-NIR de test 279035121518989, qualified identity. */
export function ansTestPatient(): Patient {
  return {
    identity: {
      status: 'QUAL',
      ins: { matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' },
      traits: {
        birthFamilyName: 'PAT-TROIS',
        birthGivenNames: 'DOMINIQUE MARIE-LOUISE',
        firstBirthGivenName: 'DOMINIQUE',
        sex: 'F',
        birthDate: '1979-03-28',
        birthPlaceCog: '51215',
        birthPlaceName: 'DOMPREMY',
      },
      usedFamilyName: 'PAT-TROIS',
      usedGivenName: 'DOMINIQUE',
    },
    localIds: [{ root: '1.2.3.4.567.8.9.10', extension: '1234567890121' }],
    addresses: [
      {
        use: 'H',
        houseNumber: '28',
        streetName: 'Avenue de Breteuil',
        postalCode: '75007',
        city: 'Paris',
        country: 'FRANCE',
      },
    ],
    telecoms: [{ value: 'tel:0144534551', use: 'H' }],
    genderDisplayName: 'Féminin',
  };
}

export const LAB_ADDRESS: Address = {
  houseNumber: '8',
  streetName: 'Rue Frédéric Bastia',
  postalCode: '92100',
  city: 'BOULOGNE-BILLANCOURT',
};
export const LAB_TELECOM: Telecom = { value: 'tel:0174589607', use: 'WP' };
export const BIOLOGY_SPECIALTY: Code = {
  code: 'G15_10/SM03',
  displayName: 'Médecin - Biologie médicale (SM)',
  codeSystem: '1.2.250.1.213.1.1.4.5',
};
export const AMBULATOIRE: Code = {
  code: 'AMBULATOIRE',
  displayName: 'Ambulatoire',
  codeSystem: '1.2.250.1.213.1.1.4.9',
};

/** Laboratoire des charmes (the ANS examples' lab). */
export function mainLab(): Organization {
  return {
    ids: [{ root: '1.2.250.1.71.4.2.2', extension: '1120459870' }],
    name: 'Laboratoire des charmes',
    telecoms: [LAB_TELECOM],
    addresses: [LAB_ADDRESS],
    standardIndustryClass: AMBULATOIRE,
  };
}

/** Dr Marcel CAMPARINI, responsible biologist. */
export function biologist(): HealthProfessional {
  return {
    ids: [{ root: '1.2.250.1.71.4.2.1', extension: '801234534764' }],
    profession: BIOLOGY_SPECIALTY,
    addresses: [LAB_ADDRESS],
    telecoms: [LAB_TELECOM],
    name: { prefix: 'M', given: ['Marcel'], family: 'CAMPARINI', suffix: 'DR' },
    organization: mainLab(),
  };
}

/** The lab as performer of the main serviceEvent. */
export function performingLab(time: string): PerformingLab {
  return { ...biologist(), time: { high: time } };
}

/** A subcontracting lab (as in the ANS Electrophorese example, contact masked). */
export function subcontractingLab(time: string): PerformingLab {
  return {
    ids: [{ root: '1.2.250.1.71.4.2.1', extension: '801234567830' }],
    addresses: [{ nullFlavor: 'MSK' }],
    telecoms: [{ nullFlavor: 'MSK' }],
    name: { prefix: 'M', given: ['Jean'], family: 'DE SANTS', suffix: 'DR' },
    organization: {
      ids: [{ root: '1.2.250.1.71.4.2.2', extension: '1120456736' }],
      name: 'LABORATOIRE SOUS-TRAITANT',
      telecoms: [{ nullFlavor: 'MSK' }],
      addresses: [{ nullFlavor: 'MSK' }],
      standardIndustryClass: {
        code: 'ETABLISSEMENT',
        displayName: 'Etablissement de santé',
        codeSystem: '1.2.250.1.213.1.1.4.9',
      },
    },
    time: { value: time },
  };
}

/** Code of a chapter (LOINC lab specialty). */
export function chapterCode(code: string, displayName: string): Code {
  return { code, displayName, codeSystem: LOINC, codeSystemName: 'LOINC' };
}

/** A LOINC result code with its narrative label. */
export function loinc(code: string, displayName: string, originalText?: string): Code {
  return { code, displayName, codeSystem: LOINC, ...(originalText ? { originalText } : {}) };
}

/** A chapter whose results entry carries the chapter's own code (the scenarios' usual chapter). */
export function chapter(code: Code, title: string, entry: Omit<ResultsEntry, 'code'>): ChapterSection {
  return { kind: 'chapter', code, title, entry: { code: { ...code }, ...entry } };
}

/** HL7 ObservationInterpretation code. */
export function interp(code: string, displayName: string): Code {
  return { code, displayName, codeSystem: '2.16.840.1.113883.5.83' };
}

/**
 * The header every scenario shares (everything but sections): document n° `n`, main chapter `chapter`.
 * `status` is the report status (completed = final, active = partial).
 */
export function baseReport(
  n: number,
  chapter: Code,
  status: 'completed' | 'active' = 'completed',
): CrBioReport {
  const bio = biologist();
  return {
    level: 3,
    id: { root: `${SCENARIO_OID}.${n}.1` },
    setId: { root: `${SCENARIO_OID}.${n}` },
    versionNumber: 1,
    effectiveTime: '20240104171000+0100',
    confidentiality: { code: 'N', displayName: 'Normal', codeSystem: '2.16.840.1.113883.5.25' },
    languageCode: 'fr-FR',
    patient: ansTestPatient(),
    authors: [{ ...bio, time: '20240104160527+0100' }],
    custodian: mainLab(),
    legalAuthenticator: { ...bio, time: '20240104160527+0100' },
    prescriber: {
      ids: [{ root: '1.2.250.1.71.4.2.1', extension: '810002422979' }],
      profession: {
        code: 'G15_10/SM41',
        displayName: 'Médecin - Pneumologie (SM)',
        codeSystem: '1.2.250.1.213.1.1.4.5',
      },
      addresses: [{ streetAddressLines: ['5 rue du chêne', '92100 BOULOGNE-BILLANCOURT'] }],
      telecoms: [{ nullFlavor: 'NASK' }],
      name: { suffix: 'DR', given: ['Pascal'], family: 'CHARLES' },
      time: { high: '20240101160527+0100' },
    },
    sampler: {
      ids: [{ root: '1.2.250.1.71.4.2.1', extension: '801234567897' }],
      profession: { code: 'G15_60', displayName: 'Infirmier', codeSystem: '1.2.250.1.213.1.1.4.5' },
      name: { prefix: 'MME', given: ['Roberta'], family: 'BLEEDER' },
      time: { high: '202401040735+0100' },
    },
    orderIds: [{ root: '1.2.250.1.213.1.1.9', extension: `2024${n}0001` }],
    serviceEvents: [
      {
        ids: [{ root: '1.2.250.1.213.1.1.9', extension: `2024${n}0002` }],
        code: chapter,
        status,
        effectiveTime: { low: '20240104092200+0100', high: '20240104160500+0100' },
        performer: performingLab('20240104152530+0100'),
      },
    ],
    encounter: {
      code: {
        code: 'AMB',
        displayName: 'Ambulatoire (hors établissement)',
        codeSystem: '2.16.840.1.113883.5.4',
      },
      effectiveTime: { low: '202401040735+0100' },
      responsibleParty: {
        ...bio,
        organization: {
          ...mainLab(),
          ids: [
            ...(mainLab().ids ?? []),
            { root: '1.2.250.1.213.6.3.1', extension: '8-WXYZ', assigningAuthorityName: 'COFRAC' },
          ],
          standardIndustryClass: undefined,
        },
      },
      facility: {
        code: {
          code: 'SA25',
          displayName: 'Laboratoire de biologie médicale',
          codeSystem: '1.2.250.1.71.4.2.4',
        },
        locationName: 'Laboratoire des charmes',
        locationAddress: LAB_ADDRESS,
      },
    },
    sections: [],
  };
}

/** Time of the scenarios' results. */
export const RESULT_TIME = '20240104145521+0100';

/** A completed result's code, time and value: a previous result as it is, the core of a current one. */
export function valuedAt(code: Code, time: string, value: ResultValue): PreviousResult {
  return { code, status: 'completed', effectiveTime: { value: time }, value };
}

/** A completed result: its code, time and value (what every scenario result has; the rest is spread after). */
export function result(code: Code, time: string, value: ResultValue): Observation {
  return { kind: 'observation', ...valuedAt(code, time, value) };
}

/** A quantitative result at {@link RESULT_TIME} with its reference interval (the scenarios' common shape). */
export function pq(
  code: Code,
  value: string,
  unit: string,
  low: string,
  high: string,
  flag: [string, string],
): Observation {
  return {
    ...result(code, RESULT_TIME, { type: 'PQ', value, unit }),
    interpretations: [interp(flag[0], flag[1])],
    referenceRange: {
      value: { type: 'IVL_PQ', low: { value: low, unit }, high: { value: high, unit } },
      interpretation: interp('N', 'Normal'),
    },
  };
}
