import { CisisBioError } from '../common/errors.js';
import type { ReportLoincCheck } from './checks.js';

/** The step of {@link createReport} / {@link createReplacement} that failed. */
export type ReportCreationStep = 'model' | 'loinc' | 'pdf' | 'n3' | 'n1' | 'sign' | 'validate' | 'submission';

/**
 * {@link createReport} or {@link createReplacement} could not produce the report's files. Nothing was returned,
 * so nothing half-built can be stored or sent. `step` names the failed step; `cause` is the original error
 * (a `ModelValidationError`, `CodeValidationError`, `KeyLoadError`, `SignatureError`…) and `causeCode` its code.
 * After a failed validation (`failOnInvalid`), `validation` holds the verdicts; after LOINC findings (step `loinc`),
 * `loinc` holds the LOINC verdict (every finding) and `cause` is a {@link LoincCheckError}.
 */
export class ReportCreationError extends CisisBioError {
  readonly step: ReportCreationStep;
  readonly causeCode?: string;
  readonly validation?: unknown;
  readonly loinc?: ReportLoincCheck;
  constructor(
    step: ReportCreationStep,
    cause: unknown,
    extra?: { message?: string; validation?: unknown; loinc?: ReportLoincCheck },
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
 * `failOn`, or `failOnInvalid`). `problems` are the findings that made it fail; `where` is the first one's model path.
 */
export class LoincCheckError extends CisisBioError {
  readonly problems: LoincCheckProblem[];
  constructor(problems: LoincCheckProblem[]) {
    const shown = problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`);
    const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
    super('LOINC_INVALID', `${problems.length} LOINC finding(s): ${shown.join('; ')}${more}`);
    // The message names every path shown: `where` is set without the "(at …)" suffix repeating the first.
    if (problems[0]) (this as { where?: string }).where = problems[0].path;
    this.problems = problems;
  }
}
