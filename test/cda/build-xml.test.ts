// The builder's XML layer (src/cda/write/xml.ts): a light tree serialised by xmlbuilder2's XMLWriter. Checks that
// it gives the bytes of xmlbuilder2's public DOM path for the same documents (the contract with xmlbuilder2's
// writer), the escaping of every character, and the namespaces of kept-as-written fragments.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { parseCrBio, SCENARIOS, XmlCharacterError } from '../../src/cda/index.js';
import { writeCrBio, writeCrBioN1 } from '../../src/cda/write/index.js';
import {
  type CdaDocument,
  createClinicalDocument,
  el,
  importFragment,
  importNarrative,
  NS_HL7,
  NS_XSI,
  serialize,
} from '../../src/cda/write/xml.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';
import { counterIds, FIXED_CLOCK, tinyPdf } from './build-helpers.js';

/** The tree as xmlbuilder2's writer reads it. */
interface TreeNode {
  nodeType: number;
  localName?: string;
  data?: string;
  target?: string;
  attributes?: { localName: string; value: string }[];
  _children?: TreeNode[];
}

/**
 * The same document built as a real xmlbuilder2 DOM and serialised with `end()` (the path the builder used before
 * the light tree). Values are stored pre-escaped for ampersands (see xml.ts), so they are stored as such here too.
 */
function throughDom(doc: CdaDocument['doc'], pretty: boolean): string {
  const out = create({ version: '1.0', encoding: 'UTF-8' });
  // biome-ignore lint/suspicious/noExplicitAny: xmlbuilder2's DOM is untyped here.
  const d = out.node as any;
  // biome-ignore lint/suspicious/noExplicitAny: idem.
  const copy = (n: TreeNode): any => {
    switch (n.nodeType) {
      case 1: {
        const e = d.createElement(n.localName);
        for (const a of n.attributes ?? []) e.setAttribute(a.localName, a.value);
        for (const c of n._children ?? []) e.appendChild(copy(c));
        return e;
      }
      case 3:
        return d.createTextNode(n.data);
      case 4:
        return d.createCDATASection(n.data);
      case 7:
        return d.createProcessingInstruction(n.target, n.data);
      default:
        return d.createComment(n.data);
    }
  };
  const root = (doc as unknown as TreeNode)._children?.[0];
  if (!root) throw new Error('no document element');
  d.appendChild(copy(root));
  return out.end({ prettyPrint: pretty, indent: '  ' });
}

const parse = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml');

