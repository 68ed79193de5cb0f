import type {
  Address,
  Code,
  InstanceId,
  NullFlavor,
  Organization,
  PersonName,
  QuantityBound,
  ReferenceRange,
  ResultValue,
  Telecom,
  TimeSpec,
} from '../model/index.js';
import { displayUnit } from '../model/index.js';

/**
 * French display of model values. Numbers are shown exactly as the lab wrote them (the model keeps decimal
 * strings: "1.950" stays "1.950"); dates and times go to the French forms `JJ/MM/AAAA` and `HH:MM`, in the
 * local time the lab wrote (no time-zone conversion: the report is read in the lab's time).
 */

const TS = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?/;

/** HL7 TS → `02/04/2014 à 14:55`, `02/04/2014`, `04/2014` or `2014`, by precision. */
export function frDateTime(ts: string | undefined, withTime = true): string {
  if (!ts) return '';
  const m = TS.exec(ts);
  if (!m) return ts;
  const [, y, mo, d, h, mi] = m;
  if (!mo) return y!;
  if (!d) return `${mo}/${y}`;
  const date = `${d}/${mo}/${y}`;
  if (!withTime || !h) return date;
  return `${date} à ${h}:${mi ?? '00'}`;
}

/** `YYYY-MM-DD` → `JJ/MM/AAAA`. */
export function frIsoDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** The most telling point of a CDA time: value, else high, else low. */
export function timePoint(t: TimeSpec | undefined): string | undefined {
  return t?.value ?? t?.high ?? t?.low;
}

const NULL_FLAVOR: Record<NullFlavor, string> = {
  NI: 'Non renseigné',
  NA: 'Non applicable',
  UNK: 'Inconnu',
  ASKU: 'Demandé, inconnu',
  NAV: 'Non disponible',
  NASK: 'Non demandé',
  MSK: 'Masqué',
  OTH: 'Autre',
  NINF: '−∞',
  PINF: '+∞',
  TRC: 'Traces',
  QS: 'Quantité suffisante',
  NP: 'Non présent',
};

export function frNullFlavor(nf: NullFlavor): string {
  return NULL_FLAVOR[nf] ?? nf;
}

/** The human label of a code: originalText, displayName, a translation's displayName, then the code. */
export function codeLabel(c: Code | undefined): string {
  if (!c) return '';
  return (
    c.originalText ??
    c.displayName ??
    c.translations?.find((t) => t.displayName)?.displayName ??
    c.code ??
    (c.nullFlavor ? frNullFlavor(c.nullFlavor) : '')
  );
}

/** UCUM unit as a French lab prints it (`10*9/L` → `G/L`, `[IU]/mL` → `UI/mL`; one table, src/model/units.ts); `1` → nothing. */
export function frUnit(unit: string | undefined): string {
  return !unit || unit === '1' ? '' : displayUnit(unit);
}

function bound(b: QuantityBound | undefined): string | undefined {
  if (!b) return undefined;
  if (b.value !== undefined) return b.value;
  return b.nullFlavor ? frNullFlavor(b.nullFlavor) : undefined;
}

/** A displayed value and the unit that goes in the unit column. */
export interface DisplayValue {
  value: string;
  unit: string;
}

/** An interval `low – high`, or `< high` / `≤ high` / `> low` / `≥ low` (inclusive flags as written). */
function interval(low: QuantityBound | undefined, high: QuantityBound | undefined): string {
  const l = bound(low);
  const h = bound(high);
  if (l !== undefined && h !== undefined) return `${l} – ${h}`;
  if (h !== undefined) return `${high?.inclusive === false ? '<' : '≤'} ${h}`;
  if (l !== undefined) return `${low?.inclusive === false ? '>' : '≥'} ${l}`;
  return '';
}

