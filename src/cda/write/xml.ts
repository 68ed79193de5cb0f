/**
 * Thin layer used by every CDA writer. The writers append elements, attributes and text to a light in-memory tree
 * (plain objects: qualified name, attributes in insertion order, children, sibling links); {@link serialize} then
 * hands that tree to **xmlbuilder2's own XML writer** (`XMLWriter`, the class behind `doc.end()`), which does all
 * escaping, pretty-printing and serialisation. No XML is ever assembled from strings here.
 *
 * Why not a DOM: building xmlbuilder2's W3C DOM (element/attribute creation, mutation algorithm) and serialising it
 * through the namespace-aware algorithm (a prefix map copied per element) took ≈ 8–12 ms of the 50-result build.
 * The tree already carries its qualified names and namespace declarations (the HL7 default namespace and the `lab`,
 * `xsi`, `sdtc` prefixes are declared on `ClinicalDocument`; anything else gets its declaration where it is
 * written), so xmlbuilder2 takes its namespace-free path: same bytes, no DOM, no prefix maps
 * (docs/benchmarks.md "Builder", docs/decisions.md). xmlbuilder2's callback writer (`createCB`) was measured too
 * and rejected: it creates a DOM document per element and copies the prefix map per element (≈ 100 ms).
 *
 * The tree nodes implement the part of xmlbuilder2's DOM that its writer reads (`nodeType`/`_nodeType`,
 * `_children`, `firstChild`/`nextSibling`, `hasChildNodes()`, `localName`, `attributes`, `data`, and the document's
 * `_nodeDocument._hasNamespaces`); `test/cda/build-xml.test.ts` checks the bytes against xmlbuilder2's public
 * DOM path so that an xmlbuilder2 upgrade changing this contract fails loudly.
 *
 * Kept-as-written content (a raw entry, a section narrative) is parsed by xmlbuilder2 and its nodes copied into the
 * tree, so it cannot inject unbalanced markup.
 * @module
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilderOptions, XMLWriterOptions } from 'xmlbuilder2/lib/interfaces.js';
import { XMLWriter } from 'xmlbuilder2/lib/writers/XMLWriter.js';
import { CisisBioError } from '../../common/errors.js';

/** HL7 v3 (CDA) namespace. */
export const NS_HL7 = 'urn:hl7-org:v3';
/** IHE laboratory extension namespace (`lab:statusCode` on serviceEvent). */
export const NS_LAB = 'urn:oid:1.3.6.1.4.1.19376.1.3.2';
/** XML Schema instance namespace (`xsi:type`). */
export const NS_XSI = 'http://www.w3.org/2001/XMLSchema-instance';
/** HL7 SDTC extension namespace (`sdtc:deceasedInd`). */
export const NS_SDTC = 'urn:hl7-org:sdtc';
const NS_XMLNS = 'http://www.w3.org/2000/xmlns/';
const NS_XML = 'http://www.w3.org/XML/1998/namespace';

/** Attribute values; `undefined` (and `null`) entries are not written. */
export type Attrs = Record<string, string | undefined | null>;

/** Characters XML 1.0 cannot carry, even escaped. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the control characters XML forbids is the point.
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Text that cannot be written in an XML document (control characters…). */
export class XmlCharacterError extends CisisBioError {
  constructor(text: string) {
    super(
      'XML_INVALID_CHARACTER',
      `text contains a character XML cannot carry: ${JSON.stringify(text.slice(0, 60))}`,
    );
  }
}

/**
 * A text or attribute value as handed to xmlbuilder2: refused if XML cannot carry it; every `&` written as `&amp;`.
 * xmlbuilder2 escapes `<`, `>`, `"` and `&` but leaves alone an `&` that already looks like a reference
 * (`&nbsp;`, `&amp;`, `&#1;`), which would write an undefined entity (not well-formed) or change the text
 * (`&amp;` read back as `&`); with every ampersand already written as `&amp;`, it escapes nothing twice.
 */
function value(text: string): string {
  if (INVALID_XML_CHARS.test(text)) throw new XmlCharacterError(text);
  return text.indexOf('&') < 0 ? text : text.replace(/&/g, '&amp;');
}

// ---- the light tree (node types as in the W3C DOM: element 1, text 3, CDATA 4, PI 7, comment 8, document 9)

/** An attribute of a {@link TreeElement}: its qualified name and its value. */
class TreeAttr {
  constructor(
    readonly localName: string,
    public value: string,
  ) {}
}

/** Text, CDATA section, processing instruction or comment. */
class TreeData {
  readonly _nodeType: number;
  nextSibling: TreeChild | null = null;
  constructor(
    readonly nodeType: 3 | 4 | 7 | 8,
    readonly data: string,
    readonly target = '',
  ) {
    this._nodeType = nodeType;
  }
}

/** An element; `localName` holds the qualified name as written (`lab:statusCode`). */
class TreeElement {
  readonly nodeType = 1;
  readonly _nodeType = 1;
  readonly attributes: TreeAttr[] = [];
  readonly _children: TreeChild[] = [];
  firstChild: TreeChild | null = null;
  nextSibling: TreeChild | null = null;
  constructor(readonly localName: string) {}

