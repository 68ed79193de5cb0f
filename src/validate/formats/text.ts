import { failedAsserts, findingsOf, type LocatedFinding, type ValidationReport } from './report.js';

/** `--format text`: a short human report per document, then a summary line. */
export function toText(report: ValidationReport): string {
  const lines: string[] = [];
  for (const d of report.documents) {
    const names = Object.keys(d.profiles);
    const rules =
      d.kind === 'xds-metadata'
        ? 'XDS metadata rules'
        : `${names.length} schematron${names.length === 1 ? '' : 's'}`;
    const scope = [d.xsd ? 'XSD' : undefined, rules].filter(Boolean).join(' + ');
    lines.push(
      `${d.file}: ${d.valid ? 'conforms' : 'DOES NOT CONFORM'} (${scope}${d.level === 1 ? ', CDA level 1' : ''})`,
    );
    if (d.rules === 'embedded' && d.kind !== 'xds-metadata') {
      lines.push(
        '  note: no ANS kit given (--kit or CISIS_BIO_KIT): embedded cisis-bio rules only, no XSD — not the ANS verdict',
      );
    }
    if (d.volet) {
      lines.push(
        d.volet.volet ? `  volet: ${d.volet.volet} (${d.volet.reason})` : `  volet: none — ${d.volet.reason}`,
      );
    }
    if (d.xsd) {
      lines.push(
        `  XSD: ${d.xsd.valid ? 'valid' : `${d.xsd.errors.length} error${d.xsd.errors.length === 1 ? '' : 's'}`}`,
      );
      for (const e of d.xsd.errors) lines.push(`    ${e.line}:${e.column}  ${e.message}`);
    }
    for (const [name, p] of Object.entries(d.profiles)) {
      if ('error' in p) {
        lines.push(`  ${name}: ENGINE ERROR ${p.error}`);
        for (const w of p.warnings ?? []) lines.push(`    warning: ${w}`);
        continue;
      }
      const asserts = failedAsserts(p);
      const reports = p.findings.length - asserts;
      const parts = [
        asserts ? `${asserts} failed assert${asserts === 1 ? '' : 's'}` : '',
        reports ? `${reports} report${reports === 1 ? '' : 's'}` : '',
      ];
      lines.push(`  ${name}: ${parts.filter(Boolean).join(', ') || 'ok'}`);
      for (const w of p.warnings ?? []) lines.push(`    warning: ${w}`);
      for (const f of findingsOf(p)) lines.push(...findingLines(f));
    }
  }
  for (const f of report.failures) {
    const at = f.line ? `:${f.line}${f.column ? `:${f.column}` : ''}` : '';
    lines.push(`${f.file}${at}: NOT VALIDATED ${f.code}: ${f.message}`);
  }
  const ok = report.documents.filter((d) => d.valid).length;
  const total = report.documents.length + report.failures.length;
  lines.push(`${ok} of ${total} document${total === 1 ? '' : 's'} conform${total === 1 ? 's' : ''}`);
  return `${lines.join('\n')}\n`;
}

function findingLines(f: LocatedFinding): string[] {
  const tag =
    f.kind === 'failed-assert'
      ? f.role
        ? `assert/${f.role}`
        : 'assert'
      : f.role
        ? `report/${f.role}`
        : 'report';
  const at = f.line ? ` (line ${f.line})` : '';
  return [`    [${tag}] ${f.location}${at}`, `      ${f.text}`];
}
