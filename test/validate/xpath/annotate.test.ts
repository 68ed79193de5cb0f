/** Layer 2 of the XPath subset compiler: what a tree gives, read from the tree alone. */
import { describe, expect, it } from 'vitest';
import {
  givesBoolean,
  isConstantDocumentRead,
  isSimplePredicate,
  mayReorder,
  subExpressions,
  templateIdKeys,
} from '../../../src/validate/schematron/xpath/annotate.js';
import type { Step } from '../../../src/validate/schematron/xpath/ast.js';
import { parseXPath } from '../../../src/validate/schematron/xpath/index.js';

const NS = { hl7: 'urn:hl7-org:v3', cda: 'urn:hl7-org:v3' };
const parse = (s: string) => parseXPath(s, NS);

describe('XPath annotations', () => {
  it('knows which expressions always give booleans (predicates that never select by position)', () => {
    for (const s of [
      "@a = 'x'",
      'a and b',
      'not(a)',
      'exists(a)',
      '@v castable as xs:date',
      'some $x in a satisfies $x',
      '(a or b)',
    ])
      expect(givesBoolean(parse(s)), s).toBe(true);
    for (const s of ['last()', '1', 'count(a)', 'a', '$v', 'if (a) then true() else false()'])
      expect(givesBoolean(parse(s)), s).toBe(false);
  });

  it('knows which steps may give nodes out of document order', () => {
    const step = (s: string) => (parse(s) as { steps: Array<{ step: Step }> }).steps[0]?.step as Step;
    expect(mayReorder(step('a/b'))).toBe(false);
    expect(mayReorder(step('@a/b'))).toBe(false);
    expect(mayReorder(step('self::a/b'))).toBe(false);
    expect(mayReorder(step('ancestor::a/b'))).toBe(true);
    expect(mayReorder(step('preceding-sibling::a/b'))).toBe(true);
    expect(mayReorder(step('$v/b'))).toBe(true);
    expect(mayReorder(step('(a | b)/c'))).toBe(true);
  });

  it('finds the expressions that only read value sets (computed once)', () => {
    expect(isConstantDocumentRead(parse("doc('vs.xml')/*/concept/@code"))).toBe(true);
    expect(isConstantDocumentRead(parse("(doc('vs.xml')//concept[@code = 'x'][not(@old)]/@code)"))).toBe(
      true,
    );
    expect(isConstantDocumentRead(parse("doc-available('vs.xml')"))).toBe(true);
    // focus, variables, current() and the document root make it vary
    expect(isConstantDocumentRead(parse('doc(@href)'))).toBe(false);
    expect(isConstantDocumentRead(parse("doc('vs.xml')//concept[@code = $c]"))).toBe(false);
    expect(isConstantDocumentRead(parse("doc('vs.xml')//concept[@code = current()/@code]"))).toBe(false);
    expect(isConstantDocumentRead(parse("doc('vs.xml')//concept[@code = string()]"))).toBe(true); // inner focus
    expect(isConstantDocumentRead(parse("concat(string(), doc('vs.xml'))"))).toBe(false); // outer focus
    expect(isConstantDocumentRead(parse("count(//x) + count(doc('vs.xml')//x)"))).toBe(false);
    expect(isConstantDocumentRead(parse("'no document'"))).toBe(false);
    // a global variable with a literal value is as constant as the literal
    const jdv = new Set(['jdv']);
    expect(isConstantDocumentRead(parse('document($jdv)//concept/@code'), jdv)).toBe(true);
    expect(isConstantDocumentRead(parse('document($jdv)//concept/@code'))).toBe(false);
    expect(isConstantDocumentRead(parse('document($other)//concept/@code'), jdv)).toBe(false);
  });

  it('lists the sub-expressions of every kind of node', () => {
    expect(subExpressions(parse("a[@b = 'c']/$d[1]"))).toHaveLength(2); // the predicate and the primary
    expect(subExpressions(parse('if (a) then b else c'))).toHaveLength(3);
    expect(subExpressions(parse('for $x in a, $y in b return $x'))).toHaveLength(3);
    expect(subExpressions(parse("'x'"))).toEqual([]);
  });

  it('tells the simple predicates the pattern matcher interprets from the rest', () => {
    for (const s of [
      "hl7:templateId/@root = '1.2'",
      "hl7:typeId[@root = '2.16'][@extension = 'POCD']",
      "not(@nullFlavor) or @value != 'x'",
      "./hl7:code/@code = 'A'",
      ". = 'x'",
      'true()',
      "hl7:a[hl7:b[@c = 'd']]",
    ])
      expect(isSimplePredicate(parse(s)), s).toBe(true);
    for (const s of [
      'count(*) > 1',
      "@a < 'x'",
      'hl7:a[1]',
      "hl7:a['x']",
      '@a/hl7:b',
      './/hl7:a',
      '/hl7:a',
      '$v',
      'hl7:a/..',
      'not(@a, @b)',
      "(@a) = 'x'",
    ])
      expect(isSimplePredicate(parse(s)), s).toBe(false);
  });

  it('extracts the templateIds a predicate requires, for the rule index', () => {
    expect(templateIdKeys(parse("hl7:templateId/@root = '1.2'"))).toEqual(['1.2']);
    expect(templateIdKeys(parse("'1.2' = cda:templateId/@root"))).toEqual(['1.2']);
    expect(templateIdKeys(parse("hl7:templateId[@root = '1.2'] and @classCode = 'OBS'"))).toEqual(['1.2']);
    expect(templateIdKeys(parse("@classCode = 'OBS' and hl7:templateId/@root = '3'"))).toEqual(['3']);
    expect(templateIdKeys(parse("hl7:templateId/@root = '1.2' or @x"))).toBeUndefined();
    expect(templateIdKeys(parse("hl7:templateId/@extension = '1.2'"))).toBeUndefined();
    expect(templateIdKeys(parse("hl7:templateId[@root = '1.2'][@extension = 'v']"))).toBeUndefined();
  });
});
