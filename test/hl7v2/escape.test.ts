import { Hl7Message, Hl7Segment } from '@medplum/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EncodingCharacters,
  escapeHl7,
  findSegment,
  HL7_DEFAULT_ENCODING,
  hl7Value,
  parseHl7v2,
  serializeHl7v2,
  unescapeHl7,
} from '../../src/hl7v2/index.js';

const OTHER: EncodingCharacters = {
  field: '#',
  component: '$',
  repetition: '*',
  escape: '!',
  subcomponent: '@',
};
const text = fc.string({ unit: 'binary', maxLength: 60 });
const delimiters = fc.string({
  unit: fc.constantFrom('|', '^', '~', '\\', '&', '\r', '\n', '\u000B', '\u001C', 'a', 'é', ' '),
  maxLength: 40,
});

describe('escaping (HL7 v2.5 §2.7)', () => {
  it('unescape(escape(v)) = v for any value, with the default and other delimiters', () => {
    for (const enc of [HL7_DEFAULT_ENCODING, OTHER]) {
      fc.assert(fc.property(fc.oneof(text, delimiters), (v) => unescapeHl7(escapeHl7(v, enc), enc) === v));
    }
  });

  it('an escaped value holds no delimiter, CR or LF, and the escape character only inside sequences', () => {
    fc.assert(
      fc.property(fc.oneof(text, delimiters), (v) => {
        const e = escapeHl7(v);
        return (
          !/[|^~&\r\n\v]/.test(e) &&
          !e.includes('\u001C') &&
          /^(?:[^\\]|\\(?:[FSTRE]|X0[ABD]|X1C)\\)*$/.test(e)
        );
      }),
    );
  });

  it('a value survives a whole message: serialised in a PID, parsed back from the ER7', () => {
    fc.assert(
      fc.property(fc.oneof(text, delimiters), fc.oneof(text, delimiters), (family, given) => {
        const er7 = serializeHl7v2([
          ['MSH', 'A', 'B', 'C', 'D', '20240101000000', '', ['ORU', 'R01', 'ORU_R01'], '1', 'P', '2.5'],
          ['PID', '', '', ['1', '', '', ['NS', '1.2.3', 'ISO'], 'PI'], '', [family, given]],
        ]);
        const pid = findSegment(parseHl7v2(er7), 'PID');
        return (
          hl7Value(pid, 5, 1) === family &&
          hl7Value(pid, 5, 2) === given &&
          hl7Value(pid, 3, 4, 2) === '1.2.3'
        );
      }),
    );
  });

  it('reads hex escapes as UTF-8, \\.br\\ as a line break, and keeps unknown sequences', () => {
    expect(unescapeHl7('caf\\XC3A9\\ \\.br\\x \\Zfoo\\ \\H\\b\\N\\')).toBe('café \nx \\Zfoo\\ b');
  });

  it('@medplum/core neither escapes nor unescapes: a "|" in a value splits the field, \\F\\ comes back as written', () => {
    // The library defect our codec works around (docs/decisions.md).
    const seg = new Hl7Segment(['PID', '', '', '', '', 'O|BRIEN^ANNE']);
    const reparsed = Hl7Message.parse(`MSH|^~\\&|A\r${seg.toString()}`).getSegment('PID')!;
    expect(reparsed.getField(5)?.getComponent(1)).toBe('O'); // the name was cut
    const raw = Hl7Message.parse('MSH|^~\\&|A\rPID|||||O\\F\\BRIEN^ANNE');
    expect(raw.getSegment('PID')?.getField(5)?.getComponent(1)).toBe('O\\F\\BRIEN');
    // Ours: escaped on the way out, unescaped on the way in.
    const ours = parseHl7v2(
      serializeHl7v2([
        ['MSH', 'A'],
        ['PID', '', '', '', '', ['O|BRIEN', 'ANNE']],
      ]),
    );
    expect(hl7Value(findSegment(ours, 'PID'), 5)).toBe('O|BRIEN');
    expect(hl7Value(findSegment(parseHl7v2('MSH|^~\\&|A\rPID|||||O\\F\\BRIEN^ANNE'), 'PID'), 5)).toBe(
      'O|BRIEN',
    );
  });
});

describe('delimiters and segment separators', () => {
  const body = 'PID|||123^^^NS&1.2.3&ISO^PI||DOE^JOHN~ROE^J^^^^^D||19800101|M';

  it('accepts CR, LF and CRLF between segments, and MLLP framing bytes around the message', () => {
    const base = `MSH|^~\\&|APP|FAC|||20240101||ORU^R01^ORU_R01|1|P|2.5`;
    const variants = ['\r', '\n', '\r\n'].map((sep) => parseHl7v2(`${base}${sep}${body}${sep}`));
    variants.push(parseHl7v2(`\x0b${base}\r${body}\r\x1c\r`));
    for (const m of variants) {
      expect(m.segments.map((s) => s.name)).toEqual(['MSH', 'PID']);
      expect(hl7Value(findSegment(m, 'PID'), 5, 1, 1, 1)).toBe('ROE');
    }
  });

  it('reads a message written with other delimiters in MSH-1/MSH-2', () => {
    const m = parseHl7v2(
      'MSH#$*!@#APP#FAC#####ORU$R01$ORU_R01#1#P#2.5\rPID###123$$$NS@1.2.3@ISO$PI##O!F!NEIL$A!S!B*ROE',
    );
    expect(m.encoding).toEqual(OTHER);
    const pid = findSegment(m, 'PID');
    expect(hl7Value(pid, 3, 4, 2)).toBe('1.2.3');
    expect(hl7Value(pid, 5, 1)).toBe('O#NEIL');
    expect(hl7Value(pid, 5, 2)).toBe('A$B');
    expect(hl7Value(pid, 5, 1, 1, 1)).toBe('ROE');
    expect(hl7Value(m.segments[0], 9, 2)).toBe('R01');
  });

  it('decodes MSH-18 8859/15 messages in that character set', () => {
    const er7 = 'MSH|^~\\&|A|B|||20240101||ORU^R01^ORU_R01|1|P|2.5|||||FRA|8859/15\rPID|||1||GRÉGOIRE^AMÉLIE';
    const bytes = Buffer.from(er7, 'latin1');
    expect(hl7Value(findSegment(parseHl7v2(bytes), 'PID'), 5, 2)).toBe('AMÉLIE');
  });
});
