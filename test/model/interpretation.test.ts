// interpretationsAsWritten / isCriticalResult: the interpretation codes a critical result carries in the CDA (and the
// PDF marks). Expected codes and display names are written out here from HL7 ObservationInterpretation and the kit's
// JDV_HL7_ObservationInterpretation_CISIS, not computed.
import { describe, expect, it } from 'vitest';
import { type Code, interpretationsAsWritten, isCriticalResult } from '../../src/model/index.js';

const HL7 = '2.16.840.1.113883.5.83';
const i = (code: string, displayName?: string): Code => ({
  code,
  codeSystem: HL7,
  ...(displayName ? { displayName } : {}),
});
const codes = (list: Code[] | undefined) => list?.map((c) => c.code);

describe('interpretationsAsWritten', () => {
  it('leaves a result that is not critical as given', () => {
    const interpretations = [i('H', 'Élevé')];
    expect(interpretationsAsWritten({ interpretations })).toBe(interpretations);
    expect(interpretationsAsWritten({ critical: false, interpretations })).toBe(interpretations);
    expect(interpretationsAsWritten({})).toBeUndefined();
  });

  it('strengthens H, L and A with the value set display names, keeping the other fields', () => {
    expect(
      interpretationsAsWritten({
        critical: true,
        interpretations: [{ ...i('H', 'Élevé'), originalText: 'élevé' }],
      }),
    ).toEqual([
      { code: 'HH', codeSystem: HL7, displayName: 'Très anormalement haut, alerte', originalText: 'élevé' },
    ]);
    expect(interpretationsAsWritten({ critical: true, interpretations: [i('L', 'Bas')] })).toEqual([
      i('LL', 'Très anormalement bas, alerte'),
    ]);
    expect(interpretationsAsWritten({ critical: true, interpretations: [i('A')] })).toEqual([
      i('AA', 'Très anormal, alerte'),
    ]);
    expect(codes(interpretationsAsWritten({ critical: true, interpretations: [i('H'), i('POS')] }))).toEqual([
      'HH',
      'POS',
    ]);
  });

  it('otherwise replaces N by AA, or adds AA after the other codes', () => {
    expect(codes(interpretationsAsWritten({ critical: true, interpretations: [i('N', 'Normal')] }))).toEqual([
      'AA',
    ]);
    expect(codes(interpretationsAsWritten({ critical: true, interpretations: [i('POS')] }))).toEqual([
      'POS',
      'AA',
    ]);
    expect(interpretationsAsWritten({ critical: true })).toEqual([i('AA', 'Très anormal, alerte')]);
  });

  it('keeps codes that are already critical (a parsed document rebuilds unchanged)', () => {
    const interpretations = [i('HH', 'Critique haut'), i('N')];
    expect(interpretationsAsWritten({ critical: true, interpretations })).toBe(interpretations);
  });

  it('does not touch codes of another system', () => {
    const local: Code = { code: 'H', codeSystem: '1.2.250.1.2.3' };
    expect(interpretationsAsWritten({ critical: true, interpretations: [local] })).toEqual([
      local,
      i('AA', 'Très anormal, alerte'),
    ]);
  });
});

describe('isCriticalResult', () => {
  it('is the flag, or HH/LL/AA as the CDA carries them', () => {
    expect(isCriticalResult({ critical: true })).toBe(true);
    expect(isCriticalResult({ interpretations: [i('LL')] })).toBe(true);
    expect(isCriticalResult({ interpretations: [i('AA')] })).toBe(true);
    expect(isCriticalResult({ interpretations: [i('L'), i('H'), i('A')] })).toBe(false);
    expect(isCriticalResult({ interpretations: [{ code: 'HH', codeSystem: '1.2.250.1.2.3' }] })).toBe(false);
  });
});
