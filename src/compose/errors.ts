import { CisisBioError } from '../common/errors.js';

/** The step of {@link createReport} / {@link createReplacement} that failed. */
export type ReportCreationStep = 'model' | 'pdf' | 'n3' | 'n1' | 'sign' | 'validate' | 'submission';

/**
 * {@link createReport} or {@link createReplacement} could not produce the report's files. Nothing was returned,
 * so nothing half-built can be stored or sent. `step` names the failed step; `cause` is the original error
 * (a `ModelValidationError`, `CodeValidationError`, `KeyLoadError`, `SignatureError`…) and `causeCode` its code.
 * After a failed validation (`failOnInvalid`), `validation` holds the verdicts.
 */
export class ReportCreationError extends CisisBioError {
  readonly step: ReportCreationStep;
  readonly causeCode?: string;
  readonly validation?: unknown;
  constructor(step: ReportCreationStep, cause: unknown, extra?: { message?: string; validation?: unknown }) {
    const inner = cause instanceof CisisBioError ? cause : undefined;
    const msg = extra?.message ?? (cause instanceof Error ? cause.message : String(cause));
    // The cause's message already says where; `where` is set without repeating it in the message.
    super('REPORT_CREATION_FAILED', `report creation failed at step "${step}": ${msg}`, { cause });
    (this as { where?: string }).where = inner?.where ? `${step}: ${inner.where}` : step;
    this.step = step;
    if (inner) this.causeCode = inner.code;
    if (extra?.validation !== undefined) this.validation = extra.validation;
  }
}
