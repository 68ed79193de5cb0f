import type { Element, Node } from '@xmldom/xmldom';
import { XMLSerializer } from '@xmldom/xmldom';
import { elementChildren, elementPath } from '../../common/dom.js';
import { CisisBioError } from '../../common/errors.js';

/** The HL7 v3 namespace of CDA R2. */
export const HL7_NS = 'urn:hl7-org:v3';
/** XML Schema instance namespace (`xsi:type`). */
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
/** IHE Lab extension namespace (`lab:statusCode`). */
export const LAB_NS = 'urn:oid:1.3.6.1.4.1.19376.1.3.2';
/** HL7 SDTC extension namespace (`sdtc:deceasedInd`). */
export const SDTC_NS = 'urn:hl7-org:sdtc';

/** Something the parser noticed and did not map to the model (or mapped with a fallback). */
export interface ParseWarning {
  /** Stable code: UNMODELED_ELEMENT, UNKNOWN_SECTION, EXTRA_ELEMENT, FALLBACK, UNRESOLVED_REFERENCE… */
  code: string;
  message: string;
  /** Location in the ANS "full-path-2" form, e.g. `/ClinicalDocument/component/structuredBody/component[2]/section`. */
  xpath: string;
  /** Model path of the value concerned (e.g. `legalAuthenticator.ids[0].extension`), for checks run on the model. */
  modelPath?: string;
}

/** The CDA is well-formed XML but structurally unusable as a CR-BIO (missing header part, bad value…). */
export class CdaParseError extends CisisBioError {
  /** XPath of the offending element. */
  readonly xpath: string;
  constructor(message: string, xpath: string, code = 'CDA_UNUSABLE') {
    super(code, message, { where: xpath });
    this.xpath = xpath;
  }
}

const ELEMENT = 1;

/**
 * XPath of an element in the ANS "full-path-2" form: element names, `[n]` only when an earlier sibling has
 * the same name.
 */
export function xpathOf(node: Node | null | undefined): string {
  return elementPath(node);
}

export { elementChildren };

/**
 * Attribute value, or undefined when the attribute is missing **or empty** (an empty attribute carries nothing the
 * model could hold, and CDA datatypes forbid empty codes, ids and values).
 */
export function attr(el: Element | undefined, name: string): string | undefined {
  if (!el?.hasAttribute(name)) return undefined;
  const v = el.getAttribute(name);
  return v === null || v === '' ? undefined : v;
}

/** `xsi:type` local part (`PQ`, `IVL_PQ`…), without prefix. */
export function xsiType(el: Element): string | undefined {
  const t = el.getAttributeNS(XSI_NS, 'type') || undefined;
  if (!t) return undefined;
  const i = t.indexOf(':');
  return i >= 0 ? t.slice(i + 1) : t;
}

/** Text content with whitespace runs collapsed and trimmed. */
export function normText(el: Node | undefined | null): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Plain text of a narrative block: `br` and block elements (paragraph, list item, table row) become line breaks,
 * other whitespace runs collapse.
 */
export function narrativeText(el: Element): string {
  const out: string[] = [];
  const walk = (n: Node) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3 || c.nodeType === 4) out.push((c.nodeValue ?? '').replace(/\s+/g, ' '));
      else if (c.nodeType === ELEMENT) {
        const name = (c as Element).localName;
        if (name === 'br') out.push('\n');
        else if (name === 'paragraph' || name === 'item' || name === 'tr' || name === 'caption') {
          out.push('\n');
          walk(c);
          out.push('\n');
        } else if (name === 'td' || name === 'th') {
          walk(c);
          out.push(' ');
        } else walk(c);
      }
    }
  };
  walk(el);
  return out
    .join('')
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n')
    .trim();
}

const serializer = new XMLSerializer();

/** Serialise one node as XML (namespace declarations added where needed). */
export function serialize(node: Node): string {
  return serializer.serializeToString(node);
}

/**
 * Serialise an element kept verbatim (raw entry): comments and whitespace-only text between elements are dropped,
 * so that the stored XML does not depend on the indentation of the source.
 */
export function serializeCompact(node: Element): string {
  return serializer
    .serializeToString(node)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/>\s+</g, '><');
}

/** Inner XML of an element in the HL7 namespace, without the redundant default-namespace declarations. */
export function innerXml(el: Element): string {
  let s = '';
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 8) continue; // comments are not content
    s += serializer.serializeToString(c);
  }
  return s.replace(/ xmlns="urn:hl7-org:v3"/g, '').trim();
}

/**
 * Reads the element children of one element, remembering which ones were used; `finish()` reports the others
 * as warnings, so that nothing is dropped silently.
 */
export class ElementReader {
  private readonly kids: Element[];
  private readonly used = new Set<Element>();
  constructor(
    readonly el: Element,
    private readonly warnings: ParseWarning[],
  ) {
    this.kids = elementChildren(el);
  }
  /** All children with this local name (HL7 namespace unless `ns` is given). */
  all(name: string, ns: string = HL7_NS): Element[] {
    const out = this.kids.filter((k) => k.localName === name && (k.namespaceURI ?? '') === ns);
    for (const k of out) this.used.add(k);
    return out;
  }
  /** First child with this name; a warning when there are several and `single` is set. */
  one(name: string, ns: string = HL7_NS, single = true): Element | undefined {
    const all = this.all(name, ns);
    if (single && all.length > 1) {
      for (const extra of all.slice(1)) {
        this.warnings.push({
          code: 'EXTRA_ELEMENT',
          message: `only the first <${name}> is read here; this one is not kept`,
          xpath: xpathOf(extra),
        });
      }
    }
    return all[0];
  }
  /** Mark children as handled without reading them (e.g. fixed templateIds). */
  skip(...names: string[]): void {
    for (const k of this.kids) if (names.includes(k.localName ?? '')) this.used.add(k);
  }
  /** Children not read so far. */
  rest(): Element[] {
    return this.kids.filter((k) => !this.used.has(k));
  }
  /** Warn about every child not read. */
  finish(what = ''): void {
    for (const k of this.rest()) {
      this.warnings.push({
        code: 'UNMODELED_ELEMENT',
        message: `<${k.nodeName}>${what ? ` in ${what}` : ''} is not part of the CR-BIO model and is not kept`,
        xpath: xpathOf(k),
      });
    }
  }
}
