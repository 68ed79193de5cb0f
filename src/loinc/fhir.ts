/**
 * FHIR R4 exchange of the transcoding work: the local catalogue as a `CodeSystem`, the mapping as a `ConceptMap`
 * (local → LOINC, with its equivalence), the LOINC codes used as a `ValueSet`. JSON in, JSON out, and read back
 * identical. Resources are plain objects (no FHIR library at run time); the tests validate them with a FHIR
 * validator.
 * @module
 */
import { z } from 'zod';
import { LOINC_URI } from '../model/index.js';
import type { LocalAnalysis } from './catalogue.js';
import { MappingError } from './errors.js';
import type { LoincMapping, MappingEntry, UnmappedAnalysis } from './mapping.js';

/** Namespace of the properties and extensions cisis-bio defines. */
export const CISIS_FHIR_NS = 'https://cisis-bio.dev/fhir';
const STATUS_EXT = `${CISIS_FHIR_NS}/StructureDefinition/loinc-mapping-status`;
const DEPENDS = { unit: `${CISIS_FHIR_NS}/unit`, specimen: `${CISIS_FHIR_NS}/specimen` } as const;
/** The LOINC notice carried by every resource that lists LOINC codes. */
export const LOINC_COPYRIGHT =
  'This material contains content from LOINC (http://loinc.org). LOINC is copyright © 1995-2024, Regenstrief ' +
  'Institute, Inc. and the Logical Observation Identifiers Names and Codes (LOINC) Committee and is available at ' +
  'no cost under the license at http://loinc.org/license. LOINC® is a registered United States trademark of ' +
  'Regenstrief Institute, Inc.';

/** A FHIR R4 resource as JSON. */
export type FhirResource = Record<string, unknown> & { resourceType: string };

/** Identity of an exported resource. */
export interface FhirResourceOptions {
  /** Canonical URL of the resource. */
  url: string;
  /** Computer-friendly name (default derived from the URL). */
  name?: string;
  version?: string;
  publisher?: string;
}

function header(type: string, o: FhirResourceOptions): FhirResource {
  const name =
    o.name ?? (o.url.split(/[/:]/).pop() || type).replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z]/, 'X');
  const r: FhirResource = { resourceType: type, url: o.url, name, status: 'active' };
  if (o.version) r.version = o.version;
  if (o.publisher) r.publisher = o.publisher;
  return r;
}

/** local system OID ⇄ FHIR system URI. */
const systemUri = (oid: string | undefined, fallback: string) => (oid ? `urn:oid:${oid}` : fallback);
const systemOid = (uri: string, fallback: string) =>
  uri === fallback ? undefined : uri.startsWith('urn:oid:') ? uri.slice(8) : uri;

const CS_PROPERTIES = [
  ['localSystem', 'string', 'OID of the local code system (CDA @codeSystem)'],
  ['specimen', 'string', 'Specimen'],
  ['unit', 'string', 'UCUM unit of the result'],
  ['method', 'string', 'Method'],
  ['resultType', 'string', 'CDA value type of the result (PQ, CD, ST…)'],
  ['occurrences', 'integer', 'Number of results seen with this code'],
  ['loincCode', 'string', 'LOINC code already carried by the results'],
  ['loincLabel', 'string', 'Display name of that LOINC code'],
] as const;

/**
 * The local catalogue as a FHIR R4 `CodeSystem` (one concept per local code; specimen, unit, method, result type,
 * occurrences as concept properties).
 *
 * @throws MappingError FHIR_RESOURCE_INVALID when two analyses share a local code
 * @example
 * const cs = catalogueToCodeSystem(analyses, { url: 'https://lab.example/fhir/CodeSystem/analyses' });
 */
export function catalogueToCodeSystem(
  analyses: readonly LocalAnalysis[],
  o: FhirResourceOptions,
): FhirResource {
  const seen = new Set<string>();
  const concept = analyses.map((a) => {
    if (seen.has(a.localCode)) {
      throw new MappingError(
        'FHIR_RESOURCE_INVALID',
        `local code ${a.localCode} appears twice (a CodeSystem needs unique codes)`,
      );
    }
    seen.add(a.localCode);
    const property: Array<Record<string, unknown>> = [];
    for (const [code, type] of CS_PROPERTIES) {
      const v = a[code];
      if (v === undefined) continue;
      property.push(type === 'integer' ? { code, valueInteger: v } : { code, valueString: v });
    }
    return { code: a.localCode, display: a.label, ...(property.length ? { property } : {}) };
  });
  return {
    ...header('CodeSystem', o),
    caseSensitive: true,
    content: 'complete',
    count: concept.length,
    property: CS_PROPERTIES.map(([code, type, description]) => ({
      code,
      uri: `${CISIS_FHIR_NS}/${code}`,
      description,
      type,
    })),
    concept,
  };
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, type: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new MappingError('FHIR_RESOURCE_INVALID', `${type}: ${i?.message ?? 'invalid'}`, i?.path.join('.'));
  }
  return r.data;
}

