/**
 * Layer 3 of the XPath subset compiler: the closures give fontoxpath's answers (the independent implementation
 * the engine falls back on) — node identity and document order included — on fixed cases and on generated paths.
 */
import fc from 'fast-check';
import fontoxpath from 'fontoxpath';
import { describe, expect, it } from 'vitest';
import { parseForSchematron } from '../../../src/validate/schematron/index.js';
import {
  compileXPath,
  type DynamicContext,
  NeedFallback,
  Unsupported,
  type XNode,
} from '../../../src/validate/schematron/xpath/index.js';

const HL7 = 'urn:hl7-org:v3';
const NS: Record<string, string> = { hl7: HL7, xsi: 'http://www.w3.org/2001/XMLSchema-instance' };

// Nested sections and entries, attributes, text, a comment and a processing instruction before the root.
const XML = `<?xml-stylesheet href="cda.xsl"?><!-- c --><ClinicalDocument xmlns="${HL7}" xmlns:xsi="${NS.xsi}">
  <templateId root="1.2"/><templateId root="1.3" extension="v"/>
  <component><section code="A" use="H">text A<entry><observation classCode="OBS" code="1"/></entry>
    <section code="A1"><entry use="WP"><observation classCode="OBS" code="2">two</observation></entry>
      <entry><observation code="3" xsi:type="CD"/></entry></section>
    <entry><observation code="4"/></entry></section></component>
  <component><section code="B"><title>Two</title><entry/><entry><observation code="5"/></entry></section></component>
</ClinicalDocument>`;

const doc = parseForSchematron(XML) as unknown as XNode;
const elements: XNode[] = [];
const walk = (n: XNode) => {
  for (let c = n.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1) elements.push(c);
    walk(c);
  }
};
walk(doc);
const root = elements[0] as XNode;

type Answer = { nodes: XNode[] } | { atoms: unknown[] } | { refused: 'unsupported' | 'fallback' };

/**
 * The order of an element's attributes is implementation-dependent in XPath (fontoxpath sorts them by name, the
 * DOM keeps them as written): each run of attributes of one element is compared as a set.
 */
function comparable(nodes: XNode[]): XNode[] {
  const out: XNode[] = [];
  for (let k = 0; k < nodes.length; ) {
    const n = nodes[k] as XNode;
    let end = k + 1;
    if (n.nodeType === 2)
      while (end < nodes.length && nodes[end]?.nodeType === 2 && nodes[end]?.ownerElement === n.ownerElement)
        end++;
    out.push(
      ...nodes.slice(k, end).sort((a, b) => (a.nodeName < b.nodeName ? -1 : a.nodeName > b.nodeName ? 1 : 0)),
    );
    k = end;
  }
  return out;
}

function ours(expr: string, item: XNode): Answer {
  try {
    const f = compileXPath(expr, {
      namespaces: NS,
      lets: new Map(),
      literalGlobals: {},
      compileGlobal: () => null,
    });
    const ctx: DynamicContext = { item, pos: 1, size: 1, vars: [], globals: new Map(), root: doc };
    const r = f(ctx);
    if (r.length && r.every((i) => typeof i === 'object' && i !== null && 'nodeType' in i))
      return { nodes: comparable(r as XNode[]) };
    return {
      atoms: r.map((i) => (typeof i === 'object' && i !== null && 'v' in i ? (i as { v: string }).v : i)),
    };
  } catch (e) {
    if (e instanceof Unsupported) return { refused: 'unsupported' };
    if (e instanceof NeedFallback) return { refused: 'fallback' };
    throw e;
  }
}

function theirs(expr: string, item: XNode): Answer {
  const r = fontoxpath.evaluateXPath(
    expr,
    item as never,
    null,
    {},
    fontoxpath.evaluateXPath.ALL_RESULTS_TYPE,
    {
      namespaceResolver: (p: string) => NS[p] ?? null,
    },
  ) as unknown[];
  if (r.length && r.every((i) => typeof i === 'object' && i !== null && 'nodeType' in i))
    return { nodes: comparable(r as XNode[]) };
  return { atoms: r };
}

