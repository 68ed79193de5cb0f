/**
 * The one-call path (docs/guide.md): from a request the biologist has just validated in the SGL to the files a lab
 * sends — CR-BIO level 3 (PDF copy embedded), level 1 (same PDF, for the DMP), the PDF (MSSanté) and one signature —
 * then version 2 of the same report (a correction) with `createReplacement`.
 *
 * Run from the project root: `npx tsx examples/create-report.ts OUTDIR [KEY.pem CERT.pem]`
 * (without a key the files are not signed). In your own project, import from 'cisis-bio'.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Code,
  type CrBioReport,
  type CreatedReport,
  type CreateReportOptions,
  createReplacement,
  createReport,
  hl7Ts,
  type Observation,
  type PerformingLab,
  seededIds,
} from '../src/index.js';

// --- What the SGL holds for one validated request (simplified) -------------------------------------------------
const sgl = {
  requestId: 'DEM-2024-000456',
  documentOid: '1.2.250.1.213.1.1.1.55.9999.456', // the lab's OID arc for this request's report (setId)
  validatedAt: new Date('2024-01-04T15:05:00Z'),
  patient: {
    ipp: '1234567890121',
    // RNIV identity status: only a QUAL identity carries the INS in the CDA and in the PDF's Datamatrix.
    status: 'QUAL' as const,
    insNir: '279035121518989', // INS-NIR de test
    birthFamilyName: 'PAT-TROIS',
    birthGivenNames: 'DOMINIQUE MARIE-LOUISE',
    sex: 'F' as const,
    birthDate: '1979-03-28',
    birthPlaceCog: '51215',
  },
  prescriber: { rpps: '10002422979', given: 'Pascal', family: 'CHARLES', specialty: 'G15_10/SM41' },
  // Local test code → LOINC transcoding table (the SGL's "table de transcodage"); `sub` = done by a subcontractor.
  results: [
    {
      local: 'GLY',
      loinc: '14749-6',
      loincName: 'Glucose [Moles/Volume] Sérum/Plasma ; Numérique',
      label: 'Glycémie à jeun',
      value: '6.1',
      unit: 'mmol/L',
      low: '4.1',
      high: '5.9',
      flag: 'H',
    },
    {
      local: 'CREA',
      loinc: '14682-9',
      loincName: 'Créatinine [Moles/Volume] Sérum/Plasma ; Numérique',
      label: 'Créatinine',
      value: '70',
      unit: 'umol/L',
      low: '45',
      high: '84',
      flag: 'N',
    },
    {
      local: 'VITD',
      loinc: undefined,
      loincName: undefined,
      label: 'Vitamine D (technique maison)',
      value: '62',
      unit: 'nmol/L',
      low: '75',
      high: undefined,
      flag: 'L',
      sub: true,
    },
  ],
};

const LOINC = '2.16.840.1.113883.6.1';
const LOCAL_CODES = '1.2.250.1.2.3.4'; // the lab's own code system OID
const FLAGS: Record<string, string> = { N: 'Normal', L: 'Bas', H: 'Élevé' };
const address = {
  houseNumber: '8',
  streetName: 'Rue Frédéric Bastia',
  postalCode: '92100',
  city: 'BOULOGNE-BILLANCOURT',
};
const telecom = { value: 'tel:0174589607', use: 'WP' };
const lab = {
  ids: [{ root: '1.2.250.1.71.4.2.2', extension: '1120459870' }], // FINESS
  name: 'Laboratoire des charmes',
  telecoms: [telecom],
  addresses: [address],
  standardIndustryClass: {
    code: 'AMBULATOIRE',
    displayName: 'Ambulatoire',
    codeSystem: '1.2.250.1.213.1.1.4.9',
  },
};
const biologist = {
  ids: [{ root: '1.2.250.1.71.4.2.1', extension: '801234534764' }], // RPPS with its "8" prefix
  profession: {
    code: 'G15_10/SM03',
    displayName: 'Médecin - Biologie médicale (SM)',
    codeSystem: '1.2.250.1.213.1.1.4.5',
  },
  addresses: [address],
  telecoms: [telecom],
  name: { prefix: 'M', given: ['Marcel'], family: 'CAMPARINI', suffix: 'DR' },
  organization: lab,
};
const now = hl7Ts(sgl.validatedAt, 60);
// The subcontracting lab that performed the results marked `sub` (FR-Laboratoire-executant).
const subcontractor: PerformingLab = {
  ids: [{ root: '1.2.250.1.71.4.2.1', extension: '801234567830' }],
  name: { prefix: 'M', given: ['Jean'], family: 'DE SANTS', suffix: 'DR' },
  addresses: [{ nullFlavor: 'MSK' }],
  telecoms: [{ nullFlavor: 'MSK' }],
  organization: {
    ids: [{ root: '1.2.250.1.71.4.2.2', extension: '1120456736' }],
    name: 'LABORATOIRE SOUS-TRAITANT',
    addresses: [{ nullFlavor: 'MSK' }],
    telecoms: [{ nullFlavor: 'MSK' }],
    standardIndustryClass: {
      code: 'ETABLISSEMENT',
      displayName: 'Etablissement de santé',
      codeSystem: '1.2.250.1.213.1.1.4.9',
    },
  },
  time: { value: now },
};

// --- Map each result: LOINC when transcoded, else the local code as a translation (portable pattern) ------------
function toObservation(r: (typeof sgl.results)[number]): Observation {
  return {
    kind: 'observation',
    code: r.loinc
      ? { code: r.loinc, displayName: r.loincName, codeSystem: LOINC, originalText: r.label }
      : {
          originalText: r.label,
          translations: [{ code: r.local, displayName: r.label, codeSystem: LOCAL_CODES }],
        },
    status: 'completed',
    effectiveTime: { value: now },
    value: { type: 'PQ', value: r.value, unit: r.unit },
    interpretations: [{ code: r.flag, displayName: FLAGS[r.flag], codeSystem: '2.16.840.1.113883.5.83' }],
    referenceRange: {
      value: {
        type: 'IVL_PQ',
        ...(r.low ? { low: { value: r.low, unit: r.unit } } : {}),
        ...(r.high ? { high: { value: r.high, unit: r.unit } } : {}),
      },
    },
    ...(r.sub ? { performer: subcontractor } : {}),
  };
}

const chapter: Code = {
  code: '18719-5',
  displayName: 'Biochimie',
  codeSystem: LOINC,
  codeSystemName: 'LOINC',
};
const p = sgl.patient;
const model: CrBioReport = {
  level: 3,
  id: { root: `${sgl.documentOid}.1` }, // version 1
  setId: { root: sgl.documentOid },
  versionNumber: 1,
  effectiveTime: now,
  patient: {
    identity: {
      status: p.status,
      ...(p.status === 'QUAL' ? { ins: { matricule: p.insNir, oid: '1.2.250.1.213.1.4.10' as const } } : {}),
      traits: {
        birthFamilyName: p.birthFamilyName,
        birthGivenNames: p.birthGivenNames,
        firstBirthGivenName: p.birthGivenNames.split(' ')[0]!,
        sex: p.sex,
        birthDate: p.birthDate,
        birthPlaceCog: p.birthPlaceCog,
      },
    },
    localIds: [{ root: '1.2.3.4.567.8.9.10', extension: p.ipp }], // IPP
  },
  authors: [{ ...biologist, time: now }],
  custodian: { ids: lab.ids, name: lab.name, telecoms: lab.telecoms, addresses: lab.addresses },
  legalAuthenticator: { ...biologist, time: now },
  prescriber: {
    ids: [{ root: '1.2.250.1.71.4.2.1', extension: `8${sgl.prescriber.rpps}` }],
    profession: {
      code: sgl.prescriber.specialty,
      displayName: 'Médecin - Pneumologie (SM)',
      codeSystem: '1.2.250.1.213.1.1.4.5',
    },
    name: { suffix: 'DR', given: [sgl.prescriber.given], family: sgl.prescriber.family },
  },
  orderIds: [{ root: '1.2.250.1.213.1.1.9', extension: sgl.requestId }],
  serviceEvents: [
    {
      ids: [{ root: '1.2.250.1.213.1.1.9', extension: sgl.requestId }],
      code: chapter,
      status: 'completed', // 'active' for a partial report
      effectiveTime: { low: '20240104092200+0100', high: now },
      performer: { ...biologist, time: { high: now } },
    },
  ],
  encounter: { effectiveTime: { low: '20240104073500+0100' }, responsibleParty: biologist },
  sections: [
    {
      kind: 'chapter',
      code: chapter,
      title: 'BIOCHIMIE',
      entry: { code: chapter, status: 'completed', items: sgl.results.map(toObservation) },
    },
  ],
};

// --- One call: N3 + N1 + PDF (+ signature), checked --------------------------------------------------------------
const [out = 'out-create-report', keyFile, certFile] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const options: CreateReportOptions = {
  clock: () => sgl.validatedAt, // inject clock and ids: the same request always gives the same bytes
  idGenerator: seededIds(sgl.requestId),
  validate: true, // embedded rules; { kit: '…/TestContenuCDA' } for the ANS kit + XSD
  failOnInvalid: true,
  ...(keyFile && certFile
    ? { sign: { key: readFileSync(keyFile), cert: readFileSync(certFile), profile: 'dsg' as const } }
    : {}),
};

function save(created: CreatedReport): void {
  const id = created.ids.n3;
  writeFileSync(join(out, `${id}.n3.xml`), created.n3);
  writeFileSync(join(out, `${id}.n1.xml`), created.n1);
  writeFileSync(join(out, `${id}.pdf`), created.pdf);
  if (created.signature) writeFileSync(join(out, `${id}.sig.xml`), created.signature);
  console.log(
    `v${created.ids.version}: ${JSON.stringify(created.ids)} valid=${created.validation?.valid} signed=${!!created.signature}`,
  );
}

const v1 = await createReport(model, options);
save(v1);

// --- Version 2: the biologist corrects the glycaemia; the new version replaces version 1 everywhere ------------
const corrected = structuredClone(model.sections);
const first = corrected[0];
const gly = first?.kind === 'chapter' ? first.entry?.items[0] : undefined;
if (gly?.kind === 'observation' && gly.value?.type === 'PQ') {
  gly.value.value = '5.4';
  gly.interpretations = [{ code: 'N', displayName: 'Normal', codeSystem: '2.16.840.1.113883.5.83' }];
}
const v2 = await createReplacement(
  v1.n3,
  { sections: corrected },
  {
    ...options,
    newId: { root: `${sgl.documentOid}.2` },
    effectiveTime: hl7Ts(new Date('2024-01-05T08:00:00Z'), 60),
    idGenerator: seededIds(`${sgl.requestId}-v2`),
  },
);
save(v2);
