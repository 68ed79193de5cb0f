/**
 * LOINC code syntax and the mod-10 check digit, and the LOINC codes of a model. Pure (no Node API): here in the
 * model so that the builder (cda) checks codes without depending on the loinc module, which sits above it.
 * @module
 */
import type { Code } from './coded-value.js';
import { luhnKey } from './identifiers.js';

/** OID of LOINC in CDA `@codeSystem`. */
export const LOINC_OID = '2.16.840.1.113883.6.1';
/** LOINC's canonical URI (FHIR `system`). */
export const LOINC_URI = 'http://loinc.org';

/** What kind of LOINC identifier a code is. */
export type LoincCodeKind = 'term' | 'answer' | 'part' | 'answer-list' | 'group';

/** Verdict of {@link checkLoincCode}. */
export interface LoincCodeVerdict {
  code: string;
  valid: boolean;
  /** Kind of identifier, when the form is recognised. */
  kind?: LoincCodeKind;
  /** Why it is not valid. */
  message?: string;
  /** For a term code with a wrong check digit: the digit LOINC's algorithm gives. */
  expectedCheckDigit?: number;
}

const TERM = /^(\d{1,7})-(\d)$/;
const OTHER: ReadonlyArray<[RegExp, LoincCodeKind]> = [
  [/^LA\d{1,8}-\d$/, 'answer'],
  [/^LP\d{1,8}-\d$/, 'part'],
  [/^LL\d{1,8}-\d$/, 'answer-list'],
  [/^LG\d{1,8}-\d$/, 'group'],
];

/**
 * LOINC's mod-10 check digit of a term number (the digits before the hyphen): from the rightmost digit, every
 * other digit is doubled and the digits of the products summed with the others; the check digit brings the sum
 * to a multiple of ten (the Luhn scheme LOINC publishes).
 *
 * @example
 * loincCheckDigit('2345') // 7 (2345-7 Glucose)
 */
export function loincCheckDigit(base: string): number {
  return Number(luhnKey(base));
}

/**
 * Check the form of a LOINC code: a term code `^\d{1,7}-\d$` with its mod-10 check digit; answer, part,
 * answer-list and group codes (`LA…`, `LP…`, `LL…`, `LG…`) get a format check only.
 *
 * @example
 * checkLoincCode('6690-2').valid // true
 * checkLoincCode('6690-3')       // { valid: false, expectedCheckDigit: 2, message: 'check digit 3 is wrong: 6690-2 …' }
 */
export function checkLoincCode(code: string): LoincCodeVerdict {
  const m = TERM.exec(code);
  if (m) {
    const base = m[1] as string;
    const given = Number(m[2]);
    const expected = loincCheckDigit(base);
    if (given === expected) return { code, valid: true, kind: 'term' };
    return {
      code,
      valid: false,
      kind: 'term',
      expectedCheckDigit: expected,
      message: `LOINC ${code}: check digit ${given} is wrong (mod-10 gives ${base}-${expected})`,
    };
  }
  for (const [re, kind] of OTHER) if (re.test(code)) return { code, valid: true, kind };
  return {
    code,
    valid: false,
    message: `${JSON.stringify(code)} is not a LOINC code (NNNNN-N, or LA/LP/LL/LG followed by NNNN-N)`,
  };
}

/**
 * Every LOINC code of a model (any object whose `codeSystem` is LOINC's OID, including translations), with its
 * model path.
 *
 * @example
 * loincCodesOf(report).map((c) => c.code.code) // ['18719-5', '2345-7', …]
 */
export function loincCodesOf(model: unknown): Array<{ path: string; code: Code }> {
  const out: Array<{ path: string; code: Code }> = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((x, i) => {
        walk(x, `${path}[${i}]`);
      });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.codeSystem === LOINC_OID && typeof o.code === 'string') out.push({ path, code: o as Code });
    for (const [k, v] of Object.entries(o)) {
      if (v !== null && typeof v === 'object') walk(v, path === '' ? k : `${path}.${k}`);
    }
  };
  walk(model, '');
  return out;
}
