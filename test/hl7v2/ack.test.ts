import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ackedMessage,
  buildAck,
  buildZam,
  hl7Value,
  parseHl7v2,
  readAck,
  readZam,
} from '../../src/hl7v2/index.js';
import { FIXED_CLOCK, HL7_EXAMPLES } from './helpers.js';

const dir = join(HL7_EXAMPLES, 'TRANS_DOC_CDA_HL7V2/V2.1/ORU/Transmission initiale ORU');
const ORU = parseHl7v2(readFileSync(join(dir, 'message_ORU_CR_Bio_INIT_N1_N3.hl7')));
/** Each segment's name and the first component of each field (MSH-7, EVN-2 times and ERR-5 left out). */
const fields = (text: string) =>
  parseHl7v2(text).segments.map((s) => ({
    name: s.name,
    values: s.fields
      .map((_, i) => (['MSH|7', 'EVN|2', 'ERR|5'].includes(`${s.name}|${i}`) ? '' : hl7Value(s, i)))
      .join('|')
      .replace(/\|+$/, ''), // a trailing empty field is no field
  }));

describe('technical acknowledgements', () => {
  it('AA: the same MSH and MSA as the ANS ack.hl7, apart from time and control id', () => {
    const ours = parseHl7v2(buildAck({ to: ORU, code: 'AA', controlId: '016', clock: FIXED_CLOCK }));
    const ans = parseHl7v2(readFileSync(join(dir, 'ack.hl7')));
    for (const f of [3, 4, 5, 6, 9, 10, 11, 12, 17, 18])
      expect([f, hl7Value(ours.segments[0], f)]).toEqual([f, hl7Value(ans.segments[0], f)]);
    expect(readAck(buildAck({ to: ORU, code: 'AA', controlId: '016', clock: FIXED_CLOCK }))).toEqual(
      readAck(readFileSync(join(dir, 'ack.hl7'))),
    );
  });

  it("AE with ERR (the guide's example: unsupported version) and AR, read back", () => {
    const text = buildAck({
      to: ackedMessage(ORU),
      code: 'AE',
      controlId: 'A2',
      clock: FIXED_CLOCK,
      errors: [
        { code: '203', text: 'Unsupported version', location: { segment: 'MSH', sequence: 1, field: 12 } },
        {
          code: '207',
          text: 'Application internal error',
          severity: 'W',
          application: { code: 'X|1', text: 'a^b', system: 'LOCAL' },
        },
      ],
    });
    expect(text.split('\r')[2]).toBe('ERR||MSH^1^12|203^Unsupported version^messageErrorCondition|E');
    expect(readAck(text)).toEqual({
      code: 'AE',
      ackedControlId: '015',
      controlId: 'A2',
      trigger: 'R01',
      errors: [
        {
          code: '203',
          text: 'Unsupported version',
          severity: 'E',
          location: { segment: 'MSH', sequence: 1, field: 12 },
        },
        {
          code: '207',
          text: 'Application internal error',
          severity: 'W',
          application: { code: 'X|1', text: 'a^b', system: 'LOCAL' },
        },
      ],
    });
    expect(readAck(buildAck({ to: ORU, code: 'AR', controlId: 'A3', clock: FIXED_CLOCK })).code).toBe('AR');
  });

  it('refuses to read something else as an ACK', () => {
    expect(() => readAck(readFileSync(join(dir, 'message_ORU_CR_Bio_INIT_N1_N3.hl7')))).toThrow(
      expect.objectContaining({ code: 'MLLP_ACK' }),
    );
  });
});

describe('business acknowledgements (ZAM_Z01)', () => {
  const endpoints = {
    sendingApplication: 'PFI-X',
    sendingFacility: 'Organisation-X',
    receivingApplication: 'SIL-Y',
    receivingFacility: 'labo',
  };
  it.each([
    [
      'Message metier reception DMP',
      { kind: 'dmp-reception', ok: false, error: { code: 'DMPClosed', text: 'DMP fermé' } },
      '017',
    ],
    [
      'Message metier reception MSS',
      {
        kind: 'mss-reception',
        ok: true,
        party: { id: '801234567897', mail: 'adam.hoda@test-ci-sis.mssante.fr' },
      },
      '018',
    ],
    [
      'Message metier lecture MSS',
      {
        kind: 'mss-reading',
        ok: true,
        party: { id: '801234567897', mail: 'adam.hoda@test-ci-sis.mssante.fr' },
      },
      '019',
    ],
  ] as const)('%s: built with the same segments and values as the ANS example', (file, input, controlId) => {
    const ours = buildZam({ ...input, originalControlId: '015', controlId, clock: FIXED_CLOCK, endpoints });
    const ans = readFileSync(join(dir, file), 'utf8');
    const ansRead = readZam(ans);
    const oursRead = readZam(ours);
    // The ANS writes DMPERRORCODE; the guide's table says DMP_ERROR_CODE (we write the guide's).
    if (ansRead.error) expect(oursRead.error).toEqual({ ...ansRead.error, system: 'DMP_ERROR_CODE' });
    expect({ ...oursRead, error: undefined }).toEqual({ ...ansRead, error: undefined });
    expect(fields(ours)).toEqual(fields(ans));
  });
});
