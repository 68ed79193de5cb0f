import type { OutputFormat } from './names.js';
import type { ValidationReport } from './report.js';

/** A renderer of one output format. */
export type Formatter = (report: ValidationReport) => string;

/**
 * The renderer of one format, loading only its module: the XML formats pull in xmlbuilder2 (≈ 0.1 s to load),
 * which a `cisis-bio validate` printing text or JSON should not pay at start-up.
 */
export async function loadFormatter(format: OutputFormat): Promise<Formatter> {
  switch (format) {
    case 'json':
      return (await import('./json.js')).toJson;
    case 'junit':
      return (await import('./junit.js')).toJunit;
    case 'sarif':
      return (await import('./sarif.js')).toSarif;
    case 'github':
      return (await import('./github.js')).toGithub;
    case 'svrl':
      return (await import('./svrl.js')).toSvrl;
    case 'text':
      return (await import('./text.js')).toText;
  }
}
