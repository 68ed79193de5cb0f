/**
 * The transcoding mapping (local code → LOINC): read from the filled worksheet with every check (form and check
 * digit, existence and status in the LOINC table, unit ↔ PROPERTY, result type ↔ SCALE_TYP, duplicates, local
 * codes unknown to the catalogue), and applied to report models (LOINC as the result code, the local code kept
 * as a translation).
 * @module
 */
import { z } from 'zod';
import type { Code, CrBioReport } from '../model/index.js';
import { checkLoincCode, LOINC_OID } from '../model/index.js';
import type { LocalAnalysis } from './catalogue.js';
import { localCodeOf, worksheetColumns } from './catalogue.js';
import { parseCsv } from './csv.js';
import { MappingError } from './errors.js';
import type { LoincTable } from './table.js';
import { PROPERTY_UNIT_KINDS, unitKind } from './units.js';

/** How the LOINC term relates to the local analysis (FHIR R4 ConceptMap equivalence). */
export type MappingEquivalence = 'equivalent' | 'equal' | 'wider' | 'narrower' | 'inexact';

/** One validated mapping: a local analysis and its LOINC code. */
export interface MappingEntry {
  localCode: string;
  localSystem?: string;
  localLabel: string;
  loincCode: string;
  loincLabel: string;
  equivalence: MappingEquivalence;
  unit?: string;
  specimen?: string;
  comment?: string;
}

/** A local analysis left without LOINC (status `none`: no LOINC fits; `todo`: not mapped yet). */
export interface UnmappedAnalysis {
  localCode: string;
  localSystem?: string;
  localLabel: string;
  status: 'none' | 'todo';
  comment?: string;
}

/** The mapping file (`MAPPING.json`). */
export interface LoincMapping {
  format: 'cisis-bio-loinc-mapping';
  version: 1;
  entries: MappingEntry[];
  unmapped: UnmappedAnalysis[];
}

const equivalence = z.enum(['equivalent', 'equal', 'wider', 'narrower', 'inexact']);
const entrySchema = z.object({
  localCode: z.string().min(1),
  localSystem: z.string().min(1).optional(),
  localLabel: z.string(),
  loincCode: z.string().refine((c) => checkLoincCode(c).valid, 'not a valid LOINC code'),
  loincLabel: z.string().min(1),
  equivalence,
  unit: z.string().optional(),
  specimen: z.string().optional(),
  comment: z.string().optional(),
});
const mappingSchema = z.object({
  format: z.literal('cisis-bio-loinc-mapping'),
  version: z.literal(1),
  entries: z.array(entrySchema),
  unmapped: z.array(
    z.object({
      localCode: z.string().min(1),
      localSystem: z.string().min(1).optional(),
      localLabel: z.string(),
      status: z.enum(['none', 'todo']),
      comment: z.string().optional(),
    }),
  ),
});

/**
 * Read a mapping file (JSON text or parsed value), checked field by field.
 *
 * @throws MappingError MAPPING_INVALID naming the bad field
 * @example
 * const mapping = parseMapping(readFileSync('mapping.json', 'utf8'));
 */
export function parseMapping(input: string | unknown): LoincMapping {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new MappingError('MAPPING_INVALID', `not JSON: ${(e as Error).message}`);
    }
  }
  const r = mappingSchema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new MappingError('MAPPING_INVALID', i?.message ?? 'invalid mapping', i?.path.join('.'));
  }
  return r.data as LoincMapping;
}

/** One problem of a worksheet row. */
export interface MappingProblem {
  /** Line of the worksheet (1 = header). */
  line: number;
  localCode: string;
  severity: 'error' | 'warning';
  message: string;
}

/** What {@link importMapping} returns. */
export interface MappingImport {
  /** The validated mapping: rows with an error are left out. */
  mapping: LoincMapping;
  problems: MappingProblem[];
  /** No error (warnings allowed). */
  valid: boolean;
  counts: { rows: number; mapped: number; unmapped: number; errors: number; warnings: number };
}

