/**
 * XSD regular expressions (`regex.ts`, what matches/replace/tokenize use) against xspattern, an independent
 * implementation of the XML Schema regex language (installed with fontoxpath; test-only here): random patterns
 * and strings, the whole string matched (XSD patterns are anchored; XPath's `^(…)$` is the same test).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile as xsdPattern } from 'xspattern';
import { XPathRegexError, xpathMatches } from '../../../src/validate/schematron/regex.js';

// Characters chosen to cross the classes: ASCII, accented and Greek letters, a non-ASCII digit (Nd), a
// combining mark (Mn), currency (Sc) and quote (Pi) symbols, a letter outside the BMP, white space.
const ALPHABET = [
  'a',
  'b',
  'z',
  'A',
  'Z',
  '0',
  '5',
  '_',
  '-',
  '.',
  ':',
  ' ',
  '\t',
  '\n',
  'é',
  'ß',
  'Ω',
  '٣',
  '\u0301',
  '€',
  '«',
  '·',
  '𝔘',
  '!',
  '(',
  '[',
  '\\',
  '^',
  '$',
  '*',
];

const ESCAPES = [
  '\\d',
  '\\D',
  '\\w',
  '\\W',
  '\\s',
  '\\S',
  '\\i',
  '\\I',
  '\\c',
  '\\C',
  '\\n',
  '\\t',
  '\\-',
  '\\.',
  '\\\\',
  '\\(',
  '\\[',
  '\\^',
  '\\*',
];
const CATEGORIES = [
  '\\p{L}',
  '\\p{Lu}',
  '\\p{Ll}',
  '\\p{Nd}',
  '\\p{N}',
  '\\P{L}',
  '\\p{P}',
  '\\p{Sc}',
  '\\p{Mn}',
  '\\p{Z}',
  '\\P{Nd}',
];
const CLASSES = [
  '[abc]',
  '[^abc]',
  '[a-z]',
  '[A-Za-z0-9]',
  '[a-z-[aeiou]]',
  '[\\d\\s]',
  '[^\\w]',
  '[\\p{L}-[a-z]]',
  '[\\w-[\\d_]]',
  '[.:\\-]',
  '[^\\s\\p{P}]',
  '[é-ü]',
  '[\\i-[:]]',
];

const literal = fc.constantFrom(
  'a',
  'b',
  'z',
  'A',
  '0',
  '5',
  '_',
  ':',
  ' ',
  'é',
  'Ω',
  '٣',
  '€',
  '·',
  '-',
  '!',
  '𝔘',
);
const atom = fc.oneof(
  { weight: 4, arbitrary: literal },
  { weight: 1, arbitrary: fc.constant('.') },
  { weight: 3, arbitrary: fc.constantFrom(...ESCAPES) },
  { weight: 2, arbitrary: fc.constantFrom(...CATEGORIES) },
  { weight: 3, arbitrary: fc.constantFrom(...CLASSES) },
);
const quantifier = fc.constantFrom('', '', '', '*', '+', '?', '{2}', '{1,3}', '{0,}', '{0,1}');

const { regex } = fc.letrec((tie) => ({
  piece: fc.oneof(
    { weight: 5, arbitrary: fc.tuple(atom, quantifier).map(([a, q]) => a + q) },
    { weight: 1, arbitrary: fc.tuple(tie('regex'), quantifier).map(([r, q]) => `(${r})${q}`) },
  ),
  branch: fc.array(tie('piece'), { minLength: 0, maxLength: 4 }).map((ps) => ps.join('')),
  regex: fc.array(tie('branch'), { minLength: 1, maxLength: 3 }).map((bs) => bs.join('|')),
}));

const text = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 8 }).map((cs) => cs.join(''));

describe('XSD regex translation against xspattern', () => {
  it('matches the same strings as an independent XSD regex engine', () => {
    fc.assert(
      fc.property(
        regex as fc.Arbitrary<string>,
        fc.array(text, { minLength: 4, maxLength: 8 }),
        (pattern, inputs) => {
          let reference: (s: string) => boolean;
          try {
            reference = xsdPattern(pattern);
          } catch {
            // not an XSD pattern: ours must refuse it too
            expect(() => xpathMatches('', `^(${pattern})$`), pattern).toThrow(XPathRegexError);
            return;
          }
          for (const s of inputs)
            expect(xpathMatches(s, `^(${pattern})$`), `/${pattern}/ on ${JSON.stringify(s)}`).toBe(
              reference(s),
            );
        },
      ),
      { numRuns: 600, seed: 20261206 },
    );
  });

  it('agrees on the patterns of the ANS schematrons', () => {
    const cases: Array<[string, string[]]> = [
      ['[0-2](\\.(0|[1-9]\\d*))*', ['1.2.250.1.213', '1.02', '3.1', '0', '1.2.']],
      [
        '[A-Fa-f\\d]{8}-[A-Fa-f\\d]{4}-[A-Fa-f\\d]{4}-[A-Fa-f\\d]{4}-[A-Fa-f\\d]{12}',
        ['7f0f5c2e-8b1e-4c55-9a6b-2f5b7c1d9e10', 'x'],
      ],
      ['[A-Za-z][A-Za-z\\d\\-]*', ['abc-1', '1abc', 'é']],
      ['-?[^+-]+([+-]\\d{1,4})?', ['20240101+0100', '2024-01', '-5']],
      ['\\d{4}(\\d{2}(\\d{2})?)?', ['2024', '202401', '20240']],
      ['[^\\s]+', ['a b', 'ab', '']],
    ];
    for (const [pattern, inputs] of cases) {
      const reference = xsdPattern(pattern);
      for (const s of inputs)
        expect(xpathMatches(s, `^(${pattern})$`), `/${pattern}/ on ${s}`).toBe(reference(s));
    }
  });
});
