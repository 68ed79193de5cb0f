/**
 * Thin layer over xmlbuilder2 used by every CDA writer. The document is created and serialised by xmlbuilder2;
 * elements are appended through the W3C DOM that xmlbuilder2 builds on (its `.node`), which is about twice as fast
 * as the builder's chained API for the thousands of small elements of a report (same serialised bytes).
 * All escaping and serialisation is xmlbuilder2's: no XML is ever assembled from strings here.
 * @module
 */
import { create } from 'xmlbuilder2';
import { CisisBioError } from '../../common/errors.js';

/** HL7 v3 (CDA) namespace. */
export const NS_HL7 = 'urn:hl7-org:v3';
/** IHE laboratory extension namespace (`lab:statusCode` on serviceEvent). */
export const NS_LAB = 'urn:oid:1.3.6.1.4.1.19376.1.3.2';
/** XML Schema instance namespace (`xsi:type`). */
export const NS_XSI = 'http://www.w3.org/2001/XMLSchema-instance';
/** HL7 SDTC extension namespace (`sdtc:deceasedInd`). */
export const NS_SDTC = 'urn:hl7-org:sdtc';

/** Attribute values; `undefined` (and `null`) entries are not written. */
export type Attrs = Record<string, string | undefined | null>;

/** The DOM operations the writers use (xmlbuilder2's DOM implementation). */
interface DomNode {
  appendChild(node: DomNode): DomNode;
  setAttribute(name: string, value: string): void;
  readonly childNodes: ArrayLike<DomNode>;
}
interface DomDocument {
  createElementNS(namespace: string, qualifiedName: string): DomNode;
  createTextNode(data: string): DomNode;
  importNode(node: DomNode, deep: boolean): DomNode;
}

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

function checked(text: string): string {
  if (INVALID_XML_CHARS.test(text)) throw new XmlCharacterError(text);
  return text;
}

/** An element being written: appends children, text and attributes. */
export class XMLBuilder {
  constructor(
    /** The underlying xmlbuilder2 DOM element. */
    readonly node: DomNode,
    private readonly doc: DomDocument,
  ) {}

  /** Append a child element in `namespace` (default HL7) with the defined attributes. */
  ele(name: string, attrs?: Attrs, namespace: string = NS_HL7): XMLBuilder {
    const e = this.doc.createElementNS(namespace, name);
    if (attrs) {
      for (const k in attrs) {
        const v = attrs[k];
        if (v !== undefined && v !== null) e.setAttribute(k, checked(v));
      }
    }
    this.node.appendChild(e);
    return new XMLBuilder(e, this.doc);
  }

  /** Append text (escaped by the serialiser). */
  txt(text: string): this {
    this.node.appendChild(this.doc.createTextNode(checked(text)));
    return this;
  }

  /** Set an attribute. */
  att(name: string, value: string): this {
    this.node.setAttribute(name, checked(value));
    return this;
  }

  /** Append a deep copy of a node parsed elsewhere (kept-as-written content). */
  importNode(node: DomNode): void {
    this.node.appendChild(this.doc.importNode(node, true));
  }
}

/** Append an element named `name` (HL7 namespace) with the defined attributes. */
export function el(parent: XMLBuilder, name: string, attrs?: Attrs): XMLBuilder {
  return parent.ele(name, attrs);
}

/** A CDA document being written: its xmlbuilder2 document and the `ClinicalDocument` element. */
export interface CdaDocument {
  doc: ReturnType<typeof create>;
  root: XMLBuilder;
}

/**
 * Start a CDA document: XML declaration and `ClinicalDocument` with the HL7 default namespace and the
 * `lab`, `xsi` (and optionally `sdtc`) prefixes declared on it.
 */
export function createClinicalDocument(options: { sdtc?: boolean } = {}): CdaDocument {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele(NS_HL7, 'ClinicalDocument', {
    'xmlns:lab': NS_LAB,
    'xmlns:xsi': NS_XSI,
    ...(options.sdtc ? { 'xmlns:sdtc': NS_SDTC } : {}),
  });
  return { doc, root: new XMLBuilder(root.node as unknown as DomNode, doc.node as unknown as DomDocument) };
}

/** Serialise a document built with {@link createClinicalDocument}: UTF-8 string and bytes. */
export function serialize(doc: CdaDocument['doc'], pretty = true): { xml: string; bytes: Uint8Array } {
  const xml = doc.end({ prettyPrint: pretty, indent: '  ' });
  return { xml, bytes: new TextEncoder().encode(xml) };
}

/**
 * Parse an XML fragment kept verbatim in the model (a raw section entry) with xmlbuilder2 and append it under
 * `parent`: it cannot inject unbalanced markup.
 */
export function importFragment(parent: XMLBuilder, xml: string): void {
  const frag = create(xml);
  parent.importNode(frag.root().node as unknown as DomNode);
}

/**
 * Import narrative content kept as written (the inner XML of a section `<text>`, HL7 namespace) under `text`:
 * it is parsed whole by xmlbuilder2 inside a `<text>` wrapper, then its child nodes are copied.
 */
export function importNarrative(text: XMLBuilder, inner: string): void {
  const frag = create(['<text xmlns="', NS_HL7, '">', inner, '</text>'].join(''));
  const children = (frag.root().node as unknown as DomNode).childNodes;
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    if (c) text.importNode(c);
  }
}