describe('XPath closures against fontoxpath', () => {
  it.each([
    // document order: unions, reverse axes, nested inputs, descendants
    ['//hl7:section/hl7:entry'],
    ['//hl7:section//hl7:observation/@code'],
    ['.//@use | .//text()'],
    ['.//hl7:entry | .//hl7:section'],
    ['(.//hl7:entry)[last()]/preceding-sibling::hl7:entry[1]/hl7:observation'],
    ['//hl7:observation/ancestor::hl7:section'],
    ['//hl7:entry/..'],
    ['//hl7:entry/preceding-sibling::* | //hl7:entry/following-sibling::*'],
    ['@* except @xsi:type'],
    ['//hl7:observation[@classCode]/@* except //@code'],
    ['//hl7:section[hl7:entry] intersect //hl7:section[@code]'],
    ['//hl7:section/descendant::hl7:entry[1]'],
    ['//hl7:entry[hl7:observation][1]'],
    ['hl7:component/hl7:section/hl7:entry/hl7:observation/@code | hl7:templateId/@root'],
    ['/hl7:ClinicalDocument/hl7:component[2]/hl7:section/hl7:title'],
    ['//node()[self::hl7:title or self::comment()]'],
    // values
    ["count(//hl7:entry) = 6 and string-join(//hl7:observation/@code, ',') = '1,2,3,4,5'"],
    ['for $s in //hl7:section return string($s/@code)'],
    ["some $e in .//hl7:entry satisfies $e/@use = 'WP'"],
    ['every $o in //hl7:observation satisfies $o/@code castable as xs:integer'],
    ['(count(//hl7:section) + 1) * 2 div 4 mod 3'],
    ["substring('12345', 1.5, 2.6)"],
    ["normalize-space('  a   b ')"],
    ["matches('été', '^\\w+$')"],
    ["tokenize('a b  c', '\\s+')"],
    ['distinct-values(//hl7:observation/@classCode)'],
    ["if (//hl7:title) then 'yes' else 'no'"],
    ["name(//*[@xsi:type]/@xsi:type) = 'xsi:type'"],
    [`local-name(/*) = 'ClinicalDocument' and namespace-uri(/*) = '${HL7}'`],
  ])('%s', (expr) => {
    for (const item of [root, elements[3] as XNode]) {
      const mine = ours(expr, item);
      expect(mine, 'compiled by the subset').not.toHaveProperty('refused');
      expect(mine).toEqual(theirs(expr, item));
    }
  });

  it('refuses at compile time what it does not model, and falls back at run time where XPath raises', () => {
    expect(ours('string(1)', root)).toEqual({ refused: 'fallback' }); // number formatting
    expect(ours('string(//hl7:entry)', root)).toEqual({ refused: 'fallback' }); // XPTY0004
    expect(ours("//@code + 'a'", root)).toEqual({ refused: 'fallback' });
    expect(ours('sum(//@code)', root)).toEqual({ refused: 'unsupported' });
    expect(ours('$undeclared', root)).toEqual({ refused: 'unsupported' });
  });

  it('gives fontoxpath’s nodes, in its order, for generated paths', () => {
    const name = fc.constantFrom(
      'hl7:section',
      'hl7:entry',
      'hl7:observation',
      'hl7:component',
      '*',
      'hl7:title',
    );
    const axisStep = fc.oneof(
      name,
      name.map((n) => `descendant::${n}`),
      name.map((n) => `ancestor::${n}`),
      name.map((n) => `ancestor-or-self::${n}`),
      name.map((n) => `preceding-sibling::${n}`),
      name.map((n) => `following-sibling::${n}`),
      name.map((n) => `self::${n}`),
      fc.constantFrom('..', 'node()', 'text()', '@*', '@code', '.'),
    );
    const predicate = fc.constantFrom(
      '',
      '',
      '[1]',
      '[last()]',
      '[@code]',
      '[hl7:entry]',
      '[2]',
      "[not(@use = 'H')]",
    );
    const step = fc.tuple(axisStep, predicate).map(([s, p]) => (s === '.' || s === '..' ? s : s + p));
    const path = fc
      .tuple(
        fc.constantFrom('', '/hl7:ClinicalDocument/', '//', './/'),
        fc.array(fc.tuple(fc.constantFrom('/', '//'), step), { minLength: 0, maxLength: 3 }),
        step,
      )
      .map(([start, rest, first]) => start + first + rest.map(([sep, s]) => sep + s).join(''));
    const expr = fc.oneof(
      { weight: 3, arbitrary: path },
      fc
        .tuple(path, fc.constantFrom(' | ', ' except ', ' intersect '), path)
        .map(([a, op, b]) => `(${a})${op}(${b})`),
    );
    let compared = 0;
    fc.assert(
      fc.property(expr, fc.integer({ min: 0, max: elements.length - 1 }), (e, k) => {
        // fontoxpath lets `*` on ancestor-or-self/self match an attribute (the principal node kind is element)
        if (/@[^/]*\/+(ancestor-or-self|self)::\*/.test(e)) return true;
        const item = elements[k] as XNode;
        const mine = ours(e, item);
        if ('refused' in mine) return mine.refused === 'fallback'; // only XPath type errors may fall back
        expect(mine, `${e} on element ${k}`).toEqual(theirs(e, item));
        compared++;
        return true;
      }),
      { numRuns: 1500, seed: 20261206 },
    );
    expect(compared).toBeGreaterThan(1400); // the closures answered nearly every case themselves
  });
});
