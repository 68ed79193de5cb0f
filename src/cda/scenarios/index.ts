/**
 * Bundled example reports (typed models), written by `cisis-bio example` as JSON + CDA and used by the tests.
 * Each scenario is a function so callers get a fresh, mutable copy.
 * @module
 */
import type { Battery, CrBioReport, Observation } from '../../model/index.js';
import { replaceReport } from '../replace.js';
import {
  baseReport,
  chapter,
  chapterCode,
  interp,
  loinc,
  pq,
  RESULT_TIME,
  result,
  subcontractingLab,
  valuedAt,
} from './common.js';

/** One bundled scenario. */
export interface Scenario {
  /** File-name friendly name (`DIR/<name>.json`, `DIR/<name>.xml`). */
  name: string;
  /** What it shows. */
  description: string;
  /** CDA level it is built at. */
  level: 1 | 3;
  /** A fresh copy of the model. */
  model: () => CrBioReport;
}

import { realistic } from './realistic.js';

const T = RESULT_TIME;
/** Times of the microbiology scenario's macroscopy and isolate results. */
const MACROSCOPY_TIME = '20240104131933+0100';
const ISOLATE_TIME = '20240104155000+0100';

/** Biochemistry panel: ionogram and renal function, reference ranges and interpretations, a previous result. */
function biochemistry(): CrBioReport {
  const r = baseReport(1, chapterCode('18719-5', 'Biochimie'));
  const creat = pq(
    loinc('14682-9', 'Créatinine [Moles/Volume] Sérum/Plasma ; Numérique', 'Créatinine'),
    '98',
    'umol/L',
    '45',
    '84',
    ['H', 'Élevé'],
  );
  creat.previousResults = [
    valuedAt(creat.code, '20231012081500+0200', { type: 'PQ', value: '91', unit: 'umol/L' }),
  ];
  creat.methods = [{ originalText: 'Enzymatique (Cobas)' }];
  const items: Observation[] = [
    pq(
      loinc('2951-2', 'Sodium [Moles/Volume] Sérum/Plasma ; Numérique', 'Sodium'),
      '140',
      'mmol/L',
      '136',
      '145',
      ['N', 'Normal'],
    ),
    pq(
      loinc('2823-3', 'Potassium [Moles/Volume] Sérum/Plasma ; Numérique', 'Potassium'),
      '3.2',
      'mmol/L',
      '3.5',
      '5.1',
      ['L', 'Bas'],
    ),
    pq(
      loinc('2075-0', 'Chlorure [Moles/Volume] Sérum/Plasma ; Numérique', 'Chlore'),
      '101',
      'mmol/L',
      '98',
      '107',
      ['N', 'Normal'],
    ),
    creat,
    pq(
      loinc('40193-5', 'Glucose à jeun [Moles/Volume] Sérum/Plasma ; Numérique', 'Glycémie à jeun'),
      '5.10',
      'mmol/L',
      '4.11',
      '6.05',
      ['N', 'Normal'],
    ),
    pq(
      loinc('53049-3', 'Glucose à jeun [Masse/Volume] Sérum/Plasma ; Numérique', 'Glycémie à jeun (g/L)'),
      '0.92',
      'g/L',
      '0.74',
      '1.09',
      ['N', 'Normal'],
    ),
  ];
  r.sections = [
    {
      kind: 'chapter',
      code: chapterCode('18719-5', 'Biochimie'),
      title: 'BIOCHIMIE',
      subSections: [
        {
          code: chapterCode('18719-5', 'Biochimie'),
          title: 'Bilan ionique et rénal',
          entry: {
            code: chapterCode('18719-5', 'Biochimie'),
            status: 'completed',
            items: [
              {
                kind: 'specimen',
                code: {
                  code: '0593',
                  displayName: 'Ionogramme',
                  codeSystem: '1.2.250.1.213.2.7',
                  codeSystemName: 'NABM',
                },
                samplingTime: { high: '202401040735+0100' },
                specimenIds: [{ root: '1.2.250.1.213.1.1.9', extension: 'ECH-2024-0001' }],
                specimenType: { code: 'SER', displayName: 'Sérum', codeSystem: '2.16.840.1.113883.18.311' },
                receivedTime: { value: '202401040752+0100' },
              },
              ...items,
            ],
            comments: [{ kind: 'comment', text: 'Hypokaliémie à contrôler.' }],
          },
        },
      ],
    },
  ];
  return r;
}