describe('xml.ts: xmlbuilder2 XMLWriter over the light tree', () => {
  it('gives the bytes of xmlbuilder2’s DOM path for every bundled scenario', async () => {
    const pdf = await tinyPdf();
    for (const s of SCENARIOS) {
      const options = { pdf, clock: FIXED_CLOCK, idGenerator: counterIds() };
      const doc = s.level === 3 ? writeCrBio(s.model(), options) : writeCrBioN1(s.model(), pdf, options);
      expect(serialize(doc).xml, s.name).toBe(throughDom(doc, true));
      expect(serialize(doc, false).xml, s.name).toBe(throughDom(doc, false));
    }
  });

  it('gives the bytes of xmlbuilder2’s DOM path for official examples (kept narratives and raw entries)', () => {
    const names = readdirSync(EXAMPLES_DIR).filter((f) => /^BIO-CR-BIO_2024\.01_.*\.xml$/.test(f));
    expect(names.length).toBeGreaterThanOrEqual(5);
    const pdf = new Uint8Array(Buffer.from('%PDF-1.4\n%%EOF\n'));
    for (const name of names) {
      const { report, level } = parseCrBio(readFileSync(join(EXAMPLES_DIR, name)));
      const options = { pdf, clock: FIXED_CLOCK, idGenerator: counterIds() };
      const doc =
        level === 3
          ? writeCrBio(report, { ...options, received: true })
          : writeCrBioN1(report, pdf, { ...options, received: true });
      expect(serialize(doc).xml, name).toBe(throughDom(doc, true));
    }
  });

  it('pretty-prints every node kind as xmlbuilder2 does (declaration, prefixes, text-only, mixed, empty)', () => {
    const { doc, root } = createClinicalDocument();
    el(root, 'title').txt('Compte rendu');
    el(root, 'empty');
    el(root, 'emptyText').txt('');
    root.ele('lab:statusCode', { code: 'completed' }, 'urn:oid:1.3.6.1.4.1.19376.1.3.2');
    root.ele('ext:thing', { a: '1' }, 'urn:example:ext');
    el(root, 'value', { 'xsi:type': 'PQ', value: '1.5', unit: 'g/L' });
    const text = el(root, 'text');
    importNarrative(
      text,
      '<paragraph>before <content ID="c1">inside</content> after</paragraph><!-- note -->',
    );
    expect(serialize(doc).xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<ClinicalDocument xmlns="${NS_HL7}" xmlns:lab="urn:oid:1.3.6.1.4.1.19376.1.3.2" xmlns:xsi="${NS_XSI}">`,
        '  <title>Compte rendu</title>',
        '  <empty/>',
        '  <emptyText/>',
        '  <lab:statusCode code="completed"/>',
        '  <ext:thing xmlns:ext="urn:example:ext" a="1"/>',
        '  <value xsi:type="PQ" value="1.5" unit="g/L"/>',
        '  <text>',
        '    <paragraph>',
        '      before ',
        '      <content ID="c1">inside</content>',
        '       after',
        '    </paragraph>',
        '    <!-- note -->',
        '  </text>',
        '</ClinicalDocument>',
      ].join('\n'),
    );
    expect(serialize(doc).xml).toBe(throughDom(doc, true));
  });
});

describe('xml.ts: escaping', () => {
  const tricky = 'R&D; a &nbsp; b &amp; c &#233; <b>"q"</b> \'s\' & d > e';

  it('writes every ampersand escaped, even one that looks like a reference, and reads back the same text', () => {
    const { doc, root } = createClinicalDocument();
    el(root, 'title', { value: tricky }).txt(tricky);
    const { xml } = serialize(doc);
    expect(xml).not.toContain('&nbsp;');
    expect(xml).toContain('R&amp;D;');
    const title = parse(xml).getElementsByTagNameNS(NS_HL7, 'title').item(0) as Element;
    expect(title.textContent).toBe(tricky);
    expect(title.getAttribute('value')).toBe(tricky);
  });

  it('keeps an escaped ampersand of a kept narrative as text', () => {
    const { doc, root } = createClinicalDocument();
    importNarrative(el(root, 'text'), '<paragraph>AT&amp;T &amp;nbsp; &lt;x&gt;</paragraph>');
    const p = parse(serialize(doc).xml).getElementsByTagNameNS(NS_HL7, 'paragraph').item(0);
    expect(p?.textContent).toBe('AT&T &nbsp; <x>');
  });

  it('refuses a character XML cannot carry, written or kept as written', () => {
    const { root } = createClinicalDocument();
    expect(() => el(root, 'title').txt('a\u0001b')).toThrow(XmlCharacterError);
    expect(() => el(root, 'title', { value: 'a\u0000' })).toThrow(XmlCharacterError);
    expect(() => importNarrative(el(root, 'text'), '<paragraph>&#1;</paragraph>')).toThrow();
  });
});

describe('xml.ts: kept-as-written fragments', () => {
  it('drops the declarations already in scope (HL7 default, xsi)', () => {
    const { doc, root } = createClinicalDocument();
    const section = el(root, 'section');
    importFragment(
      section,
      `<entry xmlns="${NS_HL7}" xmlns:xsi="${NS_XSI}"><observation classCode="OBS"><value xsi:type="PQ" value="2"/></observation></entry>`,
    );
    const { xml } = serialize(doc);
    expect(xml).toContain(
      '    <entry>\n      <observation classCode="OBS">\n        <value xsi:type="PQ" value="2"/>',
    );
    expect(xml.match(/xmlns/g)).toHaveLength(3); // the root's three declarations only
  });

  it('writes the declarations a foreign or undeclared namespace needs', () => {
    const { doc, root } = createClinicalDocument();
    const section = el(root, 'section');
    importFragment(
      section,
      '<ext:thing xmlns:ext="urn:ext" xmlns:q="urn:q" q:flag="1"><ext:child/><plain/></ext:thing>',
    );
    importFragment(section, `<value xmlns="${NS_HL7}" xmlns:i="${NS_XSI}" i:type="ST">x</value>`);
    importFragment(section, '<entry><act/></entry>');
    const { xml } = serialize(doc);
    const d = parse(xml);
    const thing = d.getElementsByTagNameNS('urn:ext', 'thing').item(0) as Element;
    expect(thing).toBeTruthy();
    expect(thing.getAttributeNS('urn:q', 'flag')).toBe('1');
    expect(d.getElementsByTagNameNS('urn:ext', 'child').length).toBe(1);
    // `<plain/>` is in no namespace in the fragment (no default declared there): it stays so.
    const plain = d.getElementsByTagName('plain').item(0) as Element;
    expect(plain.namespaceURI).toBeNull();
    const value = d.getElementsByTagNameNS(NS_HL7, 'value').item(0) as Element;
    expect(value.getAttributeNS(NS_XSI, 'type')).toBe('ST');
    const entry = d.getElementsByTagName('entry').item(0) as Element;
    expect(entry.namespaceURI).toBeNull();
    expect((entry.firstChild as Element).namespaceURI).toBeNull();
  });

  it('cannot inject markup: a fragment is parsed, its nodes copied as a tree', () => {
    const { doc, root } = createClinicalDocument();
    expect(() => importNarrative(el(root, 'text'), '</text><injected/><text>')).toThrow();
    expect(() => importFragment(el(root, 'section'), '<entry/><entry/>')).toThrow();
    // xmlbuilder2's parser closes what is left open: the copy is balanced whatever the input.
    importNarrative(el(root, 'text'), '<paragraph>open');
    const { xml } = serialize(doc);
    expect(xml).toContain('<paragraph>open</paragraph>');
    expect(parse(xml).getElementsByTagNameNS(NS_HL7, 'paragraph').length).toBe(1);
  });
});
