/**
 * A lab-software vendor's integration: from the validated results of a request (as the SGL holds them) to the
 * CR-BIO level 3 (with its PDF copy) and level 1 files, checked before sending.
 * Run from the project root: `npx tsx examples/build-report.ts [OUTDIR]` (default: ./out-build-report).
 * In your own project, import from 'cisis-bio' instead of '../src/index.js'.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildCrBio,
  buildCrBioN1,
  type CrBioReport,
  hl7Ts,
  type Observation,
  renderReportPdf,
  seededIds,
  validate,
  validateReport,
} from '../src/index.js';

// --- What the SGL holds for one validated request (simplified) -------------------------------------------------
const sgl = {
  requestId: 'DEM-2024-000123',
  validatedAt: new Date('2024-01-04T15:05:00Z'),
  patient: { ipp: '1234567890121', ins: '279035121518989', identityStatus: 'QUAL' as const },
  results: [
    // local test code, its LOINC transcoding, value as the analyser gave it, unit (UCUM), normal range, flag
    {
      local: 'NA',
      loinc: '2951-2',
      label: 'Sodium',
      loincName: 'Sodium [Moles/Volume] Sérum/Plasma ; Numérique',
      value: '140',
      unit: 'mmol/L',
      low: '136',
      high: '145',
      flag: 'N',
    },
    {
      local: 'K',
      loinc: '2823-3',
      label: 'Potassium',
      loincName: 'Potassium [Moles/Volume] Sérum/Plasma ; Numérique',
      value: '3.2',
      unit: 'mmol/L',
      low: '3.5',
      high: '5.1',
      flag: 'L',
    },
    {
      local: 'CRP',
      loinc: undefined,
      label: 'CRP',
      loincName: undefined,
      value: '12.0',
      unit: 'mg/L',
      low: undefined,
      high: '5.0',
      flag: 'H',
    },
  ],
};

const LOINC = '2.16.840.1.113883.6.1';
const LOCAL_CODES = '1.2.250.1.2.3.4'; // the lab's own code system OID
const FLAGS: Record<string, string> = { N: 'Normal', L: 'Bas', H: 'Élevé' };
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
  standardIndustryClass: {
    code: 'AMBULATOIRE',
    displayName: 'Ambulatoire',
    codeSystem: '1.2.250.1.213.1.1.4.9',
  },
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
  organization: lab,
};

// --- Map each result: LOINC when transcoded, else the local code as a translation (portable pattern) ---------------
const now = hl7Ts(sgl.validatedAt);
const results: Observation[] = sgl.results.map((r) => ({
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
}));

const chapter = { code: '18719-5', displayName: 'Biochimie', codeSystem: LOINC, codeSystemName: 'LOINC' };
const report: CrBioReport = validateReport({
  level: 3,
  id: { root: '1.2.250.1.213.1.1.1.55.9999.123.1' },
  setId: { root: '1.2.250.1.213.1.1.1.55.9999.123' },
  versionNumber: 1,
  effectiveTime: now,
  patient: {
    identity: {
      status: sgl.patient.identityStatus,
      ins: { matricule: sgl.patient.ins, oid: '1.2.250.1.213.1.4.10' }, // INS-NIR de test
      traits: {
        birthFamilyName: 'PAT-TROIS',
        birthGivenNames: 'DOMINIQUE MARIE-LOUISE',
        firstBirthGivenName: 'DOMINIQUE',
        sex: 'F',
        birthDate: '1979-03-28',
        birthPlaceCog: '51215',
      },
    },
    localIds: [{ root: '1.2.3.4.567.8.9.10', extension: sgl.patient.ipp }],
  },
  authors: [{ ...biologist, time: now }],
  custodian: { ids: lab.ids, name: lab.name, telecoms: lab.telecoms, addresses: lab.addresses },
  legalAuthenticator: { ...biologist, time: now },
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
      entry: { code: chapter, status: 'completed', items: results },
    },
  ],
});

// --- PDF copy, level 3 and level 1, checked --------------------------------------------------------------------
const out = process.argv[2] ?? 'out-build-report';
mkdirSync(out, { recursive: true });
const clock = () => sgl.validatedAt;
const pdf = await renderReportPdf(report, { clock });
const n3 = buildCrBio(report, { pdf, clock, idGenerator: seededIds(sgl.requestId) });
const n1 = buildCrBioN1(report, pdf, { clock, idGenerator: seededIds(sgl.requestId) });
for (const [name, doc] of [
  ['n3', n3.bytes],
  ['n1', n1.bytes],
] as const) {
  const v = await validate(doc); // embedded rules; pass { kit: '…/TestContenuCDA' } for the ANS kit + XSD
  console.log(`${name}: ${v.valid ? 'valid' : 'NOT valid'} (level ${v.level}, rules ${v.rules})`);
  if (!v.valid) process.exitCode = 1;
  writeFileSync(join(out, `${sgl.requestId}.${name}.xml`), doc);
}
writeFileSync(join(out, `${sgl.requestId}.pdf`), pdf);
console.log(`wrote ${out}/${sgl.requestId}.{n3.xml,n1.xml,pdf}`);
