import { INS_OID, type PatientIdentity } from '../../src/model/index.js';

/**
 * The test identity of the ANS examples (TestContenuCDA ExemplesCDA, patientRole): INS-NIR de test, qualified — as
 * the INS Datamatrix carries it (no birth place name, no used names; the full patient is `ansTestPatient()`).
 */
export const ANS_TEST_IDENTITY: PatientIdentity = {
  status: 'QUAL',
  ins: { matricule: '279035121518989', oid: INS_OID.TEST },
  traits: {
    birthFamilyName: 'PAT-TROIS',
    birthGivenNames: 'DOMINIQUE MARIE-LOUISE',
    firstBirthGivenName: 'DOMINIQUE',
    sex: 'F',
    birthDate: '1979-03-28',
    birthPlaceCog: '51215',
  },
};
