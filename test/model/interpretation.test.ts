// interpretationsAsWritten / isCriticalResult / criticalFlagProblem: the interpretation codes a critical result
// carries in the CDA (and the PDF marks), and when the flag cannot apply. Expected codes and display names are written
// out here from HL7 ObservationInterpretation and the kit's JDV_HL7_ObservationInterpretation_CISIS, not computed.
import { describe, expect, it } from 'vitest';
import {
  type Code,
  criticalFlagProblem,
  interpretationsAsWritten,
  isCriticalResult,
  type Observation,
} from '../../src/model/index.js';

const HL7 = '2.16.840.1.113883.5.83';
const i = (code: string, displayName?: string): Code => ({
  code,
  codeSystem: HL7,
  ...(displayName ? { displayName } : {}),
});
const codes = (list: Code[] | undefined) => list?.map((c) => c.code);
/** A valued, performed result with these fields. */
const valued = (o: Partial<Observation>) => ({
  status: 'completed' as const,
  value: { type: 'PQ' as const, value: '6.9', unit: 'mmol/L' },
  ...o,
});

describe('interpretationsAsWritten', () => {
  it('leaves a result that is not critical as given', () => {
    const interpretations = [i('H', 'Élevé')];
    expect(interpretationsAsWritten(valued({ interpretations }))).toBe(interpretations);
    expect(interpretationsAsWritten(valued({ critical: false, interpretations }))).toBe(interpretations);
    expect(interpretationsAsWritten(valued({}))).toBeUndefined();
  });

  it('strengthens H, L and A with the value set display names, dropping the plain code’s texts', () => {
    const high: Code = {
      ...i('H', 'Élevé'),
      originalText: 'élevé',
      originalTextRef: '#int-1',
      translations: [{ code: 'HI', codeSystem: '1.2.250.1.2.3', displayName: 'haut' }],
    };
    // The narrative shows the critical code's display name, not the "élevé" of the code it replaces.
    expect(interpretationsAsWritten(valued({ critical: true, interpretations: [high] }))).toEqual([
      { code: 'HH', codeSystem: HL7, displayName: 'Très anormalement haut, alerte' },
    ]);
    expect(interpretationsAsWritten(valued({ critical: true, interpretations: [i('L', 'Bas')] }))).toEqual([
      i('LL', 'Très anormalement bas, alerte'),
    ]);
    expect(interpretationsAsWritten(valued({ critical: true, interpretations: [i('A')] }))).toEqual([
      i('AA', 'Très anormal, alerte'),
    ]);
    expect(
      codes(interpretationsAsWritten(valued({ critical: true, interpretations: [i('H'), i('POS')] }))),
    ).toEqual(['HH', 'POS']);
  });

  it('otherwise adds AA after the other codes', () => {
    expect(codes(interpretationsAsWritten(valued({ critical: true, interpretations: [i('POS')] })))).toEqual([
      'POS',
      'AA',
    ]);
    expect(interpretationsAsWritten(valued({ critical: true }))).toEqual([i('AA', 'Très anormal, alerte')]);
  });

  it('keeps codes that are already critical (a parsed document rebuilds unchanged)', () => {
    const interpretations = [i('HH', 'Critique haut'), i('POS')];
    expect(interpretationsAsWritten(valued({ critical: true, interpretations }))).toBe(interpretations);
  });

  it('does not touch codes of another system', () => {
    const local: Code = { code: 'H', codeSystem: '1.2.250.1.2.3' };
    expect(interpretationsAsWritten(valued({ critical: true, interpretations: [local] }))).toEqual([
      local,
      i('AA', 'Très anormal, alerte'),
    ]);
  });

  it('ignores a flag that cannot apply: N (not rewritten to AA), no value, not performed', () => {
    const normal = [i('N', 'Normal')];
    expect(interpretationsAsWritten(valued({ critical: true, interpretations: normal }))).toBe(normal);
    expect(interpretationsAsWritten({ status: 'completed', critical: true })).toBeUndefined();
    expect(interpretationsAsWritten(valued({ status: 'aborted', critical: true }))).toBeUndefined();
  });

  it('a pending result carries none (the CDA writes it in the narrative only)', () => {
    expect(interpretationsAsWritten({ status: 'completed', pending: true, interpretations: [i('HH')] })).toBe(
      undefined,
    );
  });

  it('reads codes as own keys only: constructor, toString are not critical codes', () => {
    for (const code of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const list = [i(code)];
      expect(isCriticalResult(valued({ interpretations: list }))).toBe(false);
      expect(interpretationsAsWritten(valued({ interpretations: list }))).toBe(list);
      expect(interpretationsAsWritten(valued({ critical: true, interpretations: list }))).toEqual([
        i(code),
        i('AA', 'Très anormal, alerte'),
      ]);
    }
  });
});

describe('isCriticalResult', () => {
  it('is the flag, or HH/LL/AA as the CDA carries them', () => {
    expect(isCriticalResult(valued({ critical: true }))).toBe(true);
    expect(isCriticalResult(valued({ interpretations: [i('LL')] }))).toBe(true);
    expect(isCriticalResult(valued({ interpretations: [i('AA')] }))).toBe(true);
    expect(isCriticalResult(valued({ interpretations: [i('L'), i('H'), i('A')] }))).toBe(false);
    expect(isCriticalResult(valued({ interpretations: [{ code: 'HH', codeSystem: '1.2.250.1.2.3' }] }))).toBe(
      false,
    );
  });

  it('is never a pending result, nor a flag without a value', () => {
    expect(isCriticalResult({ status: 'completed', pending: true, interpretations: [i('HH')] })).toBe(false);
    expect(isCriticalResult({ status: 'completed', pending: true, critical: true })).toBe(false);
    expect(isCriticalResult({ status: 'aborted', critical: true })).toBe(false);
    expect(isCriticalResult(valued({ critical: true, interpretations: [i('N')] }))).toBe(false);
  });
});

describe('criticalFlagProblem', () => {
  it('names why a flag cannot apply, with its stable code', () => {
    expect(criticalFlagProblem(valued({ critical: true, interpretations: [i('H')] }))).toBeUndefined();
    expect(criticalFlagProblem({ status: 'completed', interpretations: [i('N')] })).toBeUndefined();
    expect(criticalFlagProblem({ status: 'completed', pending: true, critical: true })?.code).toBe(
      'PENDING_CRITICAL',
    );
    expect(criticalFlagProblem({ status: 'completed', critical: true })?.code).toBe('CRITICAL_WITHOUT_VALUE');
    expect(criticalFlagProblem(valued({ status: 'aborted', critical: true }))?.code).toBe(
      'CRITICAL_WITHOUT_VALUE',
    );
    expect(criticalFlagProblem(valued({ critical: true, interpretations: [i('N')] }))?.code).toBe(
      'CRITICAL_WITH_NORMAL',
    );
  });
});