const codeSystemSchema = z.object({
  resourceType: z.literal('CodeSystem'),
  concept: z
    .array(
      z.object({
        code: z.string().min(1),
        display: z.string().optional(),
        property: z
          .array(
            z.object({
              code: z.string(),
              valueString: z.string().optional(),
              valueInteger: z.number().int().optional(),
            }),
          )
          .optional(),
      }),
    )
    .default([]),
});

/**
 * Read a `CodeSystem` written by {@link catalogueToCodeSystem} (or any CodeSystem of local codes) back into the
 * catalogue.
 *
 * @throws MappingError FHIR_RESOURCE_INVALID
 * @example
 * const analyses = codeSystemToCatalogue(JSON.parse(readFileSync('CodeSystem.json', 'utf8')));
 */
export function codeSystemToCatalogue(resource: unknown): LocalAnalysis[] {
  const cs = parseWith(codeSystemSchema, resource, 'CodeSystem');
  return cs.concept.map((c) => {
    const a: LocalAnalysis = { localCode: c.code, label: c.display ?? '', occurrences: 0 };
    for (const p of c.property ?? []) {
      if (p.code === 'occurrences' && p.valueInteger !== undefined) a.occurrences = p.valueInteger;
      else if (
        p.valueString !== undefined &&
        CS_PROPERTIES.some(([k, t]) => k === p.code && t === 'string')
      ) {
        a[p.code as 'specimen'] = p.valueString;
      }
    }
    return a;
  });
}

function element(e: MappingEntry): Record<string, unknown> {
  const dependsOn = (['unit', 'specimen'] as const).flatMap((k) =>
    e[k] ? [{ property: DEPENDS[k], value: e[k] }] : [],
  );
  const target: Record<string, unknown> = {
    code: e.loincCode,
    display: e.loincLabel,
    equivalence: e.equivalence,
  };
  if (e.comment) target.comment = e.comment;
  if (dependsOn.length) target.dependsOn = dependsOn;
  return { code: e.localCode, display: e.localLabel, target: [target] };
}

function unmappedElement(u: UnmappedAnalysis): Record<string, unknown> {
  const target: Record<string, unknown> = { equivalence: 'unmatched' };
  if (u.comment) target.comment = u.comment;
  return {
    extension: [{ url: STATUS_EXT, valueCode: u.status }],
    code: u.localCode,
    display: u.localLabel,
    target: [target],
  };
}

/** Options of {@link mappingToConceptMap}. */
export interface ConceptMapOptions extends FhirResourceOptions {
  /** System URI of local codes without an OID (default: `${url}#local`). */
  localSystemUri?: string;
}

/**
 * The mapping as a FHIR R4 `ConceptMap` from the local code system(s) to LOINC: one group per local code
 * system, each mapped code with its LOINC target and equivalence (unit and specimen as `dependsOn`); analyses
 * without LOINC as `unmatched`.
 *
 * @example
 * const cm = mappingToConceptMap(mapping, { url: 'https://lab.example/fhir/ConceptMap/local-to-loinc' });
 */
export function mappingToConceptMap(mapping: LoincMapping, o: ConceptMapOptions): FhirResource {
  const fallback = o.localSystemUri ?? `${o.url}#local`;
  const groups = new Map<string, Array<Record<string, unknown>>>();
  const push = (oid: string | undefined, el: Record<string, unknown>) => {
    const k = systemUri(oid, fallback);
    groups.set(k, [...(groups.get(k) ?? []), el]);
  };
  for (const e of mapping.entries) push(e.localSystem, element(e));
  for (const u of mapping.unmapped) push(u.localSystem, unmappedElement(u));
  return {
    ...header('ConceptMap', o),
    copyright: LOINC_COPYRIGHT,
    targetUri: `${LOINC_URI}/vs`,
    group: [...groups].map(([source, el]) => ({ source, target: LOINC_URI, element: el })),
  };
}

const conceptMapSchema = z.object({
  resourceType: z.literal('ConceptMap'),
  url: z.string().optional(),
  group: z
    .array(
      z.object({
        source: z.string().optional(),
        target: z.string().optional(),
        element: z.array(
          z.object({
            extension: z.array(z.object({ url: z.string(), valueCode: z.string().optional() })).optional(),
            code: z.string().min(1),
            display: z.string().optional(),
            target: z
              .array(
                z.object({
                  code: z.string().optional(),
                  display: z.string().optional(),
                  equivalence: z.string(),
                  comment: z.string().optional(),
                  dependsOn: z.array(z.object({ property: z.string(), value: z.string() })).optional(),
                }),
              )
              .default([]),
          }),
        ),
      }),
    )
    .default([]),
});
const EQUIVALENCES = new Set(['equivalent', 'equal', 'wider', 'narrower', 'inexact']);

