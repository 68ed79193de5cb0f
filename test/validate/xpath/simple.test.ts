/**
 * The pattern matcher's interpreter of simple predicates (`fast.ts`) over the shared parser's trees: same answers
 * as the compiled closures, and trees stored by earlier engine versions still read.
 */
import { describe, expect, it } from 'vitest';
import {
  compileFast,
  type FastAst,
  fastPredicate,
  templateIdKeys,
} from '../../../src/validate/schematron/fast.js';
import { parseForSchematron } from '../../../src/validate/schematron/index.js';
import { compileXPath, effectiveBoolean, type XNode } from '../../../src/validate/schematron/xpath/index.js';

const HL7 = 'urn:hl7-org:v3';
const NS = { hl7: HL7, cda: HL7 };
const doc = parseForSchematron(`<ClinicalDocument xmlns="${HL7}">
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="1.2"/><templateId root="1.3" extension="v"/>
  <code code="11502-2" nullFlavor="UNK"/><title>Compte rendu</title>
  <component><section><code code="A"/><entry><observation classCode="OBS" moodCode="EVN"><value code=""/></observation></entry></section></component>
</ClinicalDocument>`) as unknown as XNode;
const elements: XNode[] = [];
(function walk(n: XNode) {
  for (let c = n.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1) elements.push(c);
    walk(c);
  }
})(doc);

const SIMPLE = [
  "hl7:templateId/@root = '1.2'",
  "hl7:typeId[@root = '2.16.840.1.113883.1.3'][@extension = 'POCD_HD000040']",
  "not(@nullFlavor) or @code != '11502-2'",
  "./hl7:code/@code = 'A'",
  ". = 'Compte rendu'",
  "hl7:entry[hl7:observation[@classCode = 'OBS' and @moodCode = 'EVN']]",
  "@code = ''",
  "hl7:*/@code = 'A'",
  '*:value',
  'false() or true()',
  "hl7:templateId[@root = '1.3']/@extension != 'v'",
];

describe('simple predicates of rule contexts', () => {
  it('are recognised and give the answers of the compiled closures on every element', () => {
    for (const p of SIMPLE) {
      const simple = compileFast(p, NS);
      expect(simple, p).toBeDefined();
      const compiled = compileXPath(p, {
        namespaces: NS,
        lets: new Map(),
        literalGlobals: {},
        compileGlobal: () => null,
      });
      for (const el of elements) {
        const ctx = { item: el, pos: 1, size: 1, vars: [], globals: new Map(), root: doc };
        expect(simple?.(el as never), `${p} on ${el.nodeName}`).toBe(effectiveBoolean(compiled(ctx)));
      }
    }
    expect(compileFast('count(*) > 1', NS)).toBeUndefined();
    expect(compileFast("hl7:a['x']", NS)).toBeUndefined();
    expect(compileFast('let $x := 1 return $x', NS)).toBeUndefined();
  });

  it('index rules on the templateIds they require', () => {
    const p = compileFast("hl7:templateId/@root = '1.2.250.1.213.1.1.1.1'", NS);
    expect(templateIdKeys(p as NonNullable<typeof p>)).toEqual(['1.2.250.1.213.1.1.1.1']);
  });

  it('still read the trees stored by engine versions ≤ 6 in a disk cache', () => {
    const earlier = {
      t: 'and',
      a: {
        t: 'cmp',
        op: '=',
        a: {
          t: 'path',
          steps: [
            { axis: 'child', test: { ns: HL7, local: 'templateId' }, preds: [] },
            { axis: 'attribute', test: { ns: null, local: 'root' }, preds: [] },
          ],
        },
        b: { t: 'lit', v: '1.3' },
      },
      b: {
        t: 'not',
        a: { t: 'path', steps: [{ axis: 'attribute', test: { ns: null, local: 'nullFlavor' }, preds: [] }] },
      },
    } as unknown as FastAst;
    const source = "hl7:templateId/@root = '1.3' and not(@nullFlavor)";
    const restored = fastPredicate(earlier, source);
    const fresh = compileFast(source, NS);
    expect(restored.ast).toEqual(fresh?.ast);
    expect(elements.map((e) => restored(e as never))).toEqual(elements.map((e) => fresh?.(e as never)));
    expect(elements.filter((e) => restored(e as never)).map((e) => e.nodeName)).toEqual(['ClinicalDocument']);
  });
});
