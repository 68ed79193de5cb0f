/**
 * The realistic report of issue 19, as a lab vendor would send it: haematology, an ionogram with a haemolysed (and
 * critical) potassium, lipids, HbA1c with a previous result, a pending vitamin D, serology, an HBs antigen
 * subcontracted to another lab, and a urine culture with two isolates and their antibiograms — with the parties the
 * CDA carries (guardian, prescriber, copy recipients, sampler, body site, validating biologists).
 * @module
 */
import type { ChapterSection, CrBioReport, Isolate, Observation, ResultsEntry } from '../../model/index.js';
import {
  baseReport,
  chapter,
  chapterCode,
  loinc,
  pq,
  RESULT_TIME,
  subcontractingLab,
  valuedAt,
} from './common.js';

const T = RESULT_TIME;
const SAMPLED = '202401040735+0100';

const N: [string, string] = ['N', 'Normal'];

function blood(id: string, sampler = true) {
  return {
    kind: 'specimen' as const,
    samplingTime: { high: SAMPLED },
    targetSite: { code: 'LACF', displayName: 'Pli du coude gauche', codeSystem: '2.16.840.1.113883.5.1052' },
    ...(sampler
      ? {
          sampler: {
            ids: [{ root: '1.2.250.1.71.4.2.1', extension: '801234567897' }],
            name: { prefix: 'MME', given: ['Roberta'], family: 'BLEEDER' },
          },
        }
      : {}),
    specimenIds: [{ root: '1.2.250.1.213.1.1.9', extension: id }],
    specimenType: { code: 'BLD', displayName: 'Sang total', codeSystem: '2.16.840.1.113883.18.311' },
    receivedTime: { value: '202401040810+0100' },
  };
}

const LOCAL_CODES = '1.2.250.1.213.1.1.9.99'; // the lab's local code system (fictitious OID)

function biochemistry(): ChapterSection {
  const k = pq(
    loinc('2823-3', 'Potassium [Moles/Volume] Sérum/Plasma ; Numérique', 'Potassium'),
    '6.8',
    'mmol/L',
    '3.5',
    '5.1',
    ['H', 'Élevé'],
  );
  k.critical = true; // written HH (Très anormalement haut, alerte), marked on the PDF
  k.comments = [
    { kind: 'comment', text: 'Échantillon hémolysé : hyperkaliémie probablement factice, à contrôler.' },
  ];
  const hba1c = pq(
    loinc('4548-4', 'Hémoglobine A1c/hémoglobine totale [Fraction massique] Sang ; Numérique', 'HbA1c'),
    '6.9',
    '%',
    '4.0',
    '6.0',
    ['H', 'Élevé'],
  );
  hba1c.previousResults = [
    valuedAt(hba1c.code, '20231003080000+0200', { type: 'PQ', value: '7.4', unit: '%' }),
  ];
  const vitaminD: Observation = {
    kind: 'observation',
    pending: true,
    // Not transcoded to LOINC in this lab: its local code as a translation (the portable pattern).
    code: {
      originalText: '25-OH vitamine D',
      translations: [{ code: 'VITD', displayName: '25-OH vitamine D (D2+D3)', codeSystem: LOCAL_CODES }],
    },
    status: 'completed',
  };
  const chapter = chapterCode('18719-5', 'Biochimie');
  const sub = (title: string, items: ResultsEntry['items']) => ({
    code: chapter,
    title,
    entry: { code: chapter, status: 'completed' as const, items },
  });
  return {
    kind: 'chapter',
    code: chapter,
    title: 'BIOCHIMIE',
    subSections: [
      sub('Ionogramme, bilan rénal et vitamine D', [
        blood('ECH-2024-1001'),
        pq(
          loinc('2951-2', 'Sodium [Moles/Volume] Sérum/Plasma ; Numérique', 'Sodium'),
          '139',
          'mmol/L',
          '136',
          '145',
          N,
        ),
        k,
        pq(
          loinc('14682-9', 'Créatinine [Moles/Volume] Sérum/Plasma ; Numérique', 'Créatinine'),
          '72',
          'umol/L',
          '45',
          '84',
          N,
        ),
        pq(
          loinc('2885-2', 'Protéines [Masse/Volume] Sérum/Plasma ; Numérique', 'Protéines totales'),
          '72',
          'g/L',
          '64',
          '83',
          N,
        ),
        vitaminD,
      ]),
      sub('Bilan lipidique', [
        blood('ECH-2024-1003', false),
        {
          kind: 'battery',
          code: {
            code: '57698-3',
            displayName: 'Bilan lipidique avec LDL direct Sérum/Plasma',
            codeSystem: '2.16.840.1.113883.6.1',
            originalText: 'Bilan lipidique',
          },
          status: 'completed',
          components: [
            pq(
              loinc('2093-3', 'Cholestérol [Masse/Volume] Sérum/Plasma ; Numérique', 'Cholestérol total'),
              '2.28',
              'g/L',
              '1.40',
              '2.00',
              ['H', 'Élevé'],
            ),
            pq(
              loinc('2085-9', 'Cholestérol HDL [Masse/Volume] Sérum/Plasma ; Numérique', 'Cholestérol HDL'),
              '0.55',
              'g/L',
              '0.40',
              '0.80',
              N,
            ),
            pq(
              loinc('2571-8', 'Triglycérides [Masse/Volume] Sérum/Plasma ; Numérique', 'Triglycérides'),
              '1.40',
              'g/L',
              '0.35',
              '1.50',
              N,
            ),
            pq(
              loinc(
                '13457-7',
                'Cholestérol LDL [Masse/Volume] Sérum/Plasma ; Numérique ; Calcul',
                'Cholestérol LDL (calculé)',
              ),
              '1.45',
              'g/L',
              '0.50',
              '1.60',
              N,
            ),
          ],
        },
      ]),
      sub('Hémoglobine glyquée', [blood('ECH-2024-1004', false), hba1c]),
    ],
  };
}