  hasChildNodes(): boolean {
    return this._children.length > 0;
  }

  append(child: TreeChild): void {
    const kids = this._children;
    const last = kids[kids.length - 1];
    if (last) last.nextSibling = child;
    else this.firstChild = child;
    kids.push(child);
  }
}

type TreeChild = TreeElement | TreeData;

/** The document: its element, and the flag that sends xmlbuilder2's writer down its namespace-free path. */
class TreeDocument {
  readonly nodeType = 9;
  readonly _nodeType = 9;
  readonly _nodeDocument = { _hasNamespaces: false };
  readonly _children: TreeElement[];
  constructor(root: TreeElement) {
    this._children = [root];
  }
}

/** Namespaces in scope: prefix (`''` for the default namespace) → namespace URI. */
type Scope = ReadonlyMap<string, string>;

/** An element being written: appends children, text and attributes. */
export class XMLBuilder {
  constructor(
    /** The element in the document tree. */
    readonly node: TreeElement,
    /** Namespaces declared on the element and its ancestors. */
    private readonly scope: Scope,
  ) {}

  /**
   * Append a child element in `namespace` (default HL7) with the defined attributes. `name` is the qualified
   * name; its prefix is declared on the element unless it is already bound to `namespace`.
   */
  ele(name: string, attrs?: Attrs, namespace: string = NS_HL7): XMLBuilder {
    const e = new TreeElement(name);
    let scope = this.scope;
    const colon = name.indexOf(':');
    const prefix = colon < 0 ? '' : name.slice(0, colon);
    if (scope.get(prefix) !== namespace) {
      e.attributes.push(new TreeAttr(prefix ? `xmlns:${prefix}` : 'xmlns', value(namespace)));
      scope = new Map(scope).set(prefix, namespace);
    }
    if (attrs) {
      for (const k in attrs) {
        const v = attrs[k];
        if (v !== undefined && v !== null) e.attributes.push(new TreeAttr(k, value(v)));
      }
    }
    this.node.append(e);
    return new XMLBuilder(e, scope);
  }

  /** Append text (escaped by the serialiser). */
  txt(text: string): this {
    this.node.append(new TreeData(3, value(text)));
    return this;
  }

  /** Set an attribute (replaces its value if it is already set, keeping its place). */
  att(name: string, v: string): this {
    const stored = value(v);
    for (const a of this.node.attributes) {
      if (a.localName === name) {
        a.value = stored;
        return this;
      }
    }
    this.node.attributes.push(new TreeAttr(name, stored));
    return this;
  }

  /** Append a copy of a node parsed elsewhere (kept-as-written content), its namespaces fixed up. */
  importNode(node: ParsedNode): void {
    const c = copyParsed(node, this.scope);
    if (c) this.node.append(c);
  }
}

/** What is read from a node parsed by xmlbuilder2 (W3C DOM). */
interface ParsedNode {
  readonly nodeType: number;
  readonly namespaceURI?: string | null;
  readonly prefix?: string | null;
  readonly localName?: string;
  readonly value?: string;
  readonly data?: string;
  readonly target?: string;
  readonly attributes?: ArrayLike<ParsedNode>;
  readonly childNodes: ArrayLike<ParsedNode>;
}

/**
 * Copy a parsed node into the tree. Names are qualified against the namespaces in scope where it is inserted, as a
 * namespace-aware serialiser would: an element in the default namespace is written unprefixed, a prefix bound to
 * the same namespace is reused, redundant declarations are dropped, missing ones are written on the element.
 */
function copyParsed(node: ParsedNode, scope: Scope): TreeChild | undefined {
  switch (node.nodeType) {
    case 1:
      return copyElement(node, scope);
    case 3:
      return new TreeData(3, value(node.data ?? ''));
    case 4:
      return new TreeData(4, checkedOnly(node.data ?? ''));
    case 7:
      return new TreeData(7, checkedOnly(node.data ?? ''), node.target ?? '');
    case 8:
      return new TreeData(8, checkedOnly(node.data ?? ''));
    default:
      return undefined;
  }
}

/** CDATA, comment and PI data are written as they are (no escaping applies): only the characters are checked. */
function checkedOnly(text: string): string {
  if (INVALID_XML_CHARS.test(text)) throw new XmlCharacterError(text);
  return text;
}

