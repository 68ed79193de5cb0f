/**
 * The opt-in checks a report model goes through before it is built: French units rewritten to UCUM
 * (`normaliseUnits`) and the LOINC codes checked against the user's LOINC release (`checkReportLoinc`).
 * Shared by {@link createReport} and `cisis-bio build`.
 * @module
 */
import { checkReportLoinc, type LoincFinding, type LoincTable, loadLoincTable } from '../loinc/index.js';
import { type CrBioReport, normaliseUnits, type UnitRewrite } from '../model/index.js';

/** When LOINC findings make {@link createReport} throw: on errors, on any finding, or never. */
export type LoincFailOn = 'error' | 'warning' | 'never';

/** The LOINC table: the folder of the release (`LoincTable/Loinc.csv`, loaded once and cached) or a loaded table. */
export type LoincTableSource = string | LoincTable;

/**
 * The `loinc` option of {@link createReport}: the table alone, or with `failOn` (default: `'error'` when
 * `failOnInvalid` is set, else `'never'` — the findings are returned, the documents built).
 */
export type ReportLoincOption = LoincTableSource | { table: LoincTableSource; failOn?: LoincFailOn };

/** The LOINC verdict on a report model. */
export interface ReportLoincCheck {
  /** No error-level finding. */
  valid: boolean;
  /** Every finding, at its model path (`sections[0].entry.items[1].code`). */
  findings: LoincFinding[];
  counts: { errors: number; warnings: number };
  /** The Loinc.csv the table was read from, and its number of terms. */
  table: { source: string; terms: number };
}

/** Options of {@link prepareReport}. */
export interface PrepareReportOptions {
  /** Rewrite every unit written the French way (`G/L`, `UI/L`, `µmol/L`…) to UCUM, each rewrite reported. */
  normaliseUnits?: boolean;
  /** Check the LOINC codes against this LOINC table (no table is read without it). */
  loinc?: ReportLoincOption;
}

/** The model to build, with what the checks did and found. */
export interface PreparedReport {
  report: CrBioReport;
  /** With `normaliseUnits`: each unit rewritten (model path, from, to, rules); empty when none was. */
  unitRewrites?: UnitRewrite[];
  /** With `loinc`: the findings on the (normalised) model. */
  loinc?: ReportLoincCheck;
}

/** The table and `failOn` of a `loinc` option (`failOn` undefined when the option does not say). */
export function loincOptionParts(option: ReportLoincOption): {
  table: LoincTableSource;
  failOn?: LoincFailOn;
} {
  // A LoincTable has no `table` member: the object form is told apart without instanceof (ESM/CJS twins).
  if (typeof option === 'object' && 'table' in option) return option;
  return { table: option };
}

/**
 * Units first (the LOINC check then sees UCUM units: `G/L` → `10*9/L` is number/volume), then the LOINC check.
 * Nothing is thrown for findings: the caller decides (createReport's `failOn`, the CLI's exit code).
 *
 * @throws LoincTableError when the table folder holds no readable `LoincTable/Loinc.csv`
 * @example
 * const { report, unitRewrites, loinc } = prepareReport(model, { normaliseUnits: true, loinc: '/data/Loinc_2.78' });
 * for (const r of unitRewrites ?? []) console.log(`${r.path}: ${r.from} → ${r.to}`);
 * if (loinc && !loinc.valid) for (const f of loinc.findings) console.log(f.severity, f.path, f.message);
 */
export function prepareReport(model: CrBioReport, options: PrepareReportOptions = {}): PreparedReport {
  const out: PreparedReport = { report: model };
  if (options.normaliseUnits) {
    const { report, rewrites } = normaliseUnits(model);
    out.report = report;
    out.unitRewrites = rewrites;
  }
  if (options.loinc !== undefined) {
    const source = loincOptionParts(options.loinc).table;
    const table = typeof source === 'string' ? loadLoincTable(source) : source;
    const findings = checkReportLoinc(out.report, { table });
    const errors = findings.filter((f) => f.severity === 'error').length;
    out.loinc = {
      valid: errors === 0,
      findings,
      counts: { errors, warnings: findings.length - errors },
      table: { source: table.source, terms: table.size },
    };
  }
  return out;
}
