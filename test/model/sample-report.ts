import { ansTestPatient } from '../../src/cda/scenarios/common.js';
import type { CrBioReport } from '../../src/model/index.js';

/** A small valid level 3 report (TSH + FT4, after the ANS example TSH_1). Tests clone it before changing it. */
export function sampleReport(): CrBioReport {
  const lab = {
    ids: [{ root: '1.2.250.1.71.4.2.2', extension: '1120459870' }],
    name: 'Laboratoire des charmes',
    telecoms: [{ value: 'tel:0174589607', use: 'WP' }],
    addresses: [
      {
        houseNumber: '8',
        streetName: 'Rue Frédéric Bastia',
        postalCode: '92100',
        city: 'BOULOGNE-BILLANCOURT',
      },
    ],
  };
  const biologist = {
    ids: [{ root: '1.2.250.1.71.4.2.1', extension: '801234534764' }],
    profession: {
      code: 'G15_10/SM03',
      displayName: 'Médecin - Biologie médicale (SM)',
      codeSystem: '1.2.250.1.213.1.1.4.5',
    },
    addresses: lab.addresses,
    telecoms: lab.telecoms,
    name: { prefix: 'M', given: ['Marcel'], family: 'CAMPARINI', suffix: 'DR' },
  };
  return {
    level: 3,
    id: { root: '1.2.250.1.213.1.1.1.55.2024.9.1' },
    setId: { root: '1.2.250.1.213.1.1.1.55.2024.9' },
    versionNumber: 1,
    effectiveTime: '20210401171000+0100',
    patient: {
      identity: ansTestPatient().identity,
      localIds: [{ root: '1.2.3.4.567.8.9.10', extension: '1234567890121' }],
      addresses: [
        { use: 'H', houseNumber: '28', streetName: 'Avenue de Breteuil', postalCode: '75007', city: 'Paris' },
      ],
      telecoms: [{ value: 'tel:0144534551', use: 'H' }],
    },
    authors: [{ ...biologist, time: '20210104160527+0100', organization: lab }],
    custodian: lab,
    legalAuthenticator: { ...biologist, time: '20210104160527+0100', organization: lab },
    prescriber: {
      time: { high: '20210101160527+0100' },
      ids: [{ root: '1.2.250.1.71.4.2.1', extension: '810002422979' }],
      name: { given: ['Pascal'], family: 'CHARLES', suffix: 'DR' },
    },
    orderIds: [{ root: '1.2.250.1.213.1.1.9', extension: '2014123456789' }],
    serviceEvents: [
      {
        code: { code: '18719-5', displayName: 'Biochimie', codeSystem: '2.16.840.1.113883.6.1' },
        status: 'completed',
        effectiveTime: { low: '20210104092200+0100', high: '20210104160500+0100' },
        performer: {
          ...biologist,
          time: { high: '20210104152530+0100' },
          organization: {
            ...lab,
            standardIndustryClass: {
              code: 'AMBULATOIRE',
              displayName: 'Ambulatoire',
              codeSystem: '1.2.250.1.213.1.1.4.9',
            },
          },
        },
      },
    ],
    encounter: {
      effectiveTime: { low: '202101040735+0100' },
      responsibleParty: { ...biologist, organization: lab },
      facility: {
        code: {
          code: 'SA25',
          displayName: 'Laboratoire de biologie médicale',
          codeSystem: '1.2.250.1.71.4.2.4',
        },
      },
    },
    sections: [
      {
        kind: 'chapter',
        code: { code: '18719-5', displayName: 'Biochimie', codeSystem: '2.16.840.1.113883.6.1' },
        title: 'BIOCHIMIE',
        entry: {
          code: { code: '18719-5', displayName: 'Biochimie', codeSystem: '2.16.840.1.113883.6.1' },
          status: 'completed',
          items: [
            {
              kind: 'observation',
              code: {
                code: '3016-3',
                displayName: 'Thyréostimuline [Arbitraire/Volume] Sérum/Plasma ; Numérique',
                codeSystem: '2.16.840.1.113883.6.1',
                originalText: 'Thyréostimuline (TSH)',
              },
              status: 'completed',
              effectiveTime: { value: '20140402145521+0200' },
              value: { type: 'PQ', value: '1.950', unit: 'm[IU]/L' },
              interpretations: [{ code: 'N', displayName: 'Normal', codeSystem: '2.16.840.1.113883.5.83' }],
              referenceRange: {
                value: {
                  type: 'IVL_PQ',
                  low: { value: '0.270', unit: 'm[IU]/L' },
                  high: { value: '4.200', unit: 'm[IU]/L' },
                },
                interpretation: { code: 'N', codeSystem: '2.16.840.1.113883.5.83' },
              },
            },
          ],
        },
      },
    ],
    pdf: { mediaType: 'application/pdf', data: 'JVBERi0xLjQK' },
  };
}
