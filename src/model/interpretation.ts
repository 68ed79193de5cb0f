/**
 * Critical (panic) values: the interpretation codes a result carries in the CDA when the model flags it `critical`,
 * and the test the PDF and the CDA share, so that the PDF never says more than the CDA.
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
/** The plain abnormal code each critical code strengthens. */
const STRENGTHENED: Readonly<Record<string, keyof typeof CRITICAL_INTERPRETATIONS>> = {
  H: 'HH',
  L: 'LL',
  A: 'AA',
};

/** The code of an HL7 ObservationInterpretation code (no code system counts as it: the builder refuses one). */
function hl7Code(c: Code): string | undefined {
  const hl7 = c.codeSystem === undefined || c.codeSystem === CODE_SYSTEM.HL7_OBSERVATION_INTERPRETATION;
  return hl7 ? c.code : undefined;
}

function isCriticalCode(c: Code): boolean {
  const k = hl7Code(c);
  return k !== undefined && k in CRITICAL_INTERPRETATIONS;
}

function criticalCode(c: Code, code: keyof typeof CRITICAL_INTERPRETATIONS): Code {
  return { ...c, code, displayName: CRITICAL_INTERPRETATIONS[code] };
}

/**
 * The interpretation codes a result carries in the CDA. A result not flagged `critical`, or one whose
 * interpretations already hold HH, LL or AA, keeps them as given (so a parsed document rebuilds unchanged). A
 * `critical` result gets the critical variant: H → HH, L → LL, A → AA; with none of those, its N becomes AA, or AA is
 * added after its other codes (POS, DET…). A replaced code keeps its other fields (originalText, translations) and
 * takes the value set's display name.
 * @example
 * ```ts
 * interpretationsAsWritten({ critical: true, interpretations: [{ code: 'H', codeSystem: '2.16.840.1.113883.5.83' }] });
 * // [{ code: 'HH', codeSystem: '2.16.840.1.113883.5.83', displayName: 'Très anormalement haut, alerte' }]
 * ```
 */
export function interpretationsAsWritten(
  result: Pick<Observation, 'critical' | 'interpretations'>,
): Code[] | undefined {
  const list = result.interpretations;
  if (result.critical !== true || list?.some(isCriticalCode)) return list;
  const own = list ?? [];
  if (own.some((c) => (hl7Code(c) ?? '') in STRENGTHENED))
    return own.map((c) => {
      const strong = STRENGTHENED[hl7Code(c) ?? ''];
      return strong ? criticalCode(c, strong) : c;
    });
  const normal = own.findIndex((c) => hl7Code(c) === 'N');
  if (normal >= 0) return own.map((c, i) => (i === normal ? criticalCode(c, 'AA') : c));
  const aa = {
    code: 'AA',
    displayName: CRITICAL_INTERPRETATIONS.AA,
    codeSystem: CODE_SYSTEM.HL7_OBSERVATION_INTERPRETATION,
  };
  return [...own, aa];
}

/**
 * Whether a result is a critical value: flagged `critical`, or interpreted HH, LL or AA (as the CDA carries it).
 * @example
 * ```ts
 * isCriticalResult({ interpretations: [{ code: 'LL', codeSystem: '2.16.840.1.113883.5.83' }] }); // true
 * ```
 */
export function isCriticalResult(result: Pick<Observation, 'critical' | 'interpretations'>): boolean {
  return (interpretationsAsWritten(result) ?? []).some(isCriticalCode);
}
