import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findingsOf, severityOf, type ValidationReport } from './report.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * `--format sarif`: SARIF 2.1.0 for code-scanning UIs. One rule per profile (plus `xsd` and `xml`); each
 * result points at the file (with the line when the node was found) and carries the schematron location as
 * an XPath `logicalLocation`.
 */
export function toSarif(report: ValidationReport): string {
  const ruleIds: string[] = [];
  const ruleIndex = (id: string) => {
    let i = ruleIds.indexOf(id);
    if (i < 0) i = ruleIds.push(id) - 1;
    return i;
  };
  const artifacts: string[] = [];
  const artifactIndex = (uri: string) => {
    let i = artifacts.indexOf(uri);
    if (i < 0) i = artifacts.push(uri) - 1;
    return i;
  };
  const results: unknown[] = [];
  const physical = (file: string, line?: number, column?: number) => {
    const uri = toUri(file);
    return {
      artifactLocation: { uri, index: artifactIndex(uri) },
      ...(line ? { region: { startLine: line, ...(column ? { startColumn: column } : {}) } } : {}),
    };
  };

  for (const d of report.documents) {
    artifactIndex(toUri(d.file));
    for (const e of d.xsd?.errors ?? []) {
      results.push({
        ruleId: 'xsd',
        ruleIndex: ruleIndex('xsd'),
        level: 'error',
        message: { text: e.message },
        locations: [{ physicalLocation: physical(d.file, e.line, e.column) }],
      });
    }
    for (const [name, p] of Object.entries(d.profiles)) {
      if ('error' in p) {
        results.push({
          ruleId: name,
          ruleIndex: ruleIndex(name),
          level: 'error',
          kind: 'fail',
          message: { text: `The schematron engine stopped on this document: ${p.error}` },
          locations: [{ physicalLocation: physical(d.file) }],
          properties: { engineError: true },
        });
        continue;
      }
      ruleIndex(name);
      for (const f of findingsOf(p)) {
        results.push({
          ruleId: name,
          ruleIndex: ruleIndex(name),
          level: severityOf(f),
          kind: f.kind === 'failed-assert' ? 'fail' : 'informational',
          message: { text: f.text },
          locations: [
            {
              physicalLocation: physical(d.file, f.line, f.column),
              logicalLocations: [{ fullyQualifiedName: f.location, kind: 'element' }],
            },
          ],
          properties: {
            findingKind: f.kind,
            ...(f.role !== undefined ? { role: f.role } : {}),
            ...(f.id !== undefined ? { assertId: f.id } : {}),
            ...(f.test !== undefined ? { test: f.test } : {}),
          },
        });
      }
    }
  }
  for (const f of report.failures) {
    results.push({
      ruleId: 'xml',
      ruleIndex: ruleIndex('xml'),
      level: 'error',
      message: { text: `${f.code}: ${f.message}` },
      locations: [{ physicalLocation: physical(f.file, f.line, f.column) }],
    });
  }

  const sarif = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool,
            version: report.version,
            informationUri: 'https://www.npmjs.com/package/cisis-bio',
            rules: ruleIds.map((id) => ({ id, shortDescription: { text: describeRule(id) } })),
          },
        },
        artifacts: artifacts.map((uri) => ({ location: { uri } })),
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function describeRule(id: string): string {
  if (id === 'xsd') return 'CDA XSD (CDA_extended.xsd of the ANS kit)';
  if (id === 'xml') return 'Well-formed, bounded XML without DTD';
  return `Schematron ${id}`;
}

/** Relative paths stay relative (resolved against the checkout by code-scanning UIs); absolute ones become file: URIs. */
function toUri(file: string): string {
  if (file.startsWith('<')) return file.replace(/[<>]/g, '');
  if (isAbsolute(file)) {
    const rel = relative(process.cwd(), file);
    if (rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(file).href;
    file = rel;
  }
  return encodeURI(file.split(sep).join('/'));
}
