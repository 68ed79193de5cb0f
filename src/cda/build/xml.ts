/**
 * Thin layer over xmlbuilder2 used by every CDA writer: namespaces, and element creation that drops
 * `undefined` attributes so callers can pass optional model fields straight through.
 * All escaping and serialisation is xmlbuilder2's: no XML is ever assembled from strings here.
 * @module
 */
import { create } from 'xmlbuilder2';
/** An xmlbuilder2 node (document or element). */
export type XMLBuilder = ReturnType<typeof create>;

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

function clean(attrs: Attrs | undefined): Record<string, string> | undefined {
  if (!attrs) return undefined;
  const out: Record<string, string> = {};
  let any = false;
  for (const k in attrs) {
    const v = attrs[k];
    if (v !== undefined && v !== null) {
      out[k] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}

/** Append an element named `name` (HL7 namespace inherited from the root) with the defined attributes. */
export function el(parent: XMLBuilder, name: string, attrs?: Attrs): XMLBuilder {
  const a = clean(attrs);
  return a ? parent.ele(name, a) : parent.ele(name);
}

/** Append an element holding only text (nothing written when `text` is undefined). */
export function textEl(parent: XMLBuilder, name: string, text: string | undefined, attrs?: Attrs): XMLBuilder | undefined {
  if (text === undefined) return undefined;
  return el(parent, name, attrs).txt(text);
}

/**
 * Start a CDA document: XML declaration and `ClinicalDocument` with the HL7 default namespace and the
 * `lab`, `xsi` (and optionally `sdtc`) prefixes declared on it.
 */
export function createClinicalDocument(options: { sdtc?: boolean } = {}): { doc: XMLBuilder; root: XMLBuilder } {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele('ClinicalDocument', {
    xmlns: NS_HL7,
    'xmlns:lab': NS_LAB,
    'xmlns:xsi': NS_XSI,
    ...(options.sdtc ? { 'xmlns:sdtc': NS_SDTC } : {}),
  });
  return { doc, root };
}

/** Serialise a document built with {@link createClinicalDocument}: UTF-8 string and bytes. */
export function serialize(doc: XMLBuilder, pretty = true): { xml: string; bytes: Uint8Array } {
  const xml = doc.end({ prettyPrint: pretty, indent: '  ' });
  return { xml, bytes: new TextEncoder().encode(xml) };
}

/**
 * Parse an XML fragment kept verbatim in the model (a raw section entry) and append it under `parent`.
 * The fragment is parsed by xmlbuilder2, so it cannot inject unbalanced markup.
 */
export function importFragment(parent: XMLBuilder, xml: string): void {
  const frag = create(xml);
  parent.import(frag.root());
}
