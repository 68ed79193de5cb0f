import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { XmlParseError } from '../../../src/common/errors.js';
import {
  compileSchematron,
  deserializeCompiled,
  parseForSchematron,
  runSchematron,
  SchematronCompileError,
  type SchematronOutcome,
  serializeCompiled,
} from '../../../src/validate/schematron/index.js';

const HEAD = `<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <ns prefix="cda" uri="urn:hl7-org:v3"/>`;

/** Write files (path → content) into a fresh temp folder; returns the folder. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cisis-sch-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

const DOC = `<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <templateId root="1.2.3"/>
  <code code="11502-2" codeSystem="2.16.840.1.113883.6.1"/>
  <component><section><entry/><entry><observation classCode="OBS"/></entry><entry/></section></component>
  <component><section><title>Two</title></section></component>
  <value xsi:type="CD" code="x"/>
</ClinicalDocument>`;

function run(files: Record<string, string>, main = 'main.sch', xml = DOC, phase?: string): SchematronOutcome {
  const dir = tree(files);
  const c = compileSchematron(join(dir, main), phase ? { phase } : undefined);
  return runSchematron(c, parseForSchematron(xml));
}

function findings(o: SchematronOutcome) {
  if (!o.ok) throw new Error(`unexpected engine error: ${o.error}`);
  return o.findings.map((f) => `${f.kind}|${f.location}|${f.text}`).sort();
}

describe('schematron engine: structure', () => {
  it('resolves nested includes with hrefs relative to each including file', () => {
    const out = run({
      'main.sch': `${HEAD}<include href="inc/p.sch"/></schema>`,
      'inc/p.sch': `<pattern xmlns="http://purl.oclc.org/dsdl/schematron" id="p"><include href="rules/r.sch"/></pattern>`,
      'inc/rules/r.sch': `<rule xmlns="http://purl.oclc.org/dsdl/schematron" context="cda:code"><assert test="@code = 'nope'">code is <value-of select="@code"/></assert></rule>`,
    });
    expect(findings(out)).toEqual(['failed-assert|/ClinicalDocument/code|code is 11502-2']);
  });

  it('drops a missing include with a warning naming the file, the including file and the pattern (as Saxon)', () => {
    // Before: SCH_INCLUDE_MISSING made the whole profile an error. The ISO include step run by Saxon warns and
    // drops the include: the other rules still run.
    const out = run({
      'main.sch': `${HEAD}<pattern id="needs-it"><include href="gone/r.sch"/><rule context="cda:title"><report test="true()">runs</report></rule></pattern></schema>`,
    });
    expect(out.ok).toBe(true);
    expect(findings(out)).toEqual(['successful-report|/ClinicalDocument/component[2]/section/title|runs']);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings?.[0]).toMatch(
      /^SCH_INCLUDE_MISSING: included file "gone\/r\.sch" of main\.sch \(pattern "needs-it"\)/,
    );
  });

  it('uses an include found only case-insensitively, and warns about it', () => {
    const out = run({
      'main.sch': `${HEAD}<pattern><include href="Rules/R.sch"/></pattern></schema>`,
      'rules/r.sch': `<rule xmlns="http://purl.oclc.org/dsdl/schematron" context="cda:title"><report test="true()">found</report></rule>`,
    });
    expect(findings(out)).toEqual(['successful-report|/ClinicalDocument/component[2]/section/title|found']);
    expect(out.warnings?.[0]).toMatch(
      /^SCH_INCLUDE_CASE: included file "Rules\/R\.sch" of main\.sch found only when case is ignored, as rules\/r\.sch/,
    );
  });

  it('expands abstract patterns by textual parameter substitution', () => {
    const out = run({
      'main.sch': `${HEAD}
        <pattern abstract="true" id="mandatory">
          <rule context="$ctx"><assert test="$child">[$label] <value-of select="$label"/> needs $child</assert></rule>
        </pattern>
        <pattern id="inst" is-a="mandatory">
          <param name="ctx" value="cda:section"/><param name="child" value="cda:title"/><param name="label" value="'S'"/>
        </pattern></schema>`,
    });
    // parameters are substituted in attributes only (as the skeleton does), not in message text
    expect(findings(out)).toEqual([
      'failed-assert|/ClinicalDocument/component/section|[$label] S needs $child',
    ]);
  });

  it('splices abstract rules where extends stands, recursively', () => {
    const out = run({
      'main.sch': `${HEAD}
        <pattern>
          <rule abstract="true" id="base"><assert test="@code">no code</assert></rule>
          <rule abstract="true" id="coded"><extends rule="base"/><assert test="@codeSystem">no system</assert></rule>
        </pattern>
        <pattern><rule context="cda:value"><extends rule="coded"/><report test="true()">seen</report></rule></pattern></schema>`,
    });
    expect(findings(out)).toEqual([
      'failed-assert|/ClinicalDocument/value|no system',
      'successful-report|/ClinicalDocument/value|seen',
    ]);
  });

  it('fires only the first matching rule of a pattern on a node', () => {
    const out = run({
      'main.sch': `${HEAD}<pattern>
        <rule context="cda:entry[cda:observation]"><report test="true()">first</report></rule>
        <rule context="cda:entry"><report test="true()">second</report></rule>
      </pattern><pattern><rule context="cda:entry"><report test="true()">other pattern</report></rule></pattern></schema>`,
    });
    const f = findings(out);
    expect(f.filter((x) => x.endsWith('|first'))).toEqual([
      'successful-report|/ClinicalDocument/component/section/entry[2]|first',
    ]);
    expect(f.filter((x) => x.endsWith('|second'))).toHaveLength(2);
    expect(f.filter((x) => x.endsWith('|other pattern'))).toHaveLength(3);
  });

  it('selects phases: default, chosen, #ALL; refuses an unknown phase', () => {
    const files = {
      'main.sch': `<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2" defaultPhase="one">
        <ns prefix="cda" uri="urn:hl7-org:v3"/>
        <phase id="one"><active pattern="a"/></phase><phase id="two"><active pattern="b"/></phase>
        <pattern id="a"><rule context="cda:code"><report test="true()">A</report></rule></pattern>
        <pattern id="b"><rule context="cda:code"><report test="true()">B</report></rule></pattern></schema>`,
    };
    expect(findings(run(files)).map((x) => x.split('|')[2])).toEqual(['A']);
    expect(findings(run(files, 'main.sch', DOC, 'two')).map((x) => x.split('|')[2])).toEqual(['B']);
    expect(findings(run(files, 'main.sch', DOC, '#ALL')).map((x) => x.split('|')[2])).toEqual(['A', 'B']);
    expect(() => run(files, 'main.sch', DOC, 'three')).toThrow(/phase "three"/);
  });

  it('scopes lets: schema and pattern lets are global, rule lets local and ordered', () => {
    const out = run({
      'main.sch': `${HEAD}<let name="sys " value="'2.16.840.1.113883.6.1'"/>
        <pattern id="variables"><let name="wanted" value="'11502-2'"/><let name="codes" value="//cda:code"/></pattern>
        <pattern><rule context="cda:code">
          <let name="c" value="@code"/><let name="both" value="concat($c, '@', @codeSystem)"/>
          <report test="$both = concat($wanted, '@', $sys)">match <value-of select="$both"/></report>
          <report test="count($codes) = 1">one code</report>
        </rule></pattern></schema>`,
    });
    expect(findings(out)).toEqual([
      'successful-report|/ClinicalDocument/code|match 11502-2@2.16.840.1.113883.6.1',
      'successful-report|/ClinicalDocument/code|one code',
    ]);
  });

  it('reports role, diagnostics, name and value-of', () => {
    const dir = tree({
      'main.sch': `${HEAD}<pattern><rule context="cda:observation">
          <assert test="@moodCode" role="warning" id="mood" diagnostics="d1">element <name/> in <name path=".."/> lacks moodCode (class <value-of select="@classCode"/>)</assert>
        </rule></pattern>
        <diagnostics><diagnostic id="d1">found <value-of select="count(@*)"/> attribute(s)</diagnostic></diagnostics></schema>`,
    });
    const o = runSchematron(compileSchematron(join(dir, 'main.sch')), parseForSchematron(DOC));
    expect(o.ok).toBe(true);
    if (!o.ok) return;
    expect(o.findings).toHaveLength(1);
    expect(o.findings[0]).toMatchObject({
      kind: 'failed-assert',
      location: '/ClinicalDocument/component/section/entry[2]/observation',
      text: 'element observation in entry lacks moodCode (class OBS)',
      role: 'warning',
      id: 'mood',
      diagnostics: ['found 1 attribute(s)'],
    });
  });

  it('writes full-path-2 locations: [n] only after a same-named sibling, /@name for a subject attribute', () => {
    const out = run({
      'main.sch': `${HEAD}<pattern><rule context="cda:component/cda:section"><report test="true()">s</report></rule>
        <rule context="cda:value"><report test="true()" subject="@xsi:type">t</report></rule></pattern>
        <ns prefix="xsi" uri="http://www.w3.org/2001/XMLSchema-instance"/></schema>`,
    });
    expect(findings(out)).toEqual([
      'successful-report|/ClinicalDocument/component/section|s',
      'successful-report|/ClinicalDocument/component[2]/section|s',
      'successful-report|/ClinicalDocument/value/@xsi:type|t',
    ]);
  });
  it('never fires rules whose context is an attribute or a text node (the skeleton walks elements only)', () => {
    // Saxon + the ANS skeleton (checked on this schema: only the element rule fires).
    const out = run({
      'main.sch': `${HEAD}<ns prefix="xsi" uri="http://www.w3.org/2001/XMLSchema-instance"/>
        <pattern><rule context="@xsi:type"><assert test="false()">attr</assert></rule></pattern>
        <pattern><rule context="cda:title/text()"><assert test="false()">text</assert></rule></pattern>
        <pattern><rule context="cda:title"><assert test="false()">element</assert></rule></pattern></schema>`,
    });
    expect(findings(out)).toEqual(['failed-assert|/ClinicalDocument/component[2]/section/title|element']);
  });
  it('writes the location of a rule fired on the document node as Saxon does: the root element, whatever precedes it', () => {
    // Saxon + ANS skeleton write /ClinicalDocument (its location mode matches elements only); cisis-bio used to
    // write /@xml-stylesheet/@oxygen/@/ClinicalDocument when processing instructions and comments came first.
    const files = {
      'main.sch': `${HEAD}<pattern><rule context="/"><assert test="false()">root</assert></rule></pattern></schema>`,
    };
    expect(findings(run(files))).toEqual(['failed-assert|/ClinicalDocument|root']);
    const withPi = `<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="cda.xsl"?><!-- c --><?oxygen SCHSchema="x.sch"?>${DOC}`;
    expect(findings(run(files, 'main.sch', withPi))).toEqual(['failed-assert|/ClinicalDocument|root']);
  });
});

describe('schematron engine: XPath', () => {
  it('resolves doc(), document() and doc-available() against the top-level schematron folder', () => {
    const vs = `<ValueSet xmlns="urn:ihe:iti:svs:2008"><ConceptList><Concept code="11502-2"/></ConceptList></ValueSet>`;
    const out = run({
      'main.sch': `${HEAD}<ns prefix="svs" uri="urn:ihe:iti:svs:2008"/><include href="sub/deep/p.sch"/></schema>`,
      // the include lives two folders down, but 'vs/codes.xml' is resolved from main.sch's folder
      'sub/deep/p.sch': `<pattern xmlns="http://purl.oclc.org/dsdl/schematron"><rule context="cda:code">
         <report test="doc('vs/codes.xml')//svs:Concept/@code = @code">in doc</report>
         <report test="document('vs/codes.xml')//svs:Concept/@code = @code">in document</report>
         <report test="doc-available('vs/codes.xml') and not(doc-available('vs/none.xml'))">available</report>
       </rule></pattern>`,
      'vs/codes.xml': vs,
    });
    expect(findings(out).map((x) => x.split('|')[2])).toEqual(['available', 'in doc', 'in document']);
  });

  it('makes document() on a missing file a recoverable error (warning FODC0002, empty result), as Saxon 9.9', () => {
    const out = run({
      'main.sch': `${HEAD}<ns prefix="svs" uri="urn:ihe:iti:svs:2008"/><pattern><rule context="cda:code">
         <assert test="document('jdv/missing.xml')//svs:Concept/@code = @code">not in the value set</assert>
       </rule></pattern></schema>`,
    });
    expect(out.ok).toBe(true);
    expect(findings(out)).toEqual(['failed-assert|/ClinicalDocument/code|not in the value set']);
    expect(out.warnings).toEqual([
      expect.stringMatching(/^FODC0002: document\('jdv\/missing\.xml'\): .*jdv\/missing\.xml does not exist/),
    ]);
  });

  it('turns a missing doc() target into a FODC0002 outcome naming the file', () => {
    const out = run({
      'main.sch': `${HEAD}<pattern><rule context="cda:code"><assert test="doc('jdv/missing.xml')//*[@code = current()/@code]">x</assert></rule></pattern></schema>`,
    });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errorCode).toBe('FODC0002');
    expect(out.error).toMatch(/^FODC0002: .*jdv\/missing\.xml/);
  });

  it('stops the profile with XPTY0004 when a single-item argument gets a sequence, as Saxon does', () => {
    const out = run({
      'main.sch': `${HEAD}<pattern><rule context="cda:section"><assert test="starts-with(cda:entry, 'a') or true()">x</assert></rule></pattern></schema>`,
    });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.errorCode).toBe('XPTY0004');
  });

  it('checks xs:dateTime castability as Saxon does (day-of-month ranges, leap years)', () => {
    const out = run({
      'main.sch': `${HEAD}<pattern><rule context="cda:code">
        <report test="'2020-02-29T10:00:00' castable as xs:dateTime">leap</report>
        <report test="'2021-02-29T10:00:00' castable as xs:dateTime">not leap</report>
        <report test="'2021-01-31T24:00:00' castable as xs:dateTime">midnight</report>
        <report test="'20210131' castable as xs:dateTime">compact</report>
      </rule></pattern></schema>`,
    });
    expect(
      findings(out)
        .map((x) => x.split('|')[2])
        .sort(),
    ).toEqual(['leap', 'midnight']);
  });

  it('supports resolve-QName, matches/replace flags and XSD regex syntax', () => {
    const out = run({
      'main.sch': `${HEAD}<ns prefix="xsi" uri="http://www.w3.org/2001/XMLSchema-instance"/><pattern><rule context="cda:value">
        <report test="resolve-QName(@xsi:type, .) = QName('urn:hl7-org:v3', 'CD')">qname</report>
        <report test="local-name-from-QName(resolve-QName(@xsi:type, .)) = 'CD'">local</report>
        <report test="matches(@code, '^X$', 'i')">flag i</report>
        <report test="replace('aXa', 'x', '-', 'i') = 'a-a'">replace i</report>
        <report test="matches('012', '^-?[1-9]\\d*$|^+?\\d*$') and not(matches('+12', '^-?[1-9]\\d*$|^+?\\d*$'))">quantified anchor</report>
        <report test="matches('é', '^\\w$') and not(matches('_', '^\\w$'))">xsd w</report>
        <report test="matches('b', '^[a-z-[aeiou]]$') and not(matches('a', '^[a-z-[aeiou]]$'))">subtraction</report>
      </rule></pattern></schema>`,
    });
    expect(
      findings(out)
        .map((x) => x.split('|')[2])
        .sort(),
    ).toEqual(['flag i', 'local', 'qname', 'quantified anchor', 'replace i', 'subtraction', 'xsd w'].sort());
  });

  it('gives the same answers through the JS fast path and fontoxpath', () => {
    // The same tests twice: once plain (fast path), once wrapped in a construct the fast path refuses
    // (`let` in XPath), which sends the whole rule to fontoxpath.
    const tests = [
      'count(cda:component) >= 2',
      "cda:component[2]/cda:section/cda:title = 'Two'",
      "string(@classCode) = ('DOCCLIN') or not(@classCode)",
      'every $e in .//cda:entry satisfies $e/parent::cda:section',
      "some $e in .//cda:entry satisfies $e/cda:observation/@classCode = 'OBS'",
      'not(@* except @xsi:type)',
      '(.//cda:entry)[last()]/preceding-sibling::cda:entry[1]/cda:observation',
      "substring('12345', 1.5, 2.6) = '234'",
      "number('1e2') = 100 and string-length('été') = 3",
      "not(cda:code/@code castable as xs:integer) and (' 12 ' castable as xs:integer)",
      "distinct-values(.//cda:entry/name()) = 'entry'",
      "normalize-space('  a   b ') = 'a b' and translate('abc', 'ab', 'A') = 'Ac'",
      "string-join(tokenize('a b  c', '\\s+'), ',') = 'a,b,c'",
      'count(.//@*) gt 3',
      "cda:value/@code < 'y'",
      'count(//cda:entry | //cda:section) = 5',
    ];
    const body = (wrap: boolean) =>
      tests
        .map((t, i) =>
          `<report test="${wrap ? `let $z := 1 return (${t})` : t}">${i}</report>`.replace(/</g, (m, o, s) =>
            s.slice(o, o + 8) === '<report ' || s.slice(o, o + 9) === '</report>' ? m : '&lt;',
          ),
        )
        .join('');
    const mk = (wrap: boolean) =>
      run({
        'main.sch': `${HEAD}<ns prefix="xsi" uri="http://www.w3.org/2001/XMLSchema-instance"/><pattern><rule context="cda:ClinicalDocument">${body(wrap)}</rule></pattern></schema>`,
      });
    const fast = findings(mk(false));
    const slow = findings(mk(true));
    expect(fast).toEqual(slow);
    expect(fast.length).toBe(tests.length); // every test above is true
  });
});

describe('schematron engine: API', () => {
  it('round-trips the compiled form through JSON', () => {
    const dir = tree({
      'main.sch': `${HEAD}<pattern><rule context="cda:code"><report test="@code">has code</report></rule></pattern></schema>`,
    });
    const c = compileSchematron(join(dir, 'main.sch'));
    const again = deserializeCompiled(serializeCompiled(c));
    expect(again.schPath).toBe(c.schPath);
    expect(findings(runSchematron(again, parseForSchematron(DOC)))).toEqual([
      'successful-report|/ClinicalDocument/code|has code',
    ]);
    expect(() => deserializeCompiled('{"format":"other"}')).toThrow(SchematronCompileError);
  });

  it('keeps the parsed rule contexts in the compiled form, each distinct step once, and runs the same from it', () => {
    const rules = [
      `cda:ClinicalDocument/cda:code[@code = '11502-2']`, // fast-path predicate
      `cda:ClinicalDocument/cda:code[string-length(@code) > 3]`, // compiled JS predicate
      `cda:ClinicalDocument/cda:component[2]/cda:section`, // positional predicate
      `cda:ClinicalDocument/cda:component[1]//cda:entry[cda:observation] | cda:ClinicalDocument/cda:value`,
      `cda:section[cda:title]`,
    ];
    const dir = tree({
      'main.sch': `${HEAD}${rules.map((r, i) => `<pattern><rule context="${r}"><report test="true()">r${i}</report></rule></pattern>`).join('')}</schema>`,
    });
    const fresh = compileSchematron(join(dir, 'main.sch'));
    const form = serializeCompiled(fresh);
    const model = JSON.parse(form);
    const steps: Array<{ src: string }> = model.parsedSteps;
    expect(new Set(steps.map((st) => st.src)).size).toBe(steps.length); // no step stored twice
    expect(steps.filter((st) => st.src === 'cda:ClinicalDocument')).toHaveLength(1); // shared by 4 rules
    for (const p of model.patterns)
      for (const r of p.rules) expect(r.parsedContext.length).toBeGreaterThan(0);
    const expected = [
      'successful-report|/ClinicalDocument/code|r0',
      'successful-report|/ClinicalDocument/code|r1',
      'successful-report|/ClinicalDocument/component/section/entry[2]|r3',
      'successful-report|/ClinicalDocument/component[2]/section|r2',
      'successful-report|/ClinicalDocument/component[2]/section|r4',
      'successful-report|/ClinicalDocument/value|r3',
    ];
    expect(findings(runSchematron(fresh, parseForSchematron(DOC)))).toEqual(expected);
    // From the stored form (what a new process reads from the disk cache): no parse, same verdicts.
    expect(findings(runSchematron(deserializeCompiled(form), parseForSchematron(DOC)))).toEqual(expected);
  });

  it('rebases doc() resolution when a cached form is loaded for a kit that moved', () => {
    const sch = `${HEAD}<pattern><rule context="cda:code"><report test="doc('vs.xml')/*/@code = @code">listed</report></rule></pattern></schema>`;
    const first = tree({ 'main.sch': sch, 'vs.xml': '<vs code="other"/>' });
    const moved = tree({ 'main.sch': sch, 'vs.xml': '<vs code="11502-2"/>' });
    const form = serializeCompiled(compileSchematron(join(first, 'main.sch')));
    expect(findings(runSchematron(deserializeCompiled(form), parseForSchematron(DOC)))).toEqual([]);
    expect(
      findings(runSchematron(deserializeCompiled(form, join(moved, 'main.sch')), parseForSchematron(DOC))),
    ).toEqual(['successful-report|/ClinicalDocument/code|listed']);
  });

  it('parses documents with the safe-XML rules: no DTD, errors with a line', () => {
    expect(() =>
      parseForSchematron('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'),
    ).toThrow(XmlParseError);
    try {
      parseForSchematron('<a>\n<b></c></a>', 'bad.xml');
    } catch (e) {
      expect(e).toBeInstanceOf(XmlParseError);
      expect((e as XmlParseError).line).toBe(2);
    }
    expect(() => parseForSchematron('<a/>', 'big.xml', 3)).toThrow(/limit/);
  });
});