/**
 * Read a `ConceptMap` (local → LOINC) back into a mapping. Targets to another system than LOINC and
 * equivalences that are not a usable mapping (`disjoint`, `relatedto`…) are refused.
 *
 * @throws MappingError FHIR_RESOURCE_INVALID
 * @example
 * const mapping = conceptMapToMapping(JSON.parse(readFileSync('ConceptMap.json', 'utf8')));
 */
export function conceptMapToMapping(
  resource: unknown,
  options: { localSystemUri?: string } = {},
): LoincMapping {
  const cm = parseWith(conceptMapSchema, resource, 'ConceptMap');
  const fallback = options.localSystemUri ?? `${cm.url ?? ''}#local`;
  const mapping: LoincMapping = { format: 'cisis-bio-loinc-mapping', version: 1, entries: [], unmapped: [] };
  cm.group.forEach((g, gi) => {
    if (g.target !== undefined && g.target !== LOINC_URI) {
      throw new MappingError(
        'FHIR_RESOURCE_INVALID',
        `ConceptMap group targets ${g.target}, not LOINC`,
        `group[${gi}].target`,
      );
    }
    const oid = g.source === undefined ? undefined : systemOid(g.source, fallback);
    g.element.forEach((el, ei) => {
      const where = `group[${gi}].element[${ei}]`;
      const t = el.target[0];
      if (!t || t.equivalence === 'unmatched') {
        const status =
          el.extension?.find((x) => x.url === STATUS_EXT)?.valueCode === 'todo' ? 'todo' : 'none';
        const u: UnmappedAnalysis = { localCode: el.code, localLabel: el.display ?? '', status };
        if (oid) u.localSystem = oid;
        if (t?.comment) u.comment = t.comment;
        mapping.unmapped.push(u);
        return;
      }
      if (!t.code || !EQUIVALENCES.has(t.equivalence)) {
        throw new MappingError(
          'FHIR_RESOURCE_INVALID',
          `target needs a LOINC code and a mapping equivalence`,
          `${where}.target[0]`,
        );
      }
      const e: MappingEntry = {
        localCode: el.code,
        localLabel: el.display ?? '',
        loincCode: t.code,
        loincLabel: t.display ?? '',
        equivalence: t.equivalence as MappingEntry['equivalence'],
      };
      if (oid) e.localSystem = oid;
      for (const d of t.dependsOn ?? []) {
        if (d.property === DEPENDS.unit) e.unit = d.value;
        if (d.property === DEPENDS.specimen) e.specimen = d.value;
      }
      if (t.comment) e.comment = t.comment;
      mapping.entries.push(e);
    });
  });
  // Same order as the mapping was written: entries, then unmapped.
  return mapping;
}

/** A LOINC code with its display, as listed in a ValueSet. */
export interface LoincConcept {
  code: string;
  display: string;
}

/**
 * The LOINC codes a mapping uses (or any list) as a FHIR R4 `ValueSet` (`compose.include` of http://loinc.org,
 * in code order, each once), with the LOINC notice.
 *
 * @example
 * const vs = loincValueSet(mapping, { url: 'https://lab.example/fhir/ValueSet/loinc-used' });
 */
export function loincValueSet(
  codes: LoincMapping | readonly LoincConcept[],
  o: FhirResourceOptions,
): FhirResource {
  const list: LoincConcept[] = Array.isArray(codes)
    ? [...codes]
    : (codes as LoincMapping).entries.map((e) => ({ code: e.loincCode, display: e.loincLabel }));
  const byCode = new Map<string, LoincConcept>();
  for (const c of list) if (!byCode.has(c.code)) byCode.set(c.code, c);
  const concept = [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }));
  return {
    ...header('ValueSet', o),
    copyright: LOINC_COPYRIGHT,
    compose: {
      include: [{ system: LOINC_URI, concept: concept.map((c) => ({ code: c.code, display: c.display })) }],
    },
  };
}

const valueSetSchema = z.object({
  resourceType: z.literal('ValueSet'),
  compose: z.object({
    include: z.array(
      z.object({
        system: z.string().optional(),
        concept: z.array(z.object({ code: z.string().min(1), display: z.string().optional() })).optional(),
      }),
    ),
  }),
});

/**
 * The LOINC codes a `ValueSet` enumerates (`compose.include` of http://loinc.org; other systems ignored).
 *
 * @throws MappingError FHIR_RESOURCE_INVALID
 * @example
 * valueSetToLoinc(vs) // [{ code: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma' }, …]
 */
export function valueSetToLoinc(resource: unknown): LoincConcept[] {
  const vs = parseWith(valueSetSchema, resource, 'ValueSet');
  return vs.compose.include
    .filter((i) => i.system === LOINC_URI)
    .flatMap((i) => (i.concept ?? []).map((c) => ({ code: c.code, display: c.display ?? '' })));
}
