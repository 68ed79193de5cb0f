import { ansTestPatient } from '../../src/cda/scenarios/common.js';
import type { CrBioReport, Observation, PatientIdentity } from '../../src/model/index.js';

/** Fixed clock: reproducible PDFs. */
export const CLOCK = () => new Date('2024-01-04T16:30:00Z');

/** The ANS test identity (TCDA example): qualified, INS-NIR test OID; used names differ from the birth names. */
export function qualifiedIdentity(): PatientIdentity {
  return { ...ansTestPatient().identity, usedFamilyName: 'MARTIN', usedGivenName: 'MARIE' };
}

const LOINC = '2.16.840.1.113883.6.1';
const INTERP = '2.16.840.1.113883.5.83';

const lab = {
  ids: [{ root: '1.2.250.1.71.4.2.2', extension: '1120459870' }],
  name: 'Laboratoire des Charmes',
  telecoms: [{ value: 'tel:0174589607', use: 'WP' }],
  addresses: [
    {
      houseNumber: '8',
      streetName: 'Rue Frédéric Bastiat',
      postalCode: '92100',
      city: 'BOULOGNE-BILLANCOURT',
    },
  ],
};
const subLab = {
  ids: [{ root: '1.2.250.1.71.4.2.2', extension: '1690001235' }],
  name: 'Laboratoire Spécialisé de Lyon',
  addresses: [{ postalCode: '69007', city: 'LYON' }],
};
const biologist = {
  ids: [{ root: '1.2.250.1.71.4.2.1', extension: '810003591806' }],
  name: { given: ['Marcel'], family: 'CAMPARINI', suffix: 'DR' },
};

export function pq(
  label: string,
  value: string,
  unit: string,
  low: string,
  high: string,
  flag?: string,
): Observation {
  return {
    kind: 'observation',
    code: { code: '2951-2', codeSystem: LOINC, displayName: label, originalText: label },
    status: 'completed',
    effectiveTime: { value: '20240104145521+0100' },
    value: { type: 'PQ', value, unit },
    ...(flag ? { interpretations: [{ code: flag, codeSystem: INTERP }] } : {}),
    referenceRange: { value: { type: 'IVL_PQ', low: { value: low, unit }, high: { value: high, unit } } },
  };
}

/** The observations of {@link richReport}, with the unit the PDF must show. */
export function richObservations(): Observation[] {
  const creat = pq('Créatinine', '98', 'umol/L', '45', '84', 'H');
  creat.previousResults = [
    {
      code: creat.code,
      status: 'completed',
      effectiveTime: { value: '20231012081500+0200' },
      value: { type: 'PQ', value: '91', unit: 'umol/L' },
    },
  ];
  creat.comments = [{ kind: 'comment', text: 'Contrôlé sur un second prélèvement.' }];
  return [
    pq('Sodium', '140', 'mmol/L', '136', '145', 'N'),
    pq('Potassium', '3.2', 'mmol/L', '3.5', '5.1', 'L'),
    creat,
    pq('Glycémie à jeun', '5.10', 'mmol/L', '4.11', '6.05'),
  ];
}

