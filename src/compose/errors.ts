import { CisisBioError } from '../common/errors.js';
import type { UnitRewrite } from '../model/index.js';
import type { ReportLoincCheck } from './checks.js';

/** The step of {@link createReport} / {@link createReplacement} that failed. */
export type ReportCreationStep = 'model' | 'loinc' | 'pdf' | 'n3' | 'n1' | 'sign' | 'validate' | 'submission';

/**
 * {@link createReport} or {@link createReplacement} could not produce the report's files. Nothing was returned,
 * so nothing half-built can be stored or sent. `step` names the failed step; `cause` is the original error
 * (a `ModelValidationError`, `CodeValidationError`, `KeyLoadError`, `SignatureError`…) and `causeCode` its code.
 * After a failed validation (`failOnInvalid`), `validation` holds the verdicts; after LOINC findings (step `loinc`),
 * `cause` is a {@link LoincCheckError}. Once the opt-in checks have run (any failure after them, at step `loinc` or
 * later), `unitRewrites` holds what `normaliseUnits` rewrote and `loinc` the LOINC verdict (every finding), as a
 * returned report would.
 *
 * @example
 * ```ts
 * try { await createReport(model, { normaliseUnits: true, loinc: table, failOnInvalid: true }); }
 * catch (e) {
 *   if (!(e instanceof ReportCreationError)) throw e;
 *   for (const r of e.unitRewrites ?? []) console.log(`${r.path}: ${r.from} → ${r.to}`);
 *   if (e.causeCode === 'LOINC_INVALID') for (const f of e.loinc?.findings ?? []) console.log(f.path, f.message);
 * }
 * ```
 */
export class ReportCreationError extends CisisBioError {
  readonly step: ReportCreationStep;
  readonly causeCode?: string;
  readonly validation?: unknown;
  readonly loinc?: ReportLoincCheck;
  readonly unitRewrites?: UnitRewrite[];
  constructor(
    step: ReportCreationStep,
    cause: unknown,
    extra?: { message?: string; validation?: unknown } & ReportChecks,
  ) {
    const inner = cause instanceof CisisBioError ? cause : undefined;
    const msg = extra?.message ?? (cause instanceof Error ? cause.message : String(cause));
    // The cause's message already says where; `where` is set without repeating it in the message.
    super('REPORT_CREATION_FAILED', `report creation failed at step "${step}": ${msg}`, { cause });
    (this as { where?: string }).where = inner?.where ? `${step}: ${inner.where}` : step;
    this.step = step;
    if (inner) this.causeCode = inner.code;
    if (extra?.validation !== undefined) this.validation = extra.validation;
    if (extra?.loinc !== undefined) this.loinc = extra.loinc;
    if (extra?.unitRewrites !== undefined) this.unitRewrites = extra.unitRewrites;
  }
}

/** What the opt-in checks did and found, as {@link ReportCreationError} and the created report carry it. */
interface ReportChecks {
  unitRewrites?: UnitRewrite[];
  loinc?: ReportLoincCheck;
}

/**
 * `e` with `checks` attached when it is a {@link ReportCreationError} that has none yet (a failure after the checks
 * ran, at any later step); any other error unchanged. Internal to createReport (not exported by the module).
 */
export function withChecks(e: unknown, checks: ReportChecks): unknown {
  if (!(e instanceof ReportCreationError)) return e;
  const target = e as { -readonly [K in keyof ReportChecks]: ReportChecks[K] };
  if (checks.unitRewrites !== undefined) target.unitRewrites ??= checks.unitRewrites;
  if (checks.loinc !== undefined) target.loinc ??= checks.loinc;
  return e;
}

/**
 * An option of {@link createReport} (or `prepareReport`) is not one it accepts: `where` names it
 * (`options.loinc`, `options.loinc.failOn`). createReport reports it as its step's {@link ReportCreationError}
 * (`causeCode` `REPORT_INVALID_OPTION`), before anything is built.
 *
 * @example
 * ```ts
 * prepareReport(model, { loinc: { table, failOn: 'errors' } }); // ReportOptionError (at options.loinc.failOn)
 * ```
 */
export class ReportOptionError extends CisisBioError {
  constructor(option: string, message: string) {
    super('REPORT_INVALID_OPTION', message, { where: option });
  }
}

/** One LOINC finding, as {@link LoincCheckError} lists them. */
export interface LoincCheckProblem {
  path: string;
  severity: 'error' | 'warning';
  rule: string;
  message: string;
}

/**
 * The LOINC codes of a report do not pass the checks against the LOINC table (`createReport`'s `loinc` option with
 * `failOn`, or `failOnInvalid`). `problems` are the findings that made it fail; `where` is the first one's model path
 * (`loinc` when the list is empty).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ReportCreationError && e.cause instanceof LoincCheckError) show(e.cause.problems); }
 * ```
 */
export class LoincCheckError extends CisisBioError {
  readonly problems: LoincCheckProblem[];
  constructor(problems: LoincCheckProblem[]) {
    const shown = problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`);
    const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
    const listed = problems.length > 0 ? `: ${shown.join('; ')}${more}` : ' (none listed)';
    super('LOINC_INVALID', `${problems.length} LOINC finding(s)${listed}`);
    // The message names every path shown: `where` is set without the "(at …)" suffix repeating the first. With no
    // problem listed, the check itself (`loinc`) is where it failed.
    (this as { where?: string }).where = problems[0]?.path ?? 'loinc';
    this.problems = problems;
  }
}