function serology(): ChapterSection {
  const hbsAg: Observation = {
    kind: 'observation',
    // Subcontracted: the performing lab's local code, not transcoded.
    code: {
      originalText: 'Antigène HBs',
      translations: [{ code: 'AGHBS', displayName: 'Antigène HBs (sous-traité)', codeSystem: LOCAL_CODES }],
    },
    status: 'completed',
    effectiveTime: { value: T },
    value: {
      type: 'CD',
      code: '260385009',
      displayName: 'Négatif',
      codeSystem: '2.16.840.1.113883.6.96',
      codeSystemName: 'SNOMED CT',
    },
    performer: subcontractingLab('20240104140000+0100'),
  };
  return chapter(chapterCode('18727-8', 'Sérologie'), 'SÉROLOGIE', {
    status: 'completed',
    items: [
      blood('ECH-2024-1002', false),
      pq(
        loinc(
          '16935-9',
          'Virus hépatite B anticorps anti-HBs [Unités/Volume] Sérum ; Numérique',
          'Anticorps anti-HBs',
        ),
        '124',
        'm[IU]/mL',
        '10',
        '1000',
        N,
      ),
      hbsAg,
    ],
  });
}

function secondIsolate(first: Isolate): Isolate {
  const iso = structuredClone(first);
  iso.organism = {
    ids: [{ root: '1.2.250.1.213.1.1.9', extension: 'ISO-2024-0301-2' }],
    code: {
      code: '78065002',
      displayName: 'Enterococcus faecalis (organism)',
      codeSystem: '2.16.840.1.113883.6.96',
      codeSystemName: 'SNOMED CT',
      originalText: 'Enterococcus faecalis',
      translations: [
        {
          code: '1351',
          displayName: 'Enterococcus faecalis',
          codeSystem: '2.16.840.1.113883.3.9471',
          codeSystemName: 'NCBI-Taxonomy',
        },
      ],
    },
  };
  const count = iso.components[0];
  if (count?.kind === 'observation') count.value = { type: 'PQ', value: '10000', unit: '/mL' };
  return iso;
}

/**
 * The realistic report, from the haematology and microbiology scenarios' chapters (passed in: they live in the
 * scenario index) and the chapters above.
 */
export function realistic(haematology: CrBioReport, microbiology: CrBioReport): CrBioReport {
  const r = baseReport(8, chapterCode('18723-7', 'Hématologie'));
  r.patient.guardians = [
    {
      addresses: [
        { use: 'H', houseNumber: '12', streetName: 'rue des Lilas', postalCode: '75012', city: 'PARIS' },
      ],
      telecoms: [{ value: 'tel:0147150000', use: 'H' }],
      name: { prefix: 'MME', given: ['Jeanne'], family: 'NESSI' },
    },
  ];
  r.informationRecipients = [
    {
      ids: [{ root: '1.2.250.1.71.4.2.1', extension: '810002422979' }],
      name: { prefix: 'M', given: ['Pascal'], family: 'CHARLES', suffix: 'DR' },
    },
    {
      ids: [{ root: '1.2.250.1.71.4.2.1', extension: '810000000009' }],
      name: { prefix: 'MME', given: ['Anne'], family: 'GENERALISTE', suffix: 'DR' },
    },
  ];
  r.authenticators = [{ ...r.legalAuthenticator, time: '20240104155000+0100' }];
  const haem = haematology.sections[0] as ChapterSection;
  const entry = haem.entry ?? haem.subSections?.[0]?.entry;
  if (entry) entry.items = [blood('ECH-2024-1000'), ...entry.items.filter((i) => i.kind !== 'specimen')];
  const micro = structuredClone(microbiology.sections[0]) as ChapterSection;
  const isolates = micro.entry?.items.filter((i): i is Isolate => i.kind === 'isolate') ?? [];
  if (micro.entry && isolates[0]) micro.entry.items.push(secondIsolate(isolates[0]));
  r.serviceEvents.push(
    { code: chapterCode('18719-5', 'Biochimie') },
    { code: chapterCode('18727-8', 'Sérologie') },
    { code: chapterCode('18725-2', 'Microbiologie') },
  );
  r.sections = [haem, biochemistry(), serology(), micro];
  r.id = { root: '1.2.250.1.213.1.1.1.55.9999.8.1' };
  r.setId = { root: '1.2.250.1.213.1.1.1.55.9999.8' };
  return r;
}
