// Helpers shared by the builder tests (test/cda/build*.test.ts, property.test.ts, test/cli/build.test.ts).
import { DOMParser, type Element } from '@xmldom/xmldom';
import { PDFDocument } from 'pdf-lib';
import type { DocumentValidation } from '../../src/validate/index.js';

let pdfBytes: Uint8Array | undefined;

/** A tiny valid one-page PDF made with pdf-lib (stable bytes: fixed dates). */
export async function tinyPdf(): Promise<Uint8Array> {
  if (!pdfBytes) {
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.addPage([200, 200]).drawText('CR-BIO test', { x: 20, y: 100, size: 12 });
    pdfBytes = await doc.save({ useObjectStreams: false });
  }
  return pdfBytes;
}

/** A counter-based id generator (UUID shape) for reproducible documents. */
export function counterIds(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

export const FIXED_CLOCK = () => new Date('2024-01-04T16:10:00Z');

const HL7 = 'urn:hl7-org:v3';

export function dom(xml: string) {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

export function elements(xml: string, name: string): Element[] {
  const list = dom(xml).getElementsByTagNameNS(HL7, name);
  const out: Element[] = [];
  for (let i = 0; i < list.length; i++) {
    const e = list.item(i);
    if (e) out.push(e);
  }
  return out;
}

/** Every `reference/@value` (`#x`) and `renderMultiMedia/@referencedObject` that does not resolve to an ID. */
export function danglingReferences(xml: string): string[] {
  const ids = new Set<string>();
  const all = dom(xml).getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) {
    const id = all.item(i)?.getAttribute('ID');
    if (id) ids.add(id);
  }
  const bad: string[] = [];
  for (const r of elements(xml, 'reference')) {
    const v = r.getAttribute('value') ?? '';
    if (!v.startsWith('#') || !ids.has(v.slice(1))) bad.push(v);
  }
  for (const r of elements(xml, 'renderMultiMedia')) {
    const v = r.getAttribute('referencedObject') ?? '';
    if (!ids.has(v)) bad.push(v);
  }
  return bad;
}

/** One line per failure of a validation (for assertion messages). */
export function failures(v: DocumentValidation): string[] {
  const out: string[] = [];
  if (v.xsd && !v.xsd.valid) out.push(`XSD: ${JSON.stringify(v.xsd).slice(0, 500)}`);
  for (const [name, r] of Object.entries(v.profiles)) {
    if ('error' in r) out.push(`${name}: engine error ${r.error}`);
    else for (const f of r.findings) out.push(`${name}: ${JSON.stringify(f).slice(0, 400)}`);
  }
  return out;
}
