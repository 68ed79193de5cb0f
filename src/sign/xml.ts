// Small helpers to write the signature XML as text (we control every byte) and to walk a libxml2 tree.
import type { XmlElement, XmlTreeNode } from 'libxml2-wasm';
import { libxml2 } from './c14n.js';

export function escText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

export function escAttr(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/** xs:NCName (what an `Id` attribute may hold), ASCII subset. */
export const NCNAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/** Base64 on one line. */
export function b64(data: Uint8Array): string {
  return Buffer.from(data).toString('base64');
}

/** Element children of a libxml2 element. */
export function childElements(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n: XmlTreeNode | null = el.firstChild; n; n = n.next) {
    if (isElement(n)) out.push(n);
  }
  return out;
}

export function isElement(n: unknown): n is XmlElement {
  return n instanceof libxml2().XmlElement;
}

export function is(el: XmlElement | null | undefined, ns: string, local: string): el is XmlElement {
  return !!el && el.namespaceUri === ns && el.name === local;
}

/** Every element of the subtree, document order. */
export function* walk(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of childElements(el)) yield* walk(c);
}

/** Path of an element for messages: /ds:Signature/ds:Object[2]/... */
export function pathOf(el: XmlElement): string {
  const parts: string[] = [];
  for (let e: XmlElement | null = el; e; e = e.parent) {
    const name = e.prefix ? `${e.prefix}:${e.name}` : e.name;
    const parent: XmlElement | null = e.parent;
    let idx = 0;
    let count = 0;
    if (parent) {
      for (const s of childElements(parent) as XmlElement[]) {
        if (s.name === e.name && s.namespaceUri === e.namespaceUri) {
          count++;
          if (s.isSameNode(e)) idx = count;
        }
      }
    }
    parts.unshift(count > 1 ? `${name}[${idx}]` : name);
  }
  return `/${parts.join('/')}`;
}

/** Trimmed text content of an element. */
export function textOf(el: XmlElement | undefined): string {
  return (el?.content ?? '').trim();
}
