/**
 * The opt-in checks a report model goes through before it is built: French units rewritten to UCUM
 * (`normaliseUnits`) and the LOINC codes checked against the user's LOINC release (`checkReportLoinc`).
 * Shared by {@link createReport} and `cisis-bio build`.
 * @module
 */
import { checkReportLoinc, type LoincFinding, type LoincTable, loadLoincTable } from '../loinc/index.js';
import { type CrBioReport, normaliseUnits, type UnitRewrite } from '../model/index.js';
import { ReportOptionError } from './errors.js';

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

const FAIL_ON: readonly LoincFailOn[] = ['error', 'warning', 'never'];

/** A release folder or a loaded table (told apart from other objects by its `get`, not instanceof: ESM/CJS twins). */
function isTableSource(x: unknown): x is LoincTableSource {
  return (
    typeof x === 'string' ||
    (typeof x === 'object' && x !== null && typeof (x as LoincTable).get === 'function')
  );
}

/**
 * The table and `failOn` of a `loinc` option (`failOn` undefined when the option does not say), checked at run time:
 * a JavaScript caller's `null`, `{ table }` without a table or a misspelt `failOn` (`'errors'`) would otherwise
 * crash or never fail.
 *
 * @throws ReportOptionError (`where` = `options.loinc` or `options.loinc.failOn`)
 */
export function loincOptionParts(option: ReportLoincOption): {
  table: LoincTableSource;
  failOn?: LoincFailOn;
} {
  if (isTableSource(option)) return { table: option };
  if (typeof option !== 'object' || option === null || !isTableSource(option.table)) {
    throw new ReportOptionError(
      'options.loinc',
      `loinc must be a LOINC release folder, a LoincTable or { table, failOn }, got ${describe(option)}`,
    );
  }
  if (option.failOn !== undefined && !FAIL_ON.includes(option.failOn)) {
    throw new ReportOptionError(
      'options.loinc.failOn',
      `failOn must be ${FAIL_ON.map((f) => `'${f}'`).join(', ')}, got ${describe(option.failOn)}`,
    );
  }
  return option;
}

function describe(x: unknown): string {
  if (x === null || typeof x !== 'object') return typeof x === 'string' ? `'${x}'` : String(x);
  return Array.isArray(x)
    ? 'an array'
    : `an object without a table (${Object.keys(x).join(', ') || 'empty'})`;
}

/**
 * Units first (the LOINC check then sees UCUM units: `G/L` → `10*9/L` is number/volume), then the LOINC check.
 * Nothing is thrown for findings: the caller decides (createReport's `failOn`, the CLI's exit code).
 *
 * @throws LoincTableError when the table folder holds no readable `LoincTable/Loinc.csv`
 * @throws ReportOptionError when `loinc` is not a folder, a table or `{ table, failOn }` with a known `failOn`
 * @example
 * const { report, unitRewrites, loinc } = prepareReport(model, { normaliseUnits: true, loinc: '/data/Loinc_2.78' });
 * for (const r of unitRewrites ?? []) console.log(`${r.path}: ${r.from} → ${r.to}`);
 * if (loinc && !loinc.valid) for (const f of loinc.findings) console.log(f.severity, f.path, f.message);
 */
export function prepareReport(model: CrBioReport, options: PrepareReportOptions = {}): PreparedReport {
  // The option is checked before the units are rewritten: a bad option fails before any work.
  const source = options.loinc === undefined ? undefined : loincOptionParts(options.loinc).table;
  const out: PreparedReport = { report: model };
  if (options.normaliseUnits) {
    const { report, rewrites } = normaliseUnits(model);
    out.report = report;
    out.unitRewrites = rewrites;
  }
  if (source !== undefined) {
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
