/**
 * Human-readable renderings of model values for the narrative block (what a reader of the CDA sees).
 * They never change the structured entries, which keep the values exactly as written.
 * @module
 */
import type {
  Code,
  CodeBase,
  QuantityBound,
  ReferenceRange,
  ResultValue,
  TimeSpec,
} from '../../model/index.js';

/** `20240104073500+0100` → `04/01/2024 07:35` (date only when the TS has no time). */
export function formatTs(ts: string | undefined): string {
  if (!ts) return '';
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?/.exec(ts);
  if (!m) return ts;
  const [, y, mo, d, h, mi] = m;
  let out = d && mo ? `${d}/${mo}/${y}` : mo ? `${mo}/${y}` : `${y}`;
  if (h) out += ` ${h}:${mi ?? '00'}`;
  return out;
}

/** The most telling time of a time spec (value, else high, else low). */
export function formatTime(t: TimeSpec | undefined): string {
  if (!t) return '';
  return formatTs(t.value ?? t.high ?? t.low);
}

/** Text a reader sees for a code: its original text, else its display name, else the code itself. */
export function codeText(c: Code | CodeBase | undefined): string {
  if (!c) return '';
  const ot = (c as Code).originalText;
  if (ot) return ot;
  if (c.displayName) return c.displayName;
  const tr = (c as Code).translations?.find((t) => t.displayName);
  if (tr?.displayName) return tr.displayName;
  return c.code ?? '';
}

function boundText(b: QuantityBound | undefined): string {
  return b?.value ?? '';
}

/** Result value without unit, e.g. `1.950`, `< 1.0`, `>= 0.512`, `paille`. */
export function valueText(v: ResultValue | undefined): string {
  if (!v) return '';
  switch (v.type) {
    case 'PQ':
    case 'REAL':
    case 'INT':
      return v.value ?? v.nullFlavor ?? '';
    case 'IVL_PQ': {
      if (v.low && v.high) return `${boundText(v.low)} - ${boundText(v.high)}`;
      if (v.high) return `${v.high.inclusive === false ? '<' : '<='} ${boundText(v.high)}`;
      if (v.low) return `${v.low.inclusive === false ? '>' : '>='} ${boundText(v.low)}`;
      if (v.center) return boundText(v.center);
      return v.nullFlavor ?? '';
    }
    case 'ST':
      return v.text;
    case 'CD':
    case 'CE':
    case 'CV':
    case 'CO':
      return codeText(v);
    case 'BL':
      return v.value === undefined ? (v.nullFlavor ?? '') : v.value ? 'oui' : 'non';
    case 'TS':
      return formatTs(v.value);
    case 'RTO':
    case 'RTO_PQ_PQ':
      return `${v.numerator.value}/${v.denominator.value}`;
    case 'ED':
      return v.mediaType ?? 'document';
  }
}

/** Unit shown beside a value (UCUM code as written). */
export function unitText(v: ResultValue | undefined): string {
  if (!v) return '';
  if (v.type === 'PQ') return v.unit ?? '';
  if (v.type === 'IVL_PQ') return v.low?.unit ?? v.high?.unit ?? v.center?.unit ?? '';
  if (v.type === 'RTO' || v.type === 'RTO_PQ_PQ') return v.numerator.unit ?? '';
  return '';
}

/** Reference range text, e.g. `0.270 - 4.200 m[IU]/L`. */
export function rangeText(r: ReferenceRange | undefined): string {
  if (!r) return '';
  if (r.text) return r.text;
  const v = valueText(r.value);
  const u = unitText(r.value);
  return u ? `${v} ${u}` : v;
}

/** Interpretation codes as shown (display name, else code). */
export function interpretationText(list: readonly Code[] | undefined): string {
  return (list ?? []).map((c) => c.displayName ?? c.code ?? '').join(', ');
}
