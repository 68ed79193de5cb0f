/**
 * Critical (panic) values: the interpretation codes a result carries in the CDA when the model flags it `critical`,
 * when the flag cannot apply, and the test the PDF and the CDA share, so that the PDF never says more than the CDA.
 * @module
 */
import type { Code } from './coded-value.js';
import { CODE_SYSTEM } from './codes.js';
import type { Observation } from './results.js';

/**
 * The critical codes of HL7 ObservationInterpretation with their display names in JDV_HL7_ObservationInterpretation_CISIS
 * (the ANS kit's value set, which the volet binds `interpretationCode` to).
 * @example
 * ```ts
 * CRITICAL_INTERPRETATIONS.HH; // 'Très anormalement haut, alerte'
 * ```
 */
export const CRITICAL_INTERPRETATIONS: Readonly<Record<'HH' | 'LL' | 'AA', string>> = {
  HH: 'Très anormalement haut, alerte',
  LL: 'Très anormalement bas, alerte',
  AA: 'Très anormal, alerte',
};
type CriticalCode = keyof typeof CRITICAL_INTERPRETATIONS;
/** The critical codes, as a set: codes are compared as data, never looked up as object keys (`constructor`…). */
const CRITICAL_CODES: ReadonlySet<string> = new Set(Object.keys(CRITICAL_INTERPRETATIONS));
/** The plain abnormal code each critical code strengthens. */
const STRENGTHENED: ReadonlyMap<string, CriticalCode> = new Map([
  ['H', 'HH'],
  ['L', 'LL'],
  ['A', 'AA'],
]);

/** What the critical decision reads of a result (an {@link Observation} has them all). */
export type CriticalResultFields = Pick<
  Observation,
  'critical' | 'interpretations' | 'pending' | 'value' | 'status'
>;

/** Why a result's `critical` flag cannot apply: its stable code (a build error at `….critical`) and why. */
export interface CriticalFlagProblem {
  code: 'PENDING_CRITICAL' | 'CRITICAL_WITHOUT_VALUE' | 'CRITICAL_WITH_NORMAL';
  message: string;
}

/** The code of an HL7 ObservationInterpretation code (no code system counts as it: the builder refuses one). */
function hl7Code(c: Code): string | undefined {
  const hl7 = c.codeSystem === undefined || c.codeSystem === CODE_SYSTEM.HL7_OBSERVATION_INTERPRETATION;
  return hl7 ? c.code : undefined;
}

/**
 * Whether an interpretation code is HL7's HH, LL or AA.
 * @example
 * ```ts
 * isCriticalInterpretation({ code: 'HH', codeSystem: '2.16.840.1.113883.5.83' }); // true
 * ```
 */
export function isCriticalInterpretation(c: Code): boolean {
  return CRITICAL_CODES.has(hl7Code(c) ?? '');
}

/**
 * The critical code replacing a plain one: its code system kept, its texts dropped (originalText, its reference,
 * translations said "élevé" — the narrative shows the value set's display name instead).
 */
function criticalCode(c: Code, code: CriticalCode): Code {
  const { originalText: _text, originalTextRef: _ref, translations: _translations, ...base } = c;
  return { ...base, code, displayName: CRITICAL_INTERPRETATIONS[code] };
}

/**
 * Why a result's `critical: true` cannot apply, or `undefined` when it can (or the flag is not set). A pending result
 * has no value yet (PENDING_CRITICAL); a result without a value, or not performed (`status: 'aborted'`), has
 * nothing to be critical (CRITICAL_WITHOUT_VALUE); an `N` (normal) interpretation contradicts it
 * (CRITICAL_WITH_NORMAL: correct the interpretation or drop the flag — it is not rewritten). The build refuses
 * these; {@link interpretationsAsWritten} ignores such a flag, so the PDF does not mark the result either.
 * @example
 * ```ts
 * criticalFlagProblem({ status: 'aborted', critical: true })?.code; // 'CRITICAL_WITHOUT_VALUE'
 * ```
 */
export function criticalFlagProblem(result: CriticalResultFields): CriticalFlagProblem | undefined {
  if (result.critical !== true) return undefined;
  if (result.pending === true)
    return { code: 'PENDING_CRITICAL', message: 'a pending result has no value yet: it cannot be critical' };
  if (result.value === undefined || result.status === 'aborted')
    return {
      code: 'CRITICAL_WITHOUT_VALUE',
      message: 'a result without a value, or not performed, cannot be critical',
    };
  if (result.interpretations?.some((c) => hl7Code(c) === 'N'))
    return {
      code: 'CRITICAL_WITH_NORMAL',
      message:
        'a result interpreted N (normal) cannot be critical: correct the interpretation or drop the flag',
    };
  return undefined;
}

/**
 * The interpretation codes a result carries in the CDA. A pending result carries none (the CDA writes it in the
 * narrative only). A result not flagged `critical`, one whose flag cannot apply ({@link criticalFlagProblem}), or
 * one whose interpretations already hold HH, LL or AA keeps them as given (so a parsed document rebuilds
 * unchanged). A `critical` result gets the critical variant: H → HH, L → LL, A → AA; with none of those, AA is added
 * after its other codes (POS, DET…). A replaced code takes the value set's display name and loses its originalText
 * and translations (they named the plain code).
 * @example
 * ```ts
 * interpretationsAsWritten({
 *   status: 'completed',
 *   value: { type: 'PQ', value: '6.9', unit: 'mmol/L' },
 *   critical: true,
 *   interpretations: [{ code: 'H', codeSystem: '2.16.840.1.113883.5.83' }],
 * });
 * // [{ code: 'HH', codeSystem: '2.16.840.1.113883.5.83', displayName: 'Très anormalement haut, alerte' }]
 * ```
 */
export function interpretationsAsWritten(result: CriticalResultFields): Code[] | undefined {
  if (result.pending === true) return undefined;
  const list = result.interpretations;
  if (result.critical !== true || criticalFlagProblem(result) || list?.some(isCriticalInterpretation))
    return list;
  const own = list ?? [];
  if (own.some((c) => STRENGTHENED.has(hl7Code(c) ?? '')))
    return own.map((c) => {
      const strong = STRENGTHENED.get(hl7Code(c) ?? '');
      return strong ? criticalCode(c, strong) : c;
    });
  const aa = {
    code: 'AA',
    displayName: CRITICAL_INTERPRETATIONS.AA,
    codeSystem: CODE_SYSTEM.HL7_OBSERVATION_INTERPRETATION,
  };
  return [...own, aa];
}

/**
 * Whether a result is a critical value as the CDA carries it: interpreted HH, LL or AA, or flagged `critical` where
 * the flag applies. Never a pending result (the CDA has no entry for it).
 * @example
 * ```ts
 * isCriticalResult({ status: 'completed', interpretations: [{ code: 'LL', codeSystem: '2.16.840.1.113883.5.83' }] }); // true
 * ```
 */
export function isCriticalResult(result: CriticalResultFields): boolean {
  return (interpretationsAsWritten(result) ?? []).some(isCriticalInterpretation);
}