/** A result value for the table: value as written, and its unit. */
export function displayValue(v: ResultValue | undefined): DisplayValue {
  if (!v) return { value: '', unit: '' };
  if ('nullFlavor' in v && v.nullFlavor && !('value' in v && v.value !== undefined)) {
    if (v.type !== 'CD' && v.type !== 'CE' && v.type !== 'CV' && v.type !== 'CO') {
      return { value: frNullFlavor(v.nullFlavor), unit: '' };
    }
  }
  switch (v.type) {
    case 'PQ':
      return { value: v.value ?? '', unit: frUnit(v.unit) };
    case 'IVL_PQ': {
      const unit = v.low?.unit ?? v.high?.unit ?? v.center?.unit;
      const value = v.center?.value !== undefined ? v.center.value : interval(v.low, v.high);
      return { value, unit: frUnit(unit) };
    }
    case 'REAL':
    case 'INT':
      return { value: v.value ?? '', unit: '' };
    case 'ST':
      return { value: v.text, unit: '' };
    case 'CD':
    case 'CE':
    case 'CV':
    case 'CO':
      return { value: codeLabel(v), unit: '' };
    case 'BL':
      return { value: v.value === undefined ? '' : v.value ? 'Oui' : 'Non', unit: '' };
    case 'TS':
      return { value: frDateTime(v.value), unit: '' };
    case 'RTO':
    case 'RTO_PQ_PQ': {
      const nu = frUnit(v.numerator.unit);
      const du = frUnit(v.denominator.unit);
      const n = `${v.numerator.value}${nu ? ` ${nu}` : ''}`;
      const d = `${v.denominator.value}${du ? ` ${du}` : ''}`;
      return { value: `${n}/${d}`, unit: '' };
    }
    case 'ED':
      return {
        value:
          v.representation === 'B64' ? `[document ${v.mediaType ?? ''}]`.replace(' ]', ']') : (v.text ?? ''),
        unit: '',
      };
  }
}

/** Reference range as displayed: its text, else its interval; the unit is added when it differs. */
export function displayRange(r: ReferenceRange | undefined, resultUnit: string): string {
  if (!r) return '';
  if (r.text) return r.text;
  if (!r.value) return '';
  const d = displayValue(r.value);
  return d.unit && d.unit !== resultUnit ? `${d.value} ${d.unit}` : d.value;
}

const INTERPRETATION: Record<string, string> = {
  H: 'Élevé',
  HH: 'Très élevé',
  HU: 'Très élevé',
  L: 'Bas',
  LL: 'Très bas',
  LU: 'Très bas',
  A: 'Anormal',
  AA: 'Très anormal',
  N: '',
  S: 'Sensible',
  SDD: 'Sensible (dose)',
  I: 'Intermédiaire',
  R: 'Résistant',
  NS: 'Non sensible',
  POS: 'Positif',
  NEG: 'Négatif',
  IND: 'Indéterminé',
  DET: 'Détecté',
  ND: 'Non détecté',
  '<': 'Sous le seuil',
  '>': 'Au-dessus du seuil',
};

/** Interpretation flags in French (HL7 ObservationInterpretation); `N` (normal) shows nothing. */
export function frInterpretation(codes: readonly Code[] | undefined): { text: string; abnormal: boolean } {
  if (!codes?.length) return { text: '', abnormal: false };
  const parts: string[] = [];
  let abnormal = false;
  for (const c of codes) {
    const k = c.code ?? '';
    // Own keys only: a code named like an Object.prototype member (`constructor`) is a plain code.
    const t = Object.hasOwn(INTERPRETATION, k) ? INTERPRETATION[k]! : codeLabel(c);
    if (t) parts.push(t);
    if (['H', 'HH', 'HU', 'L', 'LL', 'LU', 'A', 'AA', 'R', 'POS', 'DET'].includes(k)) abnormal = true;
  }
  return { text: parts.join(', '), abnormal };
}

const PREFIX: Record<string, string> = {
  DR: 'Dr',
  PR: 'Pr',
  MME: 'Mme',
  M: 'M.',
  MLLE: 'Mlle',
  MC: 'Dr',
  MD: 'Dr',
};