/** Haematology: hemogram battery 58410-2. */
function haematology(): CrBioReport {
  const r = baseReport(2, chapterCode('18723-7', 'Hématologie'));
  const c = (
    code: string,
    name: string,
    text: string,
    value: string,
    unit: string,
    lo: string,
    hi: string,
    f: [string, string] = ['N', 'Normal'],
  ) => pq(loinc(code, name, text), value, unit, lo, hi, f);
  const hemogram: Battery = {
    kind: 'battery',
    code: {
      code: '58410-2',
      displayName: 'Hémogramme complet',
      codeSystem: '2.16.840.1.113883.6.1',
      codeSystemName: 'LOINC',
      originalText: 'Hémogramme',
    },
    status: 'completed',
    effectiveTime: { value: T },
    components: [
      c(
        '6690-2',
        'Leucocytes [Nombre/Volume] Sang ; Numérique ; Comptage automate',
        'Leucocytes',
        '6.5',
        '10*9/L',
        '4.0',
        '10.0',
      ),
      c(
        '789-8',
        'Érythrocytes [Nombre/Volume] Sang ; Numérique ; Comptage automate',
        'Hématies',
        '4.52',
        '10*12/L',
        '3.80',
        '5.20',
      ),
      c(
        '718-7',
        'Hémoglobine [Masse/Volume] Sang ; Numérique',
        'Hémoglobine',
        '11.2',
        'g/dL',
        '12.0',
        '16.0',
        ['L', 'Bas'],
      ),
      c(
        '4544-3',
        'Hématocrite [Fraction volumique] Sang ; Numérique ; Comptage automate',
        'Hématocrite',
        '36.1',
        '%',
        '37.0',
        '47.0',
        ['L', 'Bas'],
      ),
      c(
        '787-2',
        'VGM [Volume entitique] Érythrocytes ; Numérique ; Comptage automate',
        'VGM',
        '79.9',
        'fL',
        '80.0',
        '100.0',
        ['L', 'Bas'],
      ),
      c(
        '777-3',
        'Plaquettes [Nombre/Volume] Sang ; Numérique ; Comptage automate',
        'Plaquettes',
        '254',
        '10*9/L',
        '150',
        '400',
      ),
      {
        kind: 'comment',
        text: 'Anémie microcytaire : bilan martial conseillé.',
      },
    ],
  };
  r.sections = [
    chapter(chapterCode('18723-7', 'Hématologie'), 'HÉMATOLOGIE', { status: 'completed', items: [hemogram] }),
  ];
  return r;
}

function mic(
  code: string,
  name: string,
  text: string,
  bound: 'low' | 'high',
  value: string,
  inclusive: boolean,
  flag: [string, string],
): Observation {
  return {
    ...result(loinc(code, name, text), ISOLATE_TIME, {
      type: 'IVL_PQ',
      [bound]: { value, unit: 'ug/mL', inclusive },
    }),
    interpretations: [interp(flag[0], flag[1])],
    methods: [
      { code: 'BDB', displayName: 'Antibiogramme - bandette gradient', codeSystem: '1.2.250.1.213.2.3.5' },
    ],
  };
}

