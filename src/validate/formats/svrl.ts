import { create } from 'xmlbuilder2';
import { findingsOf, type LocatedFinding, type ValidationReport } from './report.js';

export const SVRL_NS = 'http://purl.oclc.org/dsdl/svrl';
/** Namespace of the envelope that holds one SVRL report per document and profile. */
export const REPORT_NS = 'urn:cisis-bio:validation:1';

/**
 * `--format svrl`: one `svrl:schematron-output` per document and profile, in the ISO skeleton's order — each
 * pattern's `active-pattern` (its `p`s as `svrl:text`), then the rules it fired in document order, each followed by
 * its failed asserts and successful reports (`location`, `role`, `test`, `svrl:text`) — in a `cisis-bio` envelope
 * that also carries the XSD result and engine errors.
 */
export function toSvrl(report: ValidationReport): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(REPORT_NS, 'validation', {
    tool: report.tool,
    version: report.version,
  });
  for (const d of report.documents) {
    const doc = root.ele(REPORT_NS, 'document', { file: d.file, valid: String(d.valid) });
    if (d.xsd) {
      const x = doc.ele(REPORT_NS, 'xsd', { valid: String(d.xsd.valid) });
      for (const e of d.xsd.errors)
        x.ele(REPORT_NS, 'error', { line: String(e.line), column: String(e.column) }).txt(e.message);
    }
    for (const [name, p] of Object.entries(d.profiles)) {
      if ('error' in p) {
        doc.ele(REPORT_NS, 'engine-error', { profile: name }).txt(p.error);
        continue;
      }
      const out = doc.ele(SVRL_NS, 'svrl:schematron-output', { title: name });
      const findings = findingsOf(p);
      const finding = (f: LocatedFinding) =>
        out
          .ele(
            SVRL_NS,
            `svrl:${f.kind}`,
            defined({ location: f.location, role: f.role, id: f.id, test: f.test }),
          )
          .ele(SVRL_NS, 'svrl:text')
          .txt(f.text);
      const fired = p.firedRules ?? [];
      // The skeleton's order: each pattern's active-pattern, then its fired rules, each followed by its findings.
      (p.activePatterns ?? []).forEach((a, i) => {
        // As the ANS variant of the skeleton: the id only (no name, no document), and the pattern's `p`s as text.
        const ap = out.ele(SVRL_NS, 'svrl:active-pattern', defined({ id: a.id }));
        for (const t of a.texts ?? []) ap.ele(SVRL_NS, 'svrl:text').txt(t);
        for (const r of fired) {
          if (r.patternIndex !== i) continue;
          out.ele(SVRL_NS, 'svrl:fired-rule', defined({ context: r.context, id: r.id }));
          for (const f of findings.slice(r.firstFinding, r.firstFinding + r.findingCount)) finding(f);
        }
      });
      if (fired.length === 0) for (const f of findings) finding(f); // fired rules not collected
    }
  }
  return `${root.end({ prettyPrint: true })}\n`;
}

function defined(attrs: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(attrs).filter((e): e is [string, string] => e[1] !== undefined));
}
