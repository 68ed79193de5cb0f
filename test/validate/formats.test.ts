import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import xpath from 'xpath';
import { formatReport, type ValidationReport } from '../../src/validate/formats/index.js';
import { SVRL_NS } from '../../src/validate/formats/svrl.js';

// A report as the pipeline produces it: one clean document, one failing the XSD and two profiles (one with an
// engine error), one unreadable document.
const report: ValidationReport = {
  tool: 'cisis-bio',
  version: '9.9.9',
  documents: [
    {
      file: 'ok.xml',
      valid: true,
      xsd: { valid: true, errors: [] },
      profiles: {
        IHE: { findings: [{ kind: 'successful-report', location: '/ClinicalDocument', text: 'Note: fine' }] },
        StrucMin: { findings: [] },
      },
      level: 3,
      rules: 'kit',
    },
    {
      file: 'dir/bad, "one".xml',
      valid: false,
      xsd: {
        valid: false,
        errors: [
          { line: 45, column: 5, message: "Element '{urn:hl7-org:v3}foo': This element is not expected." },
        ],
      },
      profiles: {
        IHE: {
          findings: [
            {
              kind: 'failed-assert',
              location: '/ClinicalDocument/component/structuredBody/component[2]/section',
              text: 'Erreur: <code> absent',
              role: 'error',
              line: 120,
              column: 9,
            },
            {
              kind: 'failed-assert',
              location: '/ClinicalDocument/title',
              text: 'Attention 100%',
              role: 'warning',
            },
          ],
        },
        StrucMin: { error: 'XPTY0004: a sequence of more than one item is not allowed' },
      },
      level: 3,
      rules: 'kit',
    },
  ],
  failures: [
    { file: 'broken.xml', code: 'XML_MALFORMED', message: 'malformed XML: unclosed tag', line: 3, column: 7 },
  ],
};

const parseXmlText = (s: string) => new DOMParser().parseFromString(s, 'text/xml');
type XNode = { getAttribute(n: string): string | null; value?: string };
/** XPath over an xmldom tree (the xpath package's types expect the DOM lib's). */
function nodes(expr: string, ctx: unknown, ns?: Record<string, string>): XNode[] {
  return (ns ? xpath.useNamespaces(ns) : xpath.select)(expr, ctx as never) as unknown as XNode[];
}
function str(expr: string, ctx: unknown, ns?: Record<string, string>): string {
  return (ns ? xpath.useNamespaces(ns) : xpath.select)(expr, ctx as never) as unknown as string;
}