/** Microbiology (ECBU): specimen, uncoded macroscopy battery, isolate with count and antibiogram (MIC + S/I/R). */
function microbiology(): CrBioReport {
  const r = baseReport(3, chapterCode('18725-2', 'Microbiologie'));
  r.sections = [
    chapter(chapterCode('18725-2', 'Microbiologie'), 'Examen cytobactériologique des urines (ECBU)', {
      status: 'completed',
      validators: [
        {
          time: { high: '202401041120+0100' },
          ids: [{ root: '1.2.250.1.71.4.2.1', extension: '801234567905' }],
          name: { prefix: 'M', given: ['Jean'], family: 'DE SANTS', suffix: 'DR' },
        },
      ],
      items: [
        {
          kind: 'specimen',
          code: {
            code: '5201',
            displayName: 'EX MICROBIO URINES (ECBU)',
            codeSystem: '1.2.250.1.213.2.7',
            codeSystemName: 'NABM',
          },
          samplingTime: { high: '202401040735+0100' },
          specimenIds: [{ root: '1.2.250.1.213.1.1.9', extension: 'ECH-2024-0301' }],
          specimenType: {
            code: 'UR',
            displayName: 'Urine',
            codeSystem: '2.16.840.1.113883.18.311',
            originalText: 'urine',
          },
          receivedTime: { value: '202401040752+0100' },
        },
        {
          kind: 'battery',
          code: {
            originalText: 'Examen macroscopique',
            translations: [
              {
                code: '4',
                displayName: 'Examen macroscopique',
                codeSystem: '2.16.840.1.113883.5.84',
                codeSystemName: 'HL7:ObservationMethod',
              },
            ],
          },
          status: 'completed',
          components: [
            result(loinc('5778-6', 'Couleur [Type] Urine ; Résultat nominal', 'Couleur'), MACROSCOPY_TIME, {
              type: 'CD',
              originalText: 'paille',
            }),
            result(
              loinc(
                '30405-5',
                'Leucocytes [Nombre/Volume] Urine ; Numérique ; Comptage manuel',
                'Leucocytes',
              ),
              MACROSCOPY_TIME,
              { type: 'PQ', value: '500', unit: '/mL' },
            ),
          ],
        },
        {
          kind: 'isolate',
          status: 'completed',
          effectiveTime: { value: ISOLATE_TIME },
          organism: {
            ids: [{ root: '1.2.250.1.213.1.1.9', extension: 'ISO-2024-0301-1' }],
            code: {
              code: '112283007',
              displayName: 'Escherichia coli (organism)',
              codeSystem: '2.16.840.1.113883.6.96',
              codeSystemName: 'SNOMED CT',
              originalText: 'Escherichia coli',
              translations: [
                {
                  code: '562',
                  displayName: 'Escherichia coli',
                  codeSystem: '2.16.840.1.113883.3.9471',
                  codeSystemName: 'NCBI-Taxonomy',
                },
              ],
            },
          },
          components: [
            result(
              loinc(
                '51480-2',
                'Bactérie [Nombre/Volume] Urine ; Numérique ; Comptage automate',
                'Dénombrement de germes',
              ),
              ISOLATE_TIME,
              { type: 'PQ', value: '100000', unit: '/mL' },
            ),
            {
              kind: 'battery',
              code: {
                code: '18769-0',
                displayName: 'Antibiogramme',
                codeSystem: '2.16.840.1.113883.6.1',
                codeSystemName: 'LOINC',
                originalText: 'Antibiogramme (CMI)',
              },
              status: 'completed',
              components: [
                mic(
                  '20-8',
                  'Amoxicilline+clavulanate [Sensibilité] Isolat ; Alphanumérique ; CMI',
                  'Amoxicilline',
                  'low',
                  '0.512',
                  true,
                  ['R', 'Résistant'],
                ),
                mic(
                  '28-1',
                  'Ampicilline [Sensibilité] Isolat ; Alphanumérique ; CMI',
                  'Ampicilline',
                  'high',
                  '0.128',
                  false,
                  ['I', 'Intermédiaire'],
                ),
                mic(
                  '18928-2',
                  'Gentamicine [Sensibilité] Isolat ; Alphanumérique',
                  'Gentamicine',
                  'high',
                  '0.032',
                  false,
                  ['S', 'Sensible'],
                ),
              ],
            },
          ],
        },
      ],
      comments: [{ kind: 'comment', text: 'Traitement immédiat.' }],
    }),
  ];
  return r;
}

/** A result with a local code and no LOINC (portable pattern: empty code + translation), censored value. */
function localCode(): CrBioReport {
  const r = baseReport(4, chapterCode('18719-5', 'Biochimie'));
  r.sections = [
    chapter(chapterCode('18719-5', 'Biochimie'), 'BIOCHIMIE', {
      status: 'completed',
      items: [
        {
          kind: 'battery',
          code: {
            originalText: 'Protéines de l’inflammation',
            translations: [
              {
                code: 'INFLAM',
                displayName: 'Protéines de l’inflammation',
                codeSystem: '1.2.250.1.2.3.4',
                codeSystemName: 'table des codes locaux Laboratoire des charmes',
              },
            ],
          },
          status: 'completed',
          components: [
            {
              kind: 'observation',
              code: {
                originalText: 'CRP (protéine C réactive)',
                translations: [
                  {
                    code: '1234',
                    displayName: 'C Réactive protéine [Masse/Volume] Sérum/Plasma ; Numérique',
                    codeSystem: '1.2.250.1.2.3.4',
                    codeSystemName: 'table des codes locaux Laboratoire des charmes',
                  },
                ],
              },
              status: 'completed',
              effectiveTime: { value: T },
              value: { type: 'IVL_PQ', high: { value: '1.0', unit: 'mg/L', inclusive: true } },
              interpretations: [interp('N', 'Normal')],
              referenceRange: {
                value: { type: 'IVL_PQ', high: { value: '5.0', unit: 'mg/L' } },
                interpretation: interp('N', 'Normal'),
              },
            },
          ],
        },
      ],
    }),
  ];
  return r;
}

