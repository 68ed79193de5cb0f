/**
 * The lab's local catalogue and the transcoding worksheet: the local analyses (code, label, specimen, unit,
 * method, result type, occurrences) collected from report models or read from a catalogue CSV, written as a
 * worksheet a person fills with LOINC codes (candidates suggested when a LOINC table is given).
 * @module
 */
import type { Code, CrBioReport, ResultValue } from '../model/index.js';
import { LOINC_OID } from '../model/index.js';
import { parseCsv, writeCsv } from './csv.js';
import { CsvFormatError } from './errors.js';
import { type LoincCandidate, suggestLoinc } from './suggest.js';
import type { LoincTable } from './table.js';

/** One analysis of the local catalogue. */
export interface LocalAnalysis {
  localCode: string;
  /** OID of the local code system (`@codeSystem` of the local code), when known. */
  localSystem?: string;
  label: string;
  specimen?: string;
  /** UCUM unit of the result. */
  unit?: string;
  method?: string;
  /** CDA value type of the result (PQ, CD, ST…). */
  resultType?: string;
  /** How many results carried this code in the models read (0 for a catalogue CSV without the column). */
  occurrences: number;
  /** A LOINC code the local code already carries (translation), or the worksheet's. */
  loincCode?: string;
  loincLabel?: string;
}

/** The worksheet columns, in order (the header written; French names are accepted on import). */
export const WORKSHEET_COLUMNS = [
  'local_code',
  'local_system',
  'label',
  'specimen',
  'unit',
  'method',
  'result_type',
  'occurrences',
  'loinc_code',
  'loinc_label',
  'status',
  'comment',
  'candidates',
] as const;
export type WorksheetColumn = (typeof WORKSHEET_COLUMNS)[number];

/** Header names read as each column (lower case, accents folded): the worksheet's and the usual French ones. */
const ALIASES: Readonly<Record<WorksheetColumn, readonly string[]>> = {
  local_code: ['local_code', 'code_local', 'code local', 'code', 'local code'],
  local_system: ['local_system', 'systeme_local', 'code_system', 'oid'],
  label: ['label', 'libelle', 'libelle local', 'analyse'],
  specimen: ['specimen', 'prelevement', 'nature', 'echantillon'],
  unit: ['unit', 'unite'],
  method: ['method', 'methode', 'technique'],
  result_type: ['result_type', 'type_resultat', 'type de resultat', 'type'],
  occurrences: ['occurrences', 'nb', 'nombre'],
  loinc_code: ['loinc_code', 'code_loinc', 'loinc', 'code loinc'],
  loinc_label: ['loinc_label', 'libelle_loinc', 'libelle loinc'],
  status: ['status', 'statut', 'etat'],
  comment: ['comment', 'commentaire', 'remarque'],
  candidates: ['candidates', 'candidats', 'suggestions'],
};

function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
}

/** Column positions of a worksheet/catalogue header; `local_code` and `label` are required. */
export function worksheetColumns(
  header: readonly string[],
  fileName?: string,
): Partial<Record<WorksheetColumn, number>> {
  const cols: Partial<Record<WorksheetColumn, number>> = {};
  const folded = header.map(fold);
  for (const c of WORKSHEET_COLUMNS) {
    const i = folded.findIndex((h) => ALIASES[c].includes(h));
    if (i >= 0) cols[c] = i;
  }
  for (const need of ['local_code', 'label'] as const) {
    if (cols[need] === undefined) {
      throw new CsvFormatError(
        `no ${need} column (header: ${header.join(', ')})`,
        `${fileName ?? '<csv>'}:1`,
      );
    }
  }
  return cols;
}

/**
 * The local code of a result code: the code itself when it is not LOINC; for a result without LOINC written as
 * the volet asks (no @code, the lab's wording in originalText, the local code as a translation — the 2024.01
 * "CRP non LOINC" example), that translation, with the LOINC translations of the result.
 */
export function localCodeOf(c: Code): Code | undefined {
  if (c.code) return c.codeSystem === LOINC_OID ? undefined : c;
  const local = c.translations?.find((t) => t.code && t.codeSystem !== LOINC_OID);
  if (!local) return undefined;
  const loinc = c.translations?.filter((t) => t.codeSystem === LOINC_OID) ?? [];
  return {
    ...local,
    ...(loinc.length ? { translations: loinc } : {}),
    ...(c.originalText ? { originalText: c.originalText } : {}),
  };
}

function label(c: Code): string {
  return c.displayName ?? c.originalText ?? c.code ?? '';
}

function valueUnit(v: ResultValue | undefined): string | undefined {
  if (v?.type === 'PQ') return v.unit;
  if (v?.type === 'IVL_PQ') return v.low?.unit ?? v.high?.unit ?? v.center?.unit;
  return undefined;
}

/**
 * The local analyses of report models: every result whose code is not LOINC, once per (code system, code),
 * with the specimen of its entry, its unit, method, value type, occurrences and any LOINC translation.
 *
 * @example
 * catalogueFromModels([report]).map((a) => a.localCode) // ['CRP-LOC', …]
 */
export function catalogueFromModels(models: readonly CrBioReport[]): LocalAnalysis[] {
  const found = new Map<string, LocalAnalysis>();
  const visit = (node: Record<string, unknown>, specimen: string | undefined): void => {
    const code = node.kind === 'observation' ? localCodeOf(node.code as Code) : undefined;
    if (code) {
      const key = `${code.codeSystem ?? ''}|${code.code}`;
      const known = found.get(key);
      if (known) known.occurrences++;
      else found.set(key, analysisOf(code, node, specimen));
    }
    const children = (node.components ?? []) as Array<Record<string, unknown>>;
    for (const ch of children) visit(ch, specimen);
  };
  for (const m of models) {
    for (const s of m.sections) {
      if (s.kind !== 'chapter') continue;
      for (const e of [s.entry, ...(s.subSections ?? []).map((x) => x.entry)]) {
        if (!e) continue;
        const sp = e.items.find((i) => i.kind === 'specimen');
        const specimen = sp?.kind === 'specimen' && sp.specimenType ? label(sp.specimenType) : undefined;
        for (const it of e.items) visit(it as unknown as Record<string, unknown>, specimen);
      }
    }
  }
  return [...found.values()];
}

