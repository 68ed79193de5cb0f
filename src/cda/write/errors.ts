import { CisisBioError } from '../../common/errors.js';

/** One problem found while checking or writing a report, at a model path such as `sections[0].entry.items[1]`. */
export interface BuildProblem {
  /** Model path (zod-style, `a.b[0].c`). */
  path: string;
  message: string;
}

function listing(title: string, problems: readonly BuildProblem[]): string {
  return `${title} (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${problems
    .map((p) => `  - ${p.path || '(root)'}: ${p.message}`)
    .join('\n')}`;
}

/**
 * A coded value or a unit of the model is not acceptable: a PQ unit that is not UCUM, a code outside the value
 * set the volet binds (interpretation, confidentiality, practice setting…), a LOINC code without display name.
 * `problems` lists every one with its model path.
 */
export class CodeValidationError extends CisisBioError {
  readonly problems: ReadonlyArray<BuildProblem>;
  constructor(problems: BuildProblem[]) {
    super('CODE_INVALID', listing('invalid codes in the CR-BIO model', problems), {
      where: problems.map((p) => p.path).join(', '),
    });
    this.problems = problems;
  }
}

/**
 * The model is valid for zod but cannot make a conforming CR-BIO: e.g. a chapter with both an entry and
 * sub-sections, a missing performing laboratory on the main serviceEvent, a missing PDF copy.
 * `problems` lists every one with its model path.
 */
export class ReportStructureError extends CisisBioError {
  readonly problems: ReadonlyArray<BuildProblem>;
  constructor(problems: BuildProblem[]) {
    super('REPORT_STRUCTURE', listing('the CR-BIO model cannot make a conforming document', problems), {
      where: problems.map((p) => p.path).join(', '),
    });
    this.problems = problems;
  }
}
