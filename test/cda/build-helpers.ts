// Helpers shared by the builder tests (test/cda/build*.test.ts, property.test.ts, test/cli/build.test.ts).
import { DOMParser, type Element } from '@xmldom/xmldom';
import { PDFDocument } from 'pdf-lib';
import { SCENARIOS } from '../../src/cda/index.js';
import type { CrBioReport, Observation } from '../../src/model/index.js';
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

// Critical results (test/cda/critical.test.ts, test/pdf/critical.test.ts): LOINC codes of the biochemistry scenario.
export const CREATININE = '14682-9';
export const POTASSIUM = '2823-3';

/** The biochemistry scenario with its creatinine (H) flagged critical and commented. */
export function withCriticalCreatinine(): CrBioReport {
  const m = SCENARIOS.find((s) => s.name === 'biochemistry')!.model();
  const creat = results(m).find((o) => o.code.code === CREATININE)!;
  creat.critical = true;
  creat.comments = [{ kind: 'comment', text: 'Appelé au Dr Charles à 15 h 10.' }];
  return m;
}

/** Every object of a given `kind` (observation, specimen…) in a report's sections, in document order. */
export function ofKind<T>(m: CrBioReport, kind: string): T[] {
  const out: T[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v && typeof v === 'object') {
      if ((v as { kind?: string }).kind === kind) out.push(v as T);
      for (const x of Object.values(v)) visit(x);
    }
  };
  visit(m.sections);
  return out;
}

/** Every result of a report, in document order. */
export function results(m: CrBioReport): Observation[] {
  return ofKind<Observation>(m, 'observation');
}