/** Options of {@link importMapping}. */
export interface ImportMappingOptions {
  /** LOINC table: codes must exist, and agree with the row's unit and result type. */
  table?: LoincTable;
  /** The local catalogue: a row whose local code is not in it is an error. */
  catalogue?: readonly LocalAnalysis[];
  fileName?: string;
}

const QUANT = new Set(['PQ', 'IVL_PQ', 'RTO', 'RTO_PQ_PQ', 'INT', 'REAL']);
const CODED = new Set(['CD', 'CE', 'CV', 'CO', 'BL']);
const STATUS_EQUIV: Readonly<Record<string, MappingEquivalence>> = {
  wider: 'wider',
  narrower: 'narrower',
  inexact: 'inexact',
  equal: 'equal',
};
const NONE = new Set(['none', 'aucun', 'no-loinc', 'sans loinc', 'pas de loinc']);

interface Row {
  line: number;
  localCode: string;
  localSystem: string;
  label: string;
  specimen: string;
  unit: string;
  resultType: string;
  loincCode: string;
  loincLabel: string;
  status: string;
  comment: string;
}

function readRows(worksheet: string, fileName?: string): Row[] {
  const t = parseCsv(worksheet, fileName === undefined ? {} : { fileName });
  const cols = worksheetColumns(t.header, fileName);
  const get = (r: string[], c: keyof typeof cols) =>
    cols[c] === undefined ? '' : (r[cols[c] as number] ?? '').trim();
  // Line numbers: header is line 1; rows follow (worksheets have no multi-line cells in practice).
  return t.rows
    .map((r, i) => ({
      line: i + 2,
      localCode: get(r, 'local_code'),
      localSystem: get(r, 'local_system'),
      label: get(r, 'label'),
      specimen: get(r, 'specimen'),
      unit: get(r, 'unit'),
      resultType: get(r, 'result_type').toUpperCase(),
      loincCode: get(r, 'loinc_code'),
      loincLabel: get(r, 'loinc_label'),
      status: get(r, 'status').toLowerCase(),
      comment: get(r, 'comment'),
    }))
    .filter((r) => r.localCode !== '');
}

/** Errors and warnings of one row against the LOINC table; fills the label from the table when absent. */
function tableProblems(row: Row, table: LoincTable): Array<[MappingProblem['severity'], string]> {
  const e = table.get(row.loincCode);
  if (!e) return [['error', `LOINC ${row.loincCode} is not in the LOINC table`]];
  const out: Array<[MappingProblem['severity'], string]> = [];
  if (e.status === 'DEPRECATED' || e.status === 'DISCOURAGED') {
    const to = e.mapTo.length ? ` (MAP_TO ${e.mapTo.join(', ')})` : '';
    out.push(['warning', `LOINC ${row.loincCode} is ${e.status}${to}`]);
  }
  const kinds = PROPERTY_UNIT_KINDS[e.property];
  const kind = row.unit ? unitKind(row.unit) : undefined;
  if (kinds && kind && !kinds.includes(kind)) {
    out.push(['error', `LOINC ${row.loincCode} is ${e.property} but the unit ${row.unit} is ${kind}`]);
  }
  const t = row.resultType;
  if (
    (e.scale === 'Qn' && CODED.has(t)) ||
    ((e.scale === 'Ord' || e.scale === 'Nom') && QUANT.has(t) && t !== 'INT')
  ) {
    out.push(['error', `LOINC ${row.loincCode} is ${e.scale} but the result type is ${t}`]);
  }
  if (row.loincLabel === '') row.loincLabel = e.longName;
  return out;
}

function rowProblems(row: Row, options: ImportMappingOptions): Array<[MappingProblem['severity'], string]> {
  const form = checkLoincCode(row.loincCode);
  if (!form.valid || form.kind !== 'term')
    return [['error', form.message ?? `${row.loincCode} is not a LOINC term code`]];
  const out = options.table ? tableProblems(row, options.table) : [];
  const unknown = options.table !== undefined && !options.table.has(row.loincCode);
  if (row.loincLabel === '' && !unknown)
    out.push(['error', 'loinc_label is empty (the CDA writes it as displayName)']);
  if ((row.status === 'narrower' || row.status === 'inexact') && row.comment === '') {
    out.push(['error', `status ${row.status} needs a comment saying how the LOINC term differs`]);
  }
  return out;
}

