/**
 * Candidate LOINC codes for a local analysis, ranked by component, system and unit match — a suggestion for the
 * person mapping the catalogue, never applied by itself.
 * @module
 */

import type { LoincEntry, LoincTable } from './table.js';
import { PROPERTY_UNIT_KINDS, unitKind } from './units.js';

/** One suggested LOINC term, with its score in [0, 1]. */
export interface LoincCandidate {
  code: string;
  longName: string;
  score: number;
}

/** What is known of a local analysis for ranking. */
export interface CandidateQuery {
  label: string;
  specimen?: string;
  unit?: string;
}

/** French lab words → LOINC component words (the words LOINC uses; accents already folded). */
const LEXICON: Readonly<Record<string, string>> = {
  glycemie: 'glucose',
  uree: 'urea',
  plaquettes: 'platelets',
  hematies: 'erythrocytes',
  erythrocytes: 'erythrocytes',
  leucocytes: 'leukocytes',
  chlore: 'chloride',
  chlorure: 'chloride',
  fer: 'iron',
  asat: 'aspartate aminotransferase',
  alat: 'alanine aminotransferase',
  ggt: 'gamma glutamyl transferase',
  crp: 'c reactive protein',
  tsh: 'thyrotropin',
  t4l: 'thyroxine free',
  proteines: 'protein',
  phosphatases: 'phosphatase',
  alcalines: 'alkaline',
  vgm: 'erythrocyte mean corpuscular volume',
  tcmh: 'hemoglobin erythrocytes',
  ccmh: 'hemoglobin erythrocytes',
  hba1c: 'hemoglobin a1c',
  inr: 'inr',
  eosinophiles: 'eosinophils',
  neutrophiles: 'neutrophils',
  basophiles: 'basophils',
  lymphocytes: 'lymphocytes',
  monocytes: 'monocytes',
  globulines: 'globulin',
  nitrites: 'nitrite',
  couleur: 'color',
  aspect: 'appearance',
  bacteries: 'bacteria',
  cellules: 'cells',
  epitheliales: 'epithelial',
  jeun: 'cfst',
};
const STOP = new Set([
  'de',
  'du',
  'des',
  'la',
  'le',
  'les',
  'en',
  'in',
  'of',
  'and',
  'et',
  'a',
  'by',
  'total',
  'dosage',
  'taux',
]);

/**
 * Match keys of a label: lower case, accents and punctuation dropped, French lab words mapped to LOINC's, words cut
 * to 6 letters (hémoglobine ≈ hemoglobin).
 *
 * @example
 * matchKeys('Urée sanguine') // ['urea', 'sangui']
 */
export function matchKeys(text: string): string[] {
  const words = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && !STOP.has(w));
  const out = new Set<string>();
  for (const w of words)
    for (const x of (LEXICON[w] ?? w).split(' ')) if (!STOP.has(x)) out.add(x.slice(0, 6));
  return [...out];
}

/** LOINC systems a French specimen word points to. */
const SPECIMEN_WORDS: ReadonlyArray<[RegExp, readonly string[]]> = [
  [/s[ée]rum|plasma|sang veineux/i, ['Ser/Plas', 'Ser', 'Plas']],
  [/sang|blood|bld/i, ['Bld', 'RBC', 'BldC', 'Ser/Plas']],
  [/urine/i, ['Urine', 'Urine sed']],
  [/gorge|throat/i, ['Thrt']],
  [/selles|stool/i, ['Stool']],
  [/lcr|c[ée]phalo/i, ['CSF']],
];

/** An index of the table's components by match key, built once per table. */
const indexes = new WeakMap<LoincTable, Map<string, string[]>>();

function componentIndex(table: LoincTable): Map<string, string[]> {
  let idx = indexes.get(table);
  if (idx) return idx;
  idx = new Map();
  for (const e of table) {
    if (e.status === 'DEPRECATED' || (e.classType !== '' && e.classType !== '1')) continue;
    for (const k of matchKeys(e.component.replace(/[\^.:/]/g, ' '))) {
      const list = idx.get(k);
      if (list) list.push(e.code);
      else idx.set(k, [e.code]);
    }
  }
  indexes.set(table, idx);
  return idx;
}

function score(q: CandidateQuery, keys: string[], e: LoincEntry): number {
  const comp = matchKeys(e.component.replace(/[\^.:/]/g, ' '));
  const common = keys.filter((k) => comp.includes(k)).length;
  let s = (0.6 * common) / Math.max(keys.length, comp.length);
  const systems = SPECIMEN_WORDS.find(([re]) => re.test(q.specimen ?? ''))?.[1];
  if (systems?.includes(e.system)) s += 0.2;
  const kind = q.unit ? unitKind(q.unit) : undefined;
  if (kind && PROPERTY_UNIT_KINDS[e.property]?.includes(kind)) s += 0.15;
  if (
    q.unit &&
    e.exampleUcumUnits
      .split(';')
      .map((u) => u.trim())
      .includes(q.unit)
  )
    s += 0.05;
  return Math.round(s * 100) / 100;
}

/**
 * The best candidate LOINC terms for a local analysis (ACTIVE/TRIAL/DISCOURAGED laboratory terms sharing a
 * component word with the label), best first.
 *
 * @example
 * suggestLoinc(table, { label: 'Glucose', specimen: 'Sérum', unit: 'mmol/L' })[0]?.code // '40193-5' or '2345-7' …
 */
export function suggestLoinc(table: LoincTable, q: CandidateQuery, max = 3): LoincCandidate[] {
  const keys = matchKeys(q.label);
  const idx = componentIndex(table);
  const seen = new Set<string>();
  for (const k of keys) for (const c of idx.get(k) ?? []) seen.add(c);
  const ranked: LoincCandidate[] = [];
  for (const c of seen) {
    const e = table.get(c);
    if (e) ranked.push({ code: c, longName: e.longName, score: score(q, keys, e) });
  }
  ranked.sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
  return ranked.slice(0, max);
}