/** Subcontracted results with their performing lab; partial report (a test not yet performed). */
function subcontracted(): CrBioReport {
  const r = baseReport(5, chapterCode('18719-5', 'Biochimie'), 'active');
  r.serviceEvents.push({ code: chapterCode('18727-8', 'Sérologie') });
  r.sections = [
    chapter(chapterCode('18719-5', 'Biochimie'), 'BIOCHIMIE', {
      status: 'completed',
      items: [
        pq(
          loinc('3016-3', 'Thyréostimuline [Arbitraire/Volume] Sérum/Plasma ; Numérique', 'TSH'),
          '1.950',
          'm[IU]/L',
          '0.270',
          '4.200',
          ['N', 'Normal'],
        ),
      ],
    }),
    chapter(chapterCode('18727-8', 'Sérologie'), 'SÉROLOGIE (sous-traitée)', {
      status: 'active',
      performer: subcontractingLab('202401041050+0100'),
      items: [
        {
          ...result(
            loinc('22314-9', 'Virus hépatite A Ac IgM [Présence] Sérum ; Résultat nominal', 'Hépatite A IgM'),
            '202401041050+0100',
            {
              type: 'CD',
              code: '260385009',
              displayName: 'Négatif',
              codeSystem: '2.16.840.1.113883.6.96',
              originalText: 'Négatif',
            },
          ),
          interpretations: [interp('NEG', 'Négatif')],
        },
        {
          kind: 'observation',
          code: loinc(
            '16935-9',
            'Virus hépatite B Ac anti-HBs [Unités/Volume] Sérum ; Numérique',
            'Ac anti-HBs',
          ),
          status: 'aborted',
        },
      ],
    }),
  ];
  return r;
}

/** Version 2 of the biochemistry report (RPLC): one value corrected. */
function replacement(): CrBioReport {
  const v1 = biochemistry();
  const sections = structuredClone(v1.sections);
  const ch = sections[0];
  if (ch?.kind === 'chapter') {
    const obs = ch.subSections?.[0]?.entry.items[2];
    if (obs?.kind === 'observation' && obs.value?.type === 'PQ') obs.value.value = '3.6';
    if (obs?.kind === 'observation') obs.interpretations = [interp('N', 'Normal')];
  }
  return replaceReport(
    v1,
    { sections },
    { newId: { root: `${v1.setId.root}.2` }, effectiveTime: '20240105090000+0100' },
  );
}

/** Level 1: the biochemistry report as a PDF wrapped in CDA (nonXMLBody). */
function level1(): CrBioReport {
  const r = biochemistry();
  r.level = 1;
  r.id = { root: '1.2.250.1.213.1.1.1.55.9999.7.1' };
  r.setId = { root: '1.2.250.1.213.1.1.1.55.9999.7' };
  return r;
}

/** The bundled scenarios, in the order `cisis-bio example` writes them. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'biochemistry',
    description: 'biochemistry panel with reference ranges, interpretations, previous result',
    level: 3,
    model: biochemistry,
  },
  { name: 'haematology', description: 'haematology: hemogram battery 58410-2', level: 3, model: haematology },
  {
    name: 'microbiology',
    description: 'microbiology: specimen, isolate, antibiogram (MIC + S/I/R)',
    level: 3,
    model: microbiology,
  },
  {
    name: 'local-code',
    description: 'result with a local code and no LOINC, censored value',
    level: 3,
    model: localCode,
  },
  {
    name: 'subcontracted',
    description: 'subcontracted results with the performing lab; partial report, test not performed',
    level: 3,
    model: subcontracted,
  },
  {
    name: 'replacement',
    description: 'version 2 replacing version 1 (relatedDocument RPLC)',
    level: 3,
    model: replacement,
  },
  { name: 'level1', description: 'level 1: PDF wrapped in CDA (nonXMLBody)', level: 1, model: level1 },
  {
    name: 'realistic',
    description:
      'a full report: haematology, ionogram with a haemolysed critical potassium, lipids, HbA1c with a previous result, ' +
      'pending vitamin D, serology, subcontracted HBs antigen, urine culture with two isolates; guardian, copy recipients',
    level: 3,
    model: () => realistic(haematology(), microbiology()),
  },
];
