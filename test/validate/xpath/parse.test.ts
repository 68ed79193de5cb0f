/** Layer 1 of the XPath subset compiler: text → tree, refusals sent to fontoxpath. */
import { describe, expect, it } from 'vitest';
import { parseXPath, Unsupported } from '../../../src/validate/schematron/xpath/index.js';

const NS = { hl7: 'urn:hl7-org:v3', xsi: 'http://www.w3.org/2001/XMLSchema-instance', none: '' };
const parse = (s: string) => parseXPath(s, NS);

describe('XPath parser', () => {
  it('builds comparisons of calls, paths and literals with the grammar precedence', () => {
    expect(parse("count(hl7:id[@root = '1.2']) >= 1 and not(@nullFlavor)")).toEqual({
      kind: 'and',
      left: {
        kind: 'general',
        op: '>=',
        left: {
          kind: 'call',
          name: 'count',
          args: [
            {
              kind: 'path',
              root: '',
              steps: [
                {
                  descendant: false,
                  step: {
                    kind: 'axis',
                    axis: 'child',
                    test: { kind: 'name', ns: 'urn:hl7-org:v3', local: 'id' },
                    predicates: [
                      {
                        expr: {
                          kind: 'general',
                          op: '=',
                          left: {
                            kind: 'path',
                            root: '',
                            steps: [
                              {
                                descendant: false,
                                step: {
                                  kind: 'axis',
                                  axis: 'attribute',
                                  test: { kind: 'name', ns: null, local: 'root' },
                                  predicates: [],
                                },
                              },
                            ],
                          },
                          right: { kind: 'string', value: '1.2' },
                        },
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
        right: { kind: 'number', value: 1 },
      },
      right: {
        kind: 'call',
        name: 'not',
        args: [
          {
            kind: 'path',
            root: '',
            steps: [
              {
                descendant: false,
                step: {
                  kind: 'axis',
                  axis: 'attribute',
                  test: { kind: 'name', ns: null, local: 'nullFlavor' },
                  predicates: [],
                },
              },
            ],
          },
        ],
      },
    });
  });

  it('reads roots, // separators, axes, kind tests, positions and filters', () => {
    const p = parse('//hl7:section//hl7:entry[2]/ancestor::*[1]/text()') as Extract<
      ReturnType<typeof parse>,
      { kind: 'path' }
    >;
    expect(p.root).toBe('//');
    expect(p.steps.map((s) => s.descendant)).toEqual([false, true, false, false]);
    expect(p.steps[1]?.step).toMatchObject({ axis: 'child', predicates: [{ position: 2 }] });
    expect(p.steps[2]?.step).toMatchObject({ axis: 'ancestor', test: { kind: 'name', local: null } });
    expect(p.steps[3]?.step).toMatchObject({ axis: 'child', test: { kind: 'text' } });
    expect(parse('/')).toEqual({ kind: 'path', root: '/', steps: [] });
    expect(parse('/ = /')).toMatchObject({ kind: 'general', left: { root: '/' }, right: { root: '/' } });
    expect(parse('..')).toMatchObject({
      kind: 'path',
      steps: [{ step: { axis: 'parent', test: { kind: 'node' } } }],
    });
    expect(parse('$v[1]/@a')).toMatchObject({
      steps: [
        { step: { kind: 'filter', primary: { kind: 'variable', name: 'v' }, predicates: [{ position: 1 }] } },
        { descendant: false, step: { kind: 'axis', axis: 'attribute', test: { local: 'a' } } },
      ],
    });
    // a primary alone is not wrapped in a path
    expect(parse("('a', 'b')")).toEqual({
      kind: 'parenthesized',
      expr: {
        kind: 'sequence',
        items: [
          { kind: 'string', value: 'a' },
          { kind: 'string', value: 'b' },
        ],
      },
    });
  });

  it('resolves prefixes, wildcards and the empty namespace', () => {
    expect(parse('hl7:*')).toMatchObject({
      steps: [{ step: { test: { kind: 'name', ns: 'urn:hl7-org:v3', local: null } } }],
    });
    expect(parse('*:code')).toMatchObject({ steps: [{ step: { test: { kind: 'name', local: 'code' } } }] });
    expect(parse('none:x')).toMatchObject({ steps: [{ step: { test: { ns: null, local: 'x' } } }] });
    expect(parse('@xsi:type')).toMatchObject({
      steps: [
        {
          step: {
            axis: 'attribute',
            test: { ns: 'http://www.w3.org/2001/XMLSchema-instance', local: 'type' },
          },
        },
      ],
    });
  });

  it('tells names with hyphens from subtraction, and keywords from element names', () => {
    expect(parse('a-b')).toMatchObject({ kind: 'path', steps: [{ step: { test: { local: 'a-b' } } }] });
    expect(parse('a - b')).toMatchObject({ kind: 'arithmetic', op: '-' });
    expect(parse('or')).toMatchObject({ kind: 'path', steps: [{ step: { test: { local: 'or' } } }] });
    expect(parse('if (a) then b else c')).toMatchObject({ kind: 'if' });
    expect(parse('if')).toMatchObject({ kind: 'path' });
    expect(parse('every $x in a, $y in b satisfies $x = $y')).toMatchObject({
      kind: 'every',
      bindings: [{ name: 'x' }, { name: 'y' }],
    });
  });

  it('reads string literals with doubled quotes, numbers, castable and value comparisons', () => {
    expect(parse(`'it''s'`)).toEqual({ kind: 'string', value: "it's" });
    expect(parse(`"say ""hi"""`)).toEqual({ kind: 'string', value: 'say "hi"' });
    expect(parse('1.5e2')).toEqual({ kind: 'number', value: 150 });
    expect(parse('@v castable as xs:date?')).toMatchObject({
      kind: 'castable',
      type: 'date',
      optional: true,
    });
    expect(parse('@v ge 3')).toMatchObject({ kind: 'value', op: 'ge' });
    expect(parse('fn:count(*)')).toMatchObject({ kind: 'call', name: 'count' });
  });

  it('refuses what the subset leaves to fontoxpath', () => {
    for (const s of [
      'let $x := 1 return $x',
      '(: comment :) 1',
      '-1',
      '. instance of xs:string',
      '@a cast as xs:integer',
      '1 to 3',
      '4 idiv 2',
      'a is b',
      'element(x)',
      'unknown:x',
      'following::x',
      '@a castable as xs:boolean',
      'a[',
      "'open",
      'a b',
    ]) {
      expect(() => parse(s), s).toThrow(Unsupported);
    }
  });
});