/** `Dr Jean DUPONT`. */
export function frPersonName(n: PersonName | undefined): string {
  if (!n) return '';
  if (n.nullFlavor && !n.family && !n.given?.length) return frNullFlavor(n.nullFlavor);
  const title = n.suffix
    ? (PREFIX[n.suffix.toUpperCase()] ?? n.suffix)
    : n.prefix
      ? (PREFIX[n.prefix.toUpperCase()] ?? n.prefix)
      : '';
  return [title, ...(n.given ?? []), n.family ?? ''].filter((s) => s).join(' ');
}

/** Address lines: street lines, then `postal code + city`, then country when not France. */
export function frAddressLines(a: Address | undefined): string[] {
  if (!a || (a.nullFlavor && !a.city && !a.streetAddressLines?.length)) return [];
  if (a.streetAddressLines?.length) return a.streetAddressLines.filter((l) => l.trim());
  const street = [a.houseNumber ?? a.houseNumberNumeric, a.streetNameType, a.streetNameBase ?? a.streetName]
    .filter((s) => s)
    .join(' ');
  const lines = [
    street,
    a.additionalLocator ?? '',
    a.postBox ?? '',
    [a.postalCode, a.city].filter((s) => s).join(' '),
  ];
  if (a.country && !/^(fr|france)$/i.test(a.country)) lines.push(a.country);
  return lines.filter((l) => l.trim());
}

/** `Tél. 0144534551 · contact@lab.mssante.fr`. */
export function frTelecoms(t: readonly Telecom[] | undefined): string {
  if (!t?.length) return '';
  return t
    .filter((x) => x.value)
    .map((x) => {
      const v = x.value!;
      const m = /^(tel|fax|mailto|http|https):(.*)$/i.exec(v);
      if (!m) return v;
      const scheme = m[1]!.toLowerCase();
      if (scheme === 'tel') return `Tél. ${m[2]}`;
      if (scheme === 'fax') return `Fax ${m[2]}`;
      if (scheme === 'mailto') return m[2]!;
      return v;
    })
    .join(' · ');
}

const FINESS_ROOT = '1.2.250.1.71.4.2.2';
const RPPS_ROOT = '1.2.250.1.71.4.2.1';

/** `FINESS 120459870` from an IDNST (`1` prefix) or a FINESS root. */
export function frOrganizationIds(o: Organization | undefined): string {
  const id = o?.ids?.find((i) => i.root === FINESS_ROOT && i.extension);
  if (!id?.extension) return '';
  const ext = id.extension;
  if (ext.startsWith('1') && ext.length === 10) return `FINESS ${ext.slice(1)}`;
  if (ext.startsWith('3') && ext.length === 15) return `SIRET ${ext.slice(1)}`;
  if (ext.startsWith('2') && ext.length === 10) return `SIREN ${ext.slice(1)}`;
  return `Id. ${ext}`;
}

/** `RPPS 10003591806` from an IDNPS (`8` prefix). */
export function frPersonIds(ids: readonly InstanceId[] | undefined): string {
  const id = ids?.find((i) => i.root === RPPS_ROOT && i.extension);
  if (!id?.extension) return '';
  const ext = id.extension;
  if (ext.startsWith('8') && ext.length === 12) return `RPPS ${ext.slice(1)}`;
  if (ext.startsWith('0') && ext.length === 10) return `ADELI ${ext.slice(1)}`;
  return '';
}

/** An identifier as shown: the extension, else the root. */
export function frId(id: InstanceId | undefined): string {
  if (!id) return '';
  return id.extension ?? id.root;
}

/** CDA narrative (inner XML of `<text>`) → plain text with line breaks. */
export function narrativeToText(xml: string): string {
  return xml
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(paragraph|tr|item|content|caption|title|list|table)>/gi, (m) =>
      /content/i.test(m) ? ' ' : '\n',
    )
    .replace(/<\/(td|th)>/gi, '\t')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l, i, a) => l || (i > 0 && a[i - 1]))
    .join('\n')
    .trim();
}
