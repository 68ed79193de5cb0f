/**
 * SVRL output in the ISO skeleton's order (as the ANS variant writes it): pattern by pattern, each
 * `active-pattern` (id, its `p`s as svrl:text), then the rules it fired in document order, each followed by its
 * failed asserts and successful reports. Measured against Saxon-HE + the ANS skeleton on the parity corpus
 * (874/874 identical sequences, docs/validate.md); this test pins the order on a small schematron.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, describe, expect, it } from 'vitest';
import { formatReport } from '../../src/validate/formats/index.js';
import { validate } from '../../src/validate/index.js';

const SCH = `<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <ns prefix="cda" uri="urn:hl7-org:v3"/>
  <pattern id="header"><p>Header checks</p>
    <rule context="cda:ClinicalDocument"><assert test="cda:title">no title</assert></rule>
    <rule context="cda:code"><report test="@code">code <value-of select="@code"/></report></rule>
  </pattern>
  <pattern id="abstract-codes" abstract="true"><p>Abstract text</p>
    <rule context="$elt"><assert test="@codeSystem">no codeSystem on <name/></assert></rule>
  </pattern>
  <pattern id="codes" is-a="abstract-codes"><p>Instance text, dropped as iso_abstract_expand does</p>
    <param name="elt" value="cda:code"/>
  </pattern>
</schema>`;
const DOC = `<ClinicalDocument xmlns="urn:hl7-org:v3">
  <code code="A"/><component><code code="B" codeSystem="1.2"/></component><code code="C"/>
</ClinicalDocument>`;

describe('SVRL output order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cisis-svrl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'rules.sch'), SCH);

  it('follows the skeleton: active-pattern, then each fired rule followed by its findings, pattern by pattern', async () => {
    const result = await validate(DOC, { schematron: join(dir, 'rules.sch'), svrl: true, cache: false });
    const svrl = formatReport(
      { tool: 'cisis-bio', version: 'test', documents: [result], failures: [] },
      'svrl',
    );
    const out = new DOMParser()
      .parseFromString(svrl, 'text/xml')
      .getElementsByTagNameNS('http://purl.oclc.org/dsdl/svrl', 'schematron-output')[0]!;
    const seq: string[] = [];
    for (let n = out.firstChild; n; n = n.nextSibling) {
      if (n.nodeType !== 1) continue;
      const e = n as unknown as Element;
      const text = [...Array.from(e.getElementsByTagNameNS('http://purl.oclc.org/dsdl/svrl', 'text'))]
        .map((t) => t.textContent)
        .join('|');
      const at = e.getAttribute('id') ?? e.getAttribute('context') ?? e.getAttribute('location');
      seq.push(`${e.localName} ${at}${text ? ` ${text}` : ''}`);
    }
    expect(seq).toEqual([
      'active-pattern header Header checks',
      'fired-rule cda:ClinicalDocument',
      'failed-assert /ClinicalDocument no title',
      'fired-rule cda:code',
      'successful-report /ClinicalDocument/code code A',
      'fired-rule cda:code',
      'successful-report /ClinicalDocument/component/code code B',
      'fired-rule cda:code',
      'successful-report /ClinicalDocument/code[2] code C',
      'active-pattern codes Abstract text',
      'fired-rule cda:code',
      'failed-assert /ClinicalDocument/code no codeSystem on code',
      'fired-rule cda:code',
      'fired-rule cda:code',
      'failed-assert /ClinicalDocument/code[2] no codeSystem on code',
    ]);
  });
});