/** A small but complete level 3 report: two chapters, a battery, a subcontracted battery, comments. */
export function richReport(identity: PatientIdentity = qualifiedIdentity()): CrBioReport {
  const haemo: Observation[] = [
    pq('Leucocytes', '8.2', '10*9/L', '4.0', '10.0'),
    pq('Hémoglobine', '13.4', 'g/dL', '11.5', '14.5'),
    pq('Volume globulaire moyen', '97', 'fL', '85', '95', 'H'),
  ];
  return {
    level: 3,
    id: { root: '1.2.250.1.213.1.1.1.55.2024.7', extension: 'CR-2024-000123' },
    setId: { root: '1.2.250.1.213.1.1.1.55.2024.7', extension: 'SET-000123' },
    versionNumber: 1,
    effectiveTime: '20240104171000+0100',
    patient: { identity, localIds: [{ root: '1.2.3.4.567.8.9.10', extension: 'IPP778899' }] },
    authors: [{ ...biologist, time: '20240104171000+0100', organization: lab }],
    custodian: lab,
    legalAuthenticator: { ...biologist, time: '20240104170500+0100', organization: lab },
    prescriber: {
      name: { given: ['Pascal'], family: 'CHARLES', suffix: 'DR' },
      time: { high: '20240103100000+0100' },
    },
    orderIds: [{ root: '1.2.250.1.213.1.1.9', extension: 'ORD-2024-55' }],
    serviceEvents: [
      {
        ids: [{ root: '1.2.250.1.213.1.1.9.1', extension: 'DEM-2024-0042' }],
        code: { code: '18719-5', codeSystem: LOINC, displayName: 'Biochimie' },
        status: 'completed',
        effectiveTime: { low: '20240104092200+0100', high: '20240104170500+0100' },
        performer: { ...biologist, organization: lab },
      },
    ],
    encounter: { effectiveTime: { low: '20240104073500+0100' } },
    sections: [
      {
        kind: 'chapter',
        code: { code: '18719-5', codeSystem: LOINC, displayName: 'Biochimie' },
        title: 'BIOCHIMIE',
        entry: {
          status: 'completed',
          items: [
            {
              kind: 'specimen',
              samplingTime: { value: '20240104073500+0100' },
              receivedTime: { value: '20240104092200+0100' },
              specimenIds: [{ root: '1.2.3', extension: 'S1' }],
              specimenType: { code: 'BLD', displayName: 'Sang' },
            },
            ...richObservations(),
          ],
          validators: [
            {
              time: { high: '20240104112000+0100' },
              name: { given: ['Jean'], family: 'DE SANTS', suffix: 'DR' },
            },
          ],
          comments: [{ kind: 'comment', text: 'Échantillon légèrement hémolysé.' }],
        },
      },
      {
        kind: 'chapter',
        code: { code: '18723-7', codeSystem: LOINC, displayName: 'Hématologie' },
        title: 'HÉMATOLOGIE',
        entry: {
          status: 'completed',
          items: [
            {
              kind: 'battery',
              status: 'completed',
              code: { code: '58410-2', codeSystem: LOINC, displayName: 'Hémogramme' },
              components: haemo,
            },
            {
              kind: 'battery',
              status: 'completed',
              code: { code: '34555-3', codeSystem: LOINC, displayName: 'Électrophorèse des protéines' },
              performer: { organization: subLab },
              components: [pq('Albumine', '45.0', 'g/L', '36.0', '48.0')],
            },
          ],
        },
      },
      { kind: 'comment', title: 'Commentaire', text: 'Résultats transmis au prescripteur.' },
    ],
  };
}

/** Every observation of a report, depth-first. */
export function allObservations(r: CrBioReport): Observation[] {
  const out: Observation[] = [];
  const visit = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    const o = x as { kind?: string; components?: unknown[]; items?: unknown[] };
    if (o.kind === 'observation') out.push(x as Observation);
    for (const c of o.components ?? []) visit(c);
    for (const c of o.items ?? []) visit(c);
  };
  for (const s of r.sections) {
    if (s.kind !== 'chapter') continue;
    visit(s.entry);
    for (const sub of s.subSections ?? []) visit(sub.entry);
  }
  return out;
}

const UNITS = ['mmol/L', 'g/L', 'umol/L', 'U/L', '10*9/L', '%', 'mg/L', 'ng/mL'];

/** A long report: `n` results in chapters of 25, long labels that wrap, unique labels and values. */
export function bigReport(n: number): CrBioReport {
  const r = richReport();
  const chapters = [];
  for (let c = 0; c * 25 < n; c++) {
    const obs: Observation[] = [];
    for (let i = c * 25; i < Math.min(n, (c + 1) * 25); i++) {
      const k = String(i + 1).padStart(3, '0');
      const label =
        i % 4 === 0
          ? `Analyse ${k} dosage immunoenzymatique de l'anticorps anti-transglutaminase tissulaire de type IgA sérique`
          : `Analyse ${k} paramètre`;
      obs.push(
        pq(label, `${i + 1}.${k}`, UNITS[i % UNITS.length]!, '1.0', '99.9', i % 7 === 0 ? 'H' : undefined),
      );
    }
    chapters.push({
      kind: 'chapter' as const,
      code: { code: '18719-5', codeSystem: LOINC, displayName: 'Biochimie' },
      title: `CHAPITRE ${c + 1}`,
      entry: { status: 'completed' as const, items: obs },
    });
  }
  r.sections = chapters;
  return r;
}