describe('output formats', () => {
  it('json: exactly the documented shape (role copied, no line/column, engine error as {error})', () => {
    const out = JSON.parse(formatReport(report, 'json'));
    expect(Object.keys(out)).toEqual(['tool', 'version', 'documents']);
    expect(out.documents).toHaveLength(2);
    expect(out.documents[1]).toEqual({
      file: 'dir/bad, "one".xml',
      valid: false,
      xsd: {
        valid: false,
        errors: [
          { line: 45, column: 5, message: "Element '{urn:hl7-org:v3}foo': This element is not expected." },
        ],
      },
      profiles: {
        IHE: {
          findings: [
            {
              kind: 'failed-assert',
              location: '/ClinicalDocument/component/structuredBody/component[2]/section',
              text: 'Erreur: <code> absent',
              role: 'error',
            },
            {
              kind: 'failed-assert',
              location: '/ClinicalDocument/title',
              text: 'Attention 100%',
              role: 'warning',
            },
          ],
        },
        StrucMin: { error: 'XPTY0004: a sequence of more than one item is not allowed' },
      },
    });
    expect(out.documents[0].profiles.IHE.findings[0]).not.toHaveProperty('role');
  });

  it('json: no xsd key when the XSD did not run', () => {
    const { xsd: _drop, ...noXsd } = report.documents[0]!;
    const out = JSON.parse(formatReport({ ...report, documents: [noXsd] }, 'json'));
    expect(out.documents[0]).not.toHaveProperty('xsd');
  });

  it('junit: one testsuite per document, one testcase per profile plus XSD, counts that add up', () => {
    const doc = parseXmlText(formatReport(report, 'junit'));
    const root = doc.documentElement!;
    expect(root.nodeName).toBe('testsuites');
    const suites = nodes('/testsuites/testsuite', doc);
    expect(suites.map((s) => s.getAttribute('name'))).toEqual(['ok.xml', 'dir/bad, "one".xml', 'broken.xml']);
    const bad = suites[1]!;
    expect(nodes('testcase/@name', bad).map((a) => a.value)).toEqual(['XSD', 'IHE', 'StrucMin']);
    expect(bad.getAttribute('tests')).toBe('3');
    expect(bad.getAttribute('failures')).toBe('2');
    expect(bad.getAttribute('errors')).toBe('1');
    expect(str('string(testcase[@name="IHE"]/failure/@message)', bad)).toBe('2 failed assert(s)');
    expect(str('string(testcase[@name="IHE"]/failure)', bad)).toContain('component[2]/section (line 120)');
    expect(str('string(testcase[@name="StrucMin"]/error/@message)', bad)).toMatch(/^XPTY0004/);
    expect(nodes('testcase/failure|testcase/error', suites[0])).toHaveLength(0);
    expect(root.getAttribute('tests')).toBe('7');
    expect(root.getAttribute('failures')).toBe('2');
    expect(root.getAttribute('errors')).toBe('2');
  });

  it('sarif: 2.1.0, one result per finding with the XPath as logicalLocation and the file as artifact', () => {
    const sarif = JSON.parse(formatReport(report, 'sarif'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('cisis-bio');
    const rules = run.tool.driver.rules.map((r: { id: string }) => r.id);
    for (const r of run.results) {
      expect(rules[r.ruleIndex]).toBe(r.ruleId);
      expect(run.artifacts[r.locations[0].physicalLocation.artifactLocation.index].location.uri).toBe(
        r.locations[0].physicalLocation.artifactLocation.uri,
      );
    }
    const asserts = run.results.filter(
      (r: { properties?: { findingKind?: string } }) => r.properties?.findingKind === 'failed-assert',
    );
    expect(asserts).toHaveLength(2);
    expect(asserts[0].level).toBe('error');
    expect(asserts[1].level).toBe('warning');
    expect(asserts[0].locations[0].logicalLocations[0].fullyQualifiedName).toBe(
      '/ClinicalDocument/component/structuredBody/component[2]/section',
    );
    expect(asserts[0].locations[0].physicalLocation.region).toEqual({ startLine: 120, startColumn: 9 });
    expect(asserts[0].locations[0].physicalLocation.artifactLocation.uri).toBe('dir/bad,%20%22one%22.xml');
    const xsd = run.results.find((r: { ruleId: string }) => r.ruleId === 'xsd');
    expect(xsd.locations[0].physicalLocation.region).toEqual({ startLine: 45, startColumn: 5 });
    expect(run.results.find((r: { ruleId: string }) => r.ruleId === 'xml').message.text).toMatch(
      /^XML_MALFORMED/,
    );
    expect(
      run.results.filter((r: { ruleId: string; level: string }) => r.ruleId === 'StrucMin')[0].level,
    ).toBe('error');
  });

  it('github: workflow commands with escaped properties and data', () => {
    const lines = formatReport(report, 'github').trimEnd().split('\n');
    expect(lines).toContain(
      '::error file=dir/bad%2C "one".xml,line=45,col=5,title=XSD::Element \'{urn:hl7-org:v3}foo\': This element is not expected.',
    );
    expect(lines).toContain(
      '::error file=dir/bad%2C "one".xml,line=120,col=9,title=IHE failed-assert::Erreur: <code> absent (at /ClinicalDocument/component/structuredBody/component[2]/section)',
    );
    expect(lines).toContain(
      '::warning file=dir/bad%2C "one".xml,title=IHE failed-assert::Attention 100%25 (at /ClinicalDocument/title)',
    );
    expect(lines).toContain(
      '::notice file=ok.xml,title=IHE successful-report::Note: fine (at /ClinicalDocument)',
    );
    expect(
      lines.some((l) =>
        l.startsWith('::error file=dir/bad%2C "one".xml,title=StrucMin%3A engine error::XPTY0004'),
      ),
    ).toBe(true);
    expect(lines).toContain(
      '::error file=broken.xml,line=3,col=7,title=XML_MALFORMED::malformed XML: unclosed tag',
    );
  });

  it('svrl: one svrl:schematron-output per document and profile, findings with location, role and text', () => {
    const doc = parseXmlText(formatReport(report, 'svrl'));
    const ns = { svrl: SVRL_NS, c: 'urn:cisis-bio:validation:1' };
    expect(nodes('/c:validation/c:document', doc, ns)).toHaveLength(2);
    expect(nodes('//svrl:schematron-output', doc, ns)).toHaveLength(3);
    const fa = nodes('//c:document[2]/svrl:schematron-output[@title="IHE"]/svrl:failed-assert', doc, ns);
    expect(fa).toHaveLength(2);
    expect(fa[0]!.getAttribute('location')).toBe(
      '/ClinicalDocument/component/structuredBody/component[2]/section',
    );
    expect(fa[0]!.getAttribute('role')).toBe('error');
    expect(str('string(svrl:text)', fa[0], ns)).toBe('Erreur: <code> absent');
    expect(str('string(//c:document[2]/c:engine-error/@profile)', doc, ns)).toBe('StrucMin');
    expect(str('string(//c:document[2]/c:xsd/c:error/@line)', doc, ns)).toBe('45');
  });

  it('text: verdict per document, findings with their line, and a summary', () => {
    const text = formatReport(report, 'text');
    expect(text).toContain('ok.xml: conforms (XSD + 2 schematrons)');
    expect(text).toContain('dir/bad, "one".xml: DOES NOT CONFORM');
    expect(text).toContain('    45:5  Element');
    expect(text).toContain('(line 120)');
    expect(text).toContain('StrucMin: ENGINE ERROR XPTY0004');
    expect(text).toContain('broken.xml:3:7: NOT VALIDATED XML_MALFORMED');
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 of 3 documents conform');
  });
});
