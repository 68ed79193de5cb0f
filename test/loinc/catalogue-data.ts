import { SCENARIOS } from '../../src/cda/index.js';
import type { CrBioReport, Observation } from '../../src/model/index.js';

/** OID of the synthetic lab's local code system. */
export const LOCAL_OID = '1.2.250.1.999.17.1';

/** Analytes of the synthetic catalogue: label, specimen type (HL7 code, label), unit, value type, the right LOINC. */
export const ANALYTES: ReadonlyArray<{
  label: string;
  specimen: [string, string];
  unit?: string;
  type: 'PQ' | 'CD';
  loinc: string;
}> = [
  { label: 'Sodium', specimen: ['SER', 'Sérum'], unit: 'mmol/L', type: 'PQ', loinc: '2951-2' },
  { label: 'Potassium', specimen: ['SER', 'Sérum'], unit: 'mmol/L', type: 'PQ', loinc: '2823-3' },
  { label: 'Chlorure', specimen: ['SER', 'Sérum'], unit: 'mmol/L', type: 'PQ', loinc: '2075-0' },
  { label: 'Urée', specimen: ['SER', 'Sérum'], unit: 'mmol/L', type: 'PQ', loinc: '22664-7' },
  { label: 'Créatinine', specimen: ['SER', 'Sérum'], unit: 'umol/L', type: 'PQ', loinc: '14682-9' },
  { label: 'Glucose', specimen: ['SER', 'Sérum'], unit: 'g/L', type: 'PQ', loinc: '2345-7' },
  { label: 'Cholestérol total', specimen: ['SER', 'Sérum'], unit: 'g/L', type: 'PQ', loinc: '2093-3' },
  { label: 'Triglycérides', specimen: ['SER', 'Sérum'], unit: 'g/L', type: 'PQ', loinc: '2571-8' },
  { label: 'CRP', specimen: ['SER', 'Sérum'], unit: 'mg/L', type: 'PQ', loinc: '1988-5' },
  { label: 'ASAT', specimen: ['SER', 'Sérum'], unit: 'U/L', type: 'PQ', loinc: '30239-8' },
  { label: 'ALAT', specimen: ['SER', 'Sérum'], unit: 'U/L', type: 'PQ', loinc: '1743-4' },
  { label: 'GGT', specimen: ['SER', 'Sérum'], unit: 'U/L', type: 'PQ', loinc: '2324-2' },
  { label: 'TSH', specimen: ['SER', 'Sérum'], unit: 'm[IU]/L', type: 'PQ', loinc: '3016-3' },
  { label: 'Protéines totales', specimen: ['SER', 'Sérum'], unit: 'g/L', type: 'PQ', loinc: '2885-2' },
  { label: 'Hémoglobine', specimen: ['BLD', 'Sang'], unit: 'g/dL', type: 'PQ', loinc: '718-7' },
  { label: 'Plaquettes', specimen: ['BLD', 'Sang'], unit: '10*9/L', type: 'PQ', loinc: '777-3' },
  { label: 'Leucocytes', specimen: ['BLD', 'Sang'], unit: '10*9/L', type: 'PQ', loinc: '6690-2' },
  { label: 'Hématies', specimen: ['BLD', 'Sang'], unit: '10*12/L', type: 'PQ', loinc: '789-8' },
  { label: 'Hématocrite', specimen: ['BLD', 'Sang'], unit: '%', type: 'PQ', loinc: '4544-3' },
  { label: 'VGM', specimen: ['BLD', 'Sang'], unit: 'fL', type: 'PQ', loinc: '787-2' },
  { label: 'Hémoglobine A1c', specimen: ['BLD', 'Sang'], unit: '%', type: 'PQ', loinc: '4548-4' },
  { label: 'INR', specimen: ['PLAS', 'Plasma'], unit: '{INR}', type: 'PQ', loinc: '6301-6' },
  { label: 'Nitrites', specimen: ['UR', 'Urine'], type: 'CD', loinc: '5802-4' },
  { label: 'Leucocyte estérase', specimen: ['UR', 'Urine'], type: 'CD', loinc: '5799-2' },
];

/** Local code of analyte `a` at site `s` (the same analyte coded by several sites: 300 local analyses). */
export const localCode = (a: number, s: number) =>
  `S${String(s).padStart(2, '0')}-${String(a).padStart(3, '0')}`;

function observation(a: number, s: number): Observation {
  const x = ANALYTES[a] as (typeof ANALYTES)[number];
  return {
    kind: 'observation',
    status: 'completed',
    effectiveTime: { value: '20240104145521+0100' },
    code: {
      code: localCode(a, s),
      codeSystem: LOCAL_OID,
      codeSystemName: 'Codes locaux du laboratoire',
      displayName: `${x.label} (site ${s})`,
      originalText: x.label,
    },
    value:
      x.type === 'PQ'
        ? { type: 'PQ', value: '1.5', unit: x.unit as string }
        : { type: 'CD', code: '260385009', codeSystem: '2.16.840.1.113883.6.96', displayName: 'Négatif' },
  };
}

/**
 * Report models holding `count` local analyses (analyte × site), one chapter per specimen type, each with its
 * specimen: the catalogue of a multi-site lab.
 */
export function catalogueModels(count = 300): { models: CrBioReport[]; expected: Map<string, string> } {
  const expected = new Map<string, string>();
  const bySpecimen = new Map<string, Observation[]>();
  for (let i = 0; i < count; i++) {
    const a = i % ANALYTES.length;
    const s = Math.floor(i / ANALYTES.length);
    const x = ANALYTES[a] as (typeof ANALYTES)[number];
    expected.set(localCode(a, s), x.loinc);
    bySpecimen.set(x.specimen[0], [...(bySpecimen.get(x.specimen[0]) ?? []), observation(a, s)]);
  }
  const models = [...bySpecimen].map(([code, obs]) => {
    const m = SCENARIOS[0]?.model() as CrBioReport;
    const s = m.sections[0];
    const entry = s?.kind === 'chapter' ? s.subSections?.[0]?.entry : undefined;
    if (!entry || s?.kind !== 'chapter') throw new Error('scenario layout changed');
    const sp = ANALYTES.find((x) => x.specimen[0] === code)?.specimen as [string, string];
    entry.items = [
      {
        kind: 'specimen',
        samplingTime: { high: '20240104092200+0100' },
        specimenIds: [{ root: '1.2.250.1.999.17.2', extension: `SP-${code}` }],
        specimenType: { code, codeSystem: '2.16.840.1.113883.5.129', displayName: sp[1] },
      },
      ...obs,
    ];
    s.subSections = s.subSections?.slice(0, 1);
    m.sections = [s];
    return m;
  });
  return { models, expected };
}