function analysisOf(code: Code, node: Record<string, unknown>, specimen: string | undefined): LocalAnalysis {
  const value = node.value as ResultValue | undefined;
  const methods = node.methods as Code[] | undefined;
  const loinc = code.translations?.find((t) => t.codeSystem === LOINC_OID && t.code);
  const a: LocalAnalysis = { localCode: code.code as string, label: label(code), occurrences: 1 };
  if (code.codeSystem) a.localSystem = code.codeSystem;
  if (specimen) a.specimen = specimen;
  const unit = valueUnit(value);
  if (unit) a.unit = unit;
  if (methods?.[0]) a.method = label(methods[0]);
  if (value) a.resultType = value.type;
  if (loinc?.code) {
    a.loincCode = loinc.code;
    if (loinc.displayName) a.loincLabel = loinc.displayName;
  }
  return a;
}

/**
 * Read a catalogue CSV (the lab's export of its analyses, or a worksheet): columns local_code and label
 * required, the others optional; French header names accepted (code_local, libellé, prélèvement, unité…).
 *
 * @throws CsvFormatError when a required column is missing or the CSV is malformed
 * @example
 * catalogueFromCsv('code;libellé;unité\r\nGLU;Glucose;mmol/L\r\n')[0] // { localCode: 'GLU', label: 'Glucose', unit: 'mmol/L', … }
 */
export function catalogueFromCsv(text: string, fileName?: string): LocalAnalysis[] {
  const t = parseCsv(text, fileName === undefined ? {} : { fileName });
  const cols = worksheetColumns(t.header, fileName);
  const get = (r: string[], c: WorksheetColumn) =>
    cols[c] === undefined ? '' : (r[cols[c] as number] ?? '').trim();
  return t.rows
    .filter((r) => get(r, 'local_code') !== '')
    .map((r) => {
      const a: LocalAnalysis = {
        localCode: get(r, 'local_code'),
        label: get(r, 'label'),
        occurrences: Number(get(r, 'occurrences')) || 0,
      };
      const opt = [
        ['localSystem', 'local_system'],
        ['specimen', 'specimen'],
        ['unit', 'unit'],
        ['method', 'method'],
        ['resultType', 'result_type'],
        ['loincCode', 'loinc_code'],
        ['loincLabel', 'loinc_label'],
      ] as const;
      for (const [k, c] of opt) if (get(r, c)) a[k] = get(r, c);
      return a;
    });
}

/** Options of {@link exportCatalogue}. */
export interface ExportCatalogueOptions {
  /** LOINC table: candidates are suggested in the `candidates` column. */
  table?: LoincTable;
  /** Candidates per analysis (default 3). */
  maxCandidates?: number;
}

/** What {@link exportCatalogue} returns. */
export interface CatalogueExport {
  analyses: LocalAnalysis[];
  /** The worksheet: UTF-8 CSV with BOM, `;`-separated, CRLF. */
  csv: string;
}

function merge(list: LocalAnalysis[]): LocalAnalysis[] {
  const byKey = new Map<string, LocalAnalysis>();
  for (const a of list) {
    const key = `${a.localSystem ?? ''}|${a.localCode}`;
    const known = byKey.get(key);
    if (known) known.occurrences += a.occurrences;
    else byKey.set(key, { ...a });
  }
  return [...byKey.values()];
}

/**
 * Export the local catalogue as a transcoding worksheet, from report models and/or catalogue CSV texts. With a
 * LOINC table, each analysis gets ranked candidates (`2345-7 Glucose [Mass/volume]… (0.95) | …`) in the
 * `candidates` column; the `loinc_code` column is only pre-filled with a LOINC code the results already carry.
 *
 * @example
 * const { csv } = exportCatalogue([report, readFileSync('catalogue.csv', 'utf8')], { table });
 * writeFileSync('worksheet.csv', csv);
 */
export function exportCatalogue(
  inputs: ReadonlyArray<CrBioReport | string>,
  options: ExportCatalogueOptions = {},
): CatalogueExport {
  const models = inputs.filter((x): x is CrBioReport => typeof x !== 'string');
  const csvs = inputs.filter((x): x is string => typeof x === 'string');
  const analyses = merge([...catalogueFromModels(models), ...csvs.flatMap((t) => catalogueFromCsv(t))]);
  analyses.sort((a, b) => b.occurrences - a.occurrences || a.localCode.localeCompare(b.localCode));
  const rows = analyses.map((a) => {
    const cands = options.table ? suggestLoinc(options.table, a, options.maxCandidates ?? 3) : [];
    return [
      a.localCode,
      a.localSystem ?? '',
      a.label,
      a.specimen ?? '',
      a.unit ?? '',
      a.method ?? '',
      a.resultType ?? '',
      String(a.occurrences),
      a.loincCode ?? '',
      a.loincLabel ?? '',
      a.loincCode ? 'existing' : 'todo',
      '',
      cands.map(showCandidate).join(' | '),
    ];
  });
  return { analyses, csv: writeCsv(WORKSHEET_COLUMNS, rows) };
}

function showCandidate(c: LoincCandidate): string {
  return `${c.code} ${c.longName} (${c.score.toFixed(2)})`;
}