function inCatalogue(row: Row, catalogue: readonly LocalAnalysis[]): boolean {
  return catalogue.some(
    (a) =>
      a.localCode === row.localCode &&
      (!row.localSystem || !a.localSystem || a.localSystem === row.localSystem),
  );
}

/**
 * Read a filled worksheet into a validated mapping, with a report of every problem by line. Rows with a LOINC
 * code become entries (status `wider`/`narrower`/`inexact` sets the equivalence); rows without one are listed as
 * unmapped (`none`: no LOINC fits, otherwise `todo`).
 *
 * @example
 * const { mapping, problems, valid } = importMapping(readFileSync('worksheet.csv', 'utf8'), { table });
 * if (!valid) for (const p of problems) console.error(`line ${p.line} ${p.localCode}: ${p.message}`);
 */
export function importMapping(worksheet: string, options: ImportMappingOptions = {}): MappingImport {
  const rows = readRows(worksheet, options.fileName);
  const problems: MappingProblem[] = [];
  const mapping: LoincMapping = { format: 'cisis-bio-loinc-mapping', version: 1, entries: [], unmapped: [] };
  const seen = new Map<string, Row>();
  for (const row of rows) {
    const add = (severity: MappingProblem['severity'], message: string) =>
      problems.push({ line: row.line, localCode: row.localCode, severity, message });
    const key = `${row.localSystem}|${row.localCode}`;
    const first = seen.get(key);
    if (first) {
      if (first.loincCode === row.loincCode)
        add('warning', `duplicate of line ${first.line} (same LOINC): ignored`);
      else
        add(
          'error',
          `local code ${row.localCode} is also on line ${first.line} with ${first.loincCode || 'no LOINC'}`,
        );
      continue;
    }
    seen.set(key, row);
    if (options.catalogue && !inCatalogue(row, options.catalogue)) {
      add('error', `local code ${row.localCode} is not in the catalogue`);
      continue;
    }
    if (row.loincCode === '') {
      const u: UnmappedAnalysis = {
        localCode: row.localCode,
        localLabel: row.label,
        status: NONE.has(row.status) ? 'none' : 'todo',
      };
      if (row.localSystem) u.localSystem = row.localSystem;
      if (row.comment) u.comment = row.comment;
      mapping.unmapped.push(u);
      continue;
    }
    const found = rowProblems(row, options);
    for (const [s, m] of found) add(s, m);
    if (!found.some(([s]) => s === 'error')) mapping.entries.push(entryOf(row));
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  return {
    mapping,
    problems,
    valid: errors === 0,
    counts: {
      rows: rows.length,
      mapped: mapping.entries.length,
      unmapped: mapping.unmapped.length,
      errors,
      warnings: problems.length - errors,
    },
  };
}

function entryOf(row: Row): MappingEntry {
  const e: MappingEntry = {
    localCode: row.localCode,
    localLabel: row.label,
    loincCode: row.loincCode,
    loincLabel: row.loincLabel,
    equivalence: STATUS_EQUIV[row.status] ?? 'equivalent',
  };
  if (row.localSystem) e.localSystem = row.localSystem;
  if (row.unit) e.unit = row.unit;
  if (row.specimen) e.specimen = row.specimen;
  if (row.comment) e.comment = row.comment;
  return e;
}

/** One result recoded by {@link applyMapping}. */
export interface AppliedMapping {
  /** Model path of the code, e.g. `sections[0].entry.items[2].code`. */
  path: string;
  localCode: string;
  loincCode: string;
}

/** What {@link applyMapping} returns. */
export interface ApplyMappingResult {
  /** A new model: the input is not modified. */
  report: CrBioReport;
  applied: AppliedMapping[];
  /** Results still coded locally (no mapping entry), with their path. */
  unmapped: Array<{ path: string; localCode: string }>;
}

function recode(code: Code, e: MappingEntry): Code {
  const local: Code = {
    code: code.code as string,
    displayName: code.displayName ?? code.originalText ?? e.localLabel,
  };
  if (code.codeSystem) local.codeSystem = code.codeSystem;
  if (code.codeSystemName) local.codeSystemName = code.codeSystemName;
  const others = (code.translations ?? []).filter(
    (t) => !(t.codeSystem === LOINC_OID && t.code === e.loincCode),
  );
  const out: Code = {
    code: e.loincCode,
    codeSystem: LOINC_OID,
    codeSystemName: 'LOINC',
    displayName: e.loincLabel,
  };
  const text = code.originalText ?? code.displayName;
  if (text !== undefined) out.originalText = text;
  out.translations = [local, ...others];
  return out;
}

/** A result without @code (local code as translation): LOINC written as its code, the translations kept. */
function withLoinc(code: Code, e: MappingEntry): Code {
  const out: Code = {
    code: e.loincCode,
    codeSystem: LOINC_OID,
    codeSystemName: 'LOINC',
    displayName: e.loincLabel,
  };
  if (code.originalText !== undefined) out.originalText = code.originalText;
  const kept = (code.translations ?? []).filter(
    (t) => !(t.codeSystem === LOINC_OID && t.code === e.loincCode),
  );
  if (kept.length) out.translations = kept;
  return out;
}

/**
 * Write LOINC as the code of every result (observations, batteries, previous results) whose local code the
 * mapping covers, keeping the local code as a `translation` and the lab's wording as `originalText`.
 *
 * @example
 * const { report: coded, applied, unmapped } = applyMapping(report, parseMapping(readFileSync('mapping.json', 'utf8')));
 */
export function applyMapping(report: CrBioReport, mapping: LoincMapping): ApplyMappingResult {
  const bySystem = new Map<string, MappingEntry>();
  const byCode = new Map<string, MappingEntry>();
  for (const e of mapping.entries) {
    if (e.localSystem) bySystem.set(`${e.localSystem}|${e.localCode}`, e);
    else byCode.set(e.localCode, e);
  }
  const out = structuredClone(report);
  const applied: AppliedMapping[] = [];
  const unmapped: ApplyMappingResult['unmapped'] = [];
  const visitCode = (holder: { code?: Code }, path: string) => {
    const c = holder.code;
    const local = c ? localCodeOf(c) : undefined;
    if (!c || !local?.code) return;
    const e = bySystem.get(`${local.codeSystem ?? ''}|${local.code}`) ?? byCode.get(local.code);
    if (!e) {
      unmapped.push({ path: `${path}.code`, localCode: local.code });
      return;
    }
    holder.code = c.code ? recode(c, e) : withLoinc(c, e);
    applied.push({ path: `${path}.code`, localCode: local.code, loincCode: e.loincCode });
  };
  const visit = (node: Record<string, unknown>, path: string): void => {
    if (node.kind === 'observation' || node.kind === 'battery') visitCode(node as { code?: Code }, path);
    ((node.previousResults ?? []) as Array<{ code?: Code }>).forEach((p, i) => {
      visitCode(p, `${path}.previousResults[${i}]`);
    });
    ((node.components ?? []) as Array<Record<string, unknown>>).forEach((c, i) => {
      visit(c, `${path}.components[${i}]`);
    });
  };
  out.sections.forEach((s, i) => {
    if (s.kind !== 'chapter') return;
    const entries: Array<[string, { items: unknown[] } | undefined]> = [
      [`sections[${i}].entry`, s.entry],
      ...(s.subSections ?? []).map(
        (x, j) => [`sections[${i}].subSections[${j}].entry`, x.entry] as [string, { items: unknown[] }],
      ),
    ];
    for (const [p, e] of entries) {
      e?.items.forEach((it, k) => {
        visit(it as Record<string, unknown>, `${p}.items[${k}]`);
      });
    }
  });
  return { report: out, applied, unmapped };
}
