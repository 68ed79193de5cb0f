import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { failedAsserts, findingsOf, type ValidationReport } from './report.js';

/**
 * `--format junit`: JUnit XML as CI systems read it. One `testsuite` per document, one `testcase` per
 * profile (and one for the XSD): a `failure` lists the failed asserts, an `error` is an engine error, and
 * successful reports go to `system-out`.
 */
export function toJunit(report: ValidationReport): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', {
    name: 'cisis-bio validate',
  });
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const d of report.documents) {
    const suite = root.ele('testsuite', { name: d.file });
    let sTests = 0;
    let sFailures = 0;
    let sErrors = 0;
    if (d.xsd) {
      sTests++;
      const tc = suite.ele('testcase', { classname: d.file, name: 'XSD' });
      if (!d.xsd.valid) {
        sFailures++;
        tc.ele('failure', { type: 'xsd', message: `${d.xsd.errors.length} XSD error(s)` }).txt(
          d.xsd.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n'),
        );
      }
    }
    for (const [name, p] of Object.entries(d.profiles)) {
      sTests++;
      const tc = suite.ele('testcase', { classname: d.file, name });
      if ('error' in p) {
        sErrors++;
        tc.ele('error', { type: 'engine-error', message: p.error }).txt(p.error);
        continue;
      }
      const asserts = findingsOf(p).filter((f) => f.kind === 'failed-assert');
      if (asserts.length) {
        sFailures++;
        tc.ele('failure', { type: 'failed-assert', message: `${failedAsserts(p)} failed assert(s)` }).txt(
          asserts
            .map(
              (f) =>
                `${f.role ? `[${f.role}] ` : ''}${f.location}${f.line ? ` (line ${f.line})` : ''}\n  ${f.text}`,
            )
            .join('\n'),
        );
      }
      const reports = findingsOf(p).filter((f) => f.kind === 'successful-report');
      if (reports.length) tc.ele('system-out').txt(reports.map((f) => `${f.location}: ${f.text}`).join('\n'));
    }
    setCounts(suite, sTests, sFailures, sErrors);
    tests += sTests;
    failures += sFailures;
    errors += sErrors;
  }
  for (const f of report.failures) {
    const suite = root.ele('testsuite', { name: f.file });
    suite
      .ele('testcase', { classname: f.file, name: 'XML' })
      .ele('error', { type: f.code, message: f.message })
      .txt(`${f.line ? `${f.line}:${f.column ?? 1} ` : ''}${f.message}`);
    setCounts(suite, 1, 0, 1);
    tests++;
    errors++;
  }
  setCounts(root, tests, failures, errors);
  return `${root.end({ prettyPrint: true })}\n`;
}

function setCounts(node: XMLBuilder, tests: number, failures: number, errors: number): void {
  node.att('tests', String(tests)).att('failures', String(failures)).att('errors', String(errors));
}
