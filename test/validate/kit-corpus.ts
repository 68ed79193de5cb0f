/**
 * The kit parity corpus: every example of the ANS kit with its own volet (the one its `<?oxygen SCHSchema?>`
 * names) and the volet cisis-bio chooses by itself, plus deterministic mutants of fifteen non-biology examples
 * (several structural edits each, so that rules fire). The reference verdicts of the ANS engine for all of them
 * are in fixtures/kit-verdicts.json (made once by kit-verdicts-generate.ts with Saxon-HE; the suite needs no Java).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser, type Element, type Node, XMLSerializer } from '@xmldom/xmldom';
import { EXAMPLES_DIR } from '../helpers/shared.js';

/** The four transverse profiles, paths relative to the kit. */
export const COMMON_PROFILES: Record<string, string> = {
  'ASIP-STRUCT-MIN-StrucMin': 'schematrons/profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch',
  IHE: 'schematrons/profils/IHE.sch',
  'CI-SIS_ModelesDeContenusCDA': 'schematrons/profils/CI-SIS_ModelesDeContenusCDA.sch',
  'CI-SIS_Modeles_ANS': 'schematrons/profils/CI-SIS_Modeles_ANS.sch',
};

/** Examples the mutants are made from: one per non-biology family, small enough to keep the suite fast. */
export const MUTANT_SOURCES = [
  'AVC-SUNV_2022.01.xml',
  'CANCER-D2LM-FIDD_2022.01.xml',
  'CANCER-CR-GM_2022.01_AnalyseNonRealisee.xml',
  'CARD-F-PRC-PPV_2022.01.xml',
  'CNAM-HR_2021.01_sans-info.xml',
  'CSE-MDE_2023.01.xml',
  'DLU-EHPAD-FLUDT_2022.01.xml',
  'eDISP-MED_2024.01.xml',
  'eP-MED-DM_2022.01_PosoNonStruct.xml',
  'LDL-EES_2022.01.xml',
  'OBP-SCM_2024.01.xml',
  'SDM-MR_2024.01_nouveau-ne.xml',
  'TLM-DA_2022.01_TE1_anamnèse-non-structurée.xml',
  'VAC-NOTE_2023.01.xml',
  'VSM_1.4_2022.01.xml',
] as const;

export const MUTANTS_PER_SOURCE = 4;

/** A document of the corpus: its name, bytes, and the volet the kit example names for it (if any). */
export interface CorpusDocument {
  name: string;
  xml: Buffer;
  /** The volet named by the source example's `<?oxygen SCHSchema="…CI-SIS_X.sch"?>`, e.g. `CI-SIS_AVC-SUNV_2022.01`. */
  ownVolet?: string;
  /** For mutants: the source example and the edits made. */
  source?: string;
  edits?: string[];
}

/** The volet an example's oxygen processing instruction names. */
export function ownVoletOf(xml: string): string | undefined {
  for (const m of xml.matchAll(/<\?oxygen\s+SCHSchema="([^"]*)"\?>/g)) {
    const v = /(CI-SIS_[^/]+)\.sch$/.exec(m[1]!);
    if (v && !m[1]!.includes('profils/')) return v[1];
  }
  return undefined;
}

/** Every example of the kit. */
export function kitExamples(): CorpusDocument[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((name) => {
      const xml = readFileSync(join(EXAMPLES_DIR, name));
      const own = ownVoletOf(xml.toString('utf8'));
      return own ? { name, xml, ownVolet: own } : { name, xml };
    });
}

/** A small deterministic PRNG (mulberry32), seeded from a string. */
function prng(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TINY_PDF_B64 = Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64');

function elements(n: Node, out: Element[] = []): Element[] {
  for (let c = n.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1) {
      out.push(c as Element);
      elements(c, out);
    }
  }
  return out;
}

function pathOf(e: Node): string {
  const parts: string[] = [];
  for (let n: Node | null = e; n && n.nodeType === 1; n = n.parentNode) parts.push((n as Element).localName!);
  return parts.reverse().join('/');
}

/** One edit on a random element; returns its description, or undefined when the element did not suit it. */
function mutate(root: Element, rnd: () => number): string | undefined {
  const all = elements(root);
  const el = all[Math.floor(rnd() * all.length)]!;
  const kind = ['remove', 'duplicate', 'attr-remove', 'attr-change', 'text'][Math.floor(rnd() * 5)]!;
  const where = pathOf(el);
  switch (kind) {
    case 'remove':
      el.parentNode?.removeChild(el);
      return `remove ${where}`;
    case 'duplicate':
      el.parentNode?.insertBefore(el.cloneNode(true), el.nextSibling);
      return `duplicate ${where}`;
    case 'attr-remove':
    case 'attr-change': {
      const attrs = Array.from({ length: el.attributes.length }, (_, i) => el.attributes.item(i)!).filter(
        (a) => !a.name.startsWith('xmlns'),
      );
      if (attrs.length === 0) return undefined;
      const a = attrs[Math.floor(rnd() * attrs.length)]!;
      if (kind === 'attr-remove') {
        el.removeAttribute(a.name);
        return `attr-remove ${where}/@${a.name}`;
      }
      el.setAttribute(a.name, ['ZZZ', '1.2.3', '-1', 'UNK', ''][Math.floor(rnd() * 5)]!);
      return `attr-change ${where}/@${a.name}`;
    }
    default: {
      const hasText = Array.from({ length: el.childNodes.length }, (_, i) => el.childNodes.item(i)!).some(
        (c) => c.nodeType === 3 && (c.nodeValue ?? '').trim() !== '',
      );
      if (!hasText) return undefined;
      el.textContent = 'zzz';
      return `text ${where}`;
    }
  }
}

/** The mutants: {@link MUTANTS_PER_SOURCE} per source, 2–5 edits each, base64 payloads shortened. */
export function kitMutants(): CorpusDocument[] {
  const out: CorpusDocument[] = [];
  for (const source of MUTANT_SOURCES) {
    const text = readFileSync(join(EXAMPLES_DIR, source), 'utf8').replace(/^\uFEFF/, '');
    const ownVolet = ownVoletOf(text);
    for (let k = 0; k < MUTANTS_PER_SOURCE; k++) {
      const name = `${source.replace(/\.xml$/, '')}__k${String(k).padStart(2, '0')}.xml`;
      const rnd = prng(name);
      const doc = new DOMParser().parseFromString(text, 'text/xml');
      const root = doc.documentElement!;
      for (const e of elements(root)) {
        if (e.getAttribute('representation') === 'B64') e.textContent = TINY_PDF_B64;
      }
      const edits: string[] = [];
      const want = 2 + Math.floor(rnd() * 4);
      for (let tries = 0; edits.length < want && tries < 50; tries++) {
        const e = mutate(root, rnd);
        if (e) edits.push(e);
      }
      const xml = Buffer.from(new XMLSerializer().serializeToString(doc), 'utf8');
      out.push({ name, xml, source, edits, ...(ownVolet ? { ownVolet } : {}) });
    }
  }
  return out;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
