import { toGithub } from './github.js';
import { toJson } from './json.js';
import { toJunit } from './junit.js';
import type { OutputFormat } from './names.js';
import type { ValidationReport } from './report.js';
import { toSarif } from './sarif.js';
import { toSvrl } from './svrl.js';
import { toText } from './text.js';

export { OUTPUT_FORMATS, type OutputFormat } from './names.js';
export type { DocumentFailure, LocatedFinding, ValidationReport } from './report.js';

/** Render a validation report in one of the {@link OUTPUT_FORMATS}. */
export function formatReport(report: ValidationReport, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return toJson(report);
    case 'junit':
      return toJunit(report);
    case 'sarif':
      return toSarif(report);
    case 'github':
      return toGithub(report);
    case 'svrl':
      return toSvrl(report);
    case 'text':
      return toText(report);
  }
}
