/**
 * The DOM helpers every module shares, on any W3C-like tree (@xmldom's, or the engine's node view of it): element
 * children, the ANS "full-path-2" path of an element, the XML-declaration test.
 * @module
 */

/** What these helpers read of a node. */
export interface DomLike {
  nodeType: number;
  nodeName: string;
  firstChild?: DomLike | null;
  nextSibling?: DomLike | null;
  previousSibling?: DomLike | null;
  parentNode?: DomLike | null;
}

const ELEMENT = 1;
const PROCESSING_INSTRUCTION = 7;

/**
 * Element children of a node (any namespace), in document order.
 *
 * @example
 * elementChildren(doc.documentElement).map((e) => e.nodeName) // ['realmCode', 'typeId', 'templateId', …]
 */
export function elementChildren<N extends DomLike>(parent: N): N[] {
  const out: N[] = [];
  for (let c = parent.firstChild as N | null | undefined; c; c = c.nextSibling as N | null | undefined)
    if (c.nodeType === ELEMENT) out.push(c);
  return out;
}

/**
 * Path of an element in the ANS "full-path-2" form: element names as written, `[n]` only when an earlier sibling
 * has the same name — `/ClinicalDocument/component/structuredBody/component[2]/section`. `/` for no element.
 *
 * @example
 * elementPath(section) // '/ClinicalDocument/component/structuredBody/component[2]/section'
 */
export function elementPath(node: DomLike | null | undefined): string {
  const parts: string[] = [];
  for (let n = node; n && n.nodeType === ELEMENT; n = n.parentNode) {
    let index = 1;
    for (let s = n.previousSibling; s; s = s.previousSibling)
      if (s.nodeType === ELEMENT && s.nodeName === n.nodeName) index++;
    parts.push(index > 1 ? `${n.nodeName}[${index}]` : n.nodeName);
  }
  return `/${parts.reverse().join('/')}`;
}

/** @xmldom keeps the XML declaration as a processing instruction named `xml`; XPath has no such node. */
export function isXmlDeclaration(n: DomLike): boolean {
  return n.nodeType === PROCESSING_INSTRUCTION && n.nodeName.toLowerCase() === 'xml';
}