function copyElement(node: ParsedNode, inherited: Scope): TreeElement {
  let scope: Map<string, string> | undefined;
  const decls: TreeAttr[] = [];
  const bind = (prefix: string, ns: string) => {
    scope ??= new Map(inherited);
    scope.set(prefix, ns);
    decls.push(new TreeAttr(prefix ? `xmlns:${prefix}` : 'xmlns', value(ns)));
  };
  const lookup = (prefix: string) => (scope ?? inherited).get(prefix);
  const attrs = node.attributes ?? [];
  // Prefix declarations written on the node (the default one follows from the element's own namespace).
  let defaultDecl: string | undefined;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i] as ParsedNode;
    if (a.namespaceURI !== NS_XMLNS) continue;
    if (!a.prefix) defaultDecl = a.value ?? '';
    else if (lookup(a.localName ?? '') !== (a.value ?? '')) bind(a.localName ?? '', a.value ?? '');
  }
  const ns = node.namespaceURI ?? '';
  const local = node.localName ?? '';
  let name: string;
  if (ns === (lookup('') ?? '')) name = local;
  else {
    const prefix = node.prefix ?? '';
    if (!prefix) bind('', ns);
    else if (lookup(prefix) !== ns) bind(prefix, ns);
    name = prefix ? `${prefix}:${local}` : local;
  }
  if (defaultDecl !== undefined && defaultDecl !== (lookup('') ?? '')) bind('', defaultDecl);
  const e = new TreeElement(name);
  const own: TreeAttr[] = [];
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i] as ParsedNode;
    const ans = a.namespaceURI ?? '';
    const aLocal = a.localName ?? '';
    if (ans === NS_XMLNS) continue;
    if (ans === '') own.push(new TreeAttr(aLocal, value(a.value ?? '')));
    else if (ans === NS_XML) own.push(new TreeAttr(`xml:${aLocal}`, value(a.value ?? '')));
    else
      own.push(
        new TreeAttr(
          `${prefixFor(ans, a.prefix ?? '', lookup, bind, scope ?? inherited)}:${aLocal}`,
          value(a.value ?? ''),
        ),
      );
  }
  e.attributes.push(...decls, ...own);
  const kids = node.childNodes;
  const childScope = scope ?? inherited;
  for (let i = 0; i < kids.length; i++) {
    const c = copyParsed(kids[i] as ParsedNode, childScope);
    if (c) e.append(c);
  }
  return e;
}

/** The prefix to write a namespaced attribute with: its own if bound to its namespace, another bound one, or new. */
function prefixFor(
  ns: string,
  own: string,
  lookup: (prefix: string) => string | undefined,
  bind: (prefix: string, ns: string) => void,
  scope: Scope,
): string {
  if (own && lookup(own) === ns) return own;
  for (const [p, uri] of scope) if (p && uri === ns) return p;
  let p = own;
  for (let n = 1; !p || lookup(p) !== undefined; n++) p = `ns${n}`;
  bind(p, ns);
  return p;
}

/** Append an element named `name` (HL7 namespace) with the defined attributes. */
export function el(parent: XMLBuilder, name: string, attrs?: Attrs): XMLBuilder {
  return parent.ele(name, attrs);
}

/** A CDA document being written: the document tree and its `ClinicalDocument` element. */
export interface CdaDocument {
  doc: TreeDocument;
  root: XMLBuilder;
}

/**
 * Start a CDA document: `ClinicalDocument` with the HL7 default namespace and the `lab`, `xsi` (and optionally
 * `sdtc`) prefixes declared on it. The XML declaration is written by {@link serialize}.
 */
export function createClinicalDocument(options: { sdtc?: boolean } = {}): CdaDocument {
  const root = new TreeElement('ClinicalDocument');
  const scope = new Map([
    ['', NS_HL7],
    ['lab', NS_LAB],
    ['xsi', NS_XSI],
  ]);
  if (options.sdtc) scope.set('sdtc', NS_SDTC);
  for (const [prefix, ns] of scope)
    root.attributes.push(new TreeAttr(prefix ? `xmlns:${prefix}` : 'xmlns', ns));
  return { doc: new TreeDocument(root), root: new XMLBuilder(root, scope) };
}

const BUILDER_OPTIONS = { version: '1.0', encoding: 'UTF-8' } as XMLBuilderOptions;
const encoder = new TextEncoder();

/**
 * Serialise a document built with {@link createClinicalDocument} with xmlbuilder2's XML writer (XML declaration,
 * pretty-printed with a 2-space indent unless `pretty` is false): UTF-8 string and bytes.
 */
export function serialize(doc: CdaDocument['doc'], pretty = true): { xml: string; bytes: Uint8Array } {
  const writerOptions = { prettyPrint: pretty, indent: '  ' } as XMLWriterOptions;
  const writer = new XMLWriter(BUILDER_OPTIONS, writerOptions);
  const xml = writer.serialize(doc as unknown as Parameters<XMLWriter['serialize']>[0]);
  return { xml, bytes: encoder.encode(xml) };
}

/**
 * Parse an XML fragment kept verbatim in the model (a raw section entry) with xmlbuilder2 and append its nodes
 * under `parent`: it cannot inject unbalanced markup.
 */
export function importFragment(parent: XMLBuilder, xml: string): void {
  const frag = create(xml);
  parent.importNode(frag.root().node as unknown as ParsedNode);
}

/**
 * Import narrative content kept as written (the inner XML of a section `<text>`, HL7 namespace) under `text`:
 * it is parsed whole by xmlbuilder2 inside a `<text>` wrapper, then its child nodes are copied.
 */
export function importNarrative(text: XMLBuilder, inner: string): void {
  const frag = create(['<text xmlns="', NS_HL7, '">', inner, '</text>'].join(''));
  const children = (frag.root().node as unknown as ParsedNode).childNodes;
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    if (c) text.importNode(c);
  }
}
