import type { ValidationReport } from './report.js';

/**
 * `--format json`: `{"tool":"cisis-bio","version":…,"documents":[{file, valid, xsd?, volet?, profiles}]}`.
 * `volet` (with a kit) says which volet judged the document and why — `{"rule":"none",…}` when none did. Findings
 * carry `kind`, `location`, `text` and `role` when the schematron gives one; `xsd` is absent when it did not
 * run. Documents that could not be read are not in `documents` (they are reported on stderr, exit 2).
 */
export function toJson(report: ValidationReport): string {
  const out = {
    tool: report.tool,
    version: report.version,
    documents: report.documents.map((d) => ({
      file: d.file,
      valid: d.valid,
      ...(d.xsd
        ? {
            xsd: {
              valid: d.xsd.valid,
              errors: d.xsd.errors.map((e) => ({ line: e.line, column: e.column, message: e.message })),
            },
          }
        : {}),
      ...(d.volet ? { volet: d.volet } : {}),
      profiles: Object.fromEntries(
        Object.entries(d.profiles).map(([name, p]) => [
          name,
          {
            ...('error' in p
              ? { error: p.error }
              : {
                  findings: p.findings.map((f) => ({
                    kind: f.kind,
                    location: f.location,
                    text: f.text,
                    ...(f.role !== undefined ? { role: f.role } : {}),
                  })),
                }),
            ...(p.warnings?.length ? { warnings: p.warnings } : {}),
          },
        ]),
      ),
    })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
